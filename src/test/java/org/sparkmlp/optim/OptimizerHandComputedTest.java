package org.sparkmlp.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Three updates of each rule on f(w) = ½(w₀² + ½w₁²) — gradient (w₀, ½w₁) — from w = (1, −2), worked by hand
 * in the comments. The numbers are chosen so that every intermediate value is a short binary fraction: the
 * arithmetic is exact, and the results must match to the bit.
 */
class OptimizerHandComputedTest {
    private static final double[] A = {1.0, 0.5};

    /** Three updates at rate η, the gradient a·w taken at each step's weights. */
    private static double[][] threeSteps(Optimizer optimizer, double lr) {
        Updater u = optimizer.start(2);
        double[] w = {1.0, -2.0};
        double[][] out = new double[3][];
        for (int t = 0; t < 3; t++) {
            double[] g = {A[0] * w[0], A[1] * w[1]};
            double[] next = new double[2];
            assertTrue(u.update(w, g, lr, next));
            out[t] = next;
            w = next;
        }
        assertEquals(3, u.state().updates());
        return out;
    }

    @Test
    void sgdScalesEachWeightByOneMinusRateTimesCurvature() {
        // η = ½: w ← w − ½·a·w, i.e. w₀·½ and w₁·¾ per step.
        double[][] w = threeSteps(Optimizer.sgd(), 0.5);
        assertArrayEquals(new double[] {0.5, -1.5}, w[0], 0.0);
        assertArrayEquals(new double[] {0.25, -1.125}, w[1], 0.0);
        assertArrayEquals(new double[] {0.125, -0.84375}, w[2], 0.0);
    }

    @Test
    void sgdWeightDecayAddsLambdaTimesWeightToTheGradient() {
        // λ = ½: d = (a + ½)·w; w ← w − ½·d: w₀·¼ and w₁·½ per step.
        double[][] w = threeSteps(Optimizer.sgd().withWeightDecay(0.5), 0.5);
        assertArrayEquals(new double[] {0.25, -1.0}, w[0], 0.0);
        assertArrayEquals(new double[] {0.0625, -0.5}, w[1], 0.0);
        assertArrayEquals(new double[] {0.015625, -0.25}, w[2], 0.0);
    }

    @Test
    void momentumFollowsPyTorchsVelocity() {
        // μ = ½, η = ½.
        // 1: g = (1, −1);         v = g = (1, −1);                         w = (1, −2) − ½v = (½, −1.5)
        // 2: g = (½, −0.75);      v = ½(1, −1) + g = (1, −1.25);           w = (0, −0.875)
        // 3: g = (0, −0.4375);    v = ½(1, −1.25) + g = (½, −1.0625);      w = (−¼, −0.34375)
        double[][] w = threeSteps(Optimizer.momentum(0.5), 0.5);
        assertArrayEquals(new double[] {0.5, -1.5}, w[0], 0.0);
        assertArrayEquals(new double[] {0.0, -0.875}, w[1], 0.0);
        assertArrayEquals(new double[] {-0.25, -0.34375}, w[2], 0.0);
    }

    @Test
    void nesterovStepsAlongGradientPlusMomentumTimesVelocity() {
        // μ = ½, η = ½; the step is d = g + μv.
        // 1: g = (1, −1);             v = (1, −1);               d = (1.5, −1.5);            w = (¼, −1.25)
        // 2: g = (¼, −0.625);         v = (0.75, −1.125);        d = (0.625, −1.1875);       w = (−0.0625, −0.65625)
        // 3: g = (−0.0625, −0.328125); v = (0.3125, −0.890625);  d = (0.09375, −0.7734375);  w = (−0.109375, −0.26953125)
        double[][] w = threeSteps(Optimizer.nesterov(0.5), 0.5);
        assertArrayEquals(new double[] {0.25, -1.25}, w[0], 0.0);
        assertArrayEquals(new double[] {-0.0625, -0.65625}, w[1], 0.0);
        assertArrayEquals(new double[] {-0.109375, -0.26953125}, w[2], 0.0);
    }

    @Test
    void adamWithAConstantGradientMovesEachWeightByTheRateTimesItsSign() {
        // With g constant, the bias-corrected moments are g and g² exactly (in real numbers), so every update is
        // η·g/(|g| + ε). β1 = ½, β2 = ¾ keep the corrections short fractions: 1 − ½^t and 1 − ¾^t.
        Updater u = Optimizer.adam(0.5, 0.75, 1e-8).start(2);
        double[] g = {2.0, -0.5};
        double[] w = {1.0, -2.0};
        double lr = 0.125;
        for (int t = 1; t <= 3; t++) {
            double[] next = new double[2];
            u.update(w, g, lr, next);
            w = next;
            double[] expected = {1.0 - t * lr * 2.0 / (2.0 + 1e-8), -2.0 + t * lr * 0.5 / (0.5 + 1e-8)};
            assertArrayEquals(expected, w, 4e-16 * t, "after update " + t);
        }
        // The moments themselves: m = (1 − β1^t)·g and s = (1 − β2^t)·g², exact in binary here.
        OptimizerState s = u.state();
        assertArrayEquals(new double[] {0.875 * 2.0, 0.875 * -0.5}, s.slot(0), 0.0);
        assertArrayEquals(new double[] {(1 - 27.0 / 64) * 4.0, (1 - 27.0 / 64) * 0.25}, s.slot(1), 0.0);
    }

    @Test
    void adamWDecaysTheWeightsApartFromTheGradient() {
        // λ = ½, η = ⅛: w ← w·(1 − 1/16) − η·g/(|g| + ε) at the first update.
        Updater u = Optimizer.adam(0.5, 0.75, 1e-8).withWeightDecay(0.5).start(2);
        double[] next = new double[2];
        u.update(new double[] {1.0, -2.0}, new double[] {2.0, -0.5}, 0.125, next);
        assertArrayEquals(new double[] {0.9375 - 0.125 * 2.0 / (2.0 + 1e-8), -1.875 + 0.125 * 0.5 / (0.5 + 1e-8)},
                next, 1e-16);
    }

    @Test
    void updateReportsANonFiniteWeight() {
        Updater u = Optimizer.sgd().start(2);
        assertFalse(u.update(new double[] {1.0, 1.0}, new double[] {Double.POSITIVE_INFINITY, 0.0}, 0.1, new double[2]));
    }

    @Test
    void updateNeverWritesItsInputs() {
        double[] w = {1.0, 2.0};
        double[] g = {0.5, -0.5};
        Updater u = Optimizer.nesterov(0.9).start(2);
        assertThrows(IllegalArgumentException.class, () -> u.update(w, g, 0.1, w));
        double[] next = new double[2];
        u.update(w, g, 0.1, next);
        assertArrayEquals(new double[] {1.0, 2.0}, w, 0.0);
        assertArrayEquals(new double[] {0.5, -0.5}, g, 0.0);
    }

    @Test
    void settingsOutOfRangeAreRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizer.momentum(1.0));
        assertEquals("momentum must be in [0.0, 1.0), got 1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizer.adam(0.9, 0.999, 0.0));
        assertEquals("epsilon must be a positive number, got 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizer.sgd().withWeightDecay(-1e-4));
        assertEquals("weight decay must be ≥ 0, got -1.0E-4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizer.Kind.fromId("rmsprop"));
        assertEquals("unknown optimizer 'rmsprop' (expected sgd, momentum, nesterov or adam)", e.getMessage());
    }
}
