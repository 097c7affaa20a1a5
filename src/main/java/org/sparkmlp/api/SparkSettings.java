package org.sparkmlp.api;

import org.apache.spark.SparkConf;
import org.sparkmlp.train.EngineSettings;

/**
 * The Spark settings the trainer is built for: Kryo with the trainer's classes registered, uncompressed
 * broadcasts of the weights, a single-threaded BLAS per task, and sums returned directly rather than through the
 * block manager. Training works without them, but slower; a program that builds its own session adds them
 * before the context starts. Settings already in {@code conf} win, except Kryo's, which the trainer needs.
 *
 * <pre>{@code
 * SparkSession spark = SparkSession.builder().config(SparkSettings.applyTo(new SparkConf())).getOrCreate();
 * }</pre>
 */
public final class SparkSettings {
    private SparkSettings() {
    }

    /** Adds the trainer's settings to {@code conf} and returns it. */
    public static SparkConf applyTo(SparkConf conf) {
        return EngineSettings.applyTo(conf);
    }
}
