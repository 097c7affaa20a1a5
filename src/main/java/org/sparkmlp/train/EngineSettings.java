package org.sparkmlp.train;

import org.apache.spark.SparkConf;

/**
 * The Spark settings the step engine is built for, in one place for every context that runs it: the command
 * line's, the tests' and the benchmark's. Kryo with required registration is set outright, because the engine's
 * classes are registered and a forgotten one should fail, not fall back to Java serialisation; the rest only fill
 * gaps, so a user's {@code --conf} or {@code spark-defaults.conf} wins.
 */
public final class EngineSettings {
    private EngineSettings() {
    }

    /** Adds the engine's settings to {@code conf} and returns it. */
    public static SparkConf applyTo(SparkConf conf) {
        return conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", KryoRegistration.class.getName())
                .set("spark.kryo.registrationRequired", "true")
                // Kryo's streams on Unsafe copy a primitive array in bulk; its plain ones convert a step's partial
                // sum one number at a time. Spark 4 defaults to them; Spark 3.5 does not (batch-128 step there:
                // 11.1-11.4 ms against 14.8-15.2 ms, BENCHMARKS.md).
                .setIfMissing("spark.kryo.unsafe", "true")
                // Every job broadcasts its task binary, which carries the step's weights (ShippedWeights). Spark
                // would compress them with LZ4 on the scheduler's thread, for floats that hardly compress, and
                // blockify them into a fresh 4 MiB buffer: 1 MiB holds any task that ships its weights inline
                // (up to 768 KiB). The scheduler thread's CPU per step fell from 1.8-2.5 to 1.4-1.7 ms, medians 1.96
                // and 1.56 (BENCHMARKS.md).
                .setIfMissing("spark.broadcast.compress", "false")
                .setIfMissing("spark.broadcast.blockSize", "1m")
                // Spark runs one task per core already: a multithreaded BLAS on top only oversubscribes.
                .setIfMissing("spark.executorEnv.OPENBLAS_NUM_THREADS", "1")
                // A cached element is a block of up to 32 MiB: Spark's default (check the unroll memory every 16
                // elements) would let each task hold 512 MiB it has not accounted for before spilling to disk.
                .setIfMissing("spark.storage.unrollMemoryCheckPeriod", "1")
                // A step's partial sum is 8 bytes a parameter: above Spark's 1 MiB default (131,072 parameters)
                // every sum would detour through the block manager and a fetch, even in local mode.
                .setIfMissing("spark.task.maxDirectResultSize", "64m");
    }
}
