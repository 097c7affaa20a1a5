package org.sparkmlp.nn;

import java.util.Locale;

/**
 * The loss on the softmax output ŷ = softmax(ỹ) of one row whose true class is c (y is one-hot).
 * Each constant turns the logits ỹ into ŷ in place, returns the row's loss and, when asked, writes
 * dL/dỹ: the softmax is part of the loss so that cross-entropy gets its exact closed form ŷ − y and a
 * log-sum-exp that cannot overflow.
 */
public enum Loss {
    /** L = −log ŷ_c, computed as log Σ_k exp(ỹ_k) − ỹ_c (log-sum-exp, never log 0); dL/dỹ = ŷ − y. */
    CROSS_ENTROPY("cross-entropy") {
        @Override
        double softmaxLossAndDelta(double[] z, int off, int k, int label, double[] delta, int dOff, boolean strict) {
            // log Σ exp(ỹ) − ỹ_c = log Σ exp(ỹ − max) + (max − ỹ_c): both terms small and exact-ish, never
            // the difference of two large numbers.
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < k; i++) {
                max = Math.max(max, z[off + i]);
            }
            double gap = max - z[off + label];
            double logNormaliser = softmaxInPlace(z, off, k, strict);
            if (delta != null) {
                for (int i = 0; i < k; i++) {
                    delta[dOff + i] = z[off + i];
                }
                delta[dOff + label] -= 1.0;
            }
            return logNormaliser + gap;
        }
    },
    /**
     * L = ½ Σ_k (ŷ_k − y_k)² on the softmax outputs; dL/dỹ_j = ŷ_j (e_j − Σ_k ŷ_k e_k) with e = ŷ − y,
     * the softmax Jacobian applied to e.
     */
    MSE("mse") {
        @Override
        double softmaxLossAndDelta(double[] z, int off, int k, int label, double[] delta, int dOff, boolean strict) {
            softmaxInPlace(z, off, k, strict);
            double loss = 0.0;
            double weighted = 0.0;
            for (int i = 0; i < k; i++) {
                double p = z[off + i];
                double e = i == label ? p - 1.0 : p;
                loss += e * e;
                weighted += p * e;
            }
            if (delta != null) {
                for (int i = 0; i < k; i++) {
                    double p = z[off + i];
                    double e = i == label ? p - 1.0 : p;
                    delta[dOff + i] = p * (e - weighted);
                }
            }
            return 0.5 * loss;
        }
    };

    private final String id;

    Loss(String id) {
        this.id = id;
    }

    /**
     * Replaces the k logits at z[off..off+k) by their softmax, returns the loss of true class {@code label},
     * and if {@code delta} is not null writes dL/dỹ to delta[dOff..dOff+k). {@code strict}: exp and log from
     * {@link StrictMath}, the same bits on every JVM and CPU (the portable kernel), else from {@link Math}.
     */
    abstract double softmaxLossAndDelta(double[] z, int off, int k, int label, double[] delta, int dOff,
                                        boolean strict);

    /**
     * Softmax in place, shifted by the maximum so that exp never overflows. Returns the shifted
     * log-normaliser log Σ_k exp(ỹ_k − max), which lies in [0, log k]. {@code strict}: {@link StrictMath#exp}
     * and {@link StrictMath#log}, fdlibm's results specified to the bit, where {@link Math}'s are JIT intrinsics
     * that may differ by an ulp between JVMs and processor architectures.
     */
    static double softmaxInPlace(double[] z, int off, int k, boolean strict) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            max = Math.max(max, z[off + i]);
        }
        double sum = 0.0;
        for (int i = 0; i < k; i++) {
            double e = strict ? StrictMath.exp(z[off + i] - max) : Math.exp(z[off + i] - max);
            z[off + i] = e;
            sum += e;
        }
        double inv = 1.0 / sum;
        for (int i = 0; i < k; i++) {
            z[off + i] *= inv;
        }
        return strict ? StrictMath.log(sum) : Math.log(sum);
    }

    /** The name used on the command line ("cross-entropy", "mse"). */
    public String id() {
        return id;
    }

    /** The name stored in model files ("cross_entropy", "mse"). */
    public String fileId() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a command-line or model-file name. */
    public static Loss fromId(String id) {
        for (Loss l : values()) {
            if (l.id.equals(id) || l.fileId().equals(id)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown loss '" + id + "' (expected cross-entropy or mse)");
    }
}
