package org.sparkmlp.nn;

import dev.ludovic.netlib.blas.BLAS;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The kernel's BLAS, chosen by the setting {@code blas} ({@link Mode}).
 *
 * <p>{@link Mode#AUTO}: netlib picks at first use the system's native {@code libblas.so.3} (OpenBLAS on Debian with
 * {@code libopenblas0-pthread}), else the Vector API implementation when the JVM has
 * {@code --add-modules=jdk.incubator.vector}, else plain Java. The fastest, but its bits depend on the CPU: OpenBLAS
 * picks its kernels by CPU model and VectorBLAS follows the CPU's vector width, so a task that runs on another
 * kind of machine may round differently.
 *
 * <p>{@link Mode#PORTABLE}: netlib's scalar Java BLAS, {@code Java8BLAS}, on every machine. Its {@code gemm} is
 * plain {@code double} or {@code float} multiplications and additions in a loop order fixed by the matrix sizes
 * alone (register tiles of 3 × 3; above 100³ multiply-adds, packed blocks of at most 60 × 1000 × 500). Since
 * Java 17 (JEP 306) each of those operations is strict IEEE 754 on every JVM and CPU, and the JIT may neither fuse
 * nor reorder them, so the same inputs give the same bits everywhere; besides them it calls only abs, min, max,
 * ceil and sqrt, which are exact or correctly rounded. netlib's other scalar classes: {@code Java11BLAS} computes
 * the same products with {@link Math#fma}, exactly rounded and so just as portable in its bits, and quicker under
 * the C1-only JIT that submit/local.sh and cluster.sh run with (8.1 against 6.5 GFLOP/s in double, 8.5 against
 * 3.9 in float, for the MLP's five products at 256 rows, one thread, on a 2-core AMD EPYC with AVX-512; under C2
 * 10.2 against 10.0); but a CPU without FMA instructions (x86-64 before Haswell, or a virtual CPU model such as
 * x86-64-v2) computes Math.fma in software with BigDecimal: with {@code -XX:-UseFMA} one pass of those products
 * at 64 rows took 32.6 s against 4.7 ms. {@code F2jBLAS}, the reference loops, is portable too but 2.5 × slower
 * than {@code Java8BLAS} under C2. So {@code Java8BLAS}: the one whose speed, like its bits, does not depend on
 * the CPU. The bits are those of netlib {@code 3.2.0}'s {@code Java8BLAS}: another netlib version may change them.
 *
 * <p>Since netlib 3.2 a failed native load prints only a bare line, so callers report {@link #implementation}.
 */
public final class Blas {
    /** Where the kernel's BLAS comes from: the setting {@code blas} ({@code --blas auto|portable}). */
    public enum Mode {
        /** netlib's own choice: native, else the Vector API, else Java. Fastest; the bits depend on the CPU. */
        AUTO,
        /**
         * netlib's scalar {@code Java8BLAS}, and {@link StrictMath} for the kernel's exp and log: the same bits on
         * every machine (see {@link Blas}).
         *
         * <p>What it covers: every number a kernel computes on an executor — the products (Java8BLAS), the
         * activations and the softmax (StrictMath's exp and log; the float tanh, relu and every derivative are
         * plain arithmetic) and the sums over chunks and partitions (Java arithmetic in an order fixed by the
         * rows, the chunking and the partitions). The data's reading, splitting and scaling and the driver's
         * update are Java arithmetic too. So with the same seed, data, partitioning and netlib version, a model,
         * its metrics and its predictions have the same bits on any Java 17+ JVM, CPU and mix of executors, but
         * for one thing it does not cover: the driver's {@link Math#pow} and {@link Math#cos} (the exponential,
         * step and cosine schedules, Adam's bias correction) are JIT intrinsics too, computed once a step by the
         * one driver JVM, so executors cannot disagree on them, but a driver on another processor architecture or
         * JVM may round them differently (plain SGD with the default inverse-time schedule calls neither). Another
         * partitioning or netlib version gives other bits.
         */
        PORTABLE;

        /** The name used on the command line and in provenance ("auto", "portable"). */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses "auto" or "portable"; the message lists the choices. */
        public static Mode fromId(String id) {
            for (Mode m : values()) {
                if (m.id().equals(id)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown BLAS mode '" + id + "' (expected auto or portable)");
        }
    }

    /** The class netlib names its portable implementation by. */
    static final String PORTABLE_CLASS = "dev.ludovic.netlib.blas.Java8BLAS";

    private Blas() {
    }

    /** netlib's own choice, made when first asked: a portable run never loads the native library. */
    private static final class Auto {
        static final BLAS INSTANCE = BLAS.getInstance();
    }

    private static final class Portable {
        static final BLAS INSTANCE = loadPortable();
    }

    /** The BLAS the kernel uses in {@code mode}. */
    public static BLAS get(Mode mode) {
        return mode == Mode.PORTABLE ? Portable.INSTANCE : Auto.INSTANCE;
    }

    /**
     * The simple class name of the BLAS the kernel uses in {@code mode}: in auto mode JNIBLAS, VectorBLAS or
     * Java11BLAS (Java8BLAS before Java 11); in portable mode Java8BLAS.
     */
    public static String implementation(Mode mode) {
        return get(mode).getClass().getSimpleName();
    }

    /**
     * netlib's {@code Java8BLAS}: a package-private class with a public {@code getInstance()}, reached by
     * reflection (both sit in unnamed modules, so nothing is opened). Never falls back to another implementation:
     * a portable run that cannot have it fails.
     */
    private static BLAS loadPortable() {
        try {
            Class<?> c = Class.forName(PORTABLE_CLASS, true, BLAS.class.getClassLoader());
            Method getInstance = c.getMethod("getInstance");
            getInstance.setAccessible(true);
            BLAS blas = (BLAS) getInstance.invoke(null);
            if (blas.getClass() != c) {
                throw new IllegalStateException("its getInstance() returned a " + blas.getClass().getName());
            }
            return blas;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("--blas portable needs netlib's " + PORTABLE_CLASS
                    + " (dev.ludovic.netlib:blas 3.2.0): " + e, e);
        }
    }

    /**
     * What decides this process's kernel in {@code mode}, as plain values for provenance: {@code "implementation"};
     * for JNIBLAS the {@code "library"} netlib loaded (the native BLAS files mapped into this process, else the
     * name it asked the dynamic linker for) and {@code OPENBLAS_NUM_THREADS} when set; for VectorBLAS the preferred
     * {@code "vector_bits"}; and always the {@code "cpu"} model. Never fails: what cannot be read is left out or
     * "unknown".
     */
    public static Map<String, Object> describe(Mode mode) {
        Map<String, Object> d = new LinkedHashMap<>();
        String implementation = implementation(mode);
        d.put("implementation", implementation);
        if (implementation.equals("JNIBLAS")) {
            d.put("library", nativeLibrary());
            String threads = System.getenv("OPENBLAS_NUM_THREADS");
            if (threads != null) {
                d.put("OPENBLAS_NUM_THREADS", threads);
            }
        } else if (implementation.equals("VectorBLAS")) {
            Integer bits = preferredVectorBits();
            if (bits != null) {
                d.put("vector_bits", bits);
            }
        }
        d.put("cpu", cpuModel());
        return d;
    }

    /**
     * The native BLAS library files this process has mapped (what the dynamic linker resolved netlib's
     * {@code dlopen} to, links followed), from /proc/self/maps; else the name or path netlib was told to load.
     */
    static String nativeLibrary() {
        TreeSet<String> found = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                String file = line.substring(slash).trim();
                String name = file.substring(file.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
                if (!name.contains("netlibblasjni") && (name.contains("blas") || name.contains("mkl")
                        || name.contains("blis"))) {
                    found.add(file);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or not readable: fall back to what netlib was asked for.
        }
        if (!found.isEmpty()) {
            return String.join(", ", found);
        }
        String path = System.getProperty("dev.ludovic.netlib.blas.nativeLibPath");
        return path != null ? path : System.getProperty("dev.ludovic.netlib.blas.nativeLib", "libblas.so.3");
    }

    /** VectorShape.preferredShape().vectorBitSize(), when the JVM has jdk.incubator.vector; else null. */
    static Integer preferredVectorBits() {
        try {
            Class<?> shape = Class.forName("jdk.incubator.vector.VectorShape");
            Object preferred = shape.getMethod("preferredShape").invoke(null);
            return (Integer) shape.getMethod("vectorBitSize").invoke(preferred);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static volatile String cpu;

    /** The CPU model, from /proc/cpuinfo ("model name", or an ARM core's implementer and part); else os.arch. */
    public static String cpuModel() {
        String c = cpu;
        if (c == null) {
            c = readCpuModel();
            cpu = c;
        }
        return c;
    }

    private static String readCpuModel() {
        String arch = System.getProperty("os.arch", "unknown");
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException e) {
            return arch;
        }
        String implementer = null;
        String part = null;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (key.equals("model name") && !value.isEmpty()) {
                return value;
            } else if (key.equals("CPU implementer") && implementer == null) {
                implementer = value;
            } else if (key.equals("CPU part") && part == null) {
                part = value;
            }
        }
        return implementer != null ? arch + " implementer " + implementer + " part " + part : arch;
    }
}
