package org.sparkmlp.ml;

import static org.apache.spark.ml.functions.array_to_vector;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Column;
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
import org.sparkmlp.api.DataSpec;
import org.sparkmlp.api.MlpTrainer;
import org.sparkmlp.api.TrainedModel;
import org.sparkmlp.api.TrainingSettings;
import org.sparkmlp.testing.SparkTests;

/**
 * The estimator as Spark ML programs use it, on the bundled digits as a DataFrame (64 pixel columns and a label
 * 0–9, assembled into a vector): in a Pipeline, under CrossValidator, with MLlib's evaluator, written as for
 * MLlib's MultilayerPerceptronClassifier, and bit for bit the training API's model.
 */
class MlpClassifierTest {
    private static JavaSparkContext sc;
    private static SparkSession spark;
    private static Dataset<Row> train;
    private static Dataset<Row> test;

    @BeforeAll
    static void start() throws Exception {
        sc = SparkTests.start("local[2]");
        spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        Dataset<Row>[] split = digits(spark).randomSplit(new double[] {0.8, 0.2}, 11);
        train = split[0].cache();
        test = split[1].cache();
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    /** The packed digits CSV (64 inputs, then the label) as columns p0 … p63 and a double label. */
    static Dataset<Row> digits(SparkSession spark) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = MlpClassifierTest.class.getResourceAsStream("/org/sparkmlp/data/digits.csv.gz");
             BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in),
                     StandardCharsets.US_ASCII))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split(",");
                Object[] values = new Object[f.length];
                for (int i = 0; i < f.length; i++) {
                    values[i] = Double.parseDouble(f[i]);
                }
                rows.add(RowFactory.create(values));
            }
        }
        StructField[] fields = new StructField[65];
        for (int i = 0; i < 64; i++) {
            fields[i] = DataTypes.createStructField("p" + i, DataTypes.DoubleType, false);
        }
        fields[64] = DataTypes.createStructField("label", DataTypes.DoubleType, false);
        return spark.createDataFrame(rows, new StructType(fields));
    }

    static VectorAssembler assembler() {
        String[] inputs = new String[64];
        for (int i = 0; i < 64; i++) {
            inputs[i] = "p" + i;
        }
        return new VectorAssembler().setInputCols(inputs).setOutputCol("features");
    }

    private static double accuracy(Dataset<Row> predictions) {
        return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predictions);
    }

    @Test
    void pipelineOnDigitsReachesTheCommandLinesAccuracy() {
        MlpClassifier mlp = new MlpClassifier().setPartitions(2);
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {assembler(), mlp}).fit(train);
        Dataset<Row> predicted = model.transform(test);
        double accuracy = accuracy(predicted);
        assertTrue(accuracy >= 0.9, "test accuracy " + accuracy);

        Row first = predicted.select("rawPrediction", "probability", "prediction").head();
        Vector p = first.getAs("probability");
        assertEquals(10, p.size());
        assertEquals(1.0, p.toArray()[0] + sum(p.toArray(), 1), 1e-9);
        assertEquals(p, first.getAs("rawPrediction"));
        assertEquals((double) p.argmax(), first.getDouble(2));
        MlpClassificationModel fitted = (MlpClassificationModel) model.stages()[1];
        assertEquals(10, fitted.numClasses());
        assertEquals(64, fitted.numFeatures());
        assertTrue(fitted.hasSummary());
        assertEquals(TrainingSettings.defaults().epochs(), fitted.summary().totalIterations());
    }

    private static double sum(double[] v, int from) {
        double s = 0;
        for (int i = from; i < v.length; i++) {
            s += v[i];
        }
        return s;
    }

    @Test
    void multiclassEvaluatorReadsTheOutputColumns() {
        Dataset<Row> assembled = assembler().transform(train);
        MlpClassificationModel model = new MlpClassifier().setLayers(new int[] {64, 16, 10}).setMaxIter(3)
                .setPartitions(2).fit(assembled);
        Dataset<Row> predicted = model.transform(assembler().transform(test));
        for (String metric : new String[] {"f1", "accuracy", "weightedPrecision", "logLoss"}) {
            double value = new MulticlassClassificationEvaluator().setMetricName(metric).evaluate(predicted);
            assertTrue(Double.isFinite(value) && value >= 0, metric + " " + value);
        }
    }

    @Test
    void crossValidatorPicksAStepSizeAndItsBestModelPredicts() {
        MlpClassifier mlp = new MlpClassifier().setLayers(new int[] {64, 16, 10}).setMaxIter(3).setPartitions(2);
        ParamMap[] grid = new ParamGridBuilder().addGrid(mlp.stepSize(), new double[] {0.2, 1e-4}).build();
        CrossValidator cv = new CrossValidator()
                .setEstimator(new Pipeline().setStages(new PipelineStage[] {assembler(), mlp}))
                .setEstimatorParamMaps(grid)
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"))
                .setNumFolds(2).setSeed(5);
        CrossValidatorModel fitted = cv.fit(train);
        double[] metrics = fitted.avgMetrics();
        assertEquals(2, metrics.length);
        assertTrue(metrics[0] > metrics[1], "0.2 should beat 1e-4 in 3 epochs: " + metrics[0] + " vs " + metrics[1]);
        MlpClassificationModel best = (MlpClassificationModel) ((PipelineModel) fitted.bestModel()).stages()[1];
        assertEquals(0.2, best.parent().getOrDefault(mlp.stepSize()));
        assertTrue(accuracy(fitted.transform(test)) > 0.8);
    }

    @Test
    void givesTheTrainingApisWeightsBitForBit() {
        Dataset<Row> assembled = assembler().transform(train);
        MlpClassificationModel estimated = new MlpClassifier().setLayers(new int[] {64, 16, 10}).setMaxIter(3)
                .setBatchSize(64).setSeed(7).setPartitions(2).fit(assembled);
        TrainingSettings settings = TrainingSettings.builder().hidden(16).epochs(3).batchSize(64).seed(7)
                .testFraction(0).build();
        TrainedModel direct = new MlpTrainer(spark, settings).withPartitions(2)
                .fit(DataSpec.rows(assembled).withLabelColumn("label").withFeatureColumns("features"));
        assertArrayEquals(direct.network().parameters(), estimated.trainedModel().network().parameters());
        assertEquals(direct.network().scaling(), estimated.trainedModel().network().scaling());
        assertEquals(direct.classes(), estimated.trainedModel().classes());
    }

    @Test
    void anMlpcProgramRunsWithTheClassSwapped() {
        // As MLlib's example writes it for MultilayerPerceptronClassifier; only the class name differs.
        int[] layers = new int[] {64, 32, 10};
        MlpClassifier trainer = new MlpClassifier()
                .setLayers(layers)
                .setBlockSize(128)
                .setSeed(1234L)
                .setMaxIter(20)
                .setStepSize(0.1);
        MlpClassificationModel model = trainer.fit(assembler().transform(train));
        Dataset<Row> result = model.transform(assembler().transform(test));
        Dataset<Row> predictionAndLabels = result.select("prediction", "label");
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
                .evaluate(predictionAndLabels);
        assertTrue(accuracy >= 0.8, "accuracy " + accuracy);
        assertArrayEquals(layers, model.getLayers());
        assertArrayEquals(layers, trainer.getLayers());
        assertEquals(20, trainer.getMaxIter());
        assertEquals(0.1, trainer.getStepSize());
        assertEquals(1234L, trainer.getSeed());
        assertEquals(128, trainer.getBlockSize());
        assertEquals(1e-6, trainer.getTol());
        assertEquals("sgd", trainer.getSolver());
    }

    @Test
    void rejectsAFractionalLabelNamingItAndTheRowCount() {
        Dataset<Row> assembled = assembler().transform(train);
        Dataset<Row> bad = assembled.withColumn("label", when(col("p20").gt(14), 2.5).otherwise(col("label")));
        long badRows = assembled.filter("p20 > 14").count();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MlpClassifier().setMaxIter(1).fit(bad));
        assertTrue(e.getMessage().contains("2.5") && e.getMessage().contains(badRows + " row(s)"), e.getMessage());
    }

    @Test
    void rejectsALabelBeyondTheLayersOutput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MlpClassifier().setLayers(new int[] {64, 8, 5}).setMaxIter(1)
                        .fit(assembler().transform(train)));
        assertTrue(e.getMessage().contains("5 classes, from layers"), e.getMessage());
    }

    @Test
    void refusesLbfgsNamingOurSolvers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MlpClassifier().setSolver("l-bfgs").trainingSettings());
        assertTrue(e.getMessage().contains("sgd") && e.getMessage().contains("adam"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MlpClassifier().setTol(1e-4).trainingSettings());
    }

    @Test
    void defaultsAreTheTrainingApisAndCopiesKeepTheParams() {
        TrainingSettings defaults = TrainingSettings.defaults();
        MlpClassifier mlp = new MlpClassifier();
        assertEquals(defaults.epochs(), mlp.getOrDefault(mlp.maxIter()));
        assertEquals(defaults.batchSize(), mlp.getOrDefault(mlp.batchSize()));
        assertEquals(defaults.seed(), mlp.getOrDefault(mlp.seed()));
        assertEquals(defaults.asMap().get("lr"), String.valueOf(mlp.getOrDefault(mlp.stepSize())));
        assertEquals(defaults.asMap().get("activation"), mlp.getOrDefault(mlp.activation()));

        MlpClassifier named = new MlpClassifier("mlp-1").setEarlyStopPatience(3).setValidationFraction(0.2);
        assertEquals("mlp-1", named.uid());
        assertEquals("mlp-1", named.featuresCol().parent());
        MlpClassifier copy = named.copy(ParamMap.empty().put(named.stepSize().w(0.05)));
        assertNotSame(named, copy);
        assertEquals("mlp-1", copy.uid());
        assertEquals(3, copy.getOrDefault(copy.earlyStopPatience()));
        assertEquals(0.2, copy.getOrDefault(copy.validationFraction()));
        assertEquals(0.05, copy.getOrDefault(copy.stepSize()));
        TrainingSettings s = copy.trainingSettings();
        assertEquals(3, s.earlyStopping().patience());
        assertEquals(0.2, s.validationFraction());
        assertEquals(0.0, s.testFraction());
    }

    @Test
    void initialWeightsInMlpcsLayoutGiveMlpcsModel() {
        Dataset<Row> assembled = assembler().transform(train);
        int[] layers = {64, 8, 10};
        MultilayerPerceptronClassificationModel mlpc = new MultilayerPerceptronClassifier().setLayers(layers)
                .setMaxIter(5).setSeed(3).fit(assembled);
        // A step far below the weights' last bit: the one epoch leaves MLPC's weights as they are.
        MlpClassificationModel ours = new MlpClassifier().setLayers(layers).setInitialWeights(mlpc.weights())
                .setActivation("sigmoid").setSolver("gd").setStepSize(1e-300).setMaxIter(1).setPrecision("float64")
                .setPartitions(2).fit(assembled);
        assertArrayEquals(mlpc.weights().toArray(), ours.trainedModel().network().parameters(), 1e-290);
        List<Row> expected = mlpc.transform(assembler().transform(test)).select("probability").collectAsList();
        List<Row> actual = ours.transform(assembler().transform(test)).select("probability").collectAsList();
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(((Vector) expected.get(i).get(0)).toArray(), ((Vector) actual.get(i).get(0)).toArray(),
                    1e-12, "row " + i);
        }
    }

    @Test
    void refusesInitialWeightsOfTheWrongSizeNamingBothSizes() {
        MlpClassifier mlp = new MlpClassifier().setLayers(new int[] {64, 8, 10}).setMaxIter(1)
                .setInitialWeights(Vectors.dense(new double[600]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mlp.fit(assembler().transform(train)));
        assertEquals("initialWeights hold 600 values, but layers [64, 8, 10] need 610 (per layer: outputs × inputs"
                + " weights, then outputs biases)", e.getMessage());
        IllegalArgumentException noLayers = assertThrows(IllegalArgumentException.class,
                () -> new MlpClassifier().setInitialWeights(Vectors.dense(new double[610])).setMaxIter(1)
                        .fit(assembler().transform(train)));
        assertTrue(noLayers.getMessage().contains("need layers"), noLayers.getMessage());
    }

    @Test
    void earlyStoppingOnTheIndicatedRowsSurvivesCrossValidatorsCopies() {
        // About a fifth of the rows validate; patience 1 on validation accuracy stops well before 20 epochs.
        Dataset<Row> marked = train.withColumn("isVal", col("p10").plus(col("p30")).multiply(7).mod(5).equalTo(0));
        MlpClassifier mlp = new MlpClassifier().setLayers(new int[] {64, 16, 10}).setMaxIter(20).setBatchSize(128)
                .setPartitions(2).setValidationIndicatorCol("isVal").setEarlyStopPatience(1).setEarlyStopMetric("val_accuracy");
        ParamMap[] grid = new ParamGridBuilder().addGrid(mlp.stepSize(), new double[] {0.3, 0.1}).build();
        CrossValidator cv = new CrossValidator()
                .setEstimator(new Pipeline().setStages(new PipelineStage[] {assembler(), mlp}))
                .setEstimatorParamMaps(grid)
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"))
                .setNumFolds(2).setSeed(5).setCollectSubModels(true);
        CrossValidatorModel fitted = cv.fit(marked);
        List<MlpClassificationModel> models = new ArrayList<>();
        for (Model<?>[] fold : fitted.subModels()) {
            for (Model<?> m : fold) {
                models.add((MlpClassificationModel) ((PipelineModel) m).stages()[1]);
            }
        }
        models.add((MlpClassificationModel) ((PipelineModel) fitted.bestModel()).stages()[1]);
        assertEquals(5, models.size());
        for (MlpClassificationModel m : models) {
            MlpTrainingSummary s = m.summary();
            assertEquals("early-stopped", s.status(), s.toString());
            assertTrue(s.totalIterations() < 20, s.toString());
            assertTrue(s.bestEpoch() >= 1 && s.bestEpoch() < s.totalIterations(), s.toString());
            double[] accuracy = s.validationAccuracyHistory();
            for (int epoch = s.bestEpoch(); epoch < accuracy.length; epoch++) {
                assertTrue(accuracy[epoch] <= accuracy[s.bestEpoch() - 1], s.toString());
            }
            assertEquals(1, m.parent().getOrDefault(((MlpClassifier) m.parent()).earlyStopPatience()));
        }
        long validationRows = marked.filter(col("isVal")).count();
        Map<?, ?> rows = (Map<?, ?>) models.get(4).summary().run().toJson().get("rows");
        assertEquals(validationRows, rows.get("validation"));
    }

    @Test
    void refusesAValidationFractionBesideTheIndicatorColumn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MlpClassifier().setValidationIndicatorCol("isVal").setValidationFraction(0.2)
                        .trainingSettings());
        assertEquals("validationIndicatorCol 'isVal' and validationFraction 0.2 both choose the validation rows:"
                + " set one of them (validationFraction 0 with validationIndicatorCol)", e.getMessage());
        Dataset<Row> stringMarks = assembler().transform(train).withColumn("isVal", lit("yes"));
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> new MlpClassifier().setValidationIndicatorCol("isVal").setMaxIter(1).fit(stringMarks));
        assertEquals("validationIndicatorCol 'isVal' holds string; it must be a boolean column (true: a validation"
                + " row)", type.getMessage());
    }

    @Test
    void theSummaryHoldsEachEpochAndEvaluateGivesMllibsFigures() {
        Dataset<Row> assembled = assembler().transform(train);
        MlpClassificationModel model = new MlpClassifier().setLayers(new int[] {64, 16, 10}).setMaxIter(4)
                .setPartitions(2).setValidationFraction(0.2).fit(assembled);
        MlpTrainingSummary s = model.summary();
        assertEquals(4, s.totalIterations());
        assertEquals("finished", s.status());
        double[] loss = s.objectiveHistory();
        assertEquals(4, loss.length);
        assertTrue(loss[3] < loss[0], Arrays.toString(loss));
        for (int i = 0; i < 4; i++) {
            assertEquals(s.run().epochs().get(i).trainLoss(), loss[i]);
            assertTrue(s.validationLossHistory()[i] > 0 && s.validationAccuracyHistory()[i] > 0.1);
        }

        Dataset<Row> scored = assembler().transform(test);
        MlpClassificationSummary e = model.evaluate(scored);
        Dataset<Row> predictions = model.transform(scored);
        for (String metric : new String[] {"accuracy", "weightedPrecision", "weightedRecall"}) {
            double expected = new MulticlassClassificationEvaluator().setMetricName(metric).evaluate(predictions);
            double actual = metric.equals("accuracy") ? e.accuracy()
                    : metric.equals("weightedPrecision") ? e.weightedPrecision() : e.weightedRecall();
            assertEquals(expected, actual, 1e-12, metric);
        }
        double[] confusion = e.confusionMatrix().toArray();
        double total = 0;
        double diagonal = 0;
        int k = e.labels().length;
        for (int i = 0; i < confusion.length; i++) {
            total += confusion[i];
            diagonal += i % (k + 1) == 0 ? confusion[i] : 0;
        }
        assertEquals(scored.count(), (long) total);
        assertEquals(e.accuracy(), diagonal / total, 1e-12);
    }

    @Test
    void fitLogsItsParamsAndSizesAndLeavesNothingCached() {
        Dataset<Row> assembled = assembler().transform(train);
        long rows = assembled.count();
        long marked = assembled.filter("p5 > 8").count();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        AbstractAppender capture = new AbstractAppender("fit-log", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(event.getMessage().getFormattedMessage());
            }
        };
        capture.start();
        String logger = MlpClassifier.class.getName();
        Configurator.setLevel(logger, Level.INFO);
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getLoggerConfig(logger).addAppender(capture, Level.INFO, null);
        context.updateLoggers();
        int before = sc.sc().getPersistentRDDs().size();
        MlpClassifier plain = new MlpClassifier("mlp-log").setLayers(new int[] {64, 8, 10}).setMaxIter(1)
                .setPartitions(2);
        MlpClassifier indicated = plain.copy(ParamMap.empty()).setValidationIndicatorCol("isVal");
        try {
            plain.fit(assembled);
            indicated.fit(assembled.withColumn("isVal", col("p5").gt(8)));
        } finally {
            context.getConfiguration().getLoggerConfig(logger).removeAppender(capture.getName());
            Configurator.setLevel(logger, Level.WARN);
            capture.stop();
        }
        assertEquals(before, sc.sc().getPersistentRDDs().size(), sc.sc().getPersistentRDDs().toString());
        List<String> fits = lines.stream().filter(l -> l.startsWith("mlp-log: fit on")).toList();
        assertEquals(List.of("mlp-log: fit on " + rows + " rows (validation fraction 0.1), 64 features, 10 classes;"
                + " params {layers=[64, 8, 10], maxIter=1, partitions=2}", "mlp-log: fit on " + rows + " rows ("
                + marked + " marked for validation by 'isVal'), 64 features, 10 classes; params {layers=[64, 8, 10],"
                + " maxIter=1, partitions=2, validationIndicatorCol=isVal}"), fits);
    }

    @Test
    void checkpointsGoToCheckpointDirUnlessTheIntervalIsMinusOne(@TempDir Path dir) throws Exception {
        Dataset<Row> assembled = assembler().transform(train);
        Path on = dir.resolve("on");
        new MlpClassifier().setLayers(new int[] {64, 8, 10}).setMaxIter(1).setBatchSize(128).setPartitions(2)
                .setCheckpointDir(on.toString()).setCheckpointInterval(5).fit(assembled);
        try (Stream<Path> files = Files.list(on)) {
            // Two kept (the default), the newest at the epoch's end: step 10 of 10 (1,300-odd rows, batch 128).
            assertEquals(List.of("checkpoint-000000005.ckpt", "checkpoint-000000010.ckpt"),
                    files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".ckpt")).sorted().toList());
        }
        Path off = dir.resolve("off");
        new MlpClassifier().setLayers(new int[] {64, 8, 10}).setMaxIter(1).setBatchSize(128).setPartitions(2)
                .setCheckpointDir(off.toString()).setCheckpointInterval(-1).fit(assembled);
        assertFalse(Files.exists(off));
    }

    @Test
    void aFeaturesColumnOfTheWrongTypeOrSizeIsOneLineNamingIt() {
        Dataset<Row> arrays = train.withColumn("features", array(col("p0"), col("p1")));
        IllegalArgumentException array = assertThrows(IllegalArgumentException.class,
                () -> new MlpClassifier().setMaxIter(1).fit(arrays));
        assertEquals("the features column 'features' holds array<double>, not vectors: it must be one Spark ML"
                + " vector column (VectorAssembler makes one of numeric columns, array_to_vector of an array)",
                array.getMessage());
        IllegalArgumentException string = assertThrows(IllegalArgumentException.class,
                () -> new MlpClassifier().setFeaturesCol("p0s").setMaxIter(1)
                        .fit(train.withColumn("p0s", col("p0").cast("string"))));
        assertTrue(string.getMessage().startsWith("the features column 'p0s' holds string, not vectors"),
                string.getMessage());

        String[] fewer = new String[63];
        for (int i = 0; i < 63; i++) {
            fewer[i] = "p" + i;
        }
        Dataset<Row> short63 = new VectorAssembler().setInputCols(fewer).setOutputCol("features").transform(test);
        IllegalArgumentException atFit = assertThrows(IllegalArgumentException.class,
                () -> new MlpClassifier().setLayers(new int[] {64, 8, 10}).setMaxIter(1).fit(short63));
        assertEquals("the features column 'features' holds vectors of 63 values (its metadata), but layers"
                + " [64, 8, 10] take 64", atFit.getMessage());
        Column[] pixels = new Column[63];
        for (int i = 0; i < 63; i++) {
            pixels[i] = col("p" + i);
        }
        // Without size metadata: found while the rows are read, in one line naming the column.
        Dataset<Row> unmarked = train.withColumn("features", array_to_vector(array(pixels)));
        RuntimeException whileRead = assertThrows(RuntimeException.class,
                () -> new MlpClassifier().setLayers(new int[] {64, 8, 10}).setMaxIter(1).fit(unmarked));
        assertEquals("the Dataset<Row>: row 1: the vector in 'features' has 63 values, expected 64",
                whileRead.getMessage());
        MlpClassificationModel model = new MlpClassifier().setLayers(new int[] {64, 8, 10}).setMaxIter(1)
                .setPartitions(2).fit(assembler().transform(train));
        IllegalArgumentException atTransform = assertThrows(IllegalArgumentException.class,
                () -> model.transform(short63));
        assertEquals("the features column 'features' holds vectors of 63 values (its metadata), but the model"
                + " takes 64", atTransform.getMessage());
    }
}
