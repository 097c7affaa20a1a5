package org.sparkmlp.nn;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * The input transformation a model was trained with: x'_i = (x_i − shift_i) · factor_i for every feature i.
 * Fitted on the training split only, stored in the model, and applied again by evaluate and predict so
 * that a model always sees its inputs as it saw them in training. Immutable.
 */
public final class Scaling implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How a scaling was chosen; the kind is recorded in the model for the reader's benefit. */
    public enum Kind {
        /** Inputs as read. */
        NONE,
        /** Pixel intensities 0…255 to 0…1 (the default for IDX images). */
        PIXEL,
        /** Each feature to [0, 1] by its training minimum and maximum; a constant feature is only shifted. */
        MINMAX,
        /** Each feature to mean 0 and standard deviation 1 on the training rows; a constant one is only shifted. */
        STANDARD;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind fromId(String id) {
            for (Kind k : values()) {
                if (k.id().equals(id)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown scaling '" + id + "' (expected none, pixel, minmax or standard)");
        }
    }

    private final Kind kind;
    private final double[] shift;
    private final double[] factor;

    public Scaling(Kind kind, double[] shift, double[] factor) {
        if (shift.length != factor.length) {
            throw new IllegalArgumentException("scaling has " + shift.length + " shifts but " + factor.length + " factors");
        }
        for (int i = 0; i < shift.length; i++) {
            if (!Double.isFinite(shift[i]) || !Double.isFinite(factor[i])) {
                throw new IllegalArgumentException("scaling of feature " + i + " is not finite: shift " + shift[i]
                        + ", factor " + factor[i]);
            }
        }
        this.kind = kind;
        this.shift = shift.clone();
        this.factor = factor.clone();
    }

    /** The identity on {@code features} inputs. */
    public static Scaling none(int features) {
        double[] ones = new double[features];
        Arrays.fill(ones, 1.0);
        return new Scaling(Kind.NONE, new double[features], ones);
    }

    /** x / 255 on every feature. */
    public static Scaling pixel(int features) {
        double[] f = new double[features];
        Arrays.fill(f, 1.0 / 255.0);
        return new Scaling(Kind.PIXEL, new double[features], f);
    }

    /** Min–max from per-feature minima and maxima of the training rows. */
    public static Scaling minmax(double[] min, double[] max) {
        double[] f = new double[min.length];
        for (int i = 0; i < f.length; i++) {
            double range = max[i] - min[i];
            f[i] = range > 0.0 ? 1.0 / range : 1.0;
        }
        return new Scaling(Kind.MINMAX, min, f);
    }

    /** Standardisation from per-feature means and population standard deviations of the training rows. */
    public static Scaling standard(double[] mean, double[] std) {
        double[] f = new double[mean.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = std[i] > 0.0 ? 1.0 / std[i] : 1.0;
        }
        return new Scaling(Kind.STANDARD, mean, f);
    }

    public Kind kind() {
        return kind;
    }

    public int features() {
        return shift.length;
    }

    public double[] shift() {
        return shift.clone();
    }

    public double[] factor() {
        return factor.clone();
    }

    /** Whether applying this scaling changes nothing (and can be skipped). */
    public boolean isIdentity() {
        for (int i = 0; i < shift.length; i++) {
            if (shift[i] != 0.0 || factor[i] != 1.0) {
                return false;
            }
        }
        return true;
    }

    /** Scales {@code rows} rows of a column-major features × rows matrix in place. */
    public void applyInPlace(double[] x, int rows) {
        int n = shift.length;
        for (int r = 0; r < rows; r++) {
            int off = r * n;
            for (int i = 0; i < n; i++) {
                x[off + i] = (x[off + i] - shift[i]) * factor[i];
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scaling s && kind == s.kind && Arrays.equals(shift, s.shift) && Arrays.equals(factor, s.factor);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shift) + Arrays.hashCode(factor);
    }
}
