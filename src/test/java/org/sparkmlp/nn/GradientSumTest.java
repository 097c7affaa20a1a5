package org.sparkmlp.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accumulator: sums over any split of the rows, merged in any order, equal the sum of one pass over all
 * rows (up to rounding in the gradient and loss; counts exactly), and the small contract of merge and means.
 */
class GradientSumTest {

    private static final int ROWS = 37;
    private static final int[] SIZES = {6, 5, 4, 3};
    private static final int[] SPLITS = {2, 3, 5, 37};
    private static final long[] SEEDS = {1, 2, 3, 17, 99};

    /** A random problem: parameters, inputs and labels for {@link #ROWS} rows. */
    private static final class Problem {
        final Architecture arch;
        final Loss loss;
        final double[] params;
        final double[] x;
        final int[] y;

        Problem(Activation act, Loss loss, long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            this.arch = new Architecture(SIZES, act);
            this.loss = loss;
            this.params = ReferenceNet.uniform(rnd, arch.parameterCount(), -1.0, 1.0);
            this.x = ReferenceNet.uniform(rnd, ROWS * SIZES[0], -2.0, 2.0);
            this.y = ReferenceNet.labels(rnd, ROWS, SIZES[SIZES.length - 1]);
        }

        GradientSum all() {
            GradientSum s = GradientSum.empty();
            new Kernel64(arch, loss).accumulate(params, x, y, RowSelection.contiguous(0), ROWS, s);
            return s;
        }
    }

    /** Sorted distinct cut points 0 &lt; c_1 &lt; … &lt; c_{k−1} &lt; n, with 0 and n added at the ends. */
    private static int[] randomCuts(SplittableRandom rnd, int n, int parts) {
        TreeSet<Integer> cuts = new TreeSet<>();
        while (cuts.size() < parts - 1) {
            cuts.add(1 + rnd.nextInt(n - 1));
        }
        int[] c = new int[parts + 1];
        int i = 1;
        for (int v : cuts) {
            c[i++] = v;
        }
        c[parts] = n;
        return c;
    }

    private static GradientSum mergeInRandomOrder(List<GradientSum> parts, SplittableRandom rnd) {
        int[] order = ReferenceNet.permutation(rnd, parts.size());
        GradientSum total = GradientSum.empty();
        for (int i : order) {
            assertSame(total, total.merge(parts.get(i)), "merge returns this");
        }
        return total;
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void contiguousSplitsMergedInAnyOrderEqualOnePass(Activation act) {
        for (Loss loss : Loss.values()) {
            for (long seed : SEEDS) {
                Problem pr = new Problem(act, loss, seed);
                GradientSum whole = pr.all();
                SplittableRandom rnd = new SplittableRandom(seed * 7919);
                for (int k : SPLITS) {
                    int[] cuts = randomCuts(rnd, ROWS, k);
                    List<GradientSum> parts = new ArrayList<>();
                    Kernel64 kernel = new Kernel64(pr.arch, loss);
                    for (int p = 0; p < k; p++) {
                        GradientSum part = p % 2 == 0 ? GradientSum.empty() : GradientSum.zeros(pr.arch.parameterCount());
                        kernel.accumulate(pr.params, pr.x, pr.y, RowSelection.contiguous(cuts[p]),
                                cuts[p + 1] - cuts[p], part);
                        parts.add(part);
                    }
                    GradientSum merged = mergeInRandomOrder(parts, rnd);
                    ReferenceNet.assertSameSum(whole, merged, 1e-12, act + " " + loss.id() + " seed " + seed + " k=" + k
                            + " cuts " + Arrays.toString(cuts));
                }
            }
        }
    }

    @Test
    void randomNonContiguousPartitionsMergedInAnyOrderEqualOnePass() {
        for (long seed : SEEDS) {
            Problem pr = new Problem(Activation.SIGMOID, Loss.CROSS_ENTROPY, seed);
            GradientSum whole = pr.all();
            SplittableRandom rnd = new SplittableRandom(seed + 5);
            for (int k : SPLITS) {
                // each row goes to a random part (some parts may be empty); rows within a part are shuffled
                List<List<Integer>> members = new ArrayList<>();
                for (int p = 0; p < k; p++) {
                    members.add(new ArrayList<>());
                }
                for (int r : ReferenceNet.permutation(rnd, ROWS)) {
                    members.get(k == ROWS ? r : rnd.nextInt(k)).add(r);
                }
                List<GradientSum> parts = new ArrayList<>();
                for (List<Integer> rows : members) {
                    int[] sel = rows.stream().mapToInt(Integer::intValue).toArray();
                    GradientSum part = GradientSum.empty();
                    new Kernel64(pr.arch, pr.loss).accumulate(pr.params, pr.x, pr.y, ReferenceNet.gathered(sel),
                            sel.length, part);
                    assertEquals(sel.length, part.rows());
                    if (sel.length == 0) {
                        assertNull(part.gradient(), "a sum of zero rows holds no gradient");
                    }
                    parts.add(part);
                }
                ReferenceNet.assertSameSum(whole, mergeInRandomOrder(parts, rnd), 1e-12, "seed " + seed + " k=" + k);
            }
        }
    }

    @Test
    void onePassAgreesWithTheReferenceImplementation() {
        Problem pr = new Problem(Activation.TANH, Loss.MSE, 4);
        GradientSum whole = pr.all();
        ReferenceNet.Result ref = ReferenceNet.run(SIZES, Activation.TANH, Loss.MSE, pr.params, pr.x, pr.y,
                ReferenceNet.range(0, ROWS), true);
        assertEquals(ROWS, whole.rows());
        assertEquals(ref.correct, whole.correct());
        ReferenceNet.assertRelativeClose(ref.loss, whole.loss(), 1e-12, "loss");
        ReferenceNet.assertNormwiseClose(ref.gradient, whole.gradient(), 1e-12, "gradient");
    }

    @Test
    void mergingAnEmptySumChangesNothing() {
        GradientSum a = new Problem(Activation.RELU, Loss.CROSS_ENTROPY, 3).all();
        double[] g = a.gradient().clone();
        double loss = a.loss();
        long correct = a.correct();
        long rows = a.rows();

        a.merge(GradientSum.empty());
        assertArrayEquals(g, a.gradient(), 0.0);
        assertEquals(loss, a.loss(), 0.0);
        assertEquals(correct, a.correct());
        assertEquals(rows, a.rows());

        GradientSum b = GradientSum.empty().merge(a);
        assertArrayEquals(g, b.gradient(), 0.0);
        assertEquals(loss, b.loss(), 0.0);
        assertEquals(correct, b.correct());
        assertEquals(rows, b.rows());

        GradientSum none = GradientSum.empty().merge(GradientSum.empty());
        assertNull(none.gradient());
        assertEquals(0, none.rows());
        assertEquals(0, none.correct());
        assertEquals(0.0, none.loss(), 0.0);
    }

    @Test
    void accumulatingZeroRowsLeavesTheSumEmpty() {
        Problem pr = new Problem(Activation.TANH, Loss.CROSS_ENTROPY, 8);
        GradientSum s = GradientSum.empty();
        new Kernel64(pr.arch, pr.loss).accumulate(pr.params, pr.x, pr.y, RowSelection.contiguous(5), 0, s);
        assertNull(s.gradient());
        assertEquals(0, s.rows());
        assertEquals(0.0, s.loss(), 0.0);
    }

    @Test
    void mergeLeavesItsArgumentUnchangedAndDoesNotAliasIt() {
        Problem pr = new Problem(Activation.TANH, Loss.CROSS_ENTROPY, 11);
        GradientSum arg = pr.all();
        double[] g = arg.gradient().clone();
        double loss = arg.loss();
        long correct = arg.correct();
        long rows = arg.rows();

        GradientSum target = new Problem(Activation.TANH, Loss.CROSS_ENTROPY, 12).all();
        target.merge(arg);
        GradientSum fresh = GradientSum.empty().merge(arg);
        assertNotSame(arg.gradient(), fresh.gradient(), "an empty sum must copy, not adopt, the argument's gradient");
        // further accumulation into the merged sums must not leak into the argument
        new Kernel64(pr.arch, pr.loss).accumulate(pr.params, pr.x, pr.y, RowSelection.contiguous(0), ROWS, fresh);
        target.merge(target);

        assertArrayEquals(g, arg.gradient(), 0.0);
        assertEquals(loss, arg.loss(), 0.0);
        assertEquals(correct, arg.correct());
        assertEquals(rows, arg.rows());
    }

    @Test
    void meanGradientDividesTheSumByTheRowCount() {
        GradientSum s = new Problem(Activation.SIGMOID, Loss.MSE, 21).all();
        double[] out = new double[s.gradient().length];
        Arrays.fill(out, Double.NaN);
        s.meanGradientInto(out);
        for (int i = 0; i < out.length; i++) {
            double expected = s.gradient()[i] / ROWS;
            assertEquals(expected, out[i], 2 * Math.ulp(expected), "component " + i);
        }
        assertEquals(s.loss() / ROWS, s.meanLoss(), 2 * Math.ulp(s.loss() / ROWS));
        assertEquals((double) s.correct() / ROWS, s.accuracy(), 0.0);
    }

    @Test
    void meansOfAnEmptySumAreZeroGradientAndNaN() {
        double[] out = {1.0, -2.0, Double.NaN};
        GradientSum.empty().meanGradientInto(out);
        assertArrayEquals(new double[3], out, 0.0);
        assertTrue(Double.isNaN(GradientSum.empty().meanLoss()));
        assertTrue(Double.isNaN(GradientSum.empty().accuracy()));
    }

    @Test
    void mergingGradientsOfDifferentLengthsIsRejectedNamingBoth() {
        GradientSum a = GradientSum.zeros(5);
        GradientSum b = GradientSum.zeros(7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.merge(b));
        assertTrue(e.getMessage().contains("5") && e.getMessage().contains("7"), e.getMessage());
    }

    /** A sum left as exact floats, widened, in every order of merging: the bits of the double sum 0.0 + f. */
    @Test
    void exactFloatsMergeAndAverageAsTheDoublesTheyAre() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 1000;
        float[][] chunks = new float[3][n];
        for (float[] c : chunks) {
            for (int i = 0; i < n; i++) {
                c[i] = (float) r.nextDouble(-1, 1);
            }
            c[0] = -0.0f; // 0.0 + (-0.0) is +0.0: the widened sum must not keep the sign
            c[1] = 0.0f;
        }
        for (int first = 0; first < 3; first++) {
            GradientSum viaDoubles = GradientSum.empty();
            GradientSum viaFloats = GradientSum.empty();
            for (int k = 0; k < 3; k++) {
                float[] c = chunks[(first + k) % 3];
                GradientSum d = GradientSum.empty();
                double[] g = d.gradientBuffer(n);
                for (int i = 0; i < n; i++) {
                    g[i] += c[i]; // what the kernel adds into a zeroed double sum
                }
                d.addRows(10, 1.0, 3);
                GradientSum f = GradientSum.empty();
                System.arraycopy(c, 0, f.exactBuffer(n), 0, n);
                f.addRows(10, 1.0, 3);
                if (k == 0) {
                    // A one-partition step: its mean straight from the floats.
                    double[] fromDoubles = new double[n];
                    double[] fromFloats = new double[n];
                    d.meanGradientInto(fromDoubles);
                    f.meanGradientInto(fromFloats);
                    assertBits(fromDoubles, fromFloats);
                }
                viaDoubles.merge(d);
                viaFloats.merge(k == 1 ? d : f); // floats into floats, doubles into floats, floats into doubles
            }
            assertBits(viaDoubles.gradient(), viaFloats.gradient());
            assertEquals(30, viaFloats.rows());
            assertEquals(9, viaFloats.correct());
        }
        // Widened on its own, as a one-partition step's total is read: −0.0 becomes +0.0 as 0.0 + f made it.
        assertBits(doublesOf(chunks[0]).gradient(), exactOf(chunks[0]).gradient());
        // An exact sum that others are merged into (a partition's sum on the left of the fixed pairing).
        GradientSum left = exactOf(chunks[0]);
        left.merge(doublesOf(chunks[1])).merge(exactOf(chunks[2]));
        GradientSum expected = doublesOf(chunks[0]);
        expected.merge(doublesOf(chunks[1])).merge(doublesOf(chunks[2]));
        assertBits(expected.gradient(), left.gradient());

        GradientSum full = GradientSum.empty();
        full.exactBuffer(n);
        assertThrows(IllegalStateException.class, () -> full.exactBuffer(n));
    }

    /**
     * A float32 partition's double sum of several chunks, rounded once to floats: each element is the double
     * sum correctly rounded, counts and loss untouched, half the bytes; merging it is merging those floats.
     */
    @Test
    void aDoubleSumRoundedToFloatsIsEachElementRoundedOnce() {
        SplittableRandom r = new SplittableRandom(9);
        int n = 2000;
        GradientSum sum = GradientSum.empty();
        double[] g = sum.gradientBuffer(n);
        for (int chunk = 0; chunk < 3; chunk++) {
            for (int i = 0; i < n; i++) {
                g[i] += (float) r.nextDouble(-1, 1);
            }
        }
        sum.addRows(768, 12.5, 700);
        double[] doubles = g.clone();
        sum.roundToFloats();
        assertTrue(sum.hasGradient());
        assertEquals(768, sum.rows());
        assertEquals(12.5, sum.loss());
        assertEquals(700, sum.correct());
        double[] widened = sum.gradient();
        for (int i = 0; i < n; i++) {
            assertEquals(Double.doubleToRawLongBits((float) doubles[i] + 0.0), Double.doubleToRawLongBits(widened[i]),
                    i + ": " + doubles[i]);
        }
        // A second rounding, and rounding a sum of no rows, change nothing.
        GradientSum again = GradientSum.empty();
        double[] h = again.gradientBuffer(n);
        System.arraycopy(doubles, 0, h, 0, n);
        again.roundToFloats().roundToFloats();
        assertBits(widened, again.gradient());
        assertFalse(GradientSum.empty().roundToFloats().hasGradient());
        // Merged into another sum, the rounded floats are what is added.
        GradientSum left = doublesOf(new float[n]);
        GradientSum right = GradientSum.empty();
        System.arraycopy(doubles, 0, right.gradientBuffer(n), 0, n);
        right.addRows(1, 0.0, 0);
        left.merge(right.roundToFloats());
        assertBits(widened, left.gradient());
    }

    private static GradientSum exactOf(float[] c) {
        GradientSum s = GradientSum.empty();
        System.arraycopy(c, 0, s.exactBuffer(c.length), 0, c.length);
        s.addRows(1, 0.0, 0);
        return s;
    }

    private static GradientSum doublesOf(float[] c) {
        GradientSum s = GradientSum.empty();
        double[] g = s.gradientBuffer(c.length);
        for (int i = 0; i < c.length; i++) {
            g[i] += c[i];
        }
        s.addRows(1, 0.0, 0);
        return s;
    }

    private static void assertBits(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
                    i + ": " + expected[i] + " against " + actual[i]);
        }
    }
}
