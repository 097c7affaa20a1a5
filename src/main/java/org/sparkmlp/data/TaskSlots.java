package org.sparkmlp.data;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;

/**
 * How many tasks the application can run at once: the step's tasks are sized to it ({@link PartitionGroups}).
 *
 * <p>Local mode: the N of {@code local[N]} ({@code local[*]}: the JVM's processors). Elsewhere (a cluster, or
 * {@code local-cluster}), Spark's default parallelism, which is the executors' total cores unless
 * {@code spark.default.parallelism} is set; when it is set (often to 200, for shuffles) it says nothing of the
 * cores, and the executors registered now times {@code spark.executor.cores} (1 when unset) are counted instead.
 * Either way divided by {@code spark.task.cpus}: a task that takes several cores runs a multi-threaded kernel.
 */
public final class TaskSlots {
    private TaskSlots() {
    }

    /** At least 1. */
    public static int of(SparkContext sc) {
        SparkConf conf = sc.getConf();
        int taskCpus = Math.max(1, conf.getInt("spark.task.cpus", 1));
        int cores = sc.isLocal() ? localCores(sc.master()) : clusterCores(sc, conf);
        return Math.max(1, cores / taskCpus);
    }

    private static int clusterCores(SparkContext sc, SparkConf conf) {
        if (!conf.contains("spark.default.parallelism")) {
            return sc.defaultParallelism();
        }
        // getExecutorInfos lists the driver too.
        int executors = Math.max(1, sc.statusTracker().getExecutorInfos().length - 1);
        return executors * Math.max(1, conf.getInt("spark.executor.cores", 1));
    }

    /** The cores of a local master URL. */
    static int localCores(String master) {
        String m = master.trim();
        if (m.startsWith("local[")) {
            String n = m.substring("local[".length(), m.length() - 1).split(",")[0].trim();
            return n.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(n);
        }
        return 1;
    }
}
