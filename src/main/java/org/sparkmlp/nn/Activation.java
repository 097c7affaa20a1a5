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
     * tanh in double, about three times faster than {@link Math#tanh} (a native call in Java 17, which took a
     * fifth of the float64 kernel's time at 256 rows): below |z| = 1/16 the Taylor series to z¹¹ (the next
     * term is under 1e-17 of z), above it sign(z)·(1 − 2/(e^{2|z|} + 1)) through {@link Math#exp}, a JIT
     * intrinsic, whose rounding leaves a relative error under 1e-14 (a few ulps for |z| ≥ 1/2). The
     * intrinsic is the same on every run of one machine type, so runs stay bit-reproducible there.
     */
    static double tanh(double z) {
        double a = Math.abs(z);
        if (a < 0.0625) {
            double z2 = z * z;
            return z * (1 + z2 * (-1.0 / 3 + z2 * (2.0 / 15 + z2 * (-17.0 / 315 + z2 * (62.0 / 2835
                    + z2 * (-1382.0 / 155925))))));
        }
        return Math.copySign(1.0 - 2.0 / (Math.exp(2.0 * a) + 1.0), z);
    }

    /**
     * tanh to float precision through {@link Math#exp} (a JIT intrinsic) rather than {@link Math#tanh} (a native
     * call in Java 17, several times slower, which made tanh a fifth of the float32 kernel's time):
     * sign(z)·(1 − 2/(e^{2|z|} + 1)) in double. Its absolute error is about 1e-16, so its relative error is below
     * float's 6e-8 for |z| ≥ 1e-8; below 1e-4, tanh z = z to float precision (the next term is z³/3).
     * Infinities give ±1 and NaN stays NaN.
     */
    static float tanhFloat(float z) {
        double a = Math.abs((double) z);
        if (a < 1e-4) {
            return z;
        }
        return (float) Math.copySign(1.0 - 2.0 / (Math.exp(2.0 * a) + 1.0), z);
    }

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
