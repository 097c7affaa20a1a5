package org.sparkmlp.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Per-feature statistics: one pass over rows, and per-part passes merged in any split, agree. */
class FeatureStatsTest {
    private static final int FEATURES = 4;
    private static final int ROWS = 1000;
    private static final MathContext MC = MathContext.DECIMAL128;

    /** Rows packed as in a block (row r's features at x[r·features …]), features of different scales. */
    private static double[] data(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] x = new double[ROWS * FEATURES];
        for (int r = 0; r < ROWS; r++) {
            x[r * FEATURES] = random.nextDouble(-1, 1);
            x[r * FEATURES + 1] = 50 + 10 * random.nextDouble(-1, 1);
            x[r * FEATURES + 2] = random.nextInt(0, 256);
            x[r * FEATURES + 3] = -3e4 + 1e3 * random.nextDouble();
        }
        return x;
    }

    private static FeatureStats pass(double[] x, int from, int to) {
        FeatureStats s = new FeatureStats(FEATURES);
        for (int r = from; r < to; r++) {
            s.add(x, r);
        }
        return s;
    }

    private static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-12 * Math.abs(expected), what);
    }

    private static void assertSameStats(FeatureStats expected, FeatureStats actual) {
        assertEquals(expected.count(), actual.count(), "count");
        assertArrayEquals(expected.min(), actual.min(), "min is exact");
        assertArrayEquals(expected.max(), actual.max(), "max is exact");
        for (int i = 0; i < FEATURES; i++) {
            assertClose(expected.mean()[i], actual.mean()[i], "mean of feature " + i);
            assertClose(expected.std()[i], actual.std()[i], "std of feature " + i);
        }
    }

    /** Cuts [0, ROWS) at sorted random points (repeated points give empty parts) and merges the parts in order. */
    private static FeatureStats mergedInOrder(double[] x, int[] cuts) {
        FeatureStats all = new FeatureStats(FEATURES);
        int from = 0;
        for (int c : cuts) {
            all.merge(pass(x, from, c));
            from = c;
        }
        return all.merge(pass(x, from, ROWS));
    }

    @Test
    void onePassMatchesExactMeanStdMinMax() {
        double[] x = data(1);
        FeatureStats s = pass(x, 0, ROWS);
        assertEquals(ROWS, s.count());
        for (int i = 0; i < FEATURES; i++) {
            BigDecimal sum = BigDecimal.ZERO;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int r = 0; r < ROWS; r++) {
                double v = x[r * FEATURES + i];
                sum = sum.add(new BigDecimal(v));
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            BigDecimal mean = sum.divide(BigDecimal.valueOf(ROWS), MC);
            BigDecimal squares = BigDecimal.ZERO;
            for (int r = 0; r < ROWS; r++) {
                BigDecimal d = new BigDecimal(x[r * FEATURES + i]).subtract(mean);
                squares = squares.add(d.multiply(d));
            }
            double std = Math.sqrt(squares.divide(BigDecimal.valueOf(ROWS), MC).doubleValue());
            assertClose(mean.doubleValue(), s.mean()[i], "mean of feature " + i);
            assertClose(std, s.std()[i], "population std of feature " + i);
            assertEquals(min, s.min()[i], "min of feature " + i);
            assertEquals(max, s.max()[i], "max of feature " + i);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void mergingPartsInAnySplitEqualsOnePass(long seed) {
        double[] x = data(seed);
        FeatureStats one = pass(x, 0, ROWS);
        SplittableRandom random = new SplittableRandom(seed * 31);
        int parts = 1 + random.nextInt(12);
        int[] cuts = random.ints(parts - 1, 0, ROWS + 1).sorted().toArray();
        assertSameStats(one, mergedInOrder(x, cuts));
    }

    @Test
    void mergingSingleRowsEqualsOnePass() {
        double[] x = data(7);
        int[] cuts = new int[ROWS - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        assertSameStats(pass(x, 0, ROWS), mergedInOrder(x, cuts));
    }

    @Test
    void mergingAsATreeEqualsOnePass() {
        double[] x = data(8);
        List<FeatureStats> level = new ArrayList<>();
        for (int p = 0; p < 8; p++) {
            level.add(pass(x, p * ROWS / 8, (p + 1) * ROWS / 8));
        }
        while (level.size() > 1) {
            List<FeatureStats> next = new ArrayList<>();
            for (int i = 0; i < level.size(); i += 2) {
                next.add(level.get(i).merge(level.get(i + 1)));
            }
            level = next;
        }
        assertSameStats(pass(x, 0, ROWS), level.get(0));
    }

    @Test
    void mergingInReverseOrderEqualsOnePass() {
        double[] x = data(9);
        FeatureStats all = new FeatureStats(FEATURES);
        for (int p = 4; p >= 0; p--) {
            all.merge(pass(x, p * 200, (p + 1) * 200));
        }
        assertSameStats(pass(x, 0, ROWS), all);
    }

    @Test
    void emptyStatsAreTheIdentityOfMerge() {
        double[] x = data(10);
        FeatureStats one = pass(x, 0, 100);
        FeatureStats left = new FeatureStats(FEATURES).merge(pass(x, 0, 100));
        assertSameStats(one, left);
        FeatureStats right = pass(x, 0, 100);
        assertSame(right, right.merge(new FeatureStats(FEATURES)));
        assertSameStats(one, right);
    }

    @Test
    void mergingCopiesRatherThanSharesTheOtherArrays() {
        double[] x = data(11);
        FeatureStats source = pass(x, 0, 10);
        FeatureStats target = new FeatureStats(FEATURES).merge(source);
        target.merge(pass(x, 10, 20));
        assertSameStats(pass(x, 0, 10), source);
        assertSameStats(pass(x, 0, 20), target);
    }

    @Test
    void emptyStatsHaveZeroStdAndInfiniteBounds() {
        FeatureStats empty = new FeatureStats(2);
        assertEquals(0, empty.count());
        assertArrayEquals(new double[] {0, 0}, empty.std());
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}, empty.min());
        assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}, empty.max());
    }

    @Test
    void constantFeatureHasZeroStd() {
        double[] x = new double[30];
        for (int r = 0; r < 10; r++) {
            x[r * 3] = 4.25;
            x[r * 3 + 1] = r;
            x[r * 3 + 2] = -1e6;
        }
        FeatureStats s = new FeatureStats(3);
        for (int r = 0; r < 10; r++) {
            s.add(x, r);
        }
        assertEquals(0.0, s.std()[0]);
        assertEquals(0.0, s.std()[2]);
        assertEquals(4.25, s.mean()[0]);
        // 0..9: mean 4.5, population variance (10² − 1) / 12 = 8.25.
        assertEquals(4.5, s.mean()[1], 1e-15);
        assertEquals(Math.sqrt(8.25), s.std()[1], 1e-15);
    }
}
