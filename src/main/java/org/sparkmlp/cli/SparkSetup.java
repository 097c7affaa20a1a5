package org.sparkmlp.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkmlp.api.SparkSettings;

/** Starts Spark the way spark-mlp needs it ({@link BlasReport} tells which BLAS the driver and executors got). */
final class SparkSetup {
    private SparkSetup() {
    }

    /**
     * A context for {@code command}. The master is {@code master} when given on the command line or when
     * spark-submit set none. Settings given by spark-submit or {@code --conf} win; ours only fill gaps,
     * except Kryo with required registration, which the job depends on. {@code verbose} shows Spark's INFO logs
     * and console progress bar, which are hidden by default.
     */
    static JavaSparkContext start(String command, String master, boolean masterGiven, boolean verbose) {
        if (verbose) {
            Configurator.setRootLevel(Level.INFO);
            Configurator.setLevel("org.sparkmlp", Level.INFO);
        }
        SparkConf conf = new SparkConf().setAppName("spark-mlp " + command);
        if (verbose) {
            conf.set("spark.ui.showConsoleProgress", "true");
        }
        if (masterGiven || !conf.contains("spark.master")) {
            conf.setMaster(master == null ? "local[*]" : master);
        }
        SparkSettings.applyTo(conf).setIfMissing("spark.ui.showConsoleProgress", "false");
        String secret = System.getenv("_SPARK_AUTH_SECRET");
        if (secret != null && conf.getBoolean("spark.authenticate", false) && !conf.contains("spark.authenticate.secret")) {
            // A standalone worker hands a driver it launches (cluster deploy mode) the cluster's secret in this
            // variable, but Spark's driver looks only in spark.authenticate.secret (SPARK-25078).
            conf.set("spark.authenticate.secret", secret);
        }
        if (conf.get("spark.master", "").startsWith("local")) {
            // In local mode the executor is this JVM: on an OutOfMemoryError in a task Spark would call
            // System.exit(52) from the task thread, racing our one-line report and exit code. Depth 0 makes it
            // an ordinary task failure, which ends the job and reaches Main (a cluster executor still exits).
            conf.setIfMissing("spark.executor.killOnFatalError.depth", "0");
        }
        return new JavaSparkContext(conf);
    }
}
