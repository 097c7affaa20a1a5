package org.sparkmlp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The float32 kernel against the float64 one on the same rows (which the finite-difference and reference
 * tests pin), and the reading of rows spread over several bounded blocks.
 */
class Kernel32Test {
    private static final int ROWS = 600;
    private static final int[][] SHAPES = {{5, 8, 6, 3}, {12, 30, 4}, {3, 2}};

    private final SplittableRandom rnd = new SplittableRandom(77);

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        Kernel32.round(v, f);
        return f;
    }

    private static double[] widened(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    @Test
    void float32GradientMatchesFloat64OnTheSameRoundedInputsForEveryActivationAndLoss() {
        for (int[] sizes : SHAPES) {
            for (Activation act : Activation.values()) {
                for (Loss loss : Loss.values()) {
                    Architecture arch = new Architecture(sizes, act);
                    // Inputs and weights representable in float, so both kernels see the same numbers.
                    float[] x32 = floats(ReferenceNet.uniform(rnd, ROWS * sizes[0], -2, 2));
                    float[] p32 = floats(ReferenceNet.uniform(rnd, arch.parameterCount(), -1, 1));
                    int[] y = ReferenceNet.labels(rnd, ROWS, sizes[sizes.length - 1]);
                    int[] perm = ReferenceNet.permutation(rnd, ROWS);
                    String what = arch + " " + loss.id();

                    GradientSum g64 = GradientSum.empty();
                    new Kernel64(arch, loss).accumulate(widened(p32), BlockedRows.of(sizes[0], ROWS, widened(x32), y),
                            ReferenceNet.gathered(perm), ROWS, g64);
                    GradientSum g32 = GradientSum.empty();
                    new Kernel32(arch, loss).accumulate(p32, BlockedRows.of(sizes[0], ROWS, x32, y),
                            ReferenceNet.gathered(perm), ROWS, g32);

                    assertEquals(ROWS, g32.rows(), what);
                    ReferenceNet.assertNormwiseClose(g64.gradient(), g32.gradient(), 1e-5, what + ": gradient");
                    ReferenceNet.assertRelativeClose(g64.loss(), g32.loss(), 1e-5, what + ": loss");
                    assertTrue(Math.abs(g64.correct() - g32.correct()) <= 2, what + ": correct " + g64.correct()
                            + " vs " + g32.correct());
                }
            }
        }
    }

    @Test
    void aSingleChunkLeftAsFloatsIsTheSameSumAsTheDoubleOne() {
        Architecture arch = new Architecture(new int[] {12, 30, 4}, Activation.TANH);
        int rows = 64; // one chunk
        float[] x = floats(ReferenceNet.uniform(rnd, rows * 12, -2, 2));
        float[] p = floats(ReferenceNet.uniform(rnd, arch.parameterCount(), -1, 1));
        int[] y = ReferenceNet.labels(rnd, rows, 4);
        BlockedRows block = BlockedRows.of(12, rows, x, y);
        Kernel32 kernel = new Kernel32(arch, Loss.CROSS_ENTROPY);

        GradientSum exact = GradientSum.empty(); // no gradient yet: the chunk stays floats
        kernel.accumulate(p, block, RowSelection.contiguous(0), rows, exact);
        GradientSum doubles = GradientSum.empty();
        doubles.gradientBuffer(arch.parameterCount()); // a gradient already: the chunk is added in double
        kernel.accumulate(p, block, RowSelection.contiguous(0), rows, doubles);
        // The floats are what would be sent: about half the bytes (before anything widens them).
        int exactBytes = serialisedBytes(exact);
        int doubleBytes = serialisedBytes(doubles);
        assertTrue(exactBytes < 0.55 * doubleBytes, exactBytes + " bytes against " + doubleBytes);

        double[] mean = new double[arch.parameterCount()];
        double[] expectedMean = new double[arch.parameterCount()];
        exact.meanGradientInto(mean);
        doubles.meanGradientInto(expectedMean);
        assertBitsEqual(expectedMean, mean, "mean");
        assertBitsEqual(doubles.gradient(), exact.gradient(), "sum");
        assertEquals(doubles.loss(), exact.loss());
        assertEquals(doubles.correct(), exact.correct());

        // Two chunks' worth of rows are summed in double whatever the sum held.
        GradientSum twoChunks = GradientSum.empty();
        float[] x2 = floats(ReferenceNet.uniform(rnd, 2 * Kernel.CHUNK * 12, -2, 2));
        int[] y2 = ReferenceNet.labels(rnd, 2 * Kernel.CHUNK, 4);
        kernel.accumulate(p, BlockedRows.of(12, 2 * Kernel.CHUNK, x2, y2), RowSelection.contiguous(0), 2 * Kernel.CHUNK,
                twoChunks);
        assertEquals(2 * Kernel.CHUNK, twoChunks.rows());
        assertTrue(serialisedBytes(twoChunks) > 8 * arch.parameterCount(), "two chunks travel as doubles");
    }

    private static int serialisedBytes(GradientSum sum) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(sum);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.size();
    }

    private static void assertBitsEqual(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
                    what + " " + i + ": " + expected[i] + " against " + actual[i]);
        }
    }

    @Test
    void rowsSpreadOverBlocksGiveTheSameGradientAsOneBlock() {
        int[] sizes = {6, 9, 4};
        Architecture arch = new Architecture(sizes, Activation.TANH);
        double[] x = ReferenceNet.uniform(rnd, ROWS * sizes[0], -1, 1);
        int[] y = ReferenceNet.labels(rnd, ROWS, 4);
        double[] p = ReferenceNet.uniform(rnd, arch.parameterCount(), -1, 1);
        BlockedRows one = BlockedRows.of(sizes[0], ROWS, x, y);
        BlockedRows split = split(x, y, sizes[0], 97);
        assertEquals(ROWS, split.rows());
        int[] perm = ReferenceNet.permutation(rnd, ROWS);

        // Gathered rows: the same chunks whatever the blocks, so the same bits.
        GradientSum a = GradientSum.empty();
        new Kernel64(arch, Loss.CROSS_ENTROPY).accumulate(p, one, ReferenceNet.gathered(perm), ROWS, a);
        GradientSum b = GradientSum.empty();
        new Kernel64(arch, Loss.CROSS_ENTROPY).accumulate(p, split, ReferenceNet.gathered(perm), ROWS, b);
        assertArrayEquals(a.gradient(), b.gradient(), 0.0);

        // Contiguous rows from an offset: read in place, chunks cut at block ends.
        GradientSum c = GradientSum.empty();
        new Kernel64(arch, Loss.CROSS_ENTROPY).accumulate(p, one, RowSelection.contiguous(50), 500, c);
        GradientSum d = GradientSum.empty();
        new Kernel64(arch, Loss.CROSS_ENTROPY).accumulate(p, split, RowSelection.contiguous(50), 500, d);
        assertEquals(c.rows(), d.rows());
        assertEquals(c.correct(), d.correct());
        ReferenceNet.assertNormwiseClose(c.gradient(), d.gradient(), 1e-13, "contiguous over blocks");

        long[] confusion = new long[16];
        GradientSum e = GradientSum.empty();
        new Kernel64(arch, Loss.CROSS_ENTROPY).evaluate(p, split, 0, ROWS, e, confusion);
        assertEquals(ROWS, java.util.Arrays.stream(confusion).sum());
    }

    @Test
    void blocksMustBeFullButTheLastAndOfTheKernelsPrecision() {
        int[][] y = {new int[4], new int[4]};
        assertThrows(IllegalArgumentException.class,
                () -> BlockedRows.ofDoubles(2, new int[] {3, 4}, new double[][] {new double[8], new double[8]}, y));
        BlockedRows doubles = BlockedRows.of(2, 4, new double[8], new int[4]);
        Architecture arch = new Architecture(new int[] {2, 2}, Activation.TANH);
        assertThrows(IllegalArgumentException.class, () -> new Kernel32(arch, Loss.MSE)
                .accumulate(new float[arch.parameterCount()], doubles, RowSelection.contiguous(0), 4, GradientSum.empty()));
    }

    @Test
    void theDoubleKernelReadsFloatRowsAsTheirWidenedDoubles() {
        int[] sizes = {7, 5, 3};
        Architecture arch = new Architecture(sizes, Activation.RELU);
        float[] x32 = floats(ReferenceNet.uniform(rnd, ROWS * sizes[0], -1, 1));
        int[] y = ReferenceNet.labels(rnd, ROWS, 3);
        double[] p = ReferenceNet.uniform(rnd, arch.parameterCount(), -1, 1);
        int[] perm = ReferenceNet.permutation(rnd, ROWS);
        for (RowSelection selection : new RowSelection[] {RowSelection.contiguous(0), ReferenceNet.gathered(perm)}) {
            GradientSum fromFloats = GradientSum.empty();
            new Kernel64(arch, Loss.CROSS_ENTROPY).accumulate(p, BlockedRows.of(sizes[0], ROWS, x32, y), selection, ROWS,
                    fromFloats);
            GradientSum fromDoubles = GradientSum.empty();
            new Kernel64(arch, Loss.CROSS_ENTROPY).accumulate(p, BlockedRows.of(sizes[0], ROWS, widened(x32), y),
                    selection, ROWS, fromDoubles);
            assertEquals(fromDoubles.loss(), fromFloats.loss(), 0.0);
            assertArrayEquals(fromDoubles.gradient(), fromFloats.gradient(), 0.0);
        }
    }

    /** The rows in blocks of {@code per} rows (the last shorter). */
    private static BlockedRows split(double[] x, int[] y, int n, int per) {
        int rows = y.length;
        int blocks = (rows + per - 1) / per;
        double[][] xs = new double[blocks][];
        int[][] ys = new int[blocks][];
        int[] counts = new int[blocks];
        for (int b = 0; b < blocks; b++) {
            int from = b * per;
            counts[b] = Math.min(per, rows - from);
            xs[b] = java.util.Arrays.copyOfRange(x, from * n, (from + counts[b]) * n);
            ys[b] = java.util.Arrays.copyOfRange(y, from, from + counts[b]);
        }
        return BlockedRows.ofDoubles(n, counts, xs, ys);
    }
}
