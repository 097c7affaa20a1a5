package org.sparkmlp.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkmlp.api.TrainedModel;
import org.sparkmlp.testing.SparkTests;

/** Saving and loading: Spark's metadata and our model.json under the path; Pipeline.load finds the classes. */
class MlpPersistenceTest {
    private static JavaSparkContext sc;
    private static Dataset<Row> digits;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        sc = SparkTests.start("local[2]");
        digits = MlpClassifierTest.digits(SparkSession.builder().sparkContext(sc.sc()).getOrCreate()).cache();
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    private static VectorAssembler assembler() {
        return MlpClassifierTest.assembler();
    }

    private static List<Row> scores(Dataset<Row> predicted) {
        return predicted.select("probability", "prediction").collectAsList();
    }

    @Test
    void savedModelLoadsWithIdenticalPredictionsAndItsModelFileReadsAsTheApis() throws Exception {
        Dataset<Row> assembled = assembler().transform(digits);
        MlpClassificationModel model = new MlpClassifier().setLayers(new int[] {64, 16, 10}).setMaxIter(2)
                .setPartitions(2).setProbabilityCol("p").fit(assembled);
        String at = dir.resolve("model").toString();
        model.write().overwrite().save(at);
        MlpClassificationModel loaded = MlpClassificationModel.load(at);
        assertEquals(model.uid(), loaded.uid());
        assertEquals("p", loaded.getProbabilityCol());
        assertEquals(10, loaded.numClasses());
        List<Row> before = model.transform(assembled).select("p", "prediction").collectAsList();
        List<Row> after = loaded.transform(assembled).select("p", "prediction").collectAsList();
        assertEquals(before, after);
        TrainedModel file = TrainedModel.read(dir.resolve("model").resolve(MlpClassificationModel.MODEL_FILE)
                .toString());
        assertArrayEquals(model.trainedModel().network().parameters(), file.network().parameters());
    }

    @Test
    void pipelineModelSavesAndLoads() throws Exception {
        MlpClassifier mlp = new MlpClassifier().setMaxIter(2).setPartitions(2).setEarlyStopPatience(1);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler(), mlp});
        String estimatorAt = dir.resolve("pipeline").toString();
        pipeline.write().overwrite().save(estimatorAt);
        MlpClassifier reloaded = (MlpClassifier) Pipeline.load(estimatorAt).getStages()[1];
        assertEquals(1, reloaded.getOrDefault(reloaded.earlyStopPatience()));
        assertEquals(mlp.uid(), reloaded.uid());

        PipelineModel fitted = pipeline.fit(digits);
        String modelAt = dir.resolve("pipeline-model").toString();
        fitted.write().overwrite().save(modelAt);
        PipelineModel loaded = PipelineModel.load(modelAt);
        List<Row> before = scores(fitted.transform(digits));
        List<Row> after = scores(loaded.transform(digits));
        assertEquals(before, after);
        Vector p = after.get(0).getAs(0);
        assertEquals(10, p.size());
    }

    @Test
    void unknownSavedParamsAreSkippedAndALoadedModelHasNoSummary() throws Exception {
        Dataset<Row> assembled = assembler().transform(digits);
        MlpClassifier mlp = new MlpClassifier().setLayers(new int[] {64, 8, 10}).setMaxIter(1).setPartitions(2)
                .setEarlyStopPatience(2).setValidationFraction(0.2);
        MlpClassificationModel model = mlp.fit(assembled);
        assertTrue(model.hasSummary());
        String modelAt = dir.resolve("model").toString();
        model.write().overwrite().save(modelAt);
        String estimatorAt = dir.resolve("estimator").toString();
        mlp.write().overwrite().save(estimatorAt);
        addParam(dir.resolve("model"), "paramMap", "dropoutRate", "0.5");
        addParam(dir.resolve("estimator"), "paramMap", "dropoutRate", "0.5");
        addParam(dir.resolve("estimator"), "defaultParamMap", "momentumSchedule", "\"cosine\"");

        MlpClassificationModel loaded = MlpClassificationModel.load(modelAt);
        assertFalse(loaded.hasSummary());
        IllegalStateException none = assertThrows(IllegalStateException.class, loaded::summary);
        assertEquals("No training summary available for this MlpClassificationModel (a loaded model has none)",
                none.getMessage());
        assertEquals(scores(model.transform(assembled)), scores(loaded.transform(assembled)));
        MlpClassifier reloaded = MlpClassifier.load(estimatorAt);
        assertEquals(2, reloaded.getOrDefault(reloaded.earlyStopPatience()));
        assertEquals(0.2, reloaded.getOrDefault(reloaded.validationFraction()));
        assertArrayEquals(new int[] {64, 8, 10}, reloaded.getOrDefault(reloaded.layers()));
    }

    @Test
    void aKnownParamWithABadSavedValueFailsNamingIt() throws Exception {
        String at = dir.resolve("estimator").toString();
        new MlpClassifier().setMaxIter(3).write().overwrite().save(at);
        addParam(dir.resolve("estimator"), "paramMap", "stepSize", "-1.0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MlpClassifier.load(at));
        assertTrue(e.getMessage().contains("stepSize"), e.getMessage());
    }

    /** Adds {@code "name": value} to the {@code map} object of the saved metadata's one JSON line. */
    private static void addParam(Path saved, String map, String name, String json) throws Exception {
        Path metadata;
        try (Stream<Path> files = Files.list(saved.resolve("metadata"))) {
            metadata = files.filter(f -> f.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
        }
        String text = Files.readString(metadata);
        String key = "\"" + map + "\":{";
        assertTrue(text.contains(key), text);
        String entry = "\"" + name + "\":" + json;
        Files.writeString(metadata, text.contains(key + "}") ? text.replace(key + "}", key + entry + "}")
                : text.replace(key, key + entry + ","));
        Files.deleteIfExists(metadata.resolveSibling("." + metadata.getFileName() + ".crc"));
    }
}
