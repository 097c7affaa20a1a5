package org.sparkmlp.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkmlp.api.TrainedModel;
import org.sparkmlp.cli.CliRun;
import org.sparkmlp.cli.ExitCode;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Network;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.testing.SparkTests;

/**
 * A model the command line trained, loaded by {@link MlpClassificationModel#fromModelFile}, scores rows as the
 * command line's {@code predict} does on the same model.json. The command line starts its own Spark, so this
 * class holds none while it runs.
 */
class MlpCommandLineAgreementTest {
    @TempDir
    Path dir;

    @Test
    void probabilitiesEqualTheCommandLinesPredictOnTheSameModelFile() throws Exception {
        Path data = dir.resolve("digits.csv");
        try (InputStream in = new GZIPInputStream(
                MlpCommandLineAgreementTest.class.getResourceAsStream("/org/sparkmlp/data/digits.csv.gz"))) {
            Files.copy(in, data);
        }
        Path run = dir.resolve("run");
        CliRun train = CliRun.of("train", "--data", data.toString(), "--hidden", "16", "--epochs", "2",
                "--master", "local[2]", "--out", run.toString());
        assertEquals(ExitCode.OK, train.code(), train.err());
        String modelFile = run.resolve("model.json").toString();
        CliRun predict = CliRun.of("predict", "--model", modelFile, "--data", data.toString(), "--master",
                "local[2]", "--out", run.toString());
        assertEquals(ExitCode.OK, predict.code(), predict.err());
        List<String> lines = Files.readAllLines(run.resolve("predictions.csv"));
        assertEquals("predicted,p_0,p_1,p_2,p_3,p_4,p_5,p_6,p_7,p_8,p_9", lines.get(0));

        try (JavaSparkContext sc = SparkTests.start("local[2]")) {
            SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
            MlpClassificationModel model = MlpClassificationModel.fromModelFile(modelFile);
            assertEquals(10, model.numClasses());
            assertEquals(64, model.numFeatures());
            Dataset<Row> rows = MlpClassifierTest.assembler().transform(MlpClassifierTest.digits(spark));
            List<Row> scored = model.transform(rows).select("probability", "prediction").collectAsList();
            assertEquals(lines.size() - 1, scored.size());
            for (int i = 0; i < scored.size(); i++) {
                String[] fields = lines.get(i + 1).split(",");
                double[] expected = new double[10];
                for (int c = 0; c < 10; c++) {
                    expected[c] = Double.parseDouble(fields[c + 1]);
                }
                // Both score 256-row chunks with the same float64 kernel, and on this machine they agree to the
                // bit; but the chunks start at other rows (the command line's blocks, the DataFrame's partitions),
                // and a BLAS may pick another kernel for a short chunk on another CPU: not pinned to the bit.
                assertArrayEquals(expected, ((Vector) scored.get(i).get(0)).toArray(), 1e-15, "row " + i);
                assertEquals(Double.parseDouble(fields[0]), scored.get(i).getDouble(1), "row " + i);
            }
        }
    }

    @Test
    void aModelFileWhoseClassesAreNotIndicesIsRefusedNamingThem() throws Exception {
        Architecture arch = new Architecture(new int[] {2, 3, 2}, Activation.TANH);
        Network network = new Network(arch, Loss.CROSS_ENTROPY, new double[arch.parameterCount()],
                Scaling.none(2), List.of("cat", "dog"), Map.of());
        String at = dir.resolve("animals.json").toString();
        TrainedModel.of(network).write(at);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MlpClassificationModel.fromModelFile(at));
        assertEquals("the model file " + at + " has class 'cat' (classes [cat, dog]): a Spark ML model needs class"
                + " indices 0, 1, …; train on numeric labels, or index them with StringIndexer", e.getMessage());
    }
}
