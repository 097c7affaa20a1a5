package org.sparkmlp.data;

import java.io.Serializable;

/**
 * Per-feature count, minimum, maximum, mean and sum of squared deviations of the training rows, for fitting
 * a scaling. Partitions' stats are merged with Chan et al.'s pairwise update, on the driver, in partition
 * order, so the fitted scaling is the same bits on every run.
 */
public final class FeatureStats implements Serializable {
    private static final long serialVersionUID = 1L;

    private long count;
    private double[] min;
    private double[] max;
    private double[] mean;
    private double[] m2;

    /** For Kryo. */
    FeatureStats() {
    }

    public FeatureStats(int features) {
        min = new double[features];
        max = new double[features];
        mean = new double[features];
        m2 = new double[features];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
    }

    /** Adds row r of a column-major block (Welford's update). */
    public void add(double[] x, int r) {
        int n = mean.length;
        int off = r * n;
        count++;
        for (int i = 0; i < n; i++) {
            double v = x[off + i];
            min[i] = Math.min(min[i], v);
            max[i] = Math.max(max[i], v);
            double d = v - mean[i];
            mean[i] += d / count;
            m2[i] += d * (v - mean[i]);
        }
    }

    /** Adds {@code other} into this (Chan et al. 1979) and returns this. */
    public FeatureStats merge(FeatureStats other) {
        if (other.count == 0) {
            return this;
        }
        if (count == 0) {
            count = other.count;
            min = other.min.clone();
            max = other.max.clone();
            mean = other.mean.clone();
            m2 = other.m2.clone();
            return this;
        }
        long n = count + other.count;
        for (int i = 0; i < mean.length; i++) {
            double d = other.mean[i] - mean[i];
            mean[i] += d * other.count / n;
            m2[i] += other.m2[i] + d * d * ((double) count * other.count / n);
            min[i] = Math.min(min[i], other.min[i]);
            max[i] = Math.max(max[i], other.max[i]);
        }
        count = n;
        return this;
    }

    public long count() {
        return count;
    }

    public double[] min() {
        return min.clone();
    }

    public double[] max() {
        return max.clone();
    }

    public double[] mean() {
        return mean.clone();
    }

    /** Population standard deviations. */
    public double[] std() {
        double[] s = new double[m2.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = count == 0 ? 0.0 : Math.sqrt(m2[i] / count);
        }
        return s;
    }
}
