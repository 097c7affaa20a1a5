package org.sparkmlp.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkmlp.data.Block;
import org.sparkmlp.data.CsvReader;
import org.sparkmlp.data.DataSource;
import org.sparkmlp.data.CachedSets;
import org.sparkmlp.data.BuildOptions;
import org.sparkmlp.data.DatasetBuilder;
import org.sparkmlp.data.LabelColumn;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.BlockedRows;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.Kernel32;
import org.sparkmlp.nn.Kernel64;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.RowSelection;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.testing.SparkTests;
import org.sparkmlp.train.BatchPlan;
import org.sparkmlp.train.StepEngine;
import org.sparkmlp.train.TestEngines;

/**
 * The cost of one training step against its floors, on Fashion-MNIST's training set cached as the trainer
 * caches it (784-100-10 tanh, 2 partitions, local[2]): medians over many steps after a warm-up of the
 * following. The four kinds of job run in turns (eight rounds of an eighth of their steps each), so that the
 * floors and the steps are measured in the same minutes.
 * <ul>
 *   <li>{@code bare_ms}: the cheapest job on the cached partitions (nothing shipped, nothing computed);</li>
 *   <li>{@code ship_ms}: the step's job with its weights shipped and a gradient-sized sum returned by each
 *       partition (in local mode: written into the driver's), but no computation — Spark's real floor for a
 *       step;</li>
 *   <li>{@code kernel64_ms}, {@code kernel512_ms}: the kernel alone on one partition's share of a batch of
 *       128 and 1024 rows (partitions run in parallel, so one share is what a step waits for);</li>
 *   <li>{@code step128_ms}, {@code step1024_ms}: whole steps at batch 128 and 1024.</li>
 * </ul>
 * Usage: {@code StepBench DATA_DIR [float32|float64] [steps]}; prints one JSON object. Every figure is taken with
 * a task per partition, the layout a cluster always runs (in local mode the trainer may choose one task for all
 * partitions instead, which {@code grouping} below measures).
 *
 * <p>The default measurement runs where {@code -Dstepbench.master} says (default local[2]; on a cluster,
 * {@code -Dstepbench.jar} names the application jars for the executors, comma-separated, and {@code -Dstepbench.executorOpts} their
 * JVM options), with the hidden layers of {@code -Dstepbench.hidden} (default 100; e.g. 1024,1024 for the wide
 * network). On a cluster the kernel figures are still the driver's: the same code and BLAS on the same machine.
 *
 * <p>{@code StepBench DATA_DIR PRECISION STEPS grouping B1,B2,… [ROUNDS]} measures whether a task should read
 * several partitions: at each batch size, rounds of STEPS steps with a task per partition, with one task for
 * all, and with the engine choosing; one JSON object per round.
 *
 * <p>{@code StepBench DATA_DIR PRECISION STEPS tasks P1,P2,…} measures a step's cost against its tasks, for a cost
 * model: at each P, a task per partition with every sum on the driver, the bare job, the ship floor and the step.
 *
 * <p>{@code StepBench DATA_DIR PRECISION STEPS aggregation P1,P2,…} instead measures where the sums should
 * be added: for each number of partitions, the median step at batch 1024 with every sum added on the driver
 * and with one level of executors first (depth 2), both on a cluster's backend in local mode; one JSON object
 * per line.
 *
 * <p>{@code StepBench DATA_DIR PRECISION STEPS inplace [ROUNDS]} compares local mode's backend (weights and cached
 * blocks read in place, without their lineage, sums written into the driver's) with a cluster's (weights in the
 * task, the cached RDD's lineage in every task, sums returned), both in local[2]: rounds of STEPS bare jobs and steps at batch 128 with each, alternated in one JVM;
 * one JSON object per round.
 *
 * <p>{@code StepBench DATA_DIR PRECISION STEPS cpu [ROUNDS]} measures where a job's CPU goes: for the bare job,
 * the ship floor and the step at batch 128, rounds of STEPS jobs (the first a warm-up, not printed), each
 * printed as one JSON object with the wall and CPU milliseconds per job, in total and per group of Spark's
 * threads (CPU time of every live thread, from {@code ThreadMXBean}).
 */
public final class StepBench {
    /** The engine with a task per partition. */
    private static final StepEngine.Tuning PER_PARTITION = new StepEngine.Tuning(StepEngine.TREE_THRESHOLD, 0);
    private StepBench() {
    }

    public static void main(String[] args) {
        String data = args.length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist";
        Precision precision = Precision.fromId(args.length > 1 ? args[1] : "float64");
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 400;
        if (args.length > 3 && args[3].equals("cpu")) {
            cpu(data, precision, steps, args.length > 4 ? Integer.parseInt(args[4]) : 4);
            return;
        }
        if (args.length > 4 && args[3].equals("grouping")) {
            grouping(data, precision, steps, args[4], args.length > 5 ? Integer.parseInt(args[5]) : 6);
            return;
        }
        if (args.length > 3 && args[3].equals("inplace")) {
            inPlace(data, precision, steps, args.length > 4 ? Integer.parseInt(args[4]) : 4);
            return;
        }
        if (args.length > 4 && args[3].equals("tasks")) {
            for (String p : args[4].split(",")) {
                tasks(data, precision, steps, Integer.parseInt(p));
            }
            return;
        }
        if (args.length > 4 && args[3].equals("aggregation")) {
            for (String p : args[4].split(",")) {
                aggregation(data, precision, steps, Integer.parseInt(p));
            }
            return;
        }
        int partitions = 2;
        String master = master();
        SparkConf conf = conf("step-bench");
        int[] hidden = hidden();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            CachedSets d = load(sc, data, partitions, precision);
            Architecture arch = network(d, hidden);
            double[] weights = arch.glorotUniform(42);
            StepEngine engine = new StepEngine(sc.sc(), d.train().rdd(), arch, Loss.CROSS_ENTROPY, precision, 42, 2,
                    PER_PARTITION);
            StepEngine floor = TestEngines.shipOnly(d.train().rdd(), arch, Loss.CROSS_ENTROPY, precision, 42, 2,
                    PER_PARTITION);
            BatchPlan plan128 = new BatchPlan(engine.partitionSizes(), 128);
            BatchPlan plan1024 = new BatchPlan(engine.partitionSizes(), 1024);

            Map<String, Object> out = new LinkedHashMap<>();
            out.put("precision", precision.id());
            out.put("master", master);
            out.put("network", arch.toString());
            out.put("partitions", partitions);
            out.put("steps", steps);
            // The jobs in turns, so that the machine's drift and the JIT's progress fall on all of them alike: the
            // step is compared with the floor measured in the same minutes.
            Map<String, Runnable> jobs = new LinkedHashMap<>();
            jobs.put("bare_ms", () -> TestEngines.bareJob(engine));
            jobs.put("ship_ms", () -> floor.gradient(weights, 0, next(plan128).from(), plan128.to()));
            jobs.put("step128_ms", () -> engine.gradient(weights, 0, next(plan128).from(), plan128.to()));
            jobs.put("step1024_ms", () -> engine.gradient(weights, 0, next(plan1024).from(), plan1024.to()));
            Map<String, Double> jobMs = inTurns(jobs, steps, Map.of("step1024_ms", 4));
            BlockedRows rows = Block.view(d.train().collectPartitions(new int[] {0})[0], arch.inputs(), precision);
            out.put("bare_ms", jobMs.get("bare_ms"));
            out.put("ship_ms", jobMs.get("ship_ms"));
            out.put("kernel64_ms", median(steps, () -> kernel(arch, weights, rows, 64, precision)));
            out.put("kernel512_ms", median(steps, () -> kernel(arch, weights, rows, 512, precision)));
            out.put("step128_ms", jobMs.get("step128_ms"));
            out.put("step1024_ms", jobMs.get("step1024_ms"));
            out.put("cached_train_bytes", cachedBytes(sc, d));
            out.put("train_values", d.trainRows() * d.features());
            System.out.println(json(out));
            engine.close();
            floor.close();
            d.release();
        }
    }

    /** -Dstepbench.master, default local[2]. */
    private static String master() {
        return System.getProperty("stepbench.master", "local[2]");
    }

    /** -Dstepbench.hidden: hidden layer sizes, default 100. */
    private static int[] hidden() {
        return Arrays.stream(System.getProperty("stepbench.hidden", "100").split(","))
                .mapToInt(Integer::parseInt).toArray();
    }

    /** The tests' configuration on {@link #master()}, with the jar and executor options a cluster needs. */
    private static SparkConf conf(String app) {
        SparkConf conf = SparkTests.conf(master()).setAppName(app);
        if (System.getProperty("stepbench.jar") != null) {
            conf.set("spark.jars", System.getProperty("stepbench.jar"));
        }
        if (System.getProperty("stepbench.executorOpts") != null) {
            conf.set("spark.executor.extraJavaOptions", System.getProperty("stepbench.executorOpts"));
        }
        return conf;
    }

    /**
     * The terms of a cost model: for each number of partitions P, with a task per partition and every sum added
     * on the driver, the bare job, the ship floor and the step at batch {@code -Dstepbench.batch} (default 1024),
     * in turns; one JSON object per P. Runs on {@link #master()}.
     */
    private static void tasks(String data, Precision precision, int steps, int partitions) {
        int batch = Integer.getInteger("stepbench.batch", 1024);
        try (JavaSparkContext sc = new JavaSparkContext(conf("tasks-bench"))) {
            CachedSets d = load(sc, data, partitions, precision);
            Architecture arch = network(d, hidden());
            double[] weights = arch.glorotUniform(42);
            StepEngine.Tuning perPartition = new StepEngine.Tuning(Integer.MAX_VALUE, 0);
            StepEngine engine = new StepEngine(sc.sc(), d.train().rdd(), arch, Loss.CROSS_ENTROPY, precision, 42, 1,
                    perPartition);
            StepEngine floor = TestEngines.shipOnly(d.train().rdd(), arch, Loss.CROSS_ENTROPY, precision, 42, 1,
                    perPartition);
            BatchPlan plan = new BatchPlan(engine.partitionSizes(), batch);
            Map<String, Runnable> jobs = new LinkedHashMap<>();
            jobs.put("bare_ms", () -> TestEngines.bareJob(engine));
            jobs.put("ship_ms", () -> floor.gradient(weights, 0, next(plan).from(), plan.to()));
            jobs.put("step_ms", () -> engine.gradient(weights, 0, next(plan).from(), plan.to()));
            Map<String, Double> ms = inTurns(jobs, steps, Map.of());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("master", master());
            out.put("network", arch.toString());
            out.put("precision", precision.id());
            out.put("partitions", partitions);
            out.put("batch", batch);
            out.putAll(ms);
            System.out.println(json(out));
            engine.close();
            floor.close();
            d.release();
        }
    }

    private static void aggregation(String data, Precision precision, int steps, int partitions) {
        try (JavaSparkContext sc = new JavaSparkContext(SparkTests.conf("local[2]").setAppName("aggregation-bench"))) {
            CachedSets d = load(sc, data, partitions, precision);
            Architecture arch = network(d);
            double[] weights = arch.glorotUniform(42);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("precision", precision.id());
            out.put("partitions", partitions);
            for (int threshold : new int[] {Integer.MAX_VALUE, 1}) {
                // Sums are added on executors by a cluster's backend only: both engines run on one, in local mode.
                StepEngine engine = TestEngines.cluster(d.train().rdd(), arch, Loss.CROSS_ENTROPY, precision, 42, 2,
                        new StepEngine.Tuning(threshold, 0));
                BatchPlan plan = new BatchPlan(engine.partitionSizes(), 1024);
                out.put(engine.executorLevels() == 0 ? "driver_ms" : "executors_ms",
                        median(steps, () -> engine.gradient(weights, 0, next(plan).from(), plan.to())));
            }
            System.out.println(json(out));
            d.release();
        }
    }

    /**
     * Whether a task should read several partitions: for each batch size, rounds of STEPS steps with a task per
     * partition, with every partition in one task, and with the engine choosing by timing (the default),
     * alternated in one JVM so that the machine's drift falls on all three; per round the median step and the
     * CPU per step of the whole JVM.
     */
    private static void grouping(String data, Precision precision, int steps, String batches, int rounds) {
        try (JavaSparkContext sc = new JavaSparkContext(SparkTests.conf("local[2]").setAppName("grouping-bench"))) {
            CachedSets d = load(sc, data, 2, precision);
            Architecture arch = network(d);
            double[] weights = arch.glorotUniform(42);
            StepEngine perPartition = new StepEngine(sc.sc(), d.train().rdd(), arch, Loss.CROSS_ENTROPY, precision,
                    42, 2, PER_PARTITION);
            StepEngine oneTask = new StepEngine(sc.sc(), d.train().rdd(), arch, Loss.CROSS_ENTROPY, precision, 42,
                    2, new StepEngine.Tuning(StepEngine.TREE_THRESHOLD, 30));
            StepEngine adaptive = new StepEngine(sc.sc(), d.train().rdd(), arch, Loss.CROSS_ENTROPY, precision, 42,
                    2);
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            for (String b : batches.split(",")) {
                int batch = Integer.parseInt(b);
                BatchPlan plan = new BatchPlan(perPartition.partitionSizes(), batch);
                for (int round = 0; round <= rounds; round++) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("precision", precision.id());
                    out.put("batch", batch);
                    out.put("round", round);
                    for (StepEngine engine : new StepEngine[] {perPartition, oneTask, adaptive}) {
                        String name = engine == perPartition ? "per_partition" : engine == oneTask ? "one_task"
                                : "adaptive";
                        long cpu = os.getProcessCpuTime();
                        double ms = median(steps, () -> engine.gradient(weights, 0, next(plan).from(), plan.to()));
                        out.put(name + "_ms", ms);
                        out.put(name + "_cpu_ms", (os.getProcessCpuTime() - cpu) / 1e6 / (steps + Math.max(20,
                                steps / 4)));
                    }
                    if (round > 0) { // round 0 warms all three up
                        System.out.println(json(out));
                    }
                }
            }
            d.release();
        }
    }

    /**
     * Local mode's backend — the weights and the cached blocks read in place, the sums written into the driver's —
     * against a cluster's, built explicitly in the same local context: the weights inside the task, the cached RDD
     * itself, whose lineage rides in every task binary, and sums returned as task results. Rounds of STEPS jobs of
     * each kind with each engine, alternated in one JVM; per round the median milliseconds. Round 0 warms up and
     * is not printed.
     */
    private static void inPlace(String data, Precision precision, int steps, int rounds) {
        try (JavaSparkContext sc = new JavaSparkContext(SparkTests.conf("local[2]").setAppName("in-place-bench"))) {
            CachedSets d = load(sc, data, 2, precision);
            Architecture arch = network(d);
            double[] weights = arch.glorotUniform(42);
            StepEngine local = TestEngines.local(d.train().rdd(), arch, Loss.CROSS_ENTROPY, precision, 42, 2,
                    PER_PARTITION);
            StepEngine lineage = TestEngines.cluster(d.train().rdd(), arch, Loss.CROSS_ENTROPY, precision, 42, 2,
                    PER_PARTITION);
            BatchPlan plan = new BatchPlan(local.partitionSizes(), 128);
            for (int round = 0; round <= rounds; round++) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("precision", precision.id());
                out.put("round", round);
                for (StepEngine engine : new StepEngine[] {local, lineage}) {
                    String name = engine == local ? "in_place" : "lineage";
                    out.put(name + "_bare_ms", median(steps, () -> TestEngines.bareJob(engine)));
                    out.put(name + "_step128_ms",
                            median(steps, () -> engine.gradient(weights, 0, next(plan).from(), plan.to())));
                }
                if (round > 0) {
                    System.out.println(json(out));
                }
            }
            d.release();
        }
    }

    private static void cpu(String data, Precision precision, int jobs, int rounds) {
        try (JavaSparkContext sc = new JavaSparkContext(SparkTests.conf("local[2]").setAppName("step-bench"))) {
            CachedSets d = load(sc, data, Integer.getInteger("bench.partitions", 2), precision);
            Architecture arch = network(d);
            double[] weights = arch.glorotUniform(42);
            StepEngine engine = new StepEngine(sc.sc(), d.train().rdd(), arch, Loss.CROSS_ENTROPY, precision, 42, 2,
                    PER_PARTITION);
            StepEngine floor = TestEngines.shipOnly(d.train().rdd(), arch, Loss.CROSS_ENTROPY, precision, 42, 2,
                    PER_PARTITION);
            BatchPlan plan = new BatchPlan(engine.partitionSizes(), 128);
            Map<String, Runnable> kinds = new LinkedHashMap<>();
            kinds.put("bare", () -> TestEngines.bareJob(engine));
            kinds.put("ship", () -> floor.gradient(weights, 0, next(plan).from(), plan.to()));
            kinds.put("step128", () -> engine.gradient(weights, 0, next(plan).from(), plan.to()));
            for (Map.Entry<String, Runnable> kind : kinds.entrySet()) {
                for (int round = 0; round < rounds; round++) {
                    Map<Long, Long> before = threadCpu(null);
                    long start = System.nanoTime();
                    for (int i = 0; i < jobs; i++) {
                        kind.getValue().run();
                    }
                    double wall = (System.nanoTime() - start) / 1e6 / jobs;
                    Map<Long, String> names = new HashMap<>();
                    Map<Long, Long> after = threadCpu(names);
                    if (round == 0) {
                        continue; // warm-up
                    }
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("job", kind.getKey());
                    out.put("precision", precision.id());
                    out.put("jobs", jobs);
                    out.put("wall_ms", wall);
                    double total = 0;
                    Map<String, Double> groups = new TreeMap<>();
                    for (Map.Entry<Long, Long> t : after.entrySet()) {
                        double ms = (t.getValue() - before.getOrDefault(t.getKey(), 0L)) / 1e6 / jobs;
                        total += ms;
                        groups.merge(group(names.get(t.getKey())), ms, Double::sum);
                    }
                    out.put("cpu_ms", total);
                    groups.forEach((g, ms) -> out.put(g + "_cpu_ms", ms));
                    System.out.println(json(out));
                }
            }
            d.release();
        }
    }

    /**
     * CPU nanoseconds of every live thread by thread id, and their names into {@code names} when given (by id:
     * Spark renames its executor threads from task to task).
     */
    private static Map<Long, Long> threadCpu(Map<Long, String> names) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            long ns = t == null ? -1 : mx.getThreadCpuTime(t.getThreadId());
            if (ns >= 0) {
                cpu.put(t.getThreadId(), ns);
                if (names != null) {
                    names.put(t.getThreadId(), t.getThreadName());
                }
            }
        }
        return cpu;
    }

    /** The group a thread's CPU is reported under. */
    private static String group(String name) {
        if (name.startsWith("Executor task")) {
            return "executor_tasks";
        } else if (name.startsWith("dag-scheduler")) {
            return "dag_scheduler";
        } else if (name.startsWith("task-result-getter")) {
            return "result_getters";
        } else if (name.startsWith("dispatcher-")) {
            return "rpc_dispatchers";
        } else if (name.startsWith("spark-listener-group")) {
            return "listeners";
        } else if (name.equals("main")) {
            return "driver";
        }
        return "other";
    }

    /** The training set cached as the trainer caches it (pixels / 255, 10 % held out for validation). */
    private static CachedSets load(JavaSparkContext sc, String data, int partitions, Precision precision) {
        DataSource source = new DataSource(data, DataSource.Format.AUTO, LabelColumn.LAST, CsvReader.Header.AUTO);
        DataSource.Loaded loaded = source.loadForTraining(sc, partitions, false);
        return DatasetBuilder.build(sc, loaded.data(), null,
                new BuildOptions(partitions, new DatasetBuilder.Split(0.1, 0.0, 42), precision,
                        null, null, Scaling.Kind.PIXEL, "bench", 0));
    }

    /** The benchmark's network: inputs-100-classes, tanh. */
    private static Architecture network(CachedSets d) {
        return network(d, new int[] {100});
    }

    /** inputs-hidden…-classes, tanh. */
    private static Architecture network(CachedSets d, int[] hidden) {
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = d.features();
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = d.classes().size();
        return new Architecture(sizes, Activation.TANH);
    }

    /** The plan at its next step, starting a new epoch when the last one is used up. */
    private static BatchPlan next(BatchPlan plan) {
        if (!plan.hasNextStep()) {
            plan.startEpoch();
        }
        plan.nextStep();
        return plan;
    }

    private static final Map<Precision, Object> KERNELS = new java.util.EnumMap<>(Precision.class);

    /** One partition's share of a step: {@code count} rows gathered in a scattered order, forward and backward. */
    private static void kernel(Architecture arch, double[] weights, BlockedRows rows, int count, Precision precision) {
        int stride = 7919; // prime: a scattered gather, as the step's permutation gives
        RowSelection selection = k -> (int) ((long) k * stride % rows.rows());
        GradientSum sum = GradientSum.empty();
        if (precision == Precision.FLOAT32) {
            Kernel32 k = (Kernel32) KERNELS.computeIfAbsent(precision, p -> new Kernel32(arch, Loss.CROSS_ENTROPY));
            float[] w = (float[]) FLOATS.computeIfAbsent(arch, a -> {
                float[] f = new float[weights.length];
                Kernel32.round(weights, f);
                return f;
            });
            k.accumulate(w, rows, selection, count, sum);
        } else {
            Kernel64 k = (Kernel64) KERNELS.computeIfAbsent(precision, p -> new Kernel64(arch, Loss.CROSS_ENTROPY));
            k.accumulate(weights, rows, selection, count, sum);
        }
    }

    private static final Map<Architecture, Object> FLOATS = new java.util.HashMap<>();

    /** Rounds in which {@link #inTurns} runs every job. */
    private static final int TURNS = 8;

    /**
     * Median milliseconds of each job over {@code n} runs (n / fewer.get(name) for those named there), taken in
     * {@link #TURNS} rounds in which each job runs its share in turn, after n/4 (at least 20) runs of each as a
     * warm-up.
     */
    private static Map<String, Double> inTurns(Map<String, Runnable> jobs, int n, Map<String, Integer> fewer) {
        Map<String, double[]> times = new LinkedHashMap<>();
        for (Map.Entry<String, Runnable> job : jobs.entrySet()) {
            for (int i = 0; i < Math.max(20, n / 4); i++) {
                job.getValue().run();
            }
            int runs = Math.max(TURNS, n / fewer.getOrDefault(job.getKey(), 1) / TURNS * TURNS);
            times.put(job.getKey(), new double[runs]);
        }
        for (int turn = 0; turn < TURNS; turn++) {
            for (Map.Entry<String, Runnable> job : jobs.entrySet()) {
                double[] ms = times.get(job.getKey());
                int share = ms.length / TURNS;
                for (int i = 0; i < share; i++) {
                    long t = System.nanoTime();
                    job.getValue().run();
                    ms[turn * share + i] = (System.nanoTime() - t) / 1e6;
                }
            }
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        times.forEach((name, ms) -> {
            Arrays.sort(ms);
            medians.put(name, ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2);
        });
        return medians;
    }

    /** Median milliseconds of {@code n} runs after n/4 (at least 20) runs of warm-up. */
    private static double median(int n, Runnable run) {
        for (int i = 0; i < Math.max(20, n / 4); i++) {
            run.run();
        }
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            run.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return n % 2 == 1 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
    }

    private static long cachedBytes(JavaSparkContext sc, CachedSets d) {
        long bytes = 0;
        for (org.apache.spark.storage.RDDInfo info : sc.sc().getRDDStorageInfo()) {
            if (info.id() == d.train().id()) {
                bytes += info.memSize() + info.diskSize();
            }
        }
        return bytes;
    }

    private static String json(Map<String, Object> m) {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (b.length() > 1) {
                b.append(", ");
            }
            Object v = e.getValue();
            String value = v instanceof Double x ? String.format(Locale.ROOT, "%.4f", x)
                    : v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
            b.append('"').append(e.getKey()).append("\": ").append(value);
        }
        return b.append('}').toString();
    }
}
