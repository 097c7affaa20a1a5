package org.sparkmlp.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Numerical robustness of the softmax losses, and parsing of loss and activation names. */
class LossTest {

    private static void assertAllFinite(double[] v, String what) {
        for (double d : v) {
            assertTrue(Double.isFinite(d), what + " has a non-finite entry: " + java.util.Arrays.toString(v));
        }
    }

    @Test
    void crossEntropyOfHugeLogitsIsFiniteAndExact() {
        // log-sum-exp: log(e^1000 + e^-1000) = 1000 exactly in double, so the loss is 0 or 2000
        double[] z = {1000.0, -1000.0};
        double[] delta = new double[2];
        double right = Loss.CROSS_ENTROPY.softmaxLossAndDelta(z, 0, 2, 0, delta, 0, false);
        assertEquals(0.0, right, 0.0);
        assertArrayEquals(new double[] {1.0, 0.0}, z, 0.0, "softmax of (1000, −1000)");
        assertArrayEquals(new double[] {0.0, 0.0}, delta, 0.0, "ŷ − y for the right class");

        z = new double[] {1000.0, -1000.0};
        double wrong = Loss.CROSS_ENTROPY.softmaxLossAndDelta(z, 0, 2, 1, delta, 0, false);
        assertEquals(2000.0, wrong, 0.0, "−log ŷ_c of a confident wrong prediction (naively −log 0 = ∞)");
        assertArrayEquals(new double[] {1.0, 0.0}, z, 0.0);
        assertArrayEquals(new double[] {1.0, -1.0}, delta, 0.0, "ŷ − y for the wrong class");
    }

    @Test
    void softmaxOfHugeEqualNegativeLogitsDoesNotUnderflowToNaN() {
        // naive exp(−1000)/(exp(−1000)+exp(−1000)) is 0/0
        double[] z = {-1000.0, -1000.0, -1000.0};
        double loss = Loss.CROSS_ENTROPY.softmaxLossAndDelta(z, 0, 3, 2, null, 0, false);
        assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, z, 1e-16);
        // computed as (max + log Σ) − ỹ_c = (−1000 + log 3) + 1000: exact up to rounding at the scale of |max|
        assertEquals(Math.log(3.0), loss, 4 * Math.ulp(1000.0));
    }

    @Test
    void softmaxWorksAtAnOffsetAndWritesDeltaAtItsOwnOffset() {
        double[] z = {7.0, 7.0, 0.5, 1.5, 7.0};
        double[] delta = {9.0, 9.0, 9.0, 9.0};
        double loss = Loss.CROSS_ENTROPY.softmaxLossAndDelta(z, 2, 2, 0, delta, 1, false);
        double p0 = 1.0 / (1.0 + Math.exp(1.0)); // e^0.5 / (e^0.5 + e^1.5)
        assertEquals(-Math.log(p0), loss, 1e-15);
        assertArrayEquals(new double[] {7.0, 7.0, p0, 1.0 - p0, 7.0}, z, 1e-15, "only z[2..4) is replaced");
        assertArrayEquals(new double[] {9.0, p0 - 1.0, 1.0 - p0, 9.0}, delta, 1e-15, "only delta[1..3) is written");
    }

    @Test
    void mseOfHugeLogitsIsFiniteAndSaturated() {
        double[] z = {1000.0, -1000.0};
        double[] delta = new double[2];
        double loss = Loss.MSE.softmaxLossAndDelta(z, 0, 2, 1, delta, 0, false);
        assertEquals(1.0, loss, 0.0, "½((1−0)² + (0−1)²)");
        assertAllFinite(z, "ŷ");
        assertArrayEquals(new double[] {0.0, 0.0}, delta, 0.0, "a saturated softmax has zero MSE gradient");
    }

    @Test
    void aConfidentWrongPredictionHasLargeButFiniteLossThroughTheKernel() {
        // a 1-2 network without hidden layer: logits = W x + b = (800, −800) for x = 1
        Architecture arch = new Architecture(new int[] {1, 2}, Activation.TANH);
        double[] params = {800.0, -800.0, 0.0, 0.0};
        double[] x = {1.0};
        int[] y = {1};

        GradientSum ce = GradientSum.empty();
        new Kernel64(arch, Loss.CROSS_ENTROPY).accumulate(params, x, y, RowSelection.contiguous(0), 1, ce);
        assertEquals(1600.0, ce.loss(), 0.0);
        assertEquals(0, ce.correct());
        assertArrayEquals(new double[] {1.0, -1.0, 1.0, -1.0}, ce.gradient(), 0.0, "(ŷ − y) xᵀ and ŷ − y");

        GradientSum mse = GradientSum.empty();
        new Kernel64(arch, Loss.MSE).accumulate(params, x, y, RowSelection.contiguous(0), 1, mse);
        assertEquals(1.0, mse.loss(), 0.0);
        assertAllFinite(mse.gradient(), "mse gradient");

        double[] probs = new double[2];
        new Kernel64(arch, Loss.CROSS_ENTROPY).predict(params, x, 0, 1, probs, 0);
        assertAllFinite(probs, "predicted probabilities");
    }

    @Test
    void crossEntropyGrowsWithConfidenceInTheWrongClass() {
        double previous = 0.0;
        for (double margin : new double[] {1, 10, 100, 700, 1e5}) {
            double[] z = {margin, -margin};
            double loss = Loss.CROSS_ENTROPY.softmaxLossAndDelta(z, 0, 2, 1, null, 0, false);
            assertTrue(Double.isFinite(loss) && loss > previous, "margin " + margin + " loss " + loss);
            assertEquals(2 * margin + Math.log1p(Math.exp(-2 * margin)), loss, 1e-15 * loss);
            previous = loss;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cross-entropy", "cross_entropy"})
    void crossEntropyIsParsedFromItsCommandLineAndFileNames(String id) {
        assertSame(Loss.CROSS_ENTROPY, Loss.fromId(id));
    }

    @Test
    void mseIsParsed() {
        assertSame(Loss.MSE, Loss.fromId("mse"));
    }

    @ParameterizedTest
    @EnumSource(Loss.class)
    void everyLossRoundTripsThroughBothOfItsNames(Loss loss) {
        assertSame(loss, Loss.fromId(loss.id()));
        assertSame(loss, Loss.fromId(loss.fileId()));
    }

    @Test
    void activationsAreParsedByName() {
        assertSame(Activation.TANH, Activation.fromId("tanh"));
        assertSame(Activation.RELU, Activation.fromId("relu"));
        assertSame(Activation.SIGMOID, Activation.fromId("sigmoid"));
        for (Activation a : Activation.values()) {
            assertSame(a, Activation.fromId(a.id()));
        }
    }

    @Test
    void anUnknownLossIsRejectedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Loss.fromId("foo"));
        assertTrue(e.getMessage().contains("foo"), e.getMessage());
    }

    @Test
    void anUnknownActivationIsRejectedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activation.fromId("foo"));
        assertTrue(e.getMessage().contains("foo"), e.getMessage());
    }

    @Test
    void activationsMatchTheirDefinitionsAndDerivatives() {
        double[] zs = {-3.0, -0.5, 0.0, 0.25, 2.0};
        for (Activation a : Activation.values()) {
            double[] v = zs.clone();
            a.apply(v, 0, v.length);
            double[] delta = {1.0, 1.0, 1.0, 1.0, 1.0};
            a.multiplyByDerivative(v, delta, delta.length);
            for (int i = 0; i < zs.length; i++) {
                assertEquals(ReferenceNet.f(a, zs[i]), v[i], 1e-16, a + " f(" + zs[i] + ")");
                assertEquals(ReferenceNet.fPrime(a, zs[i]), delta[i], 1e-15, a + " f'(" + zs[i] + ")");
            }
        }
        double[] zero = {0.0};
        Activation.RELU.apply(zero, 0, 1);
        double[] d = {5.0};
        Activation.RELU.multiplyByDerivative(zero, d, 1);
        assertEquals(0.0, d[0], 0.0, "relu'(0) = 0");
    }
}
