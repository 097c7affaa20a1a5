package org.sparkmlp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.sparkmlp.data.Block;
import org.sparkmlp.data.BuildOptions;
import org.sparkmlp.data.CsvReader;
import org.sparkmlp.data.DataSource;
import org.sparkmlp.data.CachedSets;
import org.sparkmlp.data.DatasetBuilder;
import org.sparkmlp.data.LabelColumn;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.testing.SparkTests;

/**
 * The two step backends, each built explicitly in the same local[2] context — no property chooses them: local
 * mode's, whose tasks read the driver's weights and cached blocks in place and write their sums into the driver's,
 * and a cluster's, whose tasks get the weights inside the task, read the cached RDD with its lineage and return
 * their sums (added first on executors when there are many). From the same seed they train the same model to the
 * bit and score it the same, in both precisions, with a task per partition and with several partitions per task.
 */
class LocalAndClusterBackendsTest {
    private static JavaSparkContext sc;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        sc = SparkTests.start("local[2]");
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    private static CachedSets circles(int rows, int partitions, double validation, double test, Precision precision)
            throws IOException {
        Path csv = dir.resolve("circles-" + rows + ".csv");
        if (!Files.exists(csv)) {
            Files.writeString(csv, SparkTests.csv(SparkTests.circles(rows, 0.1, 9)));
        }
        DataSource source = new DataSource(csv.toString(), DataSource.Format.CSV, LabelColumn.LAST,
                CsvReader.Header.AUTO);
        return DatasetBuilder.build(sc, source.loadForTraining(sc, partitions, false).data(), null,
                new BuildOptions(partitions, new DatasetBuilder.Split(validation, test, 3), precision, null, null,
                        Scaling.Kind.STANDARD, "circles", 0));
    }

    /**
     * Two epochs on each backend. local[2] has two task slots: 2 partitions get a task each, 8 get two tasks of 4.
     * Batch 600 gives each of 2 partitions shares of about 300 rows, more than a kernel chunk, which a float32
     * partition sums in double and rounds to floats once.
     */
    @ParameterizedTest(name = "{0}, {1} partitions, batch {2}")
    @CsvSource({"float32, 2, 64", "float32, 2, 600", "float32, 8, 64", "float32, 8, 600",
            "float64, 2, 64", "float64, 2, 600", "float64, 8, 64", "float64, 8, 600"})
    void bothBackendsTrainTheSameModelToTheBit(String precisionId, int partitions, int batch) throws IOException {
        Precision precision = Precision.fromId(precisionId);
        CachedSets data = circles(1200, partitions, 0.1, 0.25, precision);
        TrainingConfig config = new TrainingConfig(new int[] {12}, Activation.TANH, Loss.CROSS_ENTROPY, batch, 2,
                LearningRate.inverseTime(0.2, 1e-2), 5, 2, precision);
        Architecture arch = new Architecture(config.layerSizes(data.features(), data.classes().size()),
                Activation.TANH);
        double[] initial = arch.glorotUniform(5);
        long listeners = stepListeners();

        Trainer.Result local = TestEngines.trainer(sc, config, StepBackend.Kind.LOCAL)
                .train(data, arch, initial, TrainingListener.NONE);
        Trainer.Result cluster = TestEngines.trainer(sc, config, StepBackend.Kind.CLUSTER)
                .train(data, arch, initial, TrainingListener.NONE);

        String what = precisionId + ", " + partitions + " partitions, batch " + batch;
        assertFalse(Arrays.equals(initial, local.parameters()), "the run trained: " + what);
        assertArrayEquals(bits(local.parameters()), bits(cluster.parameters()), "model bits, " + what);
        assertEquals(Double.doubleToLongBits(local.validation().loss()),
                Double.doubleToLongBits(cluster.validation().loss()), "validation loss bits, " + what);
        assertEquals(Double.doubleToLongBits(local.test().loss()), Double.doubleToLongBits(cluster.test().loss()),
                "test loss bits, " + what);
        assertArrayEquals(local.test().confusion(), cluster.test().confusion(), "test confusion, " + what);
        Map<Integer, Long> layout = Map.of(partitions / 2, local.steps());
        assertEquals(layout, local.stepsByPartitionsPerTask(), "two slots, two tasks a step: " + what);
        assertEquals(layout, cluster.stepsByPartitionsPerTask(), "two slots, two tasks a step: " + what);
        assertEquals(listeners, stepListeners(), "each run's engine stopped listening when training ended");
        assertEquals(0, InProcess.held(), "every job released its weights");
        data.release();
    }

    /**
     * Single steps of every layout of both backends over 5 partitions (the last group of 4 is shorter): a task
     * per partition, one task for all (local), a task per slot, and executor levels over tasks of one partition
     * and of two (a cluster's, threshold 1). Batch 3 leaves partitions idle; the full batch gives each partition
     * about 300 rows, more than a kernel chunk. The steps and the evaluation have the same bits.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Precision.class)
    void everyLayoutOfBothBackendsGivesTheSameStepBits(Precision precision) throws IOException {
        CachedSets data = circles(1501, 5, 0.0, 0.0, precision);
        RDD<Block> blocks = data.train().rdd();
        Architecture arch = new Architecture(new int[] {2, 7, 2}, Activation.TANH);
        double[] params = arch.glorotUniform(4);
        Map<String, StepEngine> engines = new LinkedHashMap<>();
        engines.put("local, a task per partition", TestEngines.local(blocks, arch, Loss.CROSS_ENTROPY, precision, 13,
                2, new StepEngine.Tuning(StepEngine.TREE_THRESHOLD, 0)));
        engines.put("local, one task", TestEngines.local(blocks, arch, Loss.CROSS_ENTROPY, precision, 13, 2,
                new StepEngine.Tuning(StepEngine.TREE_THRESHOLD, 30)));
        engines.put("local, adaptive", TestEngines.local(blocks, arch, Loss.CROSS_ENTROPY, precision, 13, 2,
                new StepEngine.Tuning(StepEngine.TREE_THRESHOLD, StepEngine.ADAPTIVE, 0)));
        engines.put("cluster, a task per partition", TestEngines.cluster(blocks, arch, Loss.CROSS_ENTROPY, precision,
                13, 2, new StepEngine.Tuning(StepEngine.TREE_THRESHOLD, 0)));
        engines.put("cluster, a task per slot", TestEngines.cluster(blocks, arch, Loss.CROSS_ENTROPY, precision, 13,
                2, StepEngine.Tuning.DEFAULT));
        engines.put("cluster, executor level", TestEngines.cluster(blocks, arch, Loss.CROSS_ENTROPY, precision, 13,
                2, new StepEngine.Tuning(1, 0)));
        engines.put("cluster, executor level over pairs", TestEngines.cluster(blocks, arch, Loss.CROSS_ENTROPY,
                precision, 13, 2, new StepEngine.Tuning(1, 1)));
        assertEquals(1, engines.get("cluster, executor level").executorLevels());
        assertEquals(1, engines.get("cluster, executor level over pairs").executorLevels());
        StepEngine reference = engines.get("local, a task per partition");
        long[] sizes = reference.partitionSizes();
        for (long batch : new long[] {3, 100, Long.MAX_VALUE}) {
            BatchPlan plan = new BatchPlan(sizes, batch);
            for (int step = 0; step < 3 && plan.hasNextStep(); step++) {
                plan.nextStep();
                GradientSum expected = copy(reference.gradient(params, 1, plan.from(), plan.to()));
                for (Map.Entry<String, StepEngine> e : engines.entrySet()) {
                    GradientSum got = e.getValue().gradient(params, 1, plan.from(), plan.to());
                    assertSameBits(expected, got, e.getKey() + ", " + precision + ", batch " + batch + ", step " + step);
                }
            }
        }
        assertEquals(Set.of(8), engines.get("local, one task").stepsByPartitionsPerTask().keySet());
        assertEquals(Set.of(4), engines.get("cluster, a task per slot").stepsByPartitionsPerTask().keySet(),
                "5 partitions on 2 slots: tasks of 4");
        Evaluation scored = reference.evaluate(blocks, params, precision);
        for (Map.Entry<String, StepEngine> e : engines.entrySet()) {
            Evaluation other = e.getValue().evaluate(blocks, params, precision);
            assertEquals(Double.doubleToLongBits(scored.loss()), Double.doubleToLongBits(other.loss()),
                    "evaluation loss bits, " + e.getKey());
            assertArrayEquals(scored.confusion(), other.confusion(), "confusion, " + e.getKey());
            e.getValue().close();
        }
        data.release();
    }

    /**
     * Closing an engine stops its listener and releases what its backend registered for local mode's tasks (the
     * view of the cached blocks and the in-place sums), so that a task of a later job on the view fails.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(StepBackend.Kind.class)
    void closingAnEngineLetsGoOfWhatItRegistered(StepBackend.Kind kind) throws IOException {
        CachedSets data = circles(300, 3, 0.0, 0.0, Precision.FLOAT64);
        Architecture arch = new Architecture(new int[] {2, 4, 2}, Activation.TANH);
        long listeners = stepListeners();
        StepEngine engine = new StepEngine(kind, data.train().rdd(), arch, Loss.CROSS_ENTROPY, Precision.FLOAT64, 1,
                2, StepEngine.Tuning.DEFAULT, GradientTask::new);
        int entries = InProcess.entries();
        assertEquals(listeners + 1, stepListeners());
        BatchPlan plan = new BatchPlan(engine.partitionSizes(), 50);
        plan.nextStep();
        engine.gradient(arch.glorotUniform(1), 0, plan.from(), plan.to());

        engine.close();
        assertEquals(listeners, stepListeners(), "the engine stopped listening");
        assertEquals(kind == StepBackend.Kind.LOCAL ? entries - 2 : entries, InProcess.entries(),
                "local mode's view of the blocks and its in-place sums are released");
        engine.close();
        if (kind == StepBackend.Kind.LOCAL) {
            Exception e = assertThrows(Exception.class, () -> TestEngines.bareJob(engine));
            assertTrue(String.valueOf(e.getMessage()).contains("no longer held by the driver"), e.getMessage());
        }
        data.release();
    }

    /** Step-engine listeners registered with the context. */
    private static long stepListeners() {
        return sc.sc().listenerBus().listeners().stream().filter(l -> l instanceof StepBreakdown).count();
    }

    private static long[] bits(double[] v) {
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Double.doubleToRawLongBits(v[i]);
        }
        return b;
    }

    /** A copy of a sum that its engine's next job may overwrite (local mode's in-place sums). */
    private static GradientSum copy(GradientSum sum) {
        return GradientSum.empty().merge(sum);
    }

    /** The same rows, correct predictions, loss bits and gradient bits (±0 aside). */
    private static void assertSameBits(GradientSum expected, GradientSum actual, String what) {
        assertEquals(expected.rows(), actual.rows(), "rows, " + what);
        assertEquals(expected.correct(), actual.correct(), "correct, " + what);
        assertEquals(Double.doubleToLongBits(expected.loss()), Double.doubleToLongBits(actual.loss()),
                "loss bits, " + what);
        assertArrayEquals(expected.gradient(), actual.gradient(), 0.0, "gradient bits, " + what);
    }
}
