package org.sparkmlp.optim;

/**
 * Global gradient-norm clipping, as PyTorch's {@code torch.nn.utils.clip_grad_norm_} (2-norm): with ‖g‖ the norm
 * of the whole gradient (every layer's weights and biases as one vector) and c the limit, the gradient is
 * multiplied by c / (‖g‖ + 10⁻⁶) when that factor is below 1, and left alone otherwise (PyTorch multiplies by
 * the factor clamped to 1, which changes nothing).
 */
public final class GradientClipping {
    /** PyTorch's guard against dividing by a zero norm. */
    public static final double EPSILON = 1e-6;

    private GradientClipping() {
    }

    /** ‖g‖₂, summed in index order (so the same gradient gives the same bits). */
    public static double norm(double[] gradient) {
        double sum = 0.0;
        for (double g : gradient) {
            sum += g * g;
        }
        return Math.sqrt(sum);
    }

    /**
     * Scales {@code gradient} in place to norm at most {@code maxNorm} (&gt; 0) and returns its norm before. A NaN or
     * infinite norm is returned as it is and the gradient is left alone: the loop's divergence check reports it.
     */
    public static double clip(double[] gradient, double maxNorm) {
        if (!(maxNorm > 0.0)) {
            throw new IllegalArgumentException("clip norm must be positive, got " + maxNorm);
        }
        double norm = norm(gradient);
        if (!Double.isFinite(norm)) {
            return norm;
        }
        double factor = maxNorm / (norm + EPSILON);
        if (factor < 1.0) {
            for (int i = 0; i < gradient.length; i++) {
                gradient[i] *= factor;
            }
        }
        return norm;
    }
}
