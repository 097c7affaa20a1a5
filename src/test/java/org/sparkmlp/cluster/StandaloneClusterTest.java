package org.sparkmlp.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.sparkmlp.cluster.LocalCluster.lines;
import static org.sparkmlp.cluster.LocalCluster.read;
import static org.sparkmlp.cluster.LocalCluster.tail;
import static org.sparkmlp.cluster.LocalCluster.waitFor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.sparkmlp.io.ModelFile;

/**
 * spark-mlp on a real Spark standalone cluster ({@link LocalCluster}: a master and two workers of one core each
 * on 127.0.0.1, from the Maven classpath, no Spark download), every run submitted through the project's own
 * {@code submit/cluster.sh} as a user would. Needs the application jar: run with {@code mvn -Pintegration verify}
 * (the jar is packaged before this phase); {@code -Pspark3.5,integration} runs it all on Spark 3.5.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterTest {
    /** The digits run of every test: fixed partitions, so that runs are comparable bit for bit. */
    private static final List<String> TRAIN = List.of("--partitions", "4", "--seed", "42", "--overwrite");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalCluster cluster;
    /** The clean client-mode run's model, for the executor-kill test. */
    private static double[] clean;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = LocalCluster.start("it-cluster");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        cluster.close();
    }

    private static List<String> train(String out, String... more) {
        List<String> args = new ArrayList<>(TRAIN);
        args.addAll(List.of("--out", out));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    @Order(1)
    void clientModeTrainsTheDigitsTo95Percent() throws Exception {
        Path out = cluster.dir.resolve("client");
        Path log = cluster.dir.resolve("client.log");
        Process run = cluster.submit(Map.of(), List.of(), train(out.toString()), log);
        assertEquals(0, waitFor(run), tail(log));
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertTrue(summary.get("test_accuracy").asDouble() >= 0.95, "test accuracy " + summary.get("test_accuracy"));
        clean = ModelFile.read(out.resolve("model.json")).parameters();
    }

    @Test
    @Order(2)
    void clusterDeployModeRunsTheDriverInAWorkerAndWritesWhereEveryNodeSees() throws Exception {
        Path out = cluster.dir.resolve("cluster-out");
        String location = out.toUri().toString(); // file:///…: the same path on every node of this cluster
        Path log = cluster.dir.resolve("cluster.log");
        Process run = cluster.submit(Map.of(), List.of("--deploy-mode", "cluster"), train(location), log);
        assertEquals(0, waitFor(run), tail(log));
        Path driverOut = cluster.driverDirectories().stream().map(d -> d.resolve("stdout"))
                .filter(f -> read(f).contains("wrote " + location)).findFirst()
                .orElseThrow(() -> new AssertionError("no driver in the workers' directories wrote " + location
                        + ":\n" + tail(log)));
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertTrue(summary.get("test_accuracy").asDouble() >= 0.95,
                "test accuracy " + summary.get("test_accuracy") + "\n" + read(driverOut));
        assertTrue(Files.exists(out.resolve("model.json")) && Files.exists(out.resolve("metrics.jsonl")));
    }

    @Test
    @Order(3)
    void aDriverThatFailsInClusterDeployModeFailsTheSubmission() throws Exception {
        Path log = cluster.dir.resolve("cluster-failing.log");
        Process run = cluster.submit(Map.of(), List.of("--deploy-mode", "cluster"),
                train(cluster.dir.resolve("cluster-failing").toUri().toString(),
                        "--data", cluster.dir.resolve("no-such-data.csv").toString()), log);
        assertEquals(7, waitFor(run), tail(log));
        assertTrue(read(log).contains("ended FAILED"), tail(log));
    }

    @Test
    @Order(4)
    void killingAnExecutorMidRunGivesTheCleanRunsModelBitForBit() throws Exception {
        if (clean == null) {
            clientModeTrainsTheDigitsTo95Percent();
        }
        Path out = cluster.dir.resolve("killed");
        Path log = cluster.dir.resolve("killed.log");
        Process run = cluster.submit(Map.of(), List.of(), train(out.toString()), log);
        // Mid-run: after the second epoch's metrics (15 epochs in all), while the executors hold cached blocks.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(LocalCluster.RUN_MINUTES);
        while (lines(out.resolve("metrics.jsonl")) < 2) {
            if (!run.isAlive() || System.nanoTime() > deadline) {
                fail("the run ended or stalled before its second epoch:\n" + tail(log));
            }
            Thread.sleep(50);
        }
        ProcessHandle executor = cluster.executors().stream().findFirst()
                .orElseThrow(() -> new AssertionError("no executor JVM under the workers"));
        assertTrue(run.isAlive(), "the run is still going when the executor is killed");
        int epochsBefore = lines(out.resolve("metrics.jsonl"));
        assertTrue(executor.destroyForcibly(), "SIGKILL to executor " + executor.pid()); // kill -9
        executor.onExit().get(30, TimeUnit.SECONDS);

        assertEquals(0, waitFor(run), tail(log));
        assertTrue(epochsBefore < 15, "killed during epoch " + (epochsBefore + 1) + " of 15");
        double[] killed = ModelFile.read(out.resolve("model.json")).parameters();
        assertArrayEquals(clean, killed, 0.0, "the model after an executor was killed differs from the clean run's");
        // A worker saw its executor die of SIGKILL (exit status 128 + 9).
        assertTrue(cluster.workerLogsMatch("exitStatus 137"), "no worker saw an executor killed");
    }

    @Test
    @Order(5)
    void killingTheDriverAfterACheckpointThenResumingGivesTheCleanRunsModelBitForBit() throws Exception {
        if (clean == null) {
            clientModeTrainsTheDigitsTo95Percent();
        }
        // Checkpoints do not change the math (an uninterrupted run with --checkpoint-every 10 on this cluster gives
        // the clean run's bits), so the clean run, without checkpoint options, is the reference: no third run.
        Path out = cluster.dir.resolve("driver-killed");
        Path log = cluster.dir.resolve("driver-killed.log");
        List<String> checkpointed = train(out.toString(), "--checkpoint-every", "10");
        Process run = cluster.submit(Map.of(), List.of(), checkpointed, log);
        Path checkpoints = out.resolve("checkpoints");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(LocalCluster.RUN_MINUTES);
        while (completeCheckpoints(checkpoints).isEmpty()) {
            if (!run.isAlive() || System.nanoTime() > deadline) {
                fail("the run ended or stalled before its first checkpoint:\n" + tail(log));
            }
            Thread.sleep(10);
        }
        // In client mode the driver is spark-submit's JVM, below cluster.sh and the stand-in spark-submit script.
        ProcessHandle driver = LocalCluster.driverOf(run);
        assertTrue(driver.destroyForcibly(), "SIGKILL to driver " + driver.pid()); // kill -9: no shutdown hook
        driver.onExit().get(30, TimeUnit.SECONDS);
        List<String> atKill = completeCheckpoints(checkpoints);
        assertFalse(Files.exists(out.resolve("summary.json")), "the run ended before its driver was killed");
        assertNotEquals(0, waitFor(run), "cluster.sh after its driver was killed:\n" + tail(log));
        // The master ends the dead driver's application and frees its cores; the resumed run needs them all.
        cluster.awaitNoApplications(60);

        List<String> resume = new ArrayList<>(checkpointed);
        resume.remove("--overwrite"); // refused together with --resume
        resume.add("--resume");
        Path resumedLog = cluster.dir.resolve("driver-killed-resumed.log");
        Process resumed = cluster.submit(Map.of(), List.of(), resume, resumedLog);
        assertEquals(0, waitFor(resumed), tail(resumedLog));
        assertTrue(read(resumedLog).contains("--resume: continuing from checkpoint-"),
                "checkpoints when the driver was killed: " + atKill + "\n" + tail(resumedLog));

        double[] model = ModelFile.read(out.resolve("model.json")).parameters();
        assertArrayEquals(clean, model, 0.0, "the resumed model differs from the clean run's; killed with "
                + atKill + "\n" + tail(resumedLog));
        List<Integer> expected = epochs(cluster.dir.resolve("client").resolve("metrics.jsonl"));
        assertEquals(IntStream.rangeClosed(1, expected.size()).boxed().toList(), expected, "the clean run's epochs");
        assertEquals(expected, epochs(out.resolve("metrics.jsonl")),
                "epoch lines of metrics.jsonl after the resumed run; killed with " + atKill);
    }

    /** Complete checkpoint files, by name: a checkpoint being written is under a hidden temporary name. */
    private static List<String> completeCheckpoints(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("checkpoint-\\d{9,}\\.ckpt"))
                    .sorted().toList();
        }
    }

    /** The "epoch" numbers of metrics.jsonl's "event": "epoch" lines, in order. */
    private static List<Integer> epochs(Path metrics) throws IOException {
        List<Integer> epochs = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            if (!line.isBlank()) {
                JsonNode n = JSON.readTree(line);
                if (n.path("event").asText().equals("epoch")) {
                    epochs.add(n.get("epoch").asInt());
                }
            }
        }
        return epochs;
    }
}
