package org.sparkmlp.nn;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test support: an independent reference implementation of the network, written with plain loops, one row at
 * a time, from the mathematical definition only (no BLAS, no Kernel, no Loss or Activation code is called;
 * the enums are used as tags). Also random data helpers and norm-wise comparison assertions shared by the
 * tests of this package.
 *
 * <p>Definitions: for l = 0 … L−1, h̃_{l+1} = W_l h_l + b_l, h_{l+1} = f(h̃_{l+1}) for hidden layers, the last
 * h̃_L is the logits ỹ, ŷ = softmax(ỹ). Cross-entropy L = −log ŷ_c, MSE L = ½ Σ_k (ŷ_k − y_k)². W_l is stored
 * column-major n_{l+1} × n_l: W_l[i][j] at weightOffset(l) + j·n_{l+1} + i, then b_l.
 */
final class ReferenceNet {
    private ReferenceNet() {
    }

    /** Everything a reference pass over a list of rows produces. */
    static final class Result {
        /** Summed loss over the rows. */
        double loss;
        /** Rows whose argmax ŷ (first index wins a tie) is the label. */
        long correct;
        /** Summed gradient in the flat layout, or null if not asked for. */
        double[] gradient;
        /** Softmax probabilities, K per row, in the order of the rows. */
        double[] probabilities;
        /** For every hidden pre-activation of every row, in a fixed order: whether it is &gt; 0. */
        boolean[] activePattern;
        /** The smallest |h̃| over all hidden pre-activations of all rows (+∞ with no hidden layer). */
        double smallestHiddenPreActivation = Double.POSITIVE_INFINITY;
    }

    /** f(z), written independently of {@link Activation}. */
    static double f(Activation a, double z) {
        switch (a) {
            case TANH:
                return Math.tanh(z);
            case RELU:
                return z > 0.0 ? z : 0.0;
            case SIGMOID:
                return 1.0 / (1.0 + Math.exp(-z));
            default:
                throw new AssertionError(a);
        }
    }

    /** f'(z) in terms of the pre-activation z; relu'(0) = 0. */
    static double fPrime(Activation a, double z) {
        switch (a) {
            case TANH: {
                double t = Math.tanh(z);
                return 1.0 - t * t;
            }
            case RELU:
                return z > 0.0 ? 1.0 : 0.0;
            case SIGMOID: {
                double s = 1.0 / (1.0 + Math.exp(-z));
                return s * (1.0 - s);
            }
            default:
                throw new AssertionError(a);
        }
    }

    /** Index of W_l[i][j] (row i = output unit, column j = input unit) in the flat vector. */
    static int w(int[] sizes, int l, int i, int j) {
        return weightStart(sizes, l) + j * sizes[l + 1] + i;
    }

    /** Index of b_l[i] in the flat vector. */
    static int b(int[] sizes, int l, int i) {
        return weightStart(sizes, l) + sizes[l + 1] * sizes[l] + i;
    }

    /** Independent recomputation of the layout offsets (not via Architecture). */
    static int weightStart(int[] sizes, int l) {
        int off = 0;
        for (int m = 0; m < l; m++) {
            off += sizes[m + 1] * sizes[m] + sizes[m + 1];
        }
        return off;
    }

    static int parameterCount(int[] sizes) {
        return weightStart(sizes, sizes.length - 1);
    }

    /**
     * Runs the network on rows {@code rows[0..)} of column-major inputs {@code x} (n_0 per row) with labels
     * {@code y}; gradient (summed over rows) only if {@code wantGradient}.
     */
    static Result run(int[] sizes, Activation act, Loss loss, double[] p, double[] x, int[] y, int[] rows,
                      boolean wantGradient) {
        int layers = sizes.length - 1;
        int k = sizes[layers];
        int n0 = sizes[0];
        if (p.length != parameterCount(sizes)) {
            throw new IllegalArgumentException("parameter vector has " + p.length + " entries, expected "
                    + parameterCount(sizes));
        }
        Result res = new Result();
        res.gradient = wantGradient ? new double[p.length] : null;
        res.probabilities = new double[rows.length * k];
        int hiddenPerRow = 0;
        for (int l = 1; l < layers; l++) {
            hiddenPerRow += sizes[l];
        }
        res.activePattern = new boolean[hiddenPerRow * rows.length];
        int patternPos = 0;

        for (int ri = 0; ri < rows.length; ri++) {
            int r = rows[ri];
            int label = y[r];
            // h[l] for l = 0..L-1 are layer inputs; z[l] for l = 1..L are pre-activations.
            double[][] h = new double[layers + 1][];
            double[][] z = new double[layers + 1][];
            h[0] = new double[n0];
            for (int j = 0; j < n0; j++) {
                h[0][j] = x[r * n0 + j];
            }
            for (int l = 0; l < layers; l++) {
                int nOut = sizes[l + 1];
                int nIn = sizes[l];
                z[l + 1] = new double[nOut];
                h[l + 1] = new double[nOut];
                for (int i = 0; i < nOut; i++) {
                    double s = p[b(sizes, l, i)];
                    for (int j = 0; j < nIn; j++) {
                        s += p[w(sizes, l, i, j)] * h[l][j];
                    }
                    z[l + 1][i] = s;
                    if (l + 1 < layers) {
                        h[l + 1][i] = f(act, s);
                        res.activePattern[patternPos++] = s > 0.0;
                        res.smallestHiddenPreActivation = Math.min(res.smallestHiddenPreActivation, Math.abs(s));
                    } else {
                        h[l + 1][i] = s;
                    }
                }
            }
            // softmax of the logits
            double[] logits = z[layers];
            double max = Double.NEGATIVE_INFINITY;
            for (double v : logits) {
                max = Math.max(max, v);
            }
            double[] yhat = new double[k];
            double sum = 0.0;
            for (int i = 0; i < k; i++) {
                yhat[i] = Math.exp(logits[i] - max);
                sum += yhat[i];
            }
            for (int i = 0; i < k; i++) {
                yhat[i] /= sum;
                res.probabilities[ri * k + i] = yhat[i];
            }
            int best = 0;
            for (int i = 1; i < k; i++) {
                if (yhat[i] > yhat[best]) {
                    best = i;
                }
            }
            if (best == label) {
                res.correct++;
            }
            double[] target = new double[k];
            target[label] = 1.0;
            double rowLoss;
            if (loss == Loss.CROSS_ENTROPY) {
                rowLoss = -Math.log(yhat[label]);
            } else {
                rowLoss = 0.0;
                for (int i = 0; i < k; i++) {
                    double d = yhat[i] - target[i];
                    rowLoss += 0.5 * d * d;
                }
            }
            res.loss += rowLoss;
            if (!wantGradient) {
                continue;
            }
            // dL/dỹ
            double[] delta = new double[k];
            if (loss == Loss.CROSS_ENTROPY) {
                for (int i = 0; i < k; i++) {
                    delta[i] = yhat[i] - target[i];
                }
            } else {
                // chain rule through the full softmax Jacobian J[m][j] = ŷ_m (δ_mj − ŷ_j):
                // dL/dỹ_j = Σ_m (ŷ_m − y_m) J[m][j]
                for (int j = 0; j < k; j++) {
                    double s = 0.0;
                    for (int m = 0; m < k; m++) {
                        double jac = yhat[m] * ((m == j ? 1.0 : 0.0) - yhat[j]);
                        s += (yhat[m] - target[m]) * jac;
                    }
                    delta[j] = s;
                }
            }
            for (int l = layers - 1; l >= 0; l--) {
                int nOut = sizes[l + 1];
                int nIn = sizes[l];
                for (int i = 0; i < nOut; i++) {
                    res.gradient[b(sizes, l, i)] += delta[i];
                    for (int j = 0; j < nIn; j++) {
                        res.gradient[w(sizes, l, i, j)] += delta[i] * h[l][j];
                    }
                }
                if (l > 0) {
                    double[] below = new double[nIn];
                    for (int j = 0; j < nIn; j++) {
                        double s = 0.0;
                        for (int i = 0; i < nOut; i++) {
                            s += p[w(sizes, l, i, j)] * delta[i];
                        }
                        below[j] = s * fPrime(act, z[l][j]);
                    }
                    delta = below;
                }
            }
        }
        return res;
    }

    /** Rows 0 … n−1. */
    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    static double[] uniform(SplittableRandom rnd, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextDouble(lo, hi);
        }
        return v;
    }

    static int[] labels(SplittableRandom rnd, int n, int classes) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextInt(classes);
        }
        return v;
    }

    /** A random permutation of 0 … n−1 (Fisher–Yates). */
    static int[] permutation(SplittableRandom rnd, int n) {
        int[] p = range(0, n);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** A selection that is deliberately not {@link RowSelection.Contiguous}, so the kernel must gather. */
    static RowSelection gathered(int[] rows) {
        int[] copy = rows.clone();
        return kk -> copy[kk];
    }

    /** Column-major copy of the given rows of x (n0 features each), in the given order. */
    static double[] reorderRows(double[] x, int n0, int[] rows) {
        double[] out = new double[rows.length * n0];
        for (int k = 0; k < rows.length; k++) {
            System.arraycopy(x, rows[k] * n0, out, k * n0, n0);
        }
        return out;
    }

    static int[] reorderLabels(int[] y, int[] rows) {
        int[] out = new int[rows.length];
        for (int k = 0; k < rows.length; k++) {
            out[k] = y[rows[k]];
        }
        return out;
    }

    static double maxAbs(double[] v) {
        double m = 0.0;
        for (double d : v) {
            m = Math.max(m, Math.abs(d));
        }
        return m;
    }

    /** ||expected − actual||_∞ / ||expected||_∞ (0 when both are zero). */
    static double normwiseRelativeError(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, "vector lengths");
        double diff = 0.0;
        for (int i = 0; i < expected.length; i++) {
            diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
        }
        double scale = maxAbs(expected);
        return diff == 0.0 ? 0.0 : diff / scale;
    }

    /** The same rows and correct predictions, and loss and gradient within {@code tol} (relative, normwise). */
    static void assertSameSum(GradientSum expected, GradientSum actual, double tol, String what) {
        assertEquals(expected.rows(), actual.rows(), what + ": rows");
        assertEquals(expected.correct(), actual.correct(), what + ": correct");
        assertRelativeClose(expected.loss(), actual.loss(), tol, what + ": loss");
        assertNormwiseClose(expected.gradient(), actual.gradient(), tol, what + ": gradient");
    }

    /** Asserts ||expected − actual||_∞ ≤ tol · ||expected||_∞, reporting the worst component. */
    static void assertNormwiseClose(double[] expected, double[] actual, double tol, String what) {
        if (actual == null) {
            fail(what + ": actual vector is null");
        }
        double err = normwiseRelativeError(expected, actual);
        if (!(err <= tol)) {
            int worst = 0;
            for (int i = 1; i < expected.length; i++) {
                if (Math.abs(expected[i] - actual[i]) > Math.abs(expected[worst] - actual[worst])) {
                    worst = i;
                }
            }
            fail(what + ": norm-wise relative error " + err + " > " + tol + "; worst component " + worst
                    + " expected " + expected[worst] + " but was " + actual[worst]
                    + (expected.length <= 64 ? "\nexpected " + Arrays.toString(expected)
                    + "\nactual   " + Arrays.toString(actual) : ""));
        }
    }

    /** Asserts |expected − actual| ≤ tol · max(|expected|, 1e-300). */
    static void assertRelativeClose(double expected, double actual, double tol, String what) {
        double err = Math.abs(expected - actual);
        if (!(err <= tol * Math.max(Math.abs(expected), 1e-300))) {
            fail(what + ": expected " + expected + " but was " + actual + " (relative error "
                    + err / Math.abs(expected) + " > " + tol + ")");
        }
    }
}
