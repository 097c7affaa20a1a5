package org.sparkmlp.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The portable mode ({@link Blas.Mode#PORTABLE}) gives the same bits whatever BLAS netlib would pick for the process:
 * the same gradients ({@link PortableBitsProbe}) in this JVM (netlib's native BLAS where OpenBLAS is installed) and in
 * two JVMs started with native BLAS disallowed, one with the Vector API (VectorBLAS) and one without it
 * (Java11BLAS). Each child JVM loads no Spark; the two take about 6 s on 2 cores.
 */
class PortableBlasTest {
    /**
     * {@link PortableBitsProbe#digest} in portable mode, as first computed (AMD EPYC, JNIBLAS as netlib's own choice)
     * and equal in every JVM of {@link #portableGradientsHaveTheSameBitsInJvmsWhoseNetlibPicksAnotherBlas}: a
     * change means the portable kernel's arithmetic changed (or netlib's Java8BLAS did), and every portable fixture
     * with it.
     */
    private static final String PINNED = "cc46a4e7e3684c4e9de3410a1383e0920713ad0ad31420a40ed2f529531b1d92";

    @Test
    void portableKernelsComputeWithJava8BlasAndAutoOnesWithNetlibsChoice() {
        Architecture auto = new Architecture(new int[] {3, 4, 2}, Activation.TANH);
        Architecture portable = auto.withBlas(Blas.Mode.PORTABLE);
        assertEquals("Java8BLAS", Blas.implementation(Blas.Mode.PORTABLE));
        assertEquals("Java8BLAS", new Kernel64(portable, Loss.CROSS_ENTROPY).blas.getClass().getSimpleName());
        assertSame(Blas.get(Blas.Mode.AUTO), new Kernel32(auto, Loss.CROSS_ENTROPY).blas);
        // A thread's kernel is made again when only the mode changes: a kernel never outlives its mode.
        Kernel first = Kernel.forThread(auto, Loss.CROSS_ENTROPY, Precision.FLOAT64);
        Kernel other = Kernel.forThread(portable, Loss.CROSS_ENTROPY, Precision.FLOAT64);
        assertNotSame(first, other);
        assertSame(Blas.get(Blas.Mode.PORTABLE), other.blas);
        assertSame(other, Kernel.forThread(auto.withBlas(Blas.Mode.PORTABLE), Loss.CROSS_ENTROPY, Precision.FLOAT64));
        // The mode is the computation's, not the network's: it shows, and a model file's network is auto.
        assertNotEquals(auto, portable);
        assertEquals("3-4-2 (tanh)", auto.toString());
        assertEquals("3-4-2 (tanh, portable BLAS)", portable.toString());
        assertSame(auto, auto.withBlas(Blas.Mode.AUTO));
        assertEquals(Blas.Mode.AUTO, portable.withBlas(Blas.Mode.AUTO).blas());
        assertEquals(auto, portable.withBlas(Blas.Mode.AUTO));
    }

    @Test
    void modesParseFromTheirIdsAndTheMessageListsTheChoices() {
        assertEquals(Blas.Mode.PORTABLE, Blas.Mode.fromId("portable"));
        assertEquals(Blas.Mode.AUTO, Blas.Mode.fromId("auto"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Blas.Mode.fromId("native"));
        assertEquals("unknown BLAS mode 'native' (expected auto or portable)", e.getMessage());
    }

    @Test
    void portableElementwiseFunctionsAreStrictMathsAndCloseToTheIntrinsicOnes() {
        SplittableRandom rnd = new SplittableRandom(8);
        double[] z = ReferenceNet.uniform(rnd, 10_000, -12, 12);
        for (Activation a : Activation.values()) {
            double[] plain = z.clone();
            double[] strict = z.clone();
            a.apply(plain, 0, plain.length, false);
            a.apply(strict, 0, strict.length, true);
            for (int i = 0; i < z.length; i++) {
                double expected = switch (a) {
                    case TANH -> Math.abs(z[i]) < 0.0625 ? Activation.tanh(z[i])
                            : Math.copySign(1.0 - 2.0 / (StrictMath.exp(2.0 * Math.abs(z[i])) + 1.0), z[i]);
                    case SIGMOID -> 1.0 / (1.0 + StrictMath.exp(-z[i]));
                    case RELU -> Math.max(z[i], 0.0);
                };
                assertEquals(expected, strict[i], 0.0, a + "(" + z[i] + ")");
                // The intrinsic and fdlibm's exp are both within an ulp of e^z; tanh's cancellation for small z
                // takes the difference up to its error bound (Activation.tanh).
                assertTrue(Math.abs(strict[i] - plain[i]) <= 1e-14 * Math.abs(plain[i]), a + "(" + z[i] + "): strict "
                        + strict[i] + ", intrinsic " + plain[i]);
            }
        }
        double[] logits = {0.5, -1.25, 3.0, 2.0};
        double[] strict = logits.clone();
        double log = Loss.softmaxInPlace(strict, 0, 4, true);
        double sum = 0;
        for (double l : logits) {
            sum += StrictMath.exp(l - 3.0);
        }
        assertEquals(StrictMath.log(sum), log, 0.0);
        assertEquals(StrictMath.exp(0.5 - 3.0) * (1.0 / sum), strict[0], 0.0);
    }

    @Test
    void portableGradientsHaveTheSameBitsInJvmsWhoseNetlibPicksAnotherBlas() throws Exception {
        String[] here = PortableBitsProbe.line().split(" ");
        String[] vector = fork(true).split(" ");
        String[] java = fork(false).split(" ");
        assertEquals("VectorBLAS", vector[0], "netlib's choice with the Vector API and no native BLAS");
        assertEquals("Java11BLAS", java[0], "netlib's choice without either");
        assertEquals(here[1], vector[1], "portable bits here (" + here[0] + ") and with VectorBLAS");
        assertEquals(here[1], java[1], "portable bits here (" + here[0] + ") and with Java11BLAS");
        // The probe tells BLAS implementations apart: in auto mode these two round differently.
        assertNotEquals(vector[2], java[2], "auto bits with VectorBLAS and with Java11BLAS");
    }

    @Test
    void portableGradientBitsAreThePinnedOnes() {
        assertEquals(PINNED, PortableBitsProbe.digest(Blas.Mode.PORTABLE));
    }

    /** {@link PortableBitsProbe}'s line from a JVM with native BLAS disallowed, with or without the Vector API. */
    private static String fork(boolean vectorApi) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx256m");
        command.add("-Ddev.ludovic.netlib.blas.allowNative=false");
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (option.startsWith("-XX:+IgnoreUnrecognizedVMOptions")) {
                command.add(option);
            }
        }
        if (vectorApi) {
            command.add("--add-modules=jdk.incubator.vector");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(PortableBitsProbe.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the probe JVM did not finish in 2 minutes: " + command);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        // The last line: the JVM may warn before it (incubator module, JAVA_TOOL_OPTIONS).
        List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
        return lines.get(lines.size() - 1).trim();
    }
}
