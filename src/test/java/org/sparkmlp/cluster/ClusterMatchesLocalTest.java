package org.sparkmlp.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.sparkmlp.cluster.LocalCluster.tail;
import static org.sparkmlp.cluster.LocalCluster.waitFor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkmlp.io.ModelFile;

/**
 * The same seed and partitioning give the same model on a real cluster (two 1-core executors in JVMs of their
 * own, the weights shipped in every task, sums returned and merged on the driver) as in local mode (tasks on the
 * driver's threads reading its arrays in place), in both precisions; with more partitions than task slots too,
 * where each step task reads a run of partitions cached together on its executor. Both runs go through the
 * project's scripts as a user's would: {@code submit/cluster.sh} and {@code submit/local.sh --master local[2]}.
 */
@Tag("integration")
class ClusterMatchesLocalTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        // submit/local.sh runs the Spark 4 build: against a Spark 3.5 cluster the comparison would also span
        // Spark (and Hadoop) versions, which is not what this test pins.
        assumeTrue(LocalCluster.BUILD.equals(LocalCluster.ROOT.resolve("target")),
                "the local run is Spark 4's; this build is " + LocalCluster.BUILD);
        cluster = LocalCluster.start("it-bits");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "{0}, {1} partitions")
    @CsvSource({"float32, 2", "float64, 2", "float32, 8", "float64, 8"})
    void theClusterTrainsTheModelLocalModeTrains(String precision, int partitions) throws Exception {
        String name = precision + "-p" + partitions;
        List<String> args = List.of("--partitions", Integer.toString(partitions), "--precision", precision,
                "--batch-size", "64", "--epochs", "3", "--seed", "7", "--overwrite");
        Path onCluster = cluster.dir.resolve("cluster-" + name);
        Path clusterLog = cluster.dir.resolve("cluster-" + name + ".log");
        List<String> clusterArgs = new ArrayList<>(args);
        clusterArgs.addAll(List.of("--out", onCluster.toString()));
        assertEquals(0, waitFor(cluster.submit(Map.of(), List.of(), clusterArgs, clusterLog)), tail(clusterLog));

        Path local = cluster.dir.resolve("local-" + name);
        Path localLog = cluster.dir.resolve("local-" + name + ".log");
        List<String> command = new ArrayList<>(List.of(LocalCluster.ROOT.resolve("submit/local.sh").toString(),
                "train", "--master", "local[2]", "--out", local.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(LocalCluster.ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(localLog.toFile());
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        assertEquals(0, waitFor(builder.start()), tail(localLog));

        double[] fromCluster = ModelFile.read(onCluster.resolve("model.json")).parameters();
        double[] fromLocal = ModelFile.read(local.resolve("model.json")).parameters();
        assertArrayEquals(fromLocal, fromCluster, 0.0, "the cluster's model differs from local[2]'s");

        // Never more step tasks than the cluster's two slots, whatever the partitions.
        JsonNode steps = JSON.readTree(onCluster.resolve("summary.json").toFile()).get("step_breakdown");
        assertEquals(2.0, steps.get("tasks_per_step").asDouble(), steps.toString());
        assertTrue(steps.get("run_ms").asDouble() >= 0 && steps.get("job_ms").asDouble() > 0, steps.toString());
    }
}
