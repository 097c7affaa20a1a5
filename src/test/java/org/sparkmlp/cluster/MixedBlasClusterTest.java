package org.sparkmlp.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkmlp.cluster.LocalCluster.read;
import static org.sparkmlp.cluster.LocalCluster.tail;
import static org.sparkmlp.cluster.LocalCluster.waitFor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkmlp.io.ModelFile;

/**
 * Executors whose BLAS differ, on a real standalone cluster ({@link LocalCluster}): one worker as
 * {@code submit/standalone.sh} starts it, whose executor loads netlib's native BLAS (OpenBLAS on this machine), and
 * one started with {@code JAVA_TOOL_OPTIONS=-Ddev.ludovic.netlib.blas.allowNative=false}, which its executor
 * inherits, so that netlib gives it VectorBLAS. In portable mode the model trained there is the one
 * {@code local[2]} trains, bit for bit; in auto mode the run says in one line that the executors differ, and its
 * model is close to the portable one. Each test runs on its own; the {@code local[2]} reference is made by the
 * first that needs it.
 */
@Tag("integration")
class MixedBlasClusterTest {
    private static final String NO_NATIVE = "-Ddev.ludovic.netlib.blas.allowNative=false";
    /** The digits, 4 partitions (the same tree of sums in local and cluster mode), 5 epochs. */
    private static final List<String> TRAIN = List.of("--partitions", "4", "--seed", "42", "--epochs", "5",
            "--overwrite");
    /**
     * How far auto mode on the mixed cluster may end from the portable model after 5 epochs (200 steps) of float32
     * SGD, whose kernels round differently from the first step on (float sums, about 1e-7 relative). Measured
     * (2026-12, this machine), two runs: largest weight difference 2.3e-8 and 2.0e-8 (which executor computes
     * which partition changes the auto bits from run to run), the same test accuracy (0.9554); the bounds leave
     * a factor of about 400 for the weights and three test rows of 359.
     */
    private static final double WEIGHT_TOLERANCE = 1e-5;
    private static final double ACCURACY_TOLERANCE = 0.01;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalCluster cluster;
    private static Path localPortable;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = LocalCluster.start("it-mixed-blas", "--workers", "1");
        cluster.addWorker(Map.of("JAVA_TOOL_OPTIONS", NO_NATIVE));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static List<String> train(Path out, String... more) {
        List<String> args = new ArrayList<>(TRAIN);
        args.addAll(List.of("--out", out.toString()));
        args.addAll(List.of(more));
        return args;
    }

    /** The local[2] run in portable mode, made once by the first test that needs it. */
    private static synchronized Path localPortable() throws Exception {
        if (localPortable == null) {
            Path out = cluster.dir.resolve("local-portable");
            Path log = cluster.dir.resolve("local-portable.log");
            Process run = cluster.submit("local[2]", Map.of(), List.of(), train(out, "--blas", "portable"), log);
            assertEquals(0, waitFor(run), tail(log));
            localPortable = out;
        }
        return localPortable;
    }

    @Test
    void portableModeOnExecutorsWithDifferentBlasGivesTheLocalModelBitForBit() throws Exception {
        Path out = cluster.dir.resolve("mixed-portable");
        Path log = cluster.dir.resolve("mixed-portable.log");
        Process run = cluster.submit(Map.of(), List.of(), train(out, "--blas", "portable"), log);
        assertEquals(0, waitFor(run), tail(log));
        assertFalse(read(log).contains("BLAS kernels differ"), tail(log));

        JsonNode blas = JSON.readTree(out.resolve("summary.json").toFile()).get("blas");
        assertEquals("portable", blas.get("mode").asText());
        assertEquals(Set.of("0", "1"), executorIds(blas), "both executors reported: " + blas);
        for (JsonNode e : blas.get("executors")) {
            assertEquals("Java8BLAS", e.get("implementation").asText(), blas.toString());
        }
        assertTrue(blas.get("executors_agree").asBoolean(), blas.toString());
        // The cluster is mixed: of this run's two executor JVMs, one was started with native BLAS disallowed.
        List<Path> logs = executorLogsOfTheLatestApplication();
        assertEquals(2, logs.size(), logs.toString());
        assertEquals(1, logs.stream().filter(f -> read(f).contains("Picked up JAVA_TOOL_OPTIONS: " + NO_NATIVE))
                .count(), logs.toString());

        long[] mixed = bits(out);
        long[] local = bits(localPortable());
        assertArrayEquals(local, mixed, "the mixed cluster's portable model against local[2]'s");
    }

    @Test
    void autoModeOnExecutorsWithDifferentBlasSaysSoInOneLineAndStaysClose() throws Exception {
        Path out = cluster.dir.resolve("mixed-auto");
        Path log = cluster.dir.resolve("mixed-auto.log");
        Process run = cluster.submit(Map.of(), List.of(), train(out), log);
        assertEquals(0, waitFor(run), tail(log));

        List<String> warnings = read(log).lines().filter(l -> l.contains("BLAS kernels differ")).toList();
        assertEquals(1, warnings.size(), tail(log));
        String line = warnings.get(0);
        assertTrue(line.contains("JNIBLAS") && line.contains("VectorBLAS"), line);
        assertTrue(line.endsWith("--blas portable gives CPU-independent bits"), line);

        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        JsonNode blas = summary.get("blas");
        assertEquals("auto", blas.get("mode").asText());
        assertFalse(blas.get("executors_agree").asBoolean(), blas.toString());
        Set<String> implementations = new TreeSet<>();
        blas.get("executors").forEach(e -> implementations.add(e.get("implementation").asText()));
        assertEquals(Set.of("JNIBLAS", "VectorBLAS"), implementations, blas.toString());
        assertEquals(blas, JSON.readTree(out.resolve("model.json").toFile()).get("provenance").get("blas"));

        Path reference = localPortable();
        double[] auto = ModelFile.read(out.resolve("model.json")).parameters();
        double[] portable = ModelFile.read(reference.resolve("model.json")).parameters();
        double largest = 0;
        for (int i = 0; i < auto.length; i++) {
            largest = Math.max(largest, Math.abs(auto[i] - portable[i]));
        }
        assertTrue(largest <= WEIGHT_TOLERANCE, "largest weight difference " + largest);
        double accuracy = summary.get("test_accuracy").asDouble();
        double portableAccuracy = JSON.readTree(reference.resolve("summary.json").toFile()).get("test_accuracy")
                .asDouble();
        assertEquals(portableAccuracy, accuracy, ACCURACY_TOLERANCE, "test accuracy, auto against portable");
        System.out.printf("auto on the mixed cluster against portable: largest weight difference %.3g, test"
                + " accuracy %.4f against %.4f%n", largest, accuracy, portableAccuracy);
    }

    private static Set<String> executorIds(JsonNode blas) {
        Set<String> ids = new TreeSet<>();
        blas.get("executors").forEach(e -> ids.add(e.get("executor").asText()));
        return ids;
    }

    /** The model's weights as raw bits: a bit-for-bit comparison that tells -0.0 from 0.0. */
    private static long[] bits(Path run) throws IOException {
        return Arrays.stream(ModelFile.read(run.resolve("model.json")).parameters())
                .mapToLong(Double::doubleToRawLongBits).toArray();
    }

    /** The stderr of every executor of the cluster's latest application (ids sort by start time). */
    private static List<Path> executorLogsOfTheLatestApplication() throws IOException {
        List<Path> logs;
        try (Stream<Path> files = Files.walk(cluster.dir)) {
            logs = files.filter(p -> p.getFileName().toString().equals("stderr")
                    && p.getParent().getParent().getFileName().toString().startsWith("app-")).toList();
        }
        String latest = logs.stream().map(p -> p.getParent().getParent().getFileName().toString())
                .max(String::compareTo).orElse("");
        return logs.stream().filter(p -> p.getParent().getParent().getFileName().toString().equals(latest)).toList();
    }
}
