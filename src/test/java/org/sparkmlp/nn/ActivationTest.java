package org.sparkmlp.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast tanh of both kernels against {@link Math#tanh}, and the float activations against the double ones. */
class ActivationTest {

    @Test
    void fastFloatTanhIsWithinOneFloatUlpOfTheDoubleTanh() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 200_000; i++) {
            // Magnitudes from 1e-12 to 40, both signs: the small, the linear and the saturated ranges.
            float z = (float) (Math.pow(10, rnd.nextDouble(-12, 1.6)) * (rnd.nextBoolean() ? 1 : -1));
            float expected = (float) Math.tanh(z);
            float got = Activation.tanhFloat(z);
            assertTrue(Math.abs(got - expected) <= Math.ulp(expected), "tanh(" + z + ") = " + got + ", expected " + expected);
        }
        assertEquals(0.0f, Activation.tanhFloat(0.0f));
        assertEquals(1.0f, Activation.tanhFloat(Float.POSITIVE_INFINITY));
        assertEquals(-1.0f, Activation.tanhFloat(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(Activation.tanhFloat(Float.NaN)));
    }

    @Test
    void fastFloatTanhIsWithinOneUlpOverADenseSweepOfFloatsAndOdd() {
        // Every 97th float from 0 to 12 (about 11 million), past the clamp at 9.1: within one ulp of the
        // correctly rounded tanh, exactly it for nearly all, and the same magnitude for −z.
        long checked = 0;
        long exact = 0;
        for (int bits = 0; bits <= Float.floatToIntBits(12f); bits += 97) {
            float z = Float.intBitsToFloat(bits);
            float expected = (float) Math.tanh(z);
            float got = Activation.tanhFloat(z);
            int ulps = Math.abs(Float.floatToIntBits(got) - Float.floatToIntBits(expected));
            assertTrue(ulps <= 1, "tanh(" + z + ") = " + got + ", expected " + expected);
            assertEquals(-got, Activation.tanhFloat(-z), "tanh(-" + z + ")");
            checked++;
            exact += ulps == 0 ? 1 : 0;
        }
        assertTrue(exact >= 0.995 * checked, exact + " of " + checked + " correctly rounded");
        assertEquals(-0.0f, Activation.tanhFloat(-0.0f));
        assertEquals(Float.MIN_VALUE, Activation.tanhFloat(Float.MIN_VALUE));
    }

    @Test
    void fastDoubleTanhIsWithin1e14OfMathTanhAndAFewUlpsAwayFromZero() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < 200_000; i++) {
            double z = Math.pow(10, rnd.nextDouble(-12, 1.6)) * (rnd.nextBoolean() ? 1 : -1);
            double expected = Math.tanh(z);
            double got = Activation.tanh(z);
            assertEquals(expected, got, 1e-14 * Math.abs(expected), "tanh(" + z + ")");
            if (Math.abs(z) >= 0.5) {
                assertTrue(Math.abs(got - expected) <= 4 * Math.ulp(expected), "tanh(" + z + ") = " + got + ", expected " + expected);
            }
        }
        assertEquals(0.0, Activation.tanh(0.0));
        assertEquals(1.0, Activation.tanh(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, Activation.tanh(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(Activation.tanh(Double.NaN)));
    }

    @Test
    void floatActivationsMatchTheDoubleOnesOnTheSameInputs() {
        SplittableRandom rnd = new SplittableRandom(4);
        int n = 1000;
        for (Activation act : Activation.values()) {
            float[] zf = new float[n];
            double[] zd = new double[n];
            for (int i = 0; i < n; i++) {
                zf[i] = (float) rnd.nextDouble(-6, 6);
                zd[i] = zf[i];
            }
            act.apply(zf, 0, n);
            act.apply(zd, 0, n);
            float[] df = new float[n];
            double[] dd = new double[n];
            java.util.Arrays.fill(df, 1.0f);
            java.util.Arrays.fill(dd, 1.0);
            act.multiplyByDerivative(zf, df, n);
            act.multiplyByDerivative(zd, dd, n);
            for (int i = 0; i < n; i++) {
                assertEquals(zd[i], zf[i], 2 * Math.ulp((float) zd[i]) + 1e-30, act + " value " + i);
                assertEquals(dd[i], df[i], 1e-6, act + " derivative " + i);
            }
        }
    }
}
