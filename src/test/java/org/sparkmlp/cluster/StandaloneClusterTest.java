package org.sparkmlp.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * spark-mlp on a real Spark standalone cluster: a master and two workers of one core each on 127.0.0.1, started
 * from the Maven classpath by {@code submit/standalone.sh} (no Spark download), every run submitted through the
 * project's own {@code submit/cluster.sh} as a user would. Needs the application jar: run with
 * {@code mvn -Pintegration verify} (the jar is packaged before this phase). The cluster matches the build: the
 * Spark 4 classpath, or Spark 3.5's under {@code -Pspark3.5,integration}.
 *
 * <p>The cluster is stopped after the class, by the PIDs its script recorded, whatever the tests did; a JVM
 * shutdown hook does the same if the run is interrupted.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    private static final Path BUILD = Path.of(System.getProperty("sparkmlp.build.directory",
            ROOT.resolve("target").toString())).toAbsolutePath();
    private static final Path DIR = BUILD.resolve("it-cluster");
    private static final long RUN_MINUTES = 10;
    /** The digits run of every test: fixed partitions, so that runs are comparable bit for bit. */
    private static final List<String> TRAIN = List.of("train", "--partitions", "4", "--seed", "42",
            "--overwrite"); // target/it-cluster outlives a run: each run starts over
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, String> cluster;
    private static Thread stopOnExit;
    /** The clean client-mode run's model, for the executor-kill test. */
    private static double[] clean;

    @BeforeAll
    static void startCluster() throws Exception {
        stopOnExit = new Thread(StandaloneClusterTest::stopQuietly);
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        int code = script(List.of(ROOT.resolve("submit/standalone.sh").toString(), "start", DIR.toString(),
                "--classpath", BUILD.resolve("classpath.txt").toString()), Map.of(), DIR.resolve("start.log"), 3);
        assertEquals(0, code, "standalone.sh start failed:\n" + tail(DIR.resolve("start.log")));
        cluster = new HashMap<>();
        for (String line : Files.readAllLines(DIR.resolve("cluster.env"))) {
            int eq = line.indexOf('=');
            cluster.put(line.substring(0, eq), line.substring(eq + 1));
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        int code = script(List.of(ROOT.resolve("submit/standalone.sh").toString(), "stop", DIR.toString()), Map.of(),
                DIR.resolve("stop.log"), 2);
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
        assertEquals(0, code, tail(DIR.resolve("stop.log")));
        assertFalse(Files.exists(DIR.resolve("pids")), "the cluster's processes were all stopped");
    }

    private static void stopQuietly() {
        try {
            script(List.of(ROOT.resolve("submit/standalone.sh").toString(), "stop", DIR.toString()), Map.of(),
                    DIR.resolve("stop-on-exit.log"), 2);
        } catch (Exception e) {
            // the JVM is exiting: nothing more to do
        }
    }

    @Test
    @Order(1)
    void clientModeTrainsTheDigitsTo95Percent() throws Exception {
        Path out = DIR.resolve("client");
        Process run = submit(List.of(), out.toString(), DIR.resolve("client.log"));
        assertEquals(0, waitFor(run), tail(DIR.resolve("client.log")));
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertTrue(summary.get("test_accuracy").asDouble() >= 0.95, "test accuracy " + summary.get("test_accuracy"));
        clean = ModelFile.read(out.resolve("model.json")).parameters();
    }

    @Test
    @Order(2)
    void clusterDeployModeRunsTheDriverInAWorkerAndWritesWhereEveryNodeSees() throws Exception {
        Path out = DIR.resolve("cluster-out");
        String location = out.toUri().toString(); // file:///…: the same path on every node of this cluster
        Process run = submit(List.of("--deploy-mode", "cluster"), location, DIR.resolve("cluster.log"));
        assertEquals(0, waitFor(run), tail(DIR.resolve("cluster.log")));
        Path driverOut = driverDirectories().stream().map(d -> d.resolve("stdout"))
                .filter(f -> read(f).contains("wrote " + location)).findFirst()
                .orElseThrow(() -> new AssertionError("no driver in the workers' directories wrote " + location
                        + ":\n" + tail(DIR.resolve("cluster.log"))));
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertTrue(summary.get("test_accuracy").asDouble() >= 0.95,
                "test accuracy " + summary.get("test_accuracy") + "\n" + read(driverOut));
        assertTrue(Files.exists(out.resolve("model.json")) && Files.exists(out.resolve("metrics.jsonl")));
    }

    @Test
    @Order(3)
    void aDriverThatFailsInClusterDeployModeFailsTheSubmission() throws Exception {
        Path log = DIR.resolve("cluster-failing.log");
        Process run = submit(List.of("--deploy-mode", "cluster"), DIR.resolve("cluster-failing").toUri().toString(),
                log, "--data", DIR.resolve("no-such-data.csv").toString());
        assertEquals(7, waitFor(run), tail(log));
        assertTrue(read(log).contains("ended FAILED"), tail(log));
    }

    @Test
    @Order(4)
    void killingAnExecutorMidRunGivesTheCleanRunsModelBitForBit() throws Exception {
        if (clean == null) {
            clientModeTrainsTheDigitsTo95Percent();
        }
        Path out = DIR.resolve("killed");
        Path log = DIR.resolve("killed.log");
        Process run = submit(List.of(), out.toString(), log);
        // Mid-run: after the second epoch's metrics (15 epochs in all), while the executors hold cached blocks.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(RUN_MINUTES);
        while (lines(out.resolve("metrics.jsonl")) < 2) {
            if (!run.isAlive() || System.nanoTime() > deadline) {
                fail("the run ended or stalled before its second epoch:\n" + tail(log));
            }
            Thread.sleep(50);
        }
        ProcessHandle executor = executors().stream().findFirst()
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
        assertTrue(grepWorkerLogs("exitStatus 137"), "no worker saw an executor killed");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** submit/cluster.sh against the cluster, with the digits run writing to {@code out}. */
    private static Process submit(List<String> submitArgs, String out, Path log, String... trainArgs) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("submit/cluster.sh").toString());
        command.addAll(List.of("--master", cluster.get("SPARK_MASTER_URL"), "--conf", "spark.ui.enabled=false",
                "--executor-memory", "768m", "--driver-memory", "768m"));
        command.addAll(submitArgs);
        command.add("--");
        command.addAll(TRAIN);
        command.addAll(List.of("--out", out));
        command.addAll(List.of(trainArgs));
        return start(command, Map.of("SPARK_HOME", cluster.get("SPARK_HOME"),
                "SPARK_SCALA_VERSION", cluster.get("SPARK_SCALA_VERSION")), log);
    }

    private static Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        builder.environment().put("OPENBLAS_NUM_THREADS", "1");
        return builder.start();
    }

    private static int script(List<String> command, Map<String, String> env, Path log, long minutes) throws Exception {
        Process p = start(command, env, log);
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            destroyTree(p);
            fail(command + " did not finish in " + minutes + " min:\n" + tail(log));
        }
        return p.exitValue();
    }

    /** The exit code of a submitted run; one that hangs is ended (it and every process it started) and fails. */
    private static int waitFor(Process run) throws InterruptedException {
        if (!run.waitFor(RUN_MINUTES, TimeUnit.MINUTES)) {
            destroyTree(run);
            fail("the run did not finish in " + RUN_MINUTES + " min");
        }
        return run.exitValue();
    }

    private static void destroyTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** The workers' JVMs, by the PIDs standalone.sh recorded (the first is the master's). */
    private static List<ProcessHandle> workers() throws IOException {
        List<String> pids = Files.readAllLines(DIR.resolve("pids"));
        List<ProcessHandle> workers = new ArrayList<>();
        for (String pid : pids.subList(1, pids.size())) {
            ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(workers::add);
        }
        return workers;
    }

    /** Executor JVMs the workers launched. */
    private static List<ProcessHandle> executors() throws IOException {
        List<ProcessHandle> found = new ArrayList<>();
        for (ProcessHandle worker : workers()) {
            worker.children().filter(c -> c.info().commandLine().or(() -> c.info().arguments().map(a -> String.join(" ", a)))
                    .map(s -> s.contains("CoarseGrainedExecutorBackend")).orElse(false)).forEach(found::add);
        }
        return found;
    }

    private static List<Path> driverDirectories() throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> work = Files.list(DIR)) {
            for (Path w : work.filter(p -> p.getFileName().toString().startsWith("work-")).toList()) {
                try (Stream<Path> d = Files.list(w)) {
                    d.filter(p -> p.getFileName().toString().startsWith("driver-")).forEach(dirs::add);
                }
            }
        }
        return dirs;
    }

    private static boolean grepWorkerLogs(String regex) throws IOException {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(regex);
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.getFileName().toString().startsWith("worker-"))
                    .anyMatch(p -> pattern.matcher(read(p)).find());
        }
    }

    private static int lines(Path file) throws IOException {
        return Files.exists(file) ? (int) Files.readAllLines(file).stream().filter(l -> !l.isBlank()).count() : 0;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String tail(Path file) {
        List<String> lines = read(file).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
