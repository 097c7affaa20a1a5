package org.sparkmlp.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkmlp.nn.Blas;

/**
 * Which BLAS the kernel computes with on the driver and on each executor in a run's {@link Blas.Mode}, and what
 * decides its rounding there ({@link Blas#describe}: the native library and CPU model for JNIBLAS, the vector
 * width for VectorBLAS). Recorded in {@code model.json}'s provenance and in {@code summary.json} as
 * {@code "blas": {"mode", "driver", "executors": [{"executor", "host", "implementation", ...}], "executors_agree"}}.
 *
 * <p>A probe is one small Spark job of a task per executor slot; a run probes when it starts and again when
 * training is over, when every executor that joined has registered (at the start, tasks may all land on the first
 * executor to register), and merges the two. Executors agree when every one computes with the same implementation,
 * native library, vector width and CPU model — always in portable mode, whose kernel rounds alike on every CPU.
 */
public final class BlasReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What an executor's rounding depends on in auto mode. */
    private static final List<String> KERNEL_KEYS = List.of("implementation", "library", "vector_bits", "cpu");

    private final Blas.Mode mode;
    private final Map<String, Object> driver;
    /** By executor id, sorted ("driver" in local mode; numbers on a cluster). */
    private final Map<String, Map<String, Object>> executors;

    /** A report of {@code driver} and the {@code executors} by id (probed, or made up by a test). */
    BlasReport(Blas.Mode mode, Map<String, Object> driver, Map<String, Map<String, Object>> executors) {
        this.mode = mode;
        this.driver = driver;
        this.executors = new TreeMap<>(BlasReport::byExecutorId);
        this.executors.putAll(executors);
    }

    /**
     * Asks every executor slot (at least one task per registered executor: Spark offers an idle cluster's
     * executors one task each in turn) which BLAS its kernel uses in {@code mode}.
     */
    public static BlasReport probe(JavaSparkContext sc, Blas.Mode mode) {
        int slots = Math.max(sc.defaultParallelism(), sc.sc().statusTracker().getExecutorInfos().length);
        int n = Math.max(2, 2 * slots);
        List<String> entries = sc.parallelize(IntStream.range(0, n).boxed().toList(), n)
                .map(i -> executorEntry(mode)).collect();
        Map<String, Map<String, Object>> executors = new LinkedHashMap<>();
        for (String entry : entries) {
            Map<String, Object> e = parse(entry);
            executors.putIfAbsent(String.valueOf(e.get("executor")), e);
        }
        return new BlasReport(mode, Blas.describe(mode), executors);
    }

    /** This report with the executors that {@code later} saw and this one did not. */
    public BlasReport merge(BlasReport later) {
        Map<String, Map<String, Object>> all = new LinkedHashMap<>(executors);
        later.executors.forEach(all::putIfAbsent);
        return new BlasReport(mode, driver, all);
    }

    /** Whether every executor's kernel rounds alike (see the class comment). */
    boolean executorsAgree() {
        if (mode == Blas.Mode.PORTABLE) {
            return true;
        }
        Set<List<Object>> kernels = new LinkedHashSet<>();
        for (Map<String, Object> e : executors.values()) {
            kernels.add(KERNEL_KEYS.stream().map(e::get).toList());
        }
        return kernels.size() <= 1;
    }

    /** The console's line: "auto: driver JNIBLAS, executors JNIBLAS, OPENBLAS_NUM_THREADS=1". */
    public String line() {
        Set<String> implementations = new LinkedHashSet<>();
        executors.values().forEach(e -> implementations.add(String.valueOf(e.get("implementation"))));
        String threads = System.getenv("OPENBLAS_NUM_THREADS");
        return mode.id() + ": driver " + driver.get("implementation") + ", executors "
                + String.join("/", implementations.stream().sorted().toList())
                + (mode == Blas.Mode.AUTO && threads != null ? ", OPENBLAS_NUM_THREADS=" + threads : "");
    }

    /**
     * One line naming what differs between the executors, and the remedy; null when they agree. On one line, so
     * that logs and schedulers show it whole.
     */
    public String disagreement() {
        if (executorsAgree()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        executors.forEach((id, e) -> parts.add("executor " + id + " " + kernel(e)));
        return "warning: the executors' BLAS kernels differ (" + String.join("; ", parts) + "): a task's bits depend"
                + " on where it runs, so the same seed can give another model; --blas portable gives CPU-independent"
                + " bits";
    }

    /** For provenance and summary: mode, driver, executors and whether they agree. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", mode.id());
        m.put("driver", driver);
        m.put("executors", new ArrayList<>(executors.values()));
        m.put("executors_agree", executorsAgree());
        return m;
    }

    private static String kernel(Map<String, Object> e) {
        StringBuilder b = new StringBuilder(String.valueOf(e.get("implementation")));
        if (e.containsKey("library")) {
            b.append(" ").append(e.get("library"));
        }
        if (e.containsKey("vector_bits")) {
            b.append(" ").append(e.get("vector_bits")).append("-bit");
        }
        return b.append(" on ").append(e.get("cpu")).toString();
    }

    /** Runs on an executor: its id and host, and {@link Blas#describe} there. */
    private static String executorEntry(Blas.Mode mode) throws JsonProcessingException {
        Map<String, Object> e = new LinkedHashMap<>();
        SparkEnv env = SparkEnv.get();
        e.put("executor", env.executorId());
        String host;
        try {
            host = env.blockManager().blockManagerId().host();
        } catch (RuntimeException ex) {
            host = "unknown";
        }
        e.put("host", host);
        e.putAll(Blas.describe(mode));
        // A string: task results go through Kryo, which knows strings without registration.
        return JSON.writeValueAsString(e);
    }

    private static Map<String, Object> parse(String entry) {
        try {
            return JSON.readValue(entry, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an executor's BLAS entry is not JSON: " + entry, e);
        }
    }

    /** "driver" first, then executor numbers in numeric order, then anything else by name. */
    private static int byExecutorId(String a, String b) {
        return Comparator.<String, Boolean>comparing(id -> !id.equals("driver"))
                .thenComparing(id -> id.matches("\\d+") ? id.length() : Integer.MAX_VALUE)
                .thenComparing(Comparator.naturalOrder()).compare(a, b);
    }
}
