package org.sparkmlp.nn;

import java.io.Serializable;

/**
 * The result of one partition's share of a step: the gradient summed (not averaged) over its rows, the
 * summed loss, the number of rows predicted correctly, and the row count. Sums merge associatively, so
 * any split of the rows gives the same total up to rounding; the driver divides once by {@link #rows()}.
 *
 * <p>A sum of zero rows holds no gradient array at all, so an idle partition sends almost nothing. Not
 * thread-safe: one task owns one instance.
 */
public final class GradientSum implements Serializable {
    private static final long serialVersionUID = 1L;

    private double[] gradient;
    private double loss;
    private long correct;
    private long rows;

    /** Kryo and Java serialisation only; use {@link #empty()}. */
    public GradientSum() {
    }

    /** A sum of zero rows. */
    public static GradientSum empty() {
        return new GradientSum();
    }

    /** Sums of {@code parameterCount} parameters, ready for {@link Kernel#accumulate}. */
    public static GradientSum zeros(int parameterCount) {
        GradientSum s = new GradientSum();
        s.gradient = new double[parameterCount];
        return s;
    }

    /** The summed gradient, or null when no rows were added. Callers must not keep it past a merge. */
    public double[] gradient() {
        return gradient;
    }

    public double loss() {
        return loss;
    }

    public long correct() {
        return correct;
    }

    public long rows() {
        return rows;
    }

    /**
     * Empties this sum for reuse with {@code parameterCount} parameters, keeping its gradient array (zeroed)
     * when it has that size: a task can fill the same array every step instead of allocating one the size of
     * the network.
     */
    public GradientSum clear(int parameterCount) {
        if (gradient != null && gradient.length == parameterCount) {
            java.util.Arrays.fill(gradient, 0.0);
        } else {
            gradient = null;
        }
        loss = 0.0;
        correct = 0;
        rows = 0;
        return this;
    }

    /** The gradient array, allocated (zeroed) at first use: the kernel adds into it. */
    public double[] gradientBuffer(int parameterCount) {
        if (gradient == null) {
            gradient = new double[parameterCount];
        }
        return gradient;
    }

    void addRows(long count, double lossSum, long correctCount) {
        rows += count;
        loss += lossSum;
        correct += correctCount;
    }

    /**
     * Adds {@code other} into this sum and returns this. The addition is elementwise in a fixed order, so
     * {@code a.merge(b)} is bit-for-bit reproducible; {@code other} is left unchanged.
     */
    public GradientSum merge(GradientSum other) {
        if (other.gradient != null) {
            if (gradient == null) {
                gradient = other.gradient.clone();
            } else {
                if (gradient.length != other.gradient.length) {
                    throw new IllegalArgumentException("cannot merge gradients of " + gradient.length + " and "
                            + other.gradient.length + " parameters");
                }
                double[] g = gradient;
                double[] o = other.gradient;
                for (int i = 0; i < g.length; i++) {
                    g[i] += o[i];
                }
            }
        }
        rows += other.rows;
        loss += other.loss;
        correct += other.correct;
        return this;
    }

    /** The mean gradient over the rows, written into {@code out} (zeros when there were none). */
    public void meanGradientInto(double[] out) {
        if (gradient == null || rows == 0) {
            java.util.Arrays.fill(out, 0.0);
            return;
        }
        double inv = 1.0 / rows;
        for (int i = 0; i < out.length; i++) {
            out[i] = gradient[i] * inv;
        }
    }

    /** Mean loss per row, NaN with no rows. */
    public double meanLoss() {
        return rows == 0 ? Double.NaN : loss / rows;
    }

    /** Fraction of rows predicted correctly, NaN with no rows. */
    public double accuracy() {
        return rows == 0 ? Double.NaN : (double) correct / rows;
    }
}
