package org.sparkmlp.cli;

import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Options every command has: where Spark runs, and which defaults file applies. */
final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL", description = "Spark master when not run by spark-submit,"
            + " e.g. local[*], local[2], spark://host:7077. Default: ${DEFAULT-VALUE}.")
    String master;

    @Option(names = "--verbose", description = "Show Spark's INFO logs and its console progress bar (hidden by"
            + " default: conf/log4j2.properties).")
    boolean verbose;

    /** Read before the command line is parsed (it supplies the defaults); declared here for help and completion. */
    @Option(names = "--defaults", paramLabel = "FILE", description = "The defaults file."
            + " Default: $SPARK_MLP_DEFAULTS, else the copy in the jar.")
    String defaults;

    /** Spark for {@code command}, as these options say. */
    JavaSparkContext start(String command, CommandSpec spec) {
        return SparkSetup.start(command, master, Commands.isExplicit(spec, "master"), verbose);
    }
}
