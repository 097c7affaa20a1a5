package org.sparkmlp.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GradientClippingTest {

    @Test
    void aGradientAboveTheNormIsScaledToItAsPyTorchDoes() {
        double[] g = {3.0, 4.0};
        assertEquals(5.0, GradientClipping.clip(g, 1.0), 0.0);
        double factor = 1.0 / (5.0 + 1e-6);
        assertArrayEquals(new double[] {3.0 * factor, 4.0 * factor}, g, 0.0);
        assertEquals(1.0, GradientClipping.norm(g), 1e-6);
    }

    @Test
    void aGradientWithinTheNormIsLeftToTheBit() {
        double[] g = {0.1, -0.2, 0.3};
        double[] before = g.clone();
        GradientClipping.clip(g, 10.0);
        assertArrayEquals(before, g, 0.0);
        // At exactly the norm PyTorch's factor c/(‖g‖ + 1e-6) is just below 1: it scales, by a hair.
        double[] edge = {3.0, 4.0};
        GradientClipping.clip(edge, 5.0);
        assertArrayEquals(new double[] {3.0 * (5.0 / (5.0 + 1e-6)), 4.0 * (5.0 / (5.0 + 1e-6))}, edge, 0.0);
    }

    @Test
    void aNonFiniteGradientIsLeftForTheDivergenceCheck() {
        double[] g = {Double.NaN, 1.0};
        assertEquals(Double.NaN, GradientClipping.clip(g, 1.0));
        assertEquals(1.0, g[1], 0.0);
    }

    @Test
    void theNormMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clip(new double[] {1.0}, 0.0));
    }
}
