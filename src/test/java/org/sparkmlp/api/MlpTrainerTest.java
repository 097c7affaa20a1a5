package org.sparkmlp.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkmlp.cli.CliRun;
import org.sparkmlp.io.ModelFile;
import org.sparkmlp.nn.Network;
import org.sparkmlp.testing.SparkTests;

/**
 * The training API as a program uses it: data from a path or from a program's {@code Dataset<Row>}, sets given
 * apart, predictions joined back by a row's own columns, the model written and read, checkpoints and resume,
 * and the same bits as the command line for the same settings.
 */
class MlpTrainerTest {
    private static JavaSparkContext sc;
    private static SparkSession spark;

    @TempDir
    Path dir;

    /** The command line's model for {@link #small()}'s settings, trained before this class's context starts. */
    private static Network fromCommandLine;

    @BeforeAll
    static void start(@TempDir Path out) throws Exception {
        CliRun r = CliRun.of("train", "--hidden", "16", "--epochs", "3", "--batch-size", "64", "--seed", "7",
                "--partitions", "2", "--master", "local[2]", "--out", out.resolve("cli").toString());
        assertEquals(0, r.code().code(), r.err());
        fromCommandLine = ModelFile.read(out.resolve("cli").resolve("model.json"));
        sc = SparkTests.start("local[2]");
        spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    private static TrainingSettings small() {
        return TrainingSettings.builder().hidden(16).epochs(3).batchSize(64).seed(7).build();
    }

    /** Circles as a table: an id, two numeric inputs and a text label. */
    private static Dataset<Row> circles(int n, long seed) {
        List<Row> rows = new ArrayList<>();
        List<double[]> points = SparkTests.circles(n, 0.05, seed);
        for (int i = 0; i < points.size(); i++) {
            double[] p = points.get(i);
            rows.add(RowFactory.create("row-" + i, p[0], p[1], p[2] > 0.5 ? "outer" : "inner"));
        }
        StructType schema = new StructType(new StructField[] {
            DataTypes.createStructField("id", DataTypes.StringType, false),
            DataTypes.createStructField("x", DataTypes.DoubleType, false),
            DataTypes.createStructField("y", DataTypes.DoubleType, false),
            DataTypes.createStructField("label", DataTypes.StringType, false),
        });
        return spark.createDataFrame(rows, schema);
    }

    @Test
    void aCachedDatasetReadFromFilesTrainsFromTheCacheNotTheFiles() throws Exception {
        String at = dir.resolve("circles.parquet").toString();
        circles(400, 3).write().parquet(at);
        Dataset<Row> cached = spark.read().parquet(at).cache();
        assertEquals(400, cached.count());
        // Gone from disk: only the cache holds the rows now (asking for the files' metadata column would read them).
        try (var files = Files.walk(dir.resolve("circles.parquet"))) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        try {
            TrainedModel model = new MlpTrainer(spark, small()).withPartitions(2)
                    .fit(DataSpec.rows(cached).withLabelColumn("label").withFeatureColumns("x", "y"));
            assertEquals(List.of("inner", "outer"), model.classes());
        } finally {
            cached.unpersist(true);
        }
    }

    @Test
    void trainsOnTheBundledDigitsAndWritesAModelThatReadsBack() throws Exception {
        TrainedModel model = new MlpTrainer(spark, small()).withPartitions(2).fit(DataSpec.bundledDigits());
        TrainingSummary s = model.summary();
        assertNotNull(s);
        assertTrue(s.testAccuracy() > 0.85, "test accuracy " + s.testAccuracy());
        assertEquals(3, s.epochs().size());
        assertEquals("finished", s.status());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), model.classes());
        assertEquals(64, model.inputs());

        Path file = dir.resolve("model.json");
        model.write(file.toString());
        TrainedModel back = TrainedModel.read(file.toString());
        assertArrayEquals(model.network().parameters(), back.network().parameters());
        assertEquals(model.classes(), back.classes());
        assertEquals("spark-mlp", ((String) back.provenance().get("library")).split(" ")[0]);
        Path summary = dir.resolve("summary.json");
        s.write(summary.toString());
        Map<?, ?> json = new com.fasterxml.jackson.databind.ObjectMapper().readValue(summary.toFile(), Map.class);
        assertEquals(s.testAccuracy(), (Double) json.get("test_accuracy"), 0.0);
        // The digits' automatic minmax scaling is fitted: census, scaling and packing each read every row once.
        assertEquals(3.0, ((Number) json.get("input_passes")).doubleValue(), 0.0);
        double preparation = ((Number) json.get("preparation_seconds")).doubleValue();
        assertTrue(preparation > 0 && preparation < ((Number) json.get("seconds")).doubleValue(), "preparation "
                + preparation + " s");
        long heap = ((Number) json.get("driver_heap_bytes")).longValue();
        assertTrue(heap > 0 && heap <= Runtime.getRuntime().maxMemory(), "driver heap " + heap);
        assertTrue(((Number) json.get("cached_memory_bytes")).longValue()
                + ((Number) json.get("cached_disk_bytes")).longValue() >= ((Number) json.get("cached_train_bytes"))
                .longValue(), "all sets hold at least the training set");
        try (var files = Files.list(dir)) {
            assertEquals(java.util.Set.of(file, summary), java.util.Set.copyOf(files.toList()),
                    "nothing but model.json and summary.json is left behind");
        }
    }

    @Test
    void trainsOnAProgramsRowsWithSetsGivenApartAndPredictionsJoinBackById() {
        Dataset<Row> train = circles(600, 1);
        Dataset<Row> validation = circles(200, 2);
        Dataset<Row> test = circles(200, 3);
        TrainingSettings settings = small().toBuilder().epochs(25).batchSize(16).learningRate(0.3)
                .scaling(TrainingSettings.ScalingChoice.STANDARD).validationFraction(0).testFraction(0).build();
        DataSpec data = DataSpec.rows(train).withLabelColumn("label").withFeatureColumns("x", "y")
                .withValidation(DataSpec.rows(validation).withLabelColumn("label").withFeatureColumns("x", "y"))
                .withTest(DataSpec.rows(test).withLabelColumn("label").withFeatureColumns("x", "y"));
        TrainedModel model = new MlpTrainer(spark, settings).withPartitions(2).fit(data);
        Map<String, Object> json = model.summary().toJson();
        assertEquals(Map.of("train", 600L, "validation", 200L, "test", 200L), json.get("rows"));
        assertTrue(model.summary().testAccuracy() > 0.9, "circles test accuracy " + model.summary().testAccuracy());
        assertEquals(List.of("inner", "outer"), model.classes());

        Dataset<Row> predicted = model.predict(test, "x", "y");
        assertEquals(List.of("id", "x", "y", "label", TrainedModel.PREDICTION, TrainedModel.PROBABILITY),
                List.of(predicted.columns()));
        List<Row> rows = predicted.collectAsList();
        assertEquals(200, rows.size());
        long right = 0;
        for (Row r : rows) {
            assertTrue(r.getString(0).startsWith("row-"));
            List<Double> p = r.getList(5);
            assertEquals(2, p.size());
            assertEquals(1.0, p.get(0) + p.get(1), 1e-12);
            String expected = p.get(1) > p.get(0) ? "outer" : "inner";
            assertEquals(expected, r.getString(4));
            right += r.getString(3).equals(r.getString(4)) ? 1 : 0;
        }
        // The predictions are the model's: the test set's accuracy from the summary, counted again here.
        assertEquals(model.summary().testAccuracy(), right / 200.0, 1e-12);
        ModelEvaluation e = model.evaluate(spark, DataSpec.rows(test).withLabelColumn("label")
                .withFeatureColumns("x", "y"));
        assertEquals(200, e.rows());
        assertEquals(model.summary().testAccuracy(), e.accuracy(), 1e-12);
        assertEquals(model.summary().testLoss(), e.loss(), 1e-9);
    }

    @Test
    void theSameSettingsGiveTheCommandLinesModelBitForBit() {
        Network cli = fromCommandLine;
        TrainedModel api = new MlpTrainer(spark, small()).withPartitions(2).fit(DataSpec.bundledDigits());
        assertArrayEquals(cli.parameters(), api.network().parameters());
    }

    @Test
    void aResumedRunGivesTheUninterruptedRunsModel() {
        TrainingSettings settings = small().toBuilder().epochs(4).build();
        String location = dir.resolve("checkpoints").toString();
        TrainedModel whole = new MlpTrainer(spark, settings).withPartitions(2).fit(DataSpec.bundledDigits());
        // The same run with checkpoints every 7 steps, killed after step 30, then resumed.
        MlpTrainer checkpointed = new MlpTrainer(spark, settings).withPartitions(2)
                .withCheckpoints(Checkpointing.at(location).withEverySteps(7));
        RuntimeException killed = assertThrows(RuntimeException.class, () -> checkpointed
                .withListener(new org.sparkmlp.train.TrainingListener() {
                    @Override
                    public void stepEnded(org.sparkmlp.train.StepMetrics m, java.nio.DoubleBuffer parameters) {
                        if (m.step() == 30) {
                            throw new IllegalStateException("killed");
                        }
                    }

                    @Override
                    public void epochEnded(org.sparkmlp.train.EpochMetrics metrics) {
                    }
                }).fit(DataSpec.bundledDigits()));
        assertEquals("killed", killed.getMessage());
        List<String> heard = new ArrayList<>();
        TrainedModel resumed = new MlpTrainer(spark, settings).withPartitions(2).withMessages(heard::add)
                .withCheckpoints(Checkpointing.at(location).resuming(true)).fit(DataSpec.bundledDigits());
        assertArrayEquals(whole.network().parameters(), resumed.network().parameters());
        assertTrue(heard.stream().anyMatch(l -> l.startsWith("resume: continuing from checkpoint-")), heard.toString());
        // Other settings cannot continue from those checkpoints: one line naming the difference.
        ResumeException e = assertThrows(ResumeException.class, () -> new MlpTrainer(spark,
                settings.toBuilder().learningRate(0.01).build()).withPartitions(2)
                .withCheckpoints(Checkpointing.at(location).resuming(true)).fit(DataSpec.bundledDigits()));
        assertTrue(e.getMessage().contains("lr"), e.getMessage());
    }

    @Test
    void aWarmStartTakesTheModelsNetworkAndRefusesAnotherOne() {
        TrainedModel first = new MlpTrainer(spark, small()).withPartitions(2).fit(DataSpec.bundledDigits());
        TrainedModel more = new MlpTrainer(spark, TrainingSettings.builder().epochs(1).seed(7).build())
                .withPartitions(2).withWarmStart(first).fit(DataSpec.bundledDigits());
        assertEquals(first.network().architecture(), more.network().architecture());
        SettingException e = assertThrows(SettingException.class, () -> new MlpTrainer(spark,
                TrainingSettings.builder().hidden(8).build()).withWarmStart(first).fit(DataSpec.bundledDigits()));
        assertEquals("hidden", e.setting());
    }

    @Test
    void earlyStoppingWithoutValidationRowsIsRefusedBeforeAnyJob() {
        TrainingSettings settings = TrainingSettings.builder().earlyStopPatience(2).validationFraction(0).build();
        SettingException e = assertThrows(SettingException.class,
                () -> new MlpTrainer(spark, settings).fit(DataSpec.bundledDigits()));
        assertEquals("early-stop-patience", e.setting());
        assertFalse(e.message(k -> "--" + k).contains("{"), e.getMessage());
        assertTrue(e.message(k -> "--" + k).contains("--val-fraction"), e.getMessage());
    }
}
