package org.sparkmlp.api;

import org.apache.spark.SparkConf;
import org.sparkmlp.train.EngineSettings;
import org.sparkmlp.train.KryoRegistration;

/**
 * The Spark settings the trainer is built for: Kryo with the trainer's classes registered, uncompressed
 * broadcasts of the weights, a single-threaded BLAS per task, and sums returned directly rather than through the
 * block manager. Training works without them, but slower; a program that builds its own session adds them
 * before the context starts.
 *
 * <p>They are added beside the program's own: a setting already in {@code conf} wins; a Kryo registrator of the
 * program's is kept, the trainer's added after it; and Kryo's registration stays optional unless the program
 * requires it (the command line requires it, so a class of the trainer's left unregistered fails its tests).
 *
 * <pre>{@code
 * SparkSession spark = SparkSession.builder().config(SparkSettings.applyTo(new SparkConf())).getOrCreate();
 * }</pre>
 */
public final class SparkSettings {
    private SparkSettings() {
    }

    /** Adds the trainer's settings to {@code conf}, beside what it holds, and returns it. */
    public static SparkConf applyTo(SparkConf conf) {
        String serializer = conf.get("spark.serializer", null);
        String registrators = conf.get("spark.kryo.registrator", "");
        String required = conf.get("spark.kryo.registrationRequired", "false");
        EngineSettings.applyTo(conf);
        String ours = KryoRegistration.class.getName();
        if (!registrators.isBlank() && !registrators.contains(ours)) {
            conf.set("spark.kryo.registrator", registrators + "," + ours);
        }
        conf.set("spark.kryo.registrationRequired", required);
        if (serializer != null) {
            conf.set("spark.serializer", serializer);
        }
        return conf;
    }
}
