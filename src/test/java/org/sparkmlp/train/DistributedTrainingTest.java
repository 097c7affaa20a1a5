package org.sparkmlp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.RDDBlockId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkmlp.data.Block;
import org.sparkmlp.data.CsvReader;
import org.sparkmlp.data.DataSource;
import org.sparkmlp.data.CachedSets;
import org.sparkmlp.data.PartitionGroups;
import org.sparkmlp.data.BuildOptions;
import org.sparkmlp.data.DatasetBuilder;
import org.sparkmlp.data.LabelColumn;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.Kernel64;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.RowSelection;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.testing.SparkTests;

/** The training step on Spark: partitioned gradients, the SGD update, learning and reproducibility. */
class DistributedTrainingTest {
    private static JavaSparkContext sc;
    @TempDir
    static Path dir;

    /** Tasks finished since the context started (read after the listener bus is drained). */
    private static final AtomicInteger TASKS = new AtomicInteger();

    @BeforeAll
    static void start() {
        // A task that leaves a cached block locked fails the test (a group task must not open idle members).
        sc = new JavaSparkContext(SparkTests.conf("local[2]").set("spark.storage.exceptionOnPinLeak", "true"));
        sc.sc().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
                TASKS.incrementAndGet();
            }
        });
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    /** Blob data: 3 classes around different centres, 5 features. */
    private static Path blobs(int rows) throws IOException {
        Path file = dir.resolve("blobs-" + rows + ".csv");
        if (!Files.exists(file)) {
            SplittableRandom r = new SplittableRandom(5);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < rows; i++) {
                int c = i % 3;
                for (int f = 0; f < 5; f++) {
                    b.append(c * (f % 2 == 0 ? 1.0 : -0.5) + r.nextDouble(-1, 1)).append(',');
                }
                b.append(c).append('\n');
            }
            Files.writeString(file, b.toString());
        }
        return file;
    }

    private static CachedSets dataset(Path csv, int partitions, double validation, double test, long seed) {
        return dataset(csv, partitions, validation, test, seed, Precision.FLOAT64);
    }

    private static CachedSets dataset(Path csv, int partitions, double validation, double test, long seed,
                                   Precision precision) {
        DataSource source = new DataSource(csv.toString(), DataSource.Format.CSV, LabelColumn.LAST, CsvReader.Header.AUTO);
        DataSource.Loaded loaded = source.loadForTraining(sc, partitions, false);
        return DatasetBuilder.build(sc, loaded.data(), null,
                new BuildOptions(partitions, new DatasetBuilder.Split(validation, test, seed), precision,
                        null, null, Scaling.Kind.STANDARD, "test data", 0));
    }

    /** All training rows as one block, in partition order. */
    private static Block oneBlock(CachedSets d) {
        return concatenate(d.train().collect());
    }

    /** Rows of each training partition (the sum over its blocks). */
    private static long[] partitionSizes(CachedSets d) {
        return d.train().glom().map(blocks -> blocks.stream().mapToLong(Block::rows).sum()).collect().stream()
                .mapToLong(Long::longValue).toArray();
    }

    /** Each training partition's blocks, in order (blocks carry their partition's index). */
    private static List<List<Block>> partitions(CachedSets d) {
        List<List<Block>> parts = new ArrayList<>();
        for (int p = 0; p < d.train().getNumPartitions(); p++) {
            parts.add(new ArrayList<>());
        }
        for (Block b : d.train().collect()) {
            parts.get(b.index()).add(b);
        }
        return parts;
    }

    /** Blocks' rows, in order, as one block. */
    private static Block concatenate(List<Block> blocks) {
        int n = blocks.isEmpty() ? 0 : blocks.get(0).features();
        int rows = blocks.stream().mapToInt(Block::rows).sum();
        double[] x = new double[rows * n];
        int[] y = new int[rows];
        int at = 0;
        for (Block b : blocks) {
            System.arraycopy(b.x(), 0, x, at * n, b.rows() * n);
            System.arraycopy(b.y(), 0, y, at, b.rows());
            at += b.rows();
        }
        return new Block(0, n, rows, x, y);
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 2, 3, 7})
    void partitionedFullBatchGradientEqualsSingleBlockGradient(int partitions) throws IOException {
        CachedSets d = dataset(blobs(301), partitions, 0.0, 0.0, 1);
        assertEquals(partitions, d.train().getNumPartitions());
        assertEquals(301, d.trainRows());
        assertFullBatchStepEqualsOneBlock(d, new Architecture(new int[] {5, 6, 4, 3}, Activation.TANH));
        d.release();
    }

    @Test
    void weightsTooLargeToRideInTheTaskAreBroadcastWithTheSameResult() throws IOException {
        CachedSets d = dataset(blobs(60), 2, 0.0, 0.0, 1);
        Architecture arch = new Architecture(new int[] {5, 12000, 3}, Activation.TANH);
        assertFalse(ShippedWeights.ridesInTask(arch.parameterCount(), Precision.FLOAT64));
        GradientSum expected = assertFullBatchStepEqualsOneBlock(d, arch);
        Evaluation scored = engine(d.train().rdd(), arch, Loss.CROSS_ENTROPY, 9, StepEngine.TREE_THRESHOLD)
                .evaluate(d.train().rdd(), arch.glorotUniform(3), Precision.FLOAT64);
        assertEquals(expected.loss() / expected.rows(), scored.loss(), 1e-12 * Math.abs(scored.loss()));
        d.release();
    }

    /**
     * One full-batch step of the engine under Glorot weights (seed 3) against the kernel on all training rows
     * as one block; returns the kernel's sum.
     */
    private static GradientSum assertFullBatchStepEqualsOneBlock(CachedSets d, Architecture arch) {
        double[] params = arch.glorotUniform(3);
        Block all = oneBlock(d);
        GradientSum expected = GradientSum.empty();
        new Kernel64(arch, Loss.CROSS_ENTROPY).accumulate(params, all.x(), all.y(), RowSelection.contiguous(0),
                all.rows(), expected);

        StepEngine engine = engine(d.train().rdd(), arch, Loss.CROSS_ENTROPY, 9, StepEngine.TREE_THRESHOLD);
        BatchPlan plan = new BatchPlan(engine.partitionSizes(), Long.MAX_VALUE);
        plan.nextStep();
        GradientSum got = engine.gradient(params, 0, plan.from(), plan.to());
        assertEquals(all.rows(), got.rows());
        assertEquals(expected.correct(), got.correct());
        assertEquals(expected.loss(), got.loss(), 1e-12 * Math.abs(expected.loss()));
        assertRelativelyClose(expected.gradient(), got.gradient(), 1e-12);
        return expected;
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {2, 3, 7})
    void miniBatchGradientEqualsTheGradientOfTheRowsThePlanNames(int partitions) throws IOException {
        CachedSets d = dataset(blobs(301), partitions, 0.0, 0.0, 1);
        Architecture arch = new Architecture(new int[] {5, 4, 3}, Activation.RELU);
        double[] params = arch.glorotUniform(4);
        long[] sizes = partitionSizes(d);
        BatchPlan plan = new BatchPlan(sizes, 40);
        plan.nextStep();
        plan.nextStep(); // the second step of the epoch
        // The rows of the step, gathered by hand from each partition's permutation.
        GradientSum expected = GradientSum.empty();
        Kernel64 kernel = new Kernel64(arch, Loss.MSE);
        List<List<Block>> parts = partitions(d);
        for (int p = 0; p < parts.size(); p++) {
            Block b = concatenate(parts.get(p));
            RowPermutation perm = new RowPermutation(b.rows(), 11, 2, p);
            int from = plan.from()[p];
            kernel.accumulate(params, b.x(), b.y(), k -> perm.apply(from + k), plan.to()[p] - from, expected);
        }
        GradientSum got = engine(d.train().rdd(), arch, Loss.MSE, 11, StepEngine.TREE_THRESHOLD).gradient(params, 2,
                plan.from(), plan.to());
        assertEquals(40, got.rows());
        assertRelativelyClose(expected.gradient(), got.gradient(), 1e-12);
        d.release();
    }

    private static StepEngine engine(RDD<Block> blocks, Architecture arch, Loss loss, long seed, int treeThreshold) {
        return engine(blocks, arch, loss, seed, treeThreshold, StepEngine.ADAPTIVE);
    }

    private static StepEngine engine(RDD<Block> blocks, Architecture arch, Loss loss, long seed, int treeThreshold,
                                     int layout) {
        return new StepEngine(sc.sc(), blocks, arch, loss, Precision.FLOAT64, seed, 2,
                new StepEngine.Tuning(treeThreshold, layout));
    }

    /**
     * In local mode a task may read a group of partitions; each partition's share is still summed alone and
     * combined in the tree's order, so a task per partition, one task for all, groups of two and the adaptive
     * engine (which switches between layouts as it times them) give the same bits, in both precisions, with
     * idle partitions (batch 3 over 5 or 8), with a last group shorter than the others (3 and 5 partitions), and
     * with float32 shares of more than one chunk, which are summed in double (the full batch: 262 rows or more).
     * Several steps in a row: each thread reuses its sums from task to task.
     */
    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {2, 3, 5, 8})
    void groupingPartitionsIntoFewerTasksKeepsTheBits(int partitions) throws Exception {
        CachedSets d = dataset(blobs(2101), partitions, 0.0, 0.0, 1);
        Architecture arch = new Architecture(new int[] {5, 6, 3}, Activation.TANH);
        double[] params = arch.glorotUniform(6);
        for (Precision precision : Precision.values()) {
            CachedSets cached = precision == Precision.FLOAT64 ? d : dataset(blobs(2101), partitions, 0.0, 0.0, 1,
                    precision);
            RDD<Block> blocks = cached.train().rdd();
            StepEngine perPartition = new StepEngine(sc.sc(), blocks, arch, Loss.CROSS_ENTROPY, precision, 13, 1,
                    new StepEngine.Tuning(StepEngine.TREE_THRESHOLD, 0));
            StepEngine oneTask = new StepEngine(sc.sc(), blocks, arch, Loss.CROSS_ENTROPY, precision, 13, 1,
                    new StepEngine.Tuning(StepEngine.TREE_THRESHOLD, 30));
            StepEngine pairs = new StepEngine(sc.sc(), blocks, arch, Loss.CROSS_ENTROPY, precision, 13, 1,
                    new StepEngine.Tuning(StepEngine.TREE_THRESHOLD, 1));
            StepEngine adaptive = new StepEngine(sc.sc(), blocks, arch, Loss.CROSS_ENTROPY, precision, 13, 1,
                    new StepEngine.Tuning(StepEngine.TREE_THRESHOLD, StepEngine.ADAPTIVE, 0));
            int all = 32 - Integer.numberOfLeadingZeros(partitions - 1);
            int adaptiveGrouped = 0;
            int adaptivePerPartition = 0;
            for (long batch : new long[] {3, 50, 2101}) {
                BatchPlan plan = new BatchPlan(perPartition.partitionSizes(), batch);
                // Enough steps for the adaptive engine to time both layouts and run its choice.
                for (int step = 0; step < 2 * LayoutChooser.TRIAL + 3; step++) {
                    if (!plan.hasNextStep()) {
                        plan.startEpoch();
                    }
                    plan.nextStep();
                    assertEquals(0, perPartition.shift(plan.from(), plan.to()));
                    assertEquals(all, oneTask.shift(plan.from(), plan.to()));
                    GradientSum a = perPartition.gradient(params, 2, plan.from(), plan.to());
                    sc.sc().listenerBus().waitUntilEmpty();
                    int tasksBefore = TASKS.get();
                    GradientSum b = oneTask.gradient(params, 2, plan.from(), plan.to());
                    sc.sc().listenerBus().waitUntilEmpty();
                    assertEquals(1, TASKS.get() - tasksBefore, "one task for the whole step");
                    GradientSum c = pairs.gradient(params, 2, plan.from(), plan.to());
                    sc.sc().listenerBus().waitUntilEmpty();
                    long allBefore = adaptive.stepsByPartitionsPerTask().getOrDefault(1 << all, 0L);
                    GradientSum e = adaptive.gradient(params, 2, plan.from(), plan.to());
                    if (adaptive.stepsByPartitionsPerTask().getOrDefault(1 << all, 0L) > allBefore) {
                        adaptiveGrouped++;
                    } else {
                        adaptivePerPartition++;
                    }
                    String what = precision + ", batch " + batch + ", step " + step;
                    for (GradientSum other : List.of(b, c, e)) {
                        assertSameBits(a, other, what);
                    }
                }
            }
            assertTrue(adaptiveGrouped > 0 && adaptivePerPartition > 0, "the adaptive engine ran both layouts: "
                    + adaptiveGrouped + " steps in one task, " + adaptivePerPartition + " a task per slot");
            // What summary.json reports: steps by partitions per task.
            long steps = 3L * (2 * LayoutChooser.TRIAL + 3);
            assertEquals(Map.of(1, steps), perPartition.stepsByPartitionsPerTask());
            assertEquals(Map.of(1 << all, steps), oneTask.stepsByPartitionsPerTask());
            assertEquals(Map.of(2, steps), pairs.stepsByPartitionsPerTask());
            // local[2]: the adaptive engine's other layout is a task per slot, over runs of partitions.
            assertEquals(Map.of(1 << PartitionGroups.shiftFor(partitions, 2), steps - adaptiveGrouped, 1 << all,
                    (long) adaptiveGrouped), adaptive.stepsByPartitionsPerTask());
            if (cached != d) {
                cached.release();
            }
        }
        d.release();
    }

    /**
     * Executor levels (a cluster's backend, run here in local mode) over tasks of one partition (layout 0) and of
     * aligned pairs (layout 1), and tasks that each read a run of partitions with the sums all on the driver (the
     * default above the threshold: no more tasks than slots), all give the bits of a task per partition summed on
     * the driver.
     */
    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {3, 7, 16})
    void sumsAddedOnExecutorsAreBitIdenticalToSumsAddedOnTheDriver(int partitions) throws IOException {
        CachedSets d = dataset(blobs(301), partitions, 0.0, 0.0, 1);
        Architecture arch = new Architecture(new int[] {5, 6, 3}, Activation.TANH);
        double[] params = arch.glorotUniform(5);
        StepEngine direct = engine(d.train().rdd(), arch, Loss.CROSS_ENTROPY, 13, Integer.MAX_VALUE, 0);
        StepEngine tree = TestEngines.cluster(d.train().rdd(), arch, Loss.CROSS_ENTROPY, Precision.FLOAT64, 13, 2,
                new StepEngine.Tuning(1, 0));
        StepEngine pairsTree = TestEngines.cluster(d.train().rdd(), arch, Loss.CROSS_ENTROPY, Precision.FLOAT64, 13,
                2, new StepEngine.Tuning(1, 1));
        StepEngine slots = engine(d.train().rdd(), arch, Loss.CROSS_ENTROPY, 13, 2);
        assertEquals(0, direct.executorLevels());
        assertEquals(1, tree.executorLevels(), "depth 2 over " + partitions + " partitions: one executor level");
        assertEquals(partitions > 4 ? 1 : 0, pairsTree.executorLevels(),
                "depth 2 over " + (partitions + 1) / 2 + " tasks: one level, unless it would hold one group");
        assertEquals(0, slots.executorLevels(), "two task slots: two tasks, summed on the driver");
        BatchPlan plan = new BatchPlan(direct.partitionSizes(), 50);
        for (int step = 0; step < 3; step++) {
            plan.nextStep();
            GradientSum a = direct.gradient(params, 4, plan.from(), plan.to());
            for (StepEngine other : List.of(tree, pairsTree, slots)) {
                assertSameBits(a, other.gradient(params, 4, plan.from(), plan.to()), "step " + step);
            }
        }
        assertEquals(Map.of(1 << PartitionGroups.shiftFor(partitions, 2), 3L), slots.stepsByPartitionsPerTask(),
                "local[2]: at most two tasks a step");
        for (StepEngine engine : List.of(direct, tree, pairsTree, slots)) {
            engine.close();
        }
        d.release();
    }

    /**
     * A cached training block that is lost (evicted, or its executor gone) is recomputed from the packing
     * shuffle by the task that reads it, with the same bits: a task per partition, and one task for a group.
     */
    @ParameterizedTest(name = "layout shift {0}")
    @ValueSource(ints = {0, 30})
    void aLostBlockIsRecomputedWithTheSameBits(int layout) throws IOException {
        int partitions = 3;
        CachedSets d = dataset(blobs(301), partitions, 0.0, 0.0, 1);
        Architecture arch = new Architecture(new int[] {5, 6, 3}, Activation.TANH);
        double[] params = arch.glorotUniform(8);
        RDD<Block> blocks = d.train().rdd();
        StepEngine engine = new StepEngine(sc.sc(), blocks, arch, Loss.CROSS_ENTROPY, Precision.FLOAT64, 13, 1,
                new StepEngine.Tuning(StepEngine.TREE_THRESHOLD, layout));
        BatchPlan plan = new BatchPlan(engine.partitionSizes(), 50);
        plan.nextStep();
        // A copy: in local mode the engine's next step writes into the sums it returned.
        GradientSum before = GradientSum.empty().merge(engine.gradient(params, 1, plan.from(), plan.to()));
        BlockManager manager = sc.sc().env().blockManager();
        for (int p = 0; p < partitions; p++) {
            manager.removeBlock(RDDBlockId.apply(blocks.id(), p), true);
        }
        assertEquals(0, cachedPartitions(blocks), "every block removed");
        GradientSum after = engine.gradient(params, 1, plan.from(), plan.to());
        assertSameBits(before, after, "after the recomputation");
        assertEquals(partitions, cachedPartitions(blocks), "the recomputed blocks are cached again");
        d.release();
    }

    /**
     * Local mode's backend reads the driver's weights and cached blocks in place and writes the sums into the
     * driver's; a cluster's backend, built explicitly in the same local context — weights inside the task, the
     * cached RDD's lineage in every task binary, sums returned — gives the same bits, in both precisions and both
     * layouts, for steps and for evaluation.
     */
    @ParameterizedTest(name = "layout shift {0}")
    @ValueSource(ints = {0, 30})
    void localModesInPlacePathsGiveTheBitsOfAClustersPaths(int layout) throws IOException {
        CachedSets d = dataset(blobs(301), 3, 0.2, 0.0, 1);
        Architecture arch = new Architecture(new int[] {5, 6, 3}, Activation.TANH);
        double[] params = arch.glorotUniform(9);
        StepEngine.Tuning tuning = new StepEngine.Tuning(StepEngine.TREE_THRESHOLD, layout);
        for (Precision precision : Precision.values()) {
            CachedSets cached = precision == Precision.FLOAT64 ? d : dataset(blobs(301), 3, 0.2, 0.0, 1, precision);
            try (StepEngine inPlace = TestEngines.local(cached.train().rdd(), arch, Loss.CROSS_ENTROPY, precision,
                         13, 1, tuning);
                 StepEngine cluster = TestEngines.cluster(cached.train().rdd(), arch, Loss.CROSS_ENTROPY, precision,
                         13, 1, tuning)) {
                assertTrue(inPlace.inPlace(), "local mode reads blocks and writes sums in place");
                assertFalse(cluster.inPlace(), "a cluster's backend returns the sums");
                ShippedWeights shared = inPlace.backend().ship(params, precision, null);
                ShippedWeights inline = cluster.backend().ship(params, precision, null);
                assertTrue(shared instanceof ShippedWeights.Shared, "local mode shares the driver's weights");
                assertTrue(inline instanceof ShippedWeights.Inline, "a cluster's backend ships them in the task");
                shared.release();
                inline.release();
                BatchPlan plan = new BatchPlan(inPlace.partitionSizes(), 40);
                for (int step = 0; step < 3; step++) {
                    plan.nextStep();
                    GradientSum local = inPlace.gradient(params, 1, plan.from(), plan.to());
                    Evaluation localEval = inPlace.evaluate(cached.validation().rdd(), params, precision);
                    GradientSum shipped = cluster.gradient(params, 1, plan.from(), plan.to());
                    Evaluation shippedEval = cluster.evaluate(cached.validation().rdd(), params, precision);
                    assertSameBits(shipped, local, precision + ", step " + step);
                    assertEquals(Double.doubleToLongBits(shippedEval.loss()), Double.doubleToLongBits(localEval.loss()),
                            "evaluation loss bits, " + precision);
                }
            }
            assertEquals(0, InProcess.held(), "every job released its weights");
            if (cached != d) {
                cached.release();
            }
        }
        d.release();
    }

    /**
     * The view of the cached blocks that local mode's steps run on ships no lineage — a task receives its small
     * reader, not the cached RDD's dependencies — and reads the cached blocks: the same blocks, in the same
     * partitions, with nothing read from the packing shuffle.
     */
    @Test
    void localModesViewOfTheCachedBlocksShipsNoLineageAndReadsTheCachedBlocks() throws Exception {
        CachedSets d = dataset(blobs(301), 3, 0.0, 0.0, 1);
        RDD<Block> blocks = d.train().rdd();
        LocalBlocks view = new LocalBlocks(blocks);
        assertEquals(blocks.getNumPartitions(), view.getNumPartitions());
        assertEquals(blocks.getNumPartitions(), cachedPartitions(blocks), "the blocks are cached");
        byte[] shipped = javaSerialized(view);
        assertTrue(shipped.length * 2 < javaSerialized(blocks).length, "the view ships " + shipped.length
                + " bytes, the cached RDD " + javaSerialized(blocks).length);
        AtomicLong shuffleRecords = new AtomicLong();
        SparkListener reads = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                shuffleRecords.addAndGet(end.taskMetrics().shuffleReadMetrics().recordsRead());
            }
        };
        List<Block>[] expected = d.train().collectPartitions(new int[] {0, 1, 2});
        sc.sc().addSparkListener(reads);
        List<Block>[] actual;
        try {
            actual = new JavaRDD<>(view, view.elementClassTag()).collectPartitions(new int[] {0, 1, 2});
            sc.sc().listenerBus().waitUntilEmpty();
        } finally {
            sc.sc().removeSparkListener(reads);
        }
        assertEquals(0, shuffleRecords.get(), "read from the cache, not recomputed from the shuffle");
        for (int p = 0; p < 3; p++) {
            assertEquals(expected[p].size(), actual[p].size(), "blocks of partition " + p);
            for (int b = 0; b < expected[p].size(); b++) {
                assertEquals(expected[p].get(b).rows(), actual[p].get(b).rows(), "rows of block " + b);
                assertArrayEquals(expected[p].get(b).y(), actual[p].get(b).y(), "labels of block " + b);
                assertArrayEquals(expected[p].get(b).x(), actual[p].get(b).x(), 0.0, "values of block " + b);
            }
        }
        d.release();
    }

    private static byte[] javaSerialized(Object o) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    /** The per-thread pool of gradient sums: a task that asks for the pool again keeps what it was lent. */
    @Test
    void aTaskThatAsksForThePoolAgainKeepsWhatItWasLent() {
        List<Boolean> distinct = sc.parallelize(List.of(1, 2, 3, 4), 4).map(i -> {
            GradientSum first = GradientTask.SumPool.forTask().take();
            GradientSum second = GradientTask.SumPool.forTask().take();
            return first != second;
        }).collect();
        assertEquals(List.of(true, true, true, true), distinct);
    }

    @Test
    void everySumOfThePoolIsFreeAgainOutsideTasks() {
        GradientTask.SumPool pool = GradientTask.SumPool.forTask();
        GradientSum a = pool.take();
        GradientSum b = pool.take();
        assertNotSame(a, b);
        pool.give(b);
        assertSame(b, pool.take(), "a sum given back is lent again");
        // Outside a task (the driver), every call starts afresh: both sums are free again.
        GradientTask.SumPool again = GradientTask.SumPool.forTask();
        GradientSum c = again.take();
        GradientSum d = again.take();
        assertEquals(2, List.of(a, b).stream().filter(s -> s == c || s == d).count());
    }

    /** The same rows, correct predictions, loss bits and gradient bits (±0 aside). */
    private static void assertSameBits(GradientSum expected, GradientSum actual, String what) {
        assertEquals(expected.rows(), actual.rows(), "rows, " + what);
        assertEquals(expected.correct(), actual.correct(), "correct, " + what);
        assertEquals(Double.doubleToLongBits(expected.loss()), Double.doubleToLongBits(actual.loss()), "loss bits, " + what);
        assertArrayEquals(expected.gradient(), actual.gradient(), 0.0, "gradient bits, " + what);
    }

    /** Cached partitions of {@code rdd}, as the block manager master knows them (the UI's store learns later). */
    private static int cachedPartitions(RDD<?> rdd) {
        int cached = 0;
        for (int p = 0; p < rdd.getNumPartitions(); p++) {
            cached += sc.sc().env().blockManager().master().contains(RDDBlockId.apply(rdd.id(), p)) ? 1 : 0;
        }
        return cached;
    }


    @Test
    void executorLevelsAlignWithTheFixedTree() {
        assertArrayEquals(new int[0], ClusterBackend.levels(64, 0, 1, 0), "depth 1: all on the driver");
        assertArrayEquals(new int[0], ClusterBackend.levels(32, 0, 2, 32), "at the threshold: all on the driver");
        assertArrayEquals(new int[] {3}, ClusterBackend.levels(64, 0, 2, 32), "64 partitions, depth 2: groups of 8");
        assertArrayEquals(new int[] {2, 4}, ClusterBackend.levels(64, 0, 3, 32), "depth 3: groups of 4, then of 16");
        assertArrayEquals(new int[] {4}, ClusterBackend.levels(100, 0, 2, 32), "100 partitions: ⌈log₂⌉ = 7, groups of 16");
        assertArrayEquals(new int[0], ClusterBackend.levels(512, 4, 2, 32), "32 tasks of 16 partitions: on the driver");
        assertArrayEquals(new int[] {7}, ClusterBackend.levels(1024, 4, 2, 32), "64 tasks of 16: groups of 8 tasks");
        assertEquals(7, PartitionGroups.groups(100, 4));
    }

    /**
     * A partition cached as several blocks (all but the last of the same size) must give the step the same
     * bits as the same rows in one block for a mini-batch (rows gathered across blocks), and the same sums
     * to rounding for the full batch.
     */
    @ParameterizedTest(name = "batch {0}")
    @ValueSource(longs = {40, 1000})
    void aPartitionOfSeveralBlocksGivesTheSameBitsAsOneBlock(long batch) throws IOException {
        CachedSets d = dataset(blobs(301), 2, 0.0, 0.0, 1);
        List<List<Block>> parts = partitions(d);
        List<Block> whole = new ArrayList<>();
        List<Block> split = new ArrayList<>();
        for (int p = 0; p < parts.size(); p++) {
            Block b = concatenate(parts.get(p)).withIndex(p);
            whole.add(b);
            int n = b.features();
            for (int at = 0; at < b.rows(); at += 17) {
                int rows = Math.min(17, b.rows() - at);
                split.add(new Block(p, n, rows, java.util.Arrays.copyOfRange(b.x(), at * n, (at + rows) * n),
                        java.util.Arrays.copyOfRange(b.y(), at, at + rows)));
            }
        }
        Architecture arch = new Architecture(new int[] {5, 6, 3}, Activation.TANH);
        double[] params = arch.glorotUniform(5);
        long[] sizes = partitionSizes(d);
        BatchPlan plan = new BatchPlan(sizes, batch);
        plan.nextStep();
        if (plan.hasNextStep()) {
            plan.nextStep(); // a later step of the epoch, when there is one
        }
        GradientSum one = engine(sc.parallelize(whole, 2).rdd(), arch, Loss.CROSS_ENTROPY, 13, 32)
                .gradient(params, 1, plan.from(), plan.to());
        GradientSum several = engine(sc.parallelize(split, 2).rdd(), arch, Loss.CROSS_ENTROPY, 13, 32)
                .gradient(params, 1, plan.from(), plan.to());
        assertTrue(sc.parallelize(split, 2).glom().map(List::size).collect().stream().allMatch(k -> k > 1),
                "every partition holds several blocks");
        assertEquals(one.rows(), several.rows());
        if (one.rows() < 301) {
            // Gathered rows: the kernel's chunks do not depend on the blocks, so neither do the bits.
            assertEquals(one.loss(), several.loss(), 0.0);
            assertArrayEquals(one.gradient(), several.gradient(), 0.0);
        } else {
            // The full batch is read in place, chunk by chunk within each block: other chunks, other rounding.
            assertEquals(one.loss(), several.loss(), 1e-12 * Math.abs(one.loss()));
            assertRelativelyClose(one.gradient(), several.gradient(), 1e-12);
        }
        d.release();
    }

    @Test
    void oneFullBatchStepIsTheTextbookUpdate() throws IOException {
        CachedSets d = dataset(blobs(120), 3, 0.0, 0.0, 1);
        Architecture arch = new Architecture(new int[] {5, 7, 3}, Activation.SIGMOID);
        double[] initial = arch.glorotUniform(8);
        TrainingConfig config = new TrainingConfig(new int[] {7}, Activation.SIGMOID, Loss.CROSS_ENTROPY, 1000, 1,
                LearningRate.constant(0.5), 1, 2, Precision.FLOAT64);
        Trainer.Result result = new Trainer(sc, config).train(d, arch, initial, TrainingListener.NONE);
        Block all = oneBlock(d);
        GradientSum g = GradientSum.empty();
        new Kernel64(arch, Loss.CROSS_ENTROPY).accumulate(initial, all.x(), all.y(), RowSelection.contiguous(0), all.rows(), g);
        double[] expected = new double[initial.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = initial[i] - 0.5 * g.gradient()[i] / all.rows();
        }
        assertEquals(1, result.steps());
        assertRelativelyClose(expected, result.parameters(), 1e-12);
        d.release();
    }

    @Test
    void circlesAreLearnedToAtLeast98Percent() throws IOException {
        Path file = dir.resolve("circles.csv");
        Files.writeString(file, SparkTests.csv(SparkTests.circles(1000, 0.05, 17)));
        DataSource source = new DataSource(file.toString(), DataSource.Format.CSV, LabelColumn.LAST, CsvReader.Header.AUTO);
        CachedSets d = DatasetBuilder.build(sc, source.loadForTraining(sc, 2, false).data(), null,
                new BuildOptions(2, new DatasetBuilder.Split(0.1, 0.2, 3), Precision.FLOAT64,
                        null, null, Scaling.Kind.STANDARD, "circles", 0));
        TrainingConfig config = new TrainingConfig(new int[] {16}, Activation.TANH, Loss.CROSS_ENTROPY, 16, 25,
                LearningRate.inverseTime(0.3, 1e-3), 3, 2, Precision.FLOAT64);
        Architecture arch = new Architecture(config.layerSizes(2, 2), Activation.TANH);
        List<EpochMetrics> seen = new ArrayList<>();
        Trainer.Result result = new Trainer(sc, config).train(d, arch, arch.glorotUniform(3), seen::add);
        assertEquals(25, seen.size());
        assertEquals(25L * 44, result.steps(), "700 training rows in batches of 16: 44 steps an epoch");
        assertTrue(result.test().accuracy() >= 0.98, "test accuracy " + result.test().accuracy());
        assertTrue(seen.get(24).trainLoss() < seen.get(0).trainLoss());
        d.release();
    }

    @Test
    void theSparkUiNamesTheEpochAndStepOfEveryJobAndListenersHearEveryStep() throws Exception {
        Path file = dir.resolve("circles-ui.csv");
        Files.writeString(file, SparkTests.csv(SparkTests.circles(200, 0.05, 5)));
        DataSource source = new DataSource(file.toString(), DataSource.Format.CSV, LabelColumn.LAST, CsvReader.Header.AUTO);
        CachedSets d = DatasetBuilder.build(sc, source.loadForTraining(sc, 2, false).data(), null,
                new BuildOptions(2, new DatasetBuilder.Split(0.1, 0.2, 3), Precision.FLOAT64, null, null, Scaling.Kind.STANDARD, "circles", 0));
        TrainingConfig config = new TrainingConfig(new int[] {4}, Activation.TANH, Loss.CROSS_ENTROPY, 50, 2,
                LearningRate.inverseTime(0.3, 1e-3), 3, 2, Precision.FLOAT64);
        Architecture arch = new Architecture(config.layerSizes(2, 2), Activation.TANH);
        List<String[]> jobs = java.util.Collections.synchronizedList(new ArrayList<>());
        org.apache.spark.scheduler.SparkListener ui = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
                java.util.Properties p = start.properties();
                jobs.add(new String[] {p.getProperty("spark.jobGroup.id"), p.getProperty("spark.job.description")});
            }
        };
        sc.sc().addSparkListener(ui);
        List<StepMetrics> steps = new ArrayList<>();
        double[] lastSeen = new double[1];
        try {
            new Trainer(sc, config).train(d, arch, arch.glorotUniform(3), new TrainingListener() {
                @Override
                public void stepEnded(StepMetrics m, java.nio.DoubleBuffer parameters) {
                    steps.add(m);
                    assertTrue(parameters.isReadOnly());
                    lastSeen[0] = parameters.get(0);
                }

                @Override
                public void epochEnded(EpochMetrics m) {
                }
            });
            sc.sc().listenerBus().waitUntilEmpty();
        } finally {
            sc.sc().removeSparkListener(ui);
        }
        // 140 training rows in steps of 50: 3 steps an epoch, 2 epochs.
        assertEquals(6, steps.size());
        assertEquals(List.of(1L, 2L, 3L, 1L, 2L, 3L), steps.stream().map(StepMetrics::stepInEpoch).toList());
        assertEquals(3, steps.get(5).stepsPerEpoch());
        assertEquals(140, steps.get(2).epochRows());
        List<String> described = jobs.stream().map(j -> j[1]).toList();
        for (String expected : List.of("epoch 1/2, step 1/3", "epoch 1/2, step 3/3", "epoch 1/2, validation",
                "epoch 2/2, step 2/3", "test")) {
            assertTrue(described.contains(expected), "no job described as '" + expected + "': " + described);
        }
        assertTrue(jobs.stream().anyMatch(j -> "spark-mlp-epoch-2".equals(j[0]) && "epoch 2/2, step 1/3".equals(j[1])));
        d.release();
    }

    @Test
    void sameSeedGivesABitIdenticalModelAndAnotherSeedAnother() throws IOException {
        double[] first = trainBlobs(21);
        double[] second = trainBlobs(21);
        assertArrayEquals(first, second, 0.0);
        double[] other = trainBlobs(22);
        assertTrue(!java.util.Arrays.equals(first, other));
    }

    private double[] trainBlobs(long seed) throws IOException {
        CachedSets d = dataset(blobs(400), 3, 0.1, 0.1, seed);
        TrainingConfig config = new TrainingConfig(new int[] {8, 5}, Activation.TANH, Loss.CROSS_ENTROPY, 10, 2,
                LearningRate.inverseTime(0.1, 1e-2), seed, 2, Precision.FLOAT64);
        Architecture arch = new Architecture(config.layerSizes(5, 3), Activation.TANH);
        double[] p = new Trainer(sc, config).train(d, arch, arch.glorotUniform(seed), TrainingListener.NONE).parameters();
        d.release();
        return p;
    }

    static void assertRelativelyClose(double[] expected, double[] actual, double tolerance) {
        assertEquals(expected.length, actual.length);
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= tolerance * scale, "max difference " + worst + " exceeds " + tolerance + " × " + scale);
    }
}
