package org.sparkmlp.train;

import org.apache.spark.SparkContext;
import org.apache.spark.rdd.RDD;
import org.sparkmlp.data.Block;
import org.sparkmlp.nn.Precision;

/**
 * What local mode and a cluster do differently in a step's job: where its tasks find the weights and the cached
 * blocks, how many partitions a task may read, and how the partial sums reach the driver. Everything else — the
 * batch plan, each partition's share summed alone ({@link GradientTask}), the fixed tree the sums are combined
 * along ({@link PartitionSums}), the timing of layouts — is the {@link StepEngine}'s, and the same for both, so
 * both give the same bits.
 *
 * <ul>
 *   <li>{@link LocalBackend}: the executor is the driver's JVM. Tasks read the driver's weights and its cached
 *   RDD in place ({@link InProcess}) and write their sums into the driver's own arrays; a task may read every
 *   partition, and the engine times that against a task per slot.</li>
 *   <li>{@link ClusterBackend}: the weights ride inside the task or in a broadcast, the tasks read the cached RDD
 *   with its lineage and return their sums as results, which levels of executors may add first.</li>
 * </ul>
 *
 * <p>An engine gets its backend once, when it is built: the kind the master calls for ({@link Kind#forMaster}),
 * or one a test or benchmark names, in local mode too. It owns the backend and closes it, which lets go of what
 * the backend registered. Driver-side and not thread-safe, like the engine.
 */
sealed interface StepBackend extends AutoCloseable permits LocalBackend, ClusterBackend {

    /** Which backend an engine runs its steps on. */
    enum Kind {
        /** Local mode's: tasks on the driver's threads, reading and writing its arrays in place. */
        LOCAL,
        /** A cluster's (local-cluster's too): what is shipped travels, sums come back as task results. */
        CLUSTER;

        /** The kind {@code sc}'s master calls for: {@link #LOCAL} for {@code local} and {@code local[…]}. */
        static Kind forMaster(SparkContext sc) {
            return sc.isLocal() ? LOCAL : CLUSTER;
        }

        /** A backend of this kind for the engine that steps over {@code cached}. */
        StepBackend open(RDD<Block> cached, int aggregationDepth, StepEngine.Tuning tuning) {
            return switch (this) {
                case LOCAL -> new LocalBackend(cached, tuning);
                case CLUSTER -> new ClusterBackend(cached, aggregationDepth, tuning);
            };
        }
    }

    /** The blocks the step's tasks read: the engine runs all its jobs over the training set on these. */
    RDD<Block> blocks();

    /**
     * Ships a job's weights in {@code precision}; in float32 rounded into {@code floats} when it is not null. The
     * caller must not change {@code parameters} or {@code floats} until the job is over, and releases the result
     * then.
     */
    ShippedWeights ship(double[] parameters, Precision precision, float[] floats);

    /**
     * log₂ of the partitions each step task reads, fixed for the backend's life, or {@link StepEngine#ADAPTIVE}:
     * the engine then times a task per slot against one task for all ({@link LayoutChooser}).
     */
    int layout();

    /** Levels of executors that add partial sums before the driver (0: the driver adds them all). */
    int executorLevels();

    /** Whether the step's tasks write their sums into the driver's own arrays instead of returning them. */
    boolean inPlace();

    /**
     * Runs one step's job: tasks of 2^{@code shift} partitions each ({@link #layout}, or the engine's choice when
     * it is adaptive) compute {@code task}'s shares, and every partition's sum enters {@code sums}. Returns the
     * number of tasks that read the training blocks.
     */
    int run(GradientTask task, int shift, StepSums sums);

    /** Lets go of what the backend registered; it must not be used afterwards. Safe to call more than once. */
    @Override
    void close();
}
