package org.sparkmlp.nn;

import java.util.Locale;

/**
 * Hidden-layer activation functions. Each constant applies itself in place and multiplies a delta by its
 * derivative written in terms of the activation's <em>output</em> a = f(z), so the backward pass needs no
 * copy of the pre-activations.
 */
public enum Activation {
    /** tanh, with f'(z) = 1 - a^2. */
    TANH {
        @Override
        void apply(double[] z, int from, int to) {
            for (int i = from; i < to; i++) {
                z[i] = tanh(z[i]);
            }
        }

        @Override
        void apply(float[] z, int from, int to) {
            for (int i = from; i < to; i++) {
                z[i] = tanhFloat(z[i]);
            }
        }

        @Override
        void applyStrict(double[] z, int from, int to) {
            for (int i = from; i < to; i++) {
                z[i] = tanhStrict(z[i]);
            }
        }

        @Override
        void multiplyByDerivative(double[] a, double[] delta, int length) {
            for (int i = 0; i < length; i++) {
                delta[i] *= 1.0 - a[i] * a[i];
            }
        }

        @Override
        void multiplyByDerivative(float[] a, float[] delta, int length) {
            for (int i = 0; i < length; i++) {
                delta[i] *= 1.0f - a[i] * a[i];
            }
        }
    },
    /** max(0, z), with f'(z) = 1 for z &gt; 0 and 0 otherwise (including z = 0). */
    RELU {
        @Override
        void apply(double[] z, int from, int to) {
            for (int i = from; i < to; i++) {
                // z < 0 is false for NaN, so a diverged run stays visible instead of turning into zeros.
                if (z[i] < 0.0) {
                    z[i] = 0.0;
                }
            }
        }

        @Override
        void apply(float[] z, int from, int to) {
            for (int i = from; i < to; i++) {
                if (z[i] < 0.0f) {
                    z[i] = 0.0f;
                }
            }
        }

        @Override
        void multiplyByDerivative(double[] a, double[] delta, int length) {
            for (int i = 0; i < length; i++) {
                if (!(a[i] > 0.0)) {
                    delta[i] = 0.0;
                }
            }
        }

        @Override
        void multiplyByDerivative(float[] a, float[] delta, int length) {
            for (int i = 0; i < length; i++) {
                if (!(a[i] > 0.0f)) {
                    delta[i] = 0.0f;
                }
            }
        }
    },
    /** The logistic function 1 / (1 + e^-z), with f'(z) = a (1 - a). */
    SIGMOID {
        @Override
        void apply(double[] z, int from, int to) {
            for (int i = from; i < to; i++) {
                z[i] = 1.0 / (1.0 + Math.exp(-z[i]));
            }
        }

        @Override
        void apply(float[] z, int from, int to) {
            for (int i = from; i < to; i++) {
                z[i] = (float) (1.0 / (1.0 + Math.exp(-z[i])));
            }
        }

        @Override
        void applyStrict(double[] z, int from, int to) {
            for (int i = from; i < to; i++) {
                z[i] = 1.0 / (1.0 + StrictMath.exp(-z[i]));
            }
        }

        @Override
        void applyStrict(float[] z, int from, int to) {
            for (int i = from; i < to; i++) {
                z[i] = (float) (1.0 / (1.0 + StrictMath.exp(-z[i])));
            }
        }

        @Override
        void multiplyByDerivative(double[] a, double[] delta, int length) {
            for (int i = 0; i < length; i++) {
                delta[i] *= a[i] * (1.0 - a[i]);
            }
        }

        @Override
        void multiplyByDerivative(float[] a, float[] delta, int length) {
            for (int i = 0; i < length; i++) {
                delta[i] *= a[i] * (1.0f - a[i]);
            }
        }
    };

    /** Replaces z[from..to) by f(z). */
    abstract void apply(double[] z, int from, int to);

    /** delta[i] *= f'(z_i) for i &lt; length, where a[i] = f(z_i). */
    abstract void multiplyByDerivative(double[] a, double[] delta, int length);

    /** {@link #apply(double[], int, int)} in float, for the float32 kernel. */
    abstract void apply(float[] z, int from, int to);

    /** {@link #multiplyByDerivative(double[], double[], int)} in float, for the float32 kernel. */
    abstract void multiplyByDerivative(float[] a, float[] delta, int length);

    /**
     * {@link #apply(double[], int, int)} with the same bits on every JVM and CPU, for the portable kernel
     * ({@link Blas.Mode#PORTABLE}): {@link StrictMath#exp} (fdlibm's algorithm, specified to the bit) where the
     * plain version calls {@link Math#exp}, a JIT intrinsic that the Java specification allows to differ by an
     * ulp from one JVM or processor architecture to another. The same as the plain version where that has no
     * exp (relu; the derivatives are plain arithmetic, strict IEEE since Java 17).
     */
    void applyStrict(double[] z, int from, int to) {
        apply(z, from, to);
    }

    /** {@link #applyStrict(double[], int, int)} in float (float tanh is a rational function: no exp in it). */
    void applyStrict(float[] z, int from, int to) {
        apply(z, from, to);
    }

    /** {@link #applyStrict} when {@code strict}, else {@link #apply}: the kernels' one call. */
    final void apply(double[] z, int from, int to, boolean strict) {
        if (strict) {
            applyStrict(z, from, to);
        } else {
            apply(z, from, to);
        }
    }

    /** {@link #apply(double[], int, int, boolean)} in float. */
    final void apply(float[] z, int from, int to, boolean strict) {
        if (strict) {
            applyStrict(z, from, to);
        } else {
            apply(z, from, to);
        }
    }

    /**
     * tanh in double, about three times faster than {@link Math#tanh} (a native call in Java 17, which took a
     * fifth of the float64 kernel's time at 256 rows): below |z| = 1/16 the Taylor series to z¹¹ (the next
     * term is under 1e-17 of z), above it sign(z)·(1 − 2/(e^{2|z|} + 1)) through {@link Math#exp}, a JIT
     * intrinsic, whose rounding leaves a relative error under 1e-14 (a few ulps for |z| ≥ 1/2). The
     * intrinsic is the same on every run of one machine type, so runs stay bit-reproducible there; the portable
     * kernel calls {@link #tanhStrict} instead.
     */
    static double tanh(double z) {
        double a = Math.abs(z);
        if (a < 0.0625) {
            return tanhSeries(z);
        }
        return Math.copySign(1.0 - 2.0 / (Math.exp(2.0 * a) + 1.0), z);
    }

    /** {@link #tanh(double)} through {@link StrictMath#exp}: the same bits on every JVM and CPU. */
    static double tanhStrict(double z) {
        double a = Math.abs(z);
        if (a < 0.0625) {
            return tanhSeries(z);
        }
        return Math.copySign(1.0 - 2.0 / (StrictMath.exp(2.0 * a) + 1.0), z);
    }

    /** tanh's Taylor series to z¹¹, for |z| &lt; 1/16: plain arithmetic. */
    private static double tanhSeries(double z) {
        double z2 = z * z;
        return z * (1 + z2 * (-1.0 / 3 + z2 * (2.0 / 15 + z2 * (-17.0 / 315 + z2 * (62.0 / 2835
                + z2 * (-1382.0 / 155925))))));
    }

    /**
     * tanh to float precision as a rational function, z·P(z²)/Q(z²) of degrees 9 over 10, in double: no
     * {@link Math#exp}, so it costs 2.7 ns a number under C2 and 3.3 ns under C1, against 9.8 and 7.9 ns for
     * sign(z)·(1 − 2/(e^{2|z|} + 1)) (the float32 kernel at 1,024 rows: 3.93 ms against 4.69 ms, JMH). The
     * coefficients were fitted to tanh on [0, 9.1] by reweighted least squares (a Lawson iteration towards the
     * minimax fit; {@code bench/fit-tanh.py} prints them) for a relative error of 1.05e-9, far below float's
     * half ulp of 3e-8: over every 7th float up to 12 the result is within one ulp of (float) Math.tanh, and
     * equal to it for 99.87 % of them. Beyond |z| = 9.1, tanh z rounds to ±1 in float, so z is clamped there
     * (with a branch: C2's Math.min and max on doubles took it to 18 ns). Plain double arithmetic gives the same
     * bits on every JVM and machine; the function is odd, keeps −0.0, gives ±1 for infinities and NaN for NaN.
     */
    static float tanhFloat(float z) {
        double x = z;
        if (x > TANH_CLAMP) {
            x = TANH_CLAMP;
        } else if (x < -TANH_CLAMP) {
            x = -TANH_CLAMP;
        }
        double v = x * x;
        double p = TANH_P0 + v * (TANH_P1 + v * (TANH_P2 + v * (TANH_P3 + v * TANH_P4)));
        double q = 1.0 + v * (TANH_Q1 + v * (TANH_Q2 + v * (TANH_Q3 + v * (TANH_Q4 + v * TANH_Q5))));
        return (float) (x * p / q);
    }

    private static final double TANH_CLAMP = 9.1;
    private static final double TANH_P0 = 0.9999999989615673;
    private static final double TANH_P1 = 0.13781530646931908;
    private static final double TANH_P2 = 0.004003621947448747;
    private static final double TANH_P3 = 3.148269296690312e-05;
    private static final double TANH_P4 = 5.0388094662523685e-08;
    private static final double TANH_Q1 = 0.4711486296400727;
    private static final double TANH_Q2 = 0.0277198483126317;
    private static final double TANH_Q3 = 0.00041985676396690913;
    private static final double TANH_Q4 = 1.6092345522385738e-06;
    private static final double TANH_Q5 = 7.299097693517326e-10;

    /** The name used on the command line and in model files. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "tanh", "relu" or "sigmoid"; the message lists the choices. */
    public static Activation fromId(String id) {
        for (Activation a : values()) {
            if (a.id().equals(id)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + id + "' (expected tanh, relu or sigmoid)");
    }
}
