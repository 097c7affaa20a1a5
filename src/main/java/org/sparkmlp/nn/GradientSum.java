package org.sparkmlp.nn;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The result of one partition's share of a step: the gradient summed (not averaged) over its rows, the
 * summed loss, the number of rows predicted correctly, and the row count. Sums merge associatively, so
 * any split of the rows gives the same total up to rounding; the driver divides once by {@link #rows()}.
 *
 * <p>A sum of zero rows holds no gradient array at all, so an idle partition sends almost nothing. A float32
 * partition's sum travels as floats instead of doubles, half the bytes: one chunk's float gradient as it is (the
 * same bits, as every float is a double), or the double sum of several chunks rounded once
 * ({@link #roundToFloats}). Not thread-safe:
 * one task owns one instance.
 */
public final class GradientSum implements Serializable {
    private static final long serialVersionUID = 1L;

    private double[] gradient;
    /** Instead of {@link #gradient}: a sum that is exactly these floats. At most one of the two is set. */
    private float[] exact;
    private double loss;
    private long correct;
    private long rows;
    /** Arrays kept by {@link #clear} for the next use of this instance; never sent. */
    private transient double[] spareDoubles;
    private transient float[] spareFloats;

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
        widen();
        return gradient;
    }

    /** Whether a gradient has been added (as doubles or as exact floats). */
    public boolean hasGradient() {
        return gradient != null || exact != null;
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
     * Empties this sum for reuse, keeping its arrays for the next {@link #gradientBuffer} or {@link #exactBuffer}
     * of that size: a task can fill the same array every step instead of allocating one the size of the network.
     */
    public GradientSum clear(int parameterCount) {
        if (gradient != null) {
            spareDoubles = gradient;
        }
        if (exact != null) {
            spareFloats = exact;
        }
        gradient = null;
        exact = null;
        loss = 0.0;
        correct = 0;
        rows = 0;
        return this;
    }

    /** The gradient array, allocated (zeroed) at first use: the kernel adds into it. */
    public double[] gradientBuffer(int parameterCount) {
        widen();
        if (gradient == null) {
            if (spareDoubles != null && spareDoubles.length == parameterCount) {
                gradient = spareDoubles;
                Arrays.fill(gradient, 0.0);
            } else {
                gradient = new double[parameterCount];
            }
        }
        return gradient;
    }

    /**
     * The float array that is this sum, for a sum that holds no gradient yet: the caller writes one chunk's
     * float gradient into it, whole.
     */
    public float[] exactBuffer(int parameterCount) {
        if (hasGradient()) {
            throw new IllegalStateException("this sum already holds a gradient");
        }
        exact = spareFloats != null && spareFloats.length == parameterCount ? spareFloats : new float[parameterCount];
        return exact;
    }

    /**
     * Rounds a double gradient to floats, once: what a float32 partition sends when its share spanned several
     * chunks. The sum was added in double, so the floats are the exact sum correctly rounded; half the bytes
     * to send, deserialise and merge. A sum already held as floats, or holding none, is left as it is.
     */
    public GradientSum roundToFloats() {
        if (gradient == null) {
            return this;
        }
        double[] g = gradient;
        float[] f = spareFloats != null && spareFloats.length == g.length ? spareFloats : new float[g.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) g[i];
        }
        exact = f;
        spareDoubles = g;
        gradient = null;
        return this;
    }

    /**
     * Turns exact floats into the double sum they are. Each is added to +0.0, as the double sum of a float
     * chunk always was (0.0 + f): the same bits, −0.0 included.
     */
    private void widen() {
        if (exact == null) {
            return;
        }
        double[] g = spareDoubles != null && spareDoubles.length == exact.length ? spareDoubles
                : new double[exact.length];
        float[] f = exact;
        for (int i = 0; i < g.length; i++) {
            g[i] = f[i] + 0.0;
        }
        gradient = g;
        spareFloats = exact;
        exact = null;
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
        if (other.exact != null) {
            float[] o = other.exact;
            if (!hasGradient()) {
                gradient = new double[o.length];
            } else {
                widen();
                requireLength(o.length);
            }
            double[] g = gradient;
            for (int i = 0; i < g.length; i++) {
                g[i] += o[i] + 0.0;
            }
        } else if (other.gradient != null) {
            widen();
            if (gradient == null) {
                gradient = other.gradient.clone();
            } else {
                requireLength(other.gradient.length);
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

    private void requireLength(int parameters) {
        if (gradient.length != parameters) {
            throw new IllegalArgumentException("cannot merge gradients of " + gradient.length + " and "
                    + parameters + " parameters");
        }
    }

    /** The mean gradient over the rows, written into {@code out} (zeros when there were none). */
    public void meanGradientInto(double[] out) {
        if (!hasGradient() || rows == 0) {
            Arrays.fill(out, 0.0);
            return;
        }
        double inv = 1.0 / rows;
        if (exact != null) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (exact[i] + 0.0) * inv;
            }
            return;
        }
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
