package org.sparkmlp.nn;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which rows the kernel reads and how it chunks them: gathered selections, contiguous selections at an
 * offset, more rows than {@link Kernel#CHUNK}, and the consistency of evaluate and predict.
 */
class KernelSelectionTest {

    private static final int ROWS = 600;
    private static final int[] SIZES = {5, 8, 6, 3};
    private static final double TOL = 1e-12;

    private final Architecture arch = new Architecture(SIZES, Activation.SIGMOID);
    private final SplittableRandom rnd = new SplittableRandom(20240611);
    private final double[] params = ReferenceNet.uniform(rnd, arch.parameterCount(), -1.5, 1.5);
    private final double[] x = ReferenceNet.uniform(rnd, ROWS * SIZES[0], -2.0, 2.0);
    private final int[] y = ReferenceNet.labels(rnd, ROWS, SIZES[3]);

    private GradientSum accumulate(Loss loss, double[] xs, int[] ys, RowSelection sel, int count) {
        GradientSum s = GradientSum.empty();
        new Kernel64(arch, loss).accumulate(params, xs, ys, sel, count, s);
        return s;
    }

    @Test
    void aGatheredPermutationEqualsTheContiguousSelectionOfPhysicallyReorderedRows() {
        for (Loss loss : Loss.values()) {
            int[] perm = ReferenceNet.permutation(rnd, ROWS);
            GradientSum gathered = accumulate(loss, x, y, ReferenceNet.gathered(perm), ROWS);
            double[] xr = ReferenceNet.reorderRows(x, SIZES[0], perm);
            int[] yr = ReferenceNet.reorderLabels(y, perm);
            GradientSum contiguous = accumulate(loss, xr, yr, RowSelection.contiguous(0), ROWS);
            ReferenceNet.assertSameSum(contiguous, gathered, TOL, loss.id());
        }
    }

    @Test
    void aGatheredSubsetWithRepeatsEqualsItsReorderedCopyAndTheReference() {
        // 333 rows drawn with replacement: non-contiguous, out of order, some rows twice, two chunks
        int[] pick = new int[333];
        for (int i = 0; i < pick.length; i++) {
            pick[i] = rnd.nextInt(ROWS);
        }
        GradientSum gathered = accumulate(Loss.CROSS_ENTROPY, x, y, ReferenceNet.gathered(pick), pick.length);
        double[] xr = ReferenceNet.reorderRows(x, SIZES[0], pick);
        int[] yr = ReferenceNet.reorderLabels(y, pick);
        ReferenceNet.assertSameSum(accumulate(Loss.CROSS_ENTROPY, xr, yr, RowSelection.contiguous(0), pick.length),
                gathered, TOL, "reordered copy");

        ReferenceNet.Result ref = ReferenceNet.run(SIZES, Activation.SIGMOID, Loss.CROSS_ENTROPY, params, x, y, pick, true);
        assertEquals(ref.correct, gathered.correct());
        ReferenceNet.assertRelativeClose(ref.loss, gathered.loss(), TOL, "loss vs reference");
        ReferenceNet.assertNormwiseClose(ref.gradient, gathered.gradient(), TOL, "gradient vs reference");
    }

    @Test
    void moreRowsThanOneChunkEqualTheSumOfPerRowAndPerChunkAccumulations() {
        assertTrue(ROWS > 2 * Kernel.CHUNK, "the test needs at least three chunks");
        for (Loss loss : Loss.values()) {
            GradientSum all = accumulate(loss, x, y, RowSelection.contiguous(0), ROWS);

            // manual chunks of a different size than the kernel's, and single rows, merged
            GradientSum byChunks = GradientSum.empty();
            for (int from = 0; from < ROWS; from += 100) {
                byChunks.merge(accumulate(loss, x, y, RowSelection.contiguous(from), Math.min(100, ROWS - from)));
            }
            ReferenceNet.assertSameSum(all, byChunks, TOL, loss.id() + " chunks of 100");

            GradientSum byRows = GradientSum.empty();
            Kernel64 kernel = new Kernel64(arch, loss);
            for (int r = 0; r < ROWS; r++) {
                kernel.accumulate(params, x, y, RowSelection.contiguous(r), 1, byRows);
            }
            ReferenceNet.assertSameSum(all, byRows, TOL, loss.id() + " row by row into one sum");

            ReferenceNet.Result ref = ReferenceNet.run(SIZES, Activation.SIGMOID, loss, params, x, y,
                    ReferenceNet.range(0, ROWS), true);
            assertEquals(ref.correct, all.correct());
            ReferenceNet.assertRelativeClose(ref.loss, all.loss(), TOL, loss.id() + " loss vs reference");
            ReferenceNet.assertNormwiseClose(ref.gradient, all.gradient(), TOL, loss.id() + " gradient vs reference");
        }
    }

    @Test
    void aContiguousSelectionAtAnOffsetReadsExactlyThoseRows() {
        int from = 123;
        int count = 400; // crosses a chunk boundary and ends before the block does
        GradientSum s = accumulate(Loss.MSE, x, y, RowSelection.contiguous(from), count);
        ReferenceNet.Result ref = ReferenceNet.run(SIZES, Activation.SIGMOID, Loss.MSE, params, x, y,
                ReferenceNet.range(from, from + count), true);
        assertEquals(count, s.rows());
        assertEquals(ref.correct, s.correct());
        ReferenceNet.assertRelativeClose(ref.loss, s.loss(), TOL, "loss");
        ReferenceNet.assertNormwiseClose(ref.gradient, s.gradient(), TOL, "gradient");
    }

    @Test
    void aReusedKernelGivesTheSameResultAsAFreshOne() {
        // the kernel swaps its delta buffers internally; reuse, interleaved with evaluate and predict and
        // with different row counts, must not change any result
        Kernel64 reused = new Kernel64(arch, Loss.CROSS_ENTROPY);
        double[] out = new double[ROWS * SIZES[3]];
        for (int round = 0; round < 3; round++) {
            int count = round == 1 ? 77 : ROWS - 11 * round;
            GradientSum a = GradientSum.empty();
            reused.accumulate(params, x, y, RowSelection.contiguous(0), count, a);
            GradientSum b = accumulate(Loss.CROSS_ENTROPY, x, y, RowSelection.contiguous(0), count);
            assertArrayEquals(b.gradient(), a.gradient(), 0.0, "round " + round);
            assertEquals(b.loss(), a.loss(), 0.0);
            reused.evaluate(params, x, y, 0, ROWS, GradientSum.empty(), new long[9]);
            reused.predict(params, x, 0, ROWS, out, 0);
        }
    }

    @Test
    void accumulateReadsButDoesNotModifyItsInputs() {
        double[] p0 = params.clone();
        double[] x0 = x.clone();
        int[] y0 = y.clone();
        accumulate(Loss.CROSS_ENTROPY, x, y, ReferenceNet.gathered(ReferenceNet.permutation(rnd, ROWS)), ROWS);
        accumulate(Loss.MSE, x, y, RowSelection.contiguous(0), ROWS);
        assertArrayEquals(p0, params, 0.0);
        assertArrayEquals(x0, x, 0.0);
        assertArrayEquals(y0, y);
    }

    @Test
    void evaluateCountsTheConfusionOfArgmaxPredictions() {
        int from = 50;
        int to = ROWS;
        int k = SIZES[3];
        for (Loss loss : Loss.values()) {
            Kernel64 kernel = new Kernel64(arch, loss);
            GradientSum eval = GradientSum.empty();
            long[] confusion = new long[k * k];
            kernel.evaluate(params, x, y, from, to, eval, confusion);

            double[] probs = new double[(to - from) * k];
            kernel.predict(params, x, from, to, probs, 0);
            long[] expected = new long[k * k];
            long correct = 0;
            for (int r = 0; r < to - from; r++) {
                int best = 0;
                for (int i = 1; i < k; i++) {
                    if (probs[r * k + i] > probs[r * k + best]) {
                        best = i;
                    }
                }
                expected[y[from + r] * k + best]++;
                if (best == y[from + r]) {
                    correct++;
                }
            }
            assertArrayEquals(expected, confusion, loss.id() + " confusion[true·K + predicted]");
            assertEquals(correct, eval.correct(), "correct count");
            long trace = 0;
            for (int i = 0; i < k; i++) {
                trace += confusion[i * k + i];
            }
            assertEquals(trace, eval.correct(), "correct = trace of the confusion matrix");
            assertEquals(to - from, Arrays.stream(confusion).sum());
            assertEquals(to - from, eval.rows());
            assertTrue(correct > 0 && correct < to - from, "the example should have both right and wrong rows");

            // evaluate's loss is the forward loss of the same rows
            ReferenceNet.Result ref = ReferenceNet.run(SIZES, Activation.SIGMOID, loss, params, x, y,
                    ReferenceNet.range(from, to), false);
            ReferenceNet.assertRelativeClose(ref.loss, eval.loss(), TOL, loss.id() + " evaluate loss");
            assertEquals(ref.correct, eval.correct());
            assertEquals(null, eval.gradient(), "evaluate computes no gradient");
        }
    }

    @Test
    void predictWritesProbabilitiesThatSumToOnePerRow() {
        int from = 7;
        int to = ROWS; // 593 rows: three chunks
        int k = SIZES[3];
        double[] out = new double[3 + (to - from) * k];
        new Kernel64(arch, Loss.CROSS_ENTROPY).predict(params, x, from, to, out, 3);
        for (int r = 0; r < to - from; r++) {
            double sum = 0.0;
            for (int i = 0; i < k; i++) {
                double p = out[3 + r * k + i];
                assertTrue(p >= 0.0 && p <= 1.0, "row " + r + " class " + i + ": " + p + " is not a probability");
                sum += p;
            }
            assertEquals(1.0, sum, 1e-14, "row " + r + " probabilities sum");
        }
    }

    @Test
    void predictWritesTheReferenceSoftmaxProbabilities() {
        int from = 7;
        int to = ROWS;
        int k = SIZES[3];
        double[] out = new double[(to - from) * k];
        new Kernel64(arch, Loss.MSE).predict(params, x, from, to, out, 0);
        ReferenceNet.Result ref = ReferenceNet.run(SIZES, Activation.SIGMOID, Loss.MSE, params, x, y,
                ReferenceNet.range(from, to), false);
        ReferenceNet.assertNormwiseClose(ref.probabilities, out, TOL, "predicted probabilities");
    }
}
