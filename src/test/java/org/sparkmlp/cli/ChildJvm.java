package org.sparkmlp.cli;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/** A command line that runs spark-mlp in a new JVM like this one: its java, Spark's JVM options and its classpath. */
final class ChildJvm {
    private ChildJvm() {
    }

    /** {@code java [this JVM's --add-opens and heap options] -cp [this classpath] org.sparkmlp.cli.Main args}. */
    static List<String> command(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (option.startsWith("--add-") || option.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
                    || option.startsWith("-Dio.netty") || option.startsWith("-Xmx")) {
                command.add(option);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(args);
        return command;
    }
}
