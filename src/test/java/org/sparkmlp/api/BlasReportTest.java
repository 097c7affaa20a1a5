package org.sparkmlp.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkmlp.nn.Blas;

/** When executors count as disagreeing, the one line that says so, and the provenance's shape (no Spark here). */
class BlasReportTest {
    private static final String XEON = "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz";
    private static final String EPYC = "AMD EPYC 7R13 Processor";

    private static Map<String, Object> entry(String id, String implementation, String cpu, String... more) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("executor", id);
        e.put("host", "10.0.0." + id);
        e.put("implementation", implementation);
        for (int i = 0; i < more.length; i += 2) {
            e.put(more[i], more[i + 1]);
        }
        e.put("cpu", cpu);
        return e;
    }

    @SafeVarargs
    private static BlasReport report(Blas.Mode mode, Map<String, Object>... executors) {
        Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        for (Map<String, Object> e : executors) {
            byId.put((String) e.get("executor"), e);
        }
        return new BlasReport(mode, Map.of("implementation", "JNIBLAS", "cpu", XEON), byId);
    }

    @Test
    void executorsWithTheSameKernelAgreeWhateverTheirHostsAndThreads() {
        BlasReport r = report(Blas.Mode.AUTO,
                entry("1", "JNIBLAS", XEON, "library", "/usr/lib/libopenblasp-r0.3.21.so", "OPENBLAS_NUM_THREADS", "1"),
                entry("0", "JNIBLAS", XEON, "library", "/usr/lib/libopenblasp-r0.3.21.so"));
        assertTrue(r.executorsAgree());
        assertNull(r.disagreement());
        Map<String, Object> json = r.toJson();
        assertEquals(List.of("mode", "driver", "executors", "executors_agree"), List.copyOf(json.keySet()));
        assertEquals("auto", json.get("mode"));
        assertEquals(true, json.get("executors_agree"));
        // Executors by number, whatever order they were seen in.
        assertEquals(List.of("0", "1"), ((List<?>) json.get("executors")).stream()
                .map(e -> ((Map<?, ?>) e).get("executor")).toList());
    }

    @Test
    void anotherImplementationLibraryVectorWidthOrCpuIsADisagreementSaidInOneLine() {
        Map<String, Object> native0 = entry("0", "JNIBLAS", XEON, "library", "/usr/lib/libopenblasp-r0.3.21.so");
        for (Map<String, Object> other : List.of(entry("1", "VectorBLAS", XEON, "vector_bits", "512"),
                entry("1", "JNIBLAS", XEON, "library", "/opt/intel/mkl/lib/libmkl_rt.so"),
                entry("1", "JNIBLAS", EPYC, "library", "/usr/lib/libopenblasp-r0.3.21.so"))) {
            BlasReport r = report(Blas.Mode.AUTO, native0, other);
            assertFalse(r.executorsAgree(), other.toString());
            String line = r.disagreement();
            assertEquals(1, line.lines().count(), line);
            assertTrue(line.contains("executor 0 JNIBLAS /usr/lib/libopenblasp-r0.3.21.so on " + XEON), line);
            assertTrue(line.contains("executor 1 " + other.get("implementation")), line);
            assertTrue(line.endsWith("--blas portable gives CPU-independent bits"), line);
            assertEquals(false, r.toJson().get("executors_agree"));
        }
        BlasReport mixed = report(Blas.Mode.AUTO, native0, entry("1", "VectorBLAS", EPYC, "vector_bits", "256"));
        assertTrue(mixed.disagreement().contains("executor 1 VectorBLAS 256-bit on " + EPYC), mixed.disagreement());
        assertEquals("auto: driver JNIBLAS, executors JNIBLAS/VectorBLAS", mixed.line().replaceAll(", OPENBLAS.*", ""));
    }

    @Test
    void portableExecutorsAlwaysAgreeEvenOnOtherCpus() {
        BlasReport r = report(Blas.Mode.PORTABLE, entry("0", "Java8BLAS", XEON), entry("1", "Java8BLAS", EPYC));
        assertTrue(r.executorsAgree());
        assertNull(r.disagreement());
        assertEquals("portable: driver JNIBLAS, executors Java8BLAS", r.line());
    }

    @Test
    void aMergeKeepsEveryExecutorSeenFirstByWhoeverSawIt() {
        BlasReport start = report(Blas.Mode.AUTO, entry("0", "JNIBLAS", XEON));
        BlasReport end = report(Blas.Mode.AUTO, entry("1", "VectorBLAS", XEON), entry("0", "Java11BLAS", XEON));
        BlasReport merged = start.merge(end);
        List<?> executors = (List<?>) merged.toJson().get("executors");
        assertEquals(2, executors.size());
        assertEquals("JNIBLAS", ((Map<?, ?>) executors.get(0)).get("implementation"));
        assertEquals("VectorBLAS", ((Map<?, ?>) executors.get(1)).get("implementation"));
        assertFalse(merged.executorsAgree());
        assertTrue(start.executorsAgree());
    }
}
