package org.sparkmlp.nn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel's gradient on a 2-2-2 tanh network with hand-chosen weights equals the textbook closed forms,
 * computed here by hand from 2-D arrays (row i of a matrix = output unit i), independently of the flat layout:
 *
 * <pre>
 *   h̃ = W_h x + b_h,  h = tanh(h̃),  ỹ = W_y h + b_y,  ŷ = softmax(ỹ)
 *   δ = dL/dỹ = ŷ − y (cross-entropy),  ∂b_y = δ,  ∂W_y = δ hᵀ
 *   dL/dh̃ = (1 − h²) ⊙ (W_yᵀ δ),  ∂W_h = dL/dh̃ xᵀ,  ∂b_h = dL/dh̃
 * </pre>
 *
 * The flat vector is packed here as W_h column-major, b_h, W_y column-major, b_y, so the test also pins the
 * documented layout.
 */
class ClosedFormGradientTest {

    private static final double[][] WH = {{0.5, -0.3}, {0.8, 0.2}};
    private static final double[] BH = {0.1, -0.2};
    private static final double[][] WY = {{1.2, -0.7}, {-0.4, 0.9}};
    private static final double[] BY = {0.05, -0.15};

    private static final double[] X1 = {0.6, -1.1};
    private static final int Y1 = 1;
    private static final double[] X2 = {-0.4, 0.9};
    private static final int Y2 = 0;

    private static final Architecture ARCH = new Architecture(new int[] {2, 2, 2}, Activation.TANH);
    private static final double TOL = 1e-14;

    /** W_h col-major (4), b_h (2), W_y col-major (4), b_y (2): 12 numbers, written out explicitly. */
    private static double[] pack(double[][] wh, double[] bh, double[][] wy, double[] by) {
        return new double[] {
            wh[0][0], wh[1][0], wh[0][1], wh[1][1], bh[0], bh[1],
            wy[0][0], wy[1][0], wy[0][1], wy[1][1], by[0], by[1]};
    }

    /** The closed-form per-row gradient, packed like the parameters; also returns loss and ŷ. */
    private static final class RowGradient {
        final double[] gradient;
        final double loss;
        final double[] yhat;

        RowGradient(double[] gradient, double loss, double[] yhat) {
            this.gradient = gradient;
            this.loss = loss;
            this.yhat = yhat;
        }
    }

    /** Hand computation of one row, cross-entropy (mse = false) or softmax-mse (mse = true). */
    private static RowGradient byHand(double[] x, int label, boolean mse) {
        double[] hTilde = new double[2];
        double[] h = new double[2];
        for (int i = 0; i < 2; i++) {
            hTilde[i] = WH[i][0] * x[0] + WH[i][1] * x[1] + BH[i];
            h[i] = Math.tanh(hTilde[i]);
        }
        double[] yTilde = new double[2];
        for (int i = 0; i < 2; i++) {
            yTilde[i] = WY[i][0] * h[0] + WY[i][1] * h[1] + BY[i];
        }
        double e0 = Math.exp(yTilde[0]);
        double e1 = Math.exp(yTilde[1]);
        double[] yhat = {e0 / (e0 + e1), e1 / (e0 + e1)};
        double[] y = {label == 0 ? 1 : 0, label == 1 ? 1 : 0};

        double[] delta = new double[2];
        double loss;
        if (!mse) {
            loss = -Math.log(yhat[label]);
            delta[0] = yhat[0] - y[0];
            delta[1] = yhat[1] - y[1];
        } else {
            // L = ½ Σ (ŷ_k − y_k)²; dŷ_k/dỹ_j = ŷ_k (δ_kj − ŷ_j), written out for K = 2
            double r0 = yhat[0] - y[0];
            double r1 = yhat[1] - y[1];
            loss = 0.5 * (r0 * r0 + r1 * r1);
            delta[0] = r0 * yhat[0] * (1 - yhat[0]) + r1 * (-yhat[1] * yhat[0]);
            delta[1] = r0 * (-yhat[0] * yhat[1]) + r1 * yhat[1] * (1 - yhat[1]);
        }
        double[][] dWy = new double[2][2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                dWy[i][j] = delta[i] * h[j];
            }
        }
        double[] dhTilde = new double[2];
        for (int j = 0; j < 2; j++) {
            double back = WY[0][j] * delta[0] + WY[1][j] * delta[1];
            dhTilde[j] = (1 - h[j] * h[j]) * back;
        }
        double[][] dWh = new double[2][2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                dWh[i][j] = dhTilde[i] * x[j];
            }
        }
        return new RowGradient(pack(dWh, dhTilde, dWy, delta), loss, yhat);
    }

    private static double[] sum(double[] a, double[] b) {
        double[] s = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }

    /** |a − e| ≤ 1e-14 · max(|e|, ||expected||_∞) for every component: relative, floored at the gradient scale. */
    private static void assertClosedForm(double[] expected, double[] actual) {
        assertNotNull(actual, "gradient");
        assertEquals(expected.length, actual.length);
        double scale = ReferenceNet.maxAbs(expected);
        String[] names = {"W_h[0][0]", "W_h[1][0]", "W_h[0][1]", "W_h[1][1]", "b_h[0]", "b_h[1]",
            "W_y[0][0]", "W_y[1][0]", "W_y[0][1]", "W_y[1][1]", "b_y[0]", "b_y[1]"};
        for (int i = 0; i < expected.length; i++) {
            double tol = TOL * Math.max(Math.abs(expected[i]), scale);
            assertEquals(expected[i], actual[i], tol, "d/d" + names[i]);
        }
    }

    private static GradientSum kernelGradient(Loss loss, double[] x, int[] y, int count) {
        double[] params = pack(WH, BH, WY, BY);
        GradientSum s = GradientSum.empty();
        new Kernel64(ARCH, loss).accumulate(params, x, y, RowSelection.contiguous(0), count, s);
        return s;
    }

    @Test
    void layoutOfTheHandPackedVectorMatchesArchitectureOffsets() {
        assertEquals(12, ARCH.parameterCount());
        assertEquals(0, ARCH.weightOffset(0));
        assertEquals(4, ARCH.biasOffset(0));
        assertEquals(6, ARCH.weightOffset(1));
        assertEquals(10, ARCH.biasOffset(1));
    }

    @Test
    void crossEntropyGradientOfOneRowEqualsClosedForms() {
        RowGradient expected = byHand(X1, Y1, false);
        GradientSum s = kernelGradient(Loss.CROSS_ENTROPY, X1.clone(), new int[] {Y1}, 1);

        assertClosedForm(expected.gradient, s.gradient());
        // db_y = ŷ − y exactly as the closed form, checked on its own for a clear message
        assertEquals(expected.yhat[0] - 0.0, s.gradient()[10], TOL);
        assertEquals(expected.yhat[1] - 1.0, s.gradient()[11], TOL);
        assertEquals(expected.loss, s.loss(), TOL * expected.loss);
        assertEquals(1, s.rows());
        assertEquals(expected.yhat[Y1] > expected.yhat[1 - Y1] ? 1 : 0, s.correct());
    }

    @Test
    void crossEntropyGradientOfTwoRowsIsTheSumOfTheRowClosedForms() {
        RowGradient g1 = byHand(X1, Y1, false);
        RowGradient g2 = byHand(X2, Y2, false);
        double[] x = {X1[0], X1[1], X2[0], X2[1]};
        GradientSum s = kernelGradient(Loss.CROSS_ENTROPY, x, new int[] {Y1, Y2}, 2);

        assertClosedForm(sum(g1.gradient, g2.gradient), s.gradient());
        double loss = g1.loss + g2.loss;
        assertEquals(loss, s.loss(), TOL * loss);
        assertEquals(2, s.rows());
        long correct = (g1.yhat[Y1] > g1.yhat[1 - Y1] ? 1 : 0) + (g2.yhat[Y2] > g2.yhat[1 - Y2] ? 1 : 0);
        assertEquals(correct, s.correct());
    }

    @Test
    void mseGradientOfTwoRowsIsTheSoftmaxJacobianTimesTheResidual() {
        RowGradient g1 = byHand(X1, Y1, true);
        RowGradient g2 = byHand(X2, Y2, true);
        double[] x = {X1[0], X1[1], X2[0], X2[1]};
        GradientSum s = kernelGradient(Loss.MSE, x, new int[] {Y1, Y2}, 2);

        assertClosedForm(sum(g1.gradient, g2.gradient), s.gradient());
        double loss = g1.loss + g2.loss;
        assertEquals(loss, s.loss(), TOL * loss);
    }

    @Test
    void handExampleIsNotDegenerate() {
        // guards the example itself: every closed-form component is clearly non-zero, so a swapped index
        // (e.g. row-major instead of column-major W) cannot pass by accident
        RowGradient g = byHand(X1, Y1, false);
        for (double v : g.gradient) {
            assertTrue(Math.abs(v) > 1e-3, "component " + v + " too small to discriminate");
        }
        double[] gw = g.gradient;
        assertTrue(Math.abs(gw[1] - gw[2]) > 1e-3, "W_h off-diagonal gradients must differ");
        assertTrue(Math.abs(gw[7] - gw[8]) > 1e-3, "W_y off-diagonal gradients must differ");
    }
}
