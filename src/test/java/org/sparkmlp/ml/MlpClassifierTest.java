package org.sparkmlp.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
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
        assertTrue(fitted.summary().epochs().size() > 0);
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
}
