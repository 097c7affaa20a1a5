package org.sparkmlp.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkmlp.testing.ReadmeExample;
import org.sparkmlp.testing.SparkTests;

/**
 * README's Spark ML example (between its ml-example markers), compiled and run as it stands there: a Pipeline
 * of VectorAssembler, StandardScaler and MlpClassifier under CrossValidator on the digits as a Parquet table,
 * its model saved under target/ml-example and loaded back.
 */
class ReadmeMlExampleTest {
    @TempDir
    Path dir;

    @Test
    void readmesSparkMlExampleTunesAPipelineAndSavesIt() throws Exception {
        Path table = dir.resolve("digits.parquet");
        try (JavaSparkContext sc = SparkTests.start("local[2]")) {
            MlpClassifierTest.digits(SparkSession.builder().sparkContext(sc.sc()).getOrCreate())
                    .coalesce(1).write().parquet(table.toString());
        }
        String out = ReadmeExample.compileAndRun("ml-example", dir, table.toString());
        Matcher accuracy = Pattern.compile("test accuracy (\\d\\.\\d{4})").matcher(out);
        assertTrue(accuracy.find(), "the example printed: " + out);
        assertTrue(Double.parseDouble(accuracy.group(1)) > 0.9, out);

        try (JavaSparkContext sc = SparkTests.start("local[2]")) {
            SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
            CrossValidatorModel saved = CrossValidatorModel.load(Path.of("target", "ml-example", "model").toString());
            MlpClassificationModel best = (MlpClassificationModel) ((PipelineModel) saved.bestModel()).stages()[2];
            assertEquals(10, best.numClasses());
            assertEquals(64, best.numFeatures());
        }
    }
}
