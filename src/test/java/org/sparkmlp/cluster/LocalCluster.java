package org.sparkmlp.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1 for a test class: {@code submit/standalone.sh} starts it from the
 * build's Maven classpath ({@code classpath.txt} of the build directory, so Spark 4 or, under {@code -Pspark3.5},
 * Spark 3.5), and runs go through {@code submit/cluster.sh} as a user's would. {@link #close} stops every process
 * of the cluster by the PIDs the script recorded; a JVM shutdown hook does the same if the run is interrupted.
 */
final class LocalCluster implements AutoCloseable {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    static final Path BUILD = Path.of(System.getProperty("sparkmlp.build.directory",
            ROOT.resolve("target").toString())).toAbsolutePath();
    static final long RUN_MINUTES = 10;

    final Path dir;
    private final Map<String, String> env = new HashMap<>();
    private final Thread stopOnExit;

    private LocalCluster(Path dir) {
        this.dir = dir;
        this.stopOnExit = new Thread(this::stopQuietly);
    }

    /** Starts a master and two 1-core workers in {@code BUILD/name}; {@code options} go to standalone.sh start. */
    static LocalCluster start(String name, String... options) throws Exception {
        LocalCluster cluster = new LocalCluster(BUILD.resolve(name));
        // A fresh directory: outputs of an earlier run (metrics.jsonl, ...) would mislead the tests.
        if (Files.exists(cluster.dir.resolve("pids"))) {
            fail(cluster.dir + " has a running cluster: submit/standalone.sh stop " + cluster.dir);
        }
        deleteRecursively(cluster.dir);
        Runtime.getRuntime().addShutdownHook(cluster.stopOnExit);
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("submit/standalone.sh").toString(), "start",
                cluster.dir.toString(), "--classpath", BUILD.resolve("classpath.txt").toString()));
        command.addAll(List.of(options));
        Path log = cluster.dir.resolve("start.log");
        assertEquals(0, script(command, log, 3), "standalone.sh start failed:\n" + tail(log));
        for (String line : Files.readAllLines(cluster.dir.resolve("cluster.env"))) {
            int eq = line.indexOf('=');
            cluster.env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return cluster;
    }

    @Override
    public void close() throws Exception {
        Path log = dir.resolve("stop.log");
        int code = script(List.of(ROOT.resolve("submit/standalone.sh").toString(), "stop", dir.toString()), log, 2);
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
        assertEquals(0, code, tail(log));
        if (Files.exists(dir.resolve("pids"))) {
            fail("the cluster's processes were not all stopped: " + tail(log));
        }
    }

    private void stopQuietly() {
        try {
            script(List.of(ROOT.resolve("submit/standalone.sh").toString(), "stop", dir.toString()),
                    dir.resolve("stop-on-exit.log"), 2);
        } catch (Exception e) {
            // the JVM is exiting: nothing more to do
        }
    }

    /**
     * Starts one more worker of one core, as {@code submit/standalone.sh} starts its own but with {@code extraEnv} in
     * its environment, which the executors it launches inherit (e.g. {@code JAVA_TOOL_OPTIONS}), and waits until it
     * has registered with the master. Its PID joins the script's list, so {@link #close} stops it with the rest.
     */
    void addWorker(Map<String, String> extraEnv) throws Exception {
        int n;
        try (Stream<Path> work = Files.list(dir)) {
            n = (int) work.filter(p -> p.getFileName().toString().startsWith("work-")).count() + 1;
        }
        Path workDir = dir.resolve("work-" + n);
        Files.createDirectories(workDir);
        // The daemons' JVM options come from the same file standalone.sh sources.
        List<String> command = List.of("bash", "-c", "source \"$1/submit/spark-jvm-options.sh\"; exec java -Xmx256m"
                + " \"${spark_jvm_opts[@]}\" -Dspark.master.rest.enabled=false -cp \"$SPARK_HOME/conf:$SPARK_HOME/jars/*\""
                + " org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 2g --webui-port 0"
                + " --work-dir \"$2\" \"$3\"", "worker", ROOT.toString(), workDir.toString(), env.get("SPARK_MASTER_URL"));
        Map<String, String> all = new HashMap<>(extraEnv);
        all.put("SPARK_HOME", env.get("SPARK_HOME"));
        all.put("SPARK_SCALA_VERSION", env.get("SPARK_SCALA_VERSION"));
        all.put("SPARK_LOCAL_HOSTNAME", "127.0.0.1");
        Path log = dir.resolve("worker-" + n + ".log");
        Process worker = start(command, all, log);
        Files.writeString(dir.resolve("pids"), worker.pid() + "\n", StandardOpenOption.APPEND);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!read(log).contains("Successfully registered with master")) {
            if (!worker.isAlive() || System.nanoTime() > deadline) {
                fail("worker " + n + " did not register with the master:\n" + tail(log));
            }
            Thread.sleep(100);
        }
    }

    /**
     * Starts {@code submit/cluster.sh --master <this cluster> submitArgs -- train trainArgs}, with {@code extraEnv},
     * its output in {@code log}.
     */
    Process submit(Map<String, String> extraEnv, List<String> submitArgs, List<String> trainArgs, Path log)
            throws IOException {
        return submit(env.get("SPARK_MASTER_URL"), extraEnv, submitArgs, trainArgs, log);
    }

    /** {@link #submit(Map, List, List, Path)} to another master, e.g. {@code local[2]}, with this cluster's Spark. */
    Process submit(String master, Map<String, String> extraEnv, List<String> submitArgs, List<String> trainArgs,
                   Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("submit/cluster.sh").toString());
        command.addAll(List.of("--master", master, "--conf", "spark.ui.enabled=false",
                "--executor-memory", "768m", "--driver-memory", "768m"));
        command.addAll(submitArgs);
        command.add("--");
        command.add("train");
        command.addAll(trainArgs);
        Map<String, String> all = new HashMap<>(extraEnv);
        all.put("SPARK_HOME", env.get("SPARK_HOME"));
        all.put("SPARK_SCALA_VERSION", env.get("SPARK_SCALA_VERSION"));
        return start(command, all, log);
    }

    /** The exit code of a submitted run; one that hangs is ended (it and every process it started) and fails. */
    static int waitFor(Process run) throws InterruptedException {
        if (!run.waitFor(RUN_MINUTES, TimeUnit.MINUTES)) {
            destroyTree(run);
            fail("the run did not finish in " + RUN_MINUTES + " min");
        }
        return run.exitValue();
    }

    /** Executor JVMs that the workers launched. */
    List<ProcessHandle> executors() throws IOException {
        List<ProcessHandle> found = new ArrayList<>();
        for (ProcessHandle worker : workers()) {
            worker.children().filter(c -> commandLine(c)
                    .map(s -> s.contains("CoarseGrainedExecutorBackend")).orElse(false)).forEach(found::add);
        }
        return found;
    }

    /**
     * The driver JVM of a client deploy mode run: the java process that the stand-in {@code bin/spark-submit}
     * execs, below {@code run} (cluster.sh, a shell) — not the short-lived launcher JVM that builds its command.
     */
    static ProcessHandle driverOf(Process run) {
        List<ProcessHandle> drivers = run.descendants().filter(p -> commandLine(p)
                .map(s -> s.contains("org.apache.spark.deploy.SparkSubmit")
                        && !s.contains("org.apache.spark.launcher.Main")).orElse(false)).toList();
        assertEquals(1, drivers.size(), "driver JVMs under cluster.sh " + run.pid() + ": " + drivers);
        return drivers.get(0);
    }

    private static Optional<String> commandLine(ProcessHandle p) {
        return p.info().commandLine().or(() -> p.info().arguments().map(a -> String.join(" ", a)));
    }

    /**
     * Waits until the master, by its web UI's JSON, runs no application and lends no core: after a driver died,
     * the master ends its application and the workers' executors, so that the next run gets every core.
     */
    void awaitNoApplications(long seconds) throws Exception {
        java.util.regex.Matcher ui = Pattern.compile("MasterWebUI.* started at (http://\\S+)")
                .matcher(read(dir.resolve("master.log")));
        if (!ui.find()) {
            fail("no MasterWebUI address in " + dir.resolve("master.log"));
        }
        URI json = URI.create(ui.group(1).replaceAll("/+$", "") + "/json");
        ObjectMapper mapper = new ObjectMapper();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonNode state;
        while (true) {
            try (InputStream in = json.toURL().openStream()) {
                state = mapper.readTree(in);
            }
            if (state.path("activeapps").isEmpty() && state.path("coresused").asInt(-1) == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("the master still has applications or used cores after " + seconds + " s: " + state);
            }
            Thread.sleep(200);
        }
    }

    /** The workers' JVMs, by the PIDs standalone.sh recorded (the first is the master's). */
    private List<ProcessHandle> workers() throws IOException {
        List<String> pids = Files.readAllLines(dir.resolve("pids"));
        List<ProcessHandle> workers = new ArrayList<>();
        for (String pid : pids.subList(1, pids.size())) {
            ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(workers::add);
        }
        return workers;
    }

    /** The directories of drivers that the workers ran (cluster deploy mode): stdout, stderr, the jar. */
    List<Path> driverDirectories() throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> work = Files.list(dir)) {
            for (Path w : work.filter(p -> p.getFileName().toString().startsWith("work-")).toList()) {
                try (Stream<Path> d = Files.list(w)) {
                    d.filter(p -> p.getFileName().toString().startsWith("driver-")).forEach(dirs::add);
                }
            }
        }
        return dirs;
    }

    boolean workerLogsMatch(String regex) throws IOException {
        Pattern pattern = Pattern.compile(regex);
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("worker-"))
                    .anyMatch(p -> pattern.matcher(read(p)).find());
        }
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

    private static int script(List<String> command, Path log, long minutes) throws Exception {
        Process p = start(command, Map.of(), log);
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            destroyTree(p);
            fail(command + " did not finish in " + minutes + " min:\n" + tail(log));
        }
        return p.exitValue();
    }

    private static void destroyTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** Deletes {@code path} and everything under it, if it exists. */
    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) { // does not follow symbolic links (spark-home/jars links)
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static int lines(Path file) throws IOException {
        return Files.exists(file) ? (int) Files.readAllLines(file).stream().filter(l -> !l.isBlank()).count() : 0;
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static String tail(Path file) {
        List<String> lines = read(file).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
