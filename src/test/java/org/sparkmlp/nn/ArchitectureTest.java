package org.sparkmlp.nn;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Validation, parameter layout and initialisation of {@link Architecture}. */
class ArchitectureTest {

    private static IllegalArgumentException rejected(int[] sizes) {
        return assertThrows(IllegalArgumentException.class, () -> new Architecture(sizes, Activation.TANH));
    }

    /** The message mentions {@code number} as a whole number (not as a digit of another one). */
    private static void assertNames(String message, int number) {
        assertTrue(Pattern.compile("(?<![0-9])" + number + "(?![0-9])").matcher(message).find(),
                "message should name " + number + ": " + message);
    }

    @Test
    void fewerThanTwoLayersAreRejectedNamingTheSizes() {
        assertNames(rejected(new int[] {37}).getMessage(), 37);
        assertThrows(IllegalArgumentException.class, () -> new Architecture(new int[0], Activation.TANH));
        assertThrows(IllegalArgumentException.class, () -> new Architecture(null, Activation.TANH));
    }

    @Test
    void aLayerWithoutUnitsIsRejectedNamingItsIndexAndSize() {
        String m = rejected(new int[] {3, 0, 2}).getMessage();
        assertTrue(m.contains("layer 1"), m);
        assertNames(m, 0);
        String negative = rejected(new int[] {3, 4, -5, 2}).getMessage();
        assertTrue(negative.contains("layer 2"), negative);
        assertNames(negative, -5);
    }

    @Test
    void aSingleClassIsRejectedNamingTheCount() {
        String m = rejected(new int[] {3, 4, 1}).getMessage();
        assertNames(m, 1);
        assertTrue(m.contains("2"), "message should say at least 2 classes are needed: " + m);
    }

    @Test
    void aNullActivationIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Architecture(new int[] {3, 2}, null));
    }

    @Test
    void parameterCountAndOffsetsOf342() {
        Architecture a = new Architecture(new int[] {3, 4, 2}, Activation.RELU);
        assertEquals(3 * 4 + 4 + 4 * 2 + 2, a.parameterCount());
        assertEquals(26, a.parameterCount());
        assertEquals(0, a.weightOffset(0));
        assertEquals(12, a.biasOffset(0));
        assertEquals(16, a.weightOffset(1));
        assertEquals(24, a.biasOffset(1));
        assertEquals(2, a.layerCount());
        assertEquals(3, a.inputs());
        assertEquals(2, a.classes());
        assertEquals(4, a.widest());
        assertArrayEquals(new int[] {3, 4, 2}, a.sizes());
    }

    @Test
    void offsetsAgreeWithTheIndependentLayoutForDeeperNetworks() {
        int[] sizes = {5, 3, 6, 2, 4};
        Architecture a = new Architecture(sizes, Activation.SIGMOID);
        assertEquals(ReferenceNet.parameterCount(sizes), a.parameterCount());
        for (int l = 0; l < sizes.length - 1; l++) {
            assertEquals(ReferenceNet.w(sizes, l, 0, 0), a.weightOffset(l), "W_" + l);
            assertEquals(ReferenceNet.b(sizes, l, 0), a.biasOffset(l), "b_" + l);
        }
    }

    @Test
    void sizesAreCopiedInAndOut() {
        int[] sizes = {3, 4, 2};
        Architecture a = new Architecture(sizes, Activation.TANH);
        sizes[1] = 99;
        assertEquals(4, a.size(1));
        a.sizes()[1] = 99;
        assertEquals(4, a.size(1));
    }

    @Test
    void equalityIsBySizesAndActivation() {
        Architecture a = new Architecture(new int[] {3, 4, 2}, Activation.TANH);
        assertEquals(a, new Architecture(new int[] {3, 4, 2}, Activation.TANH));
        assertEquals(a.hashCode(), new Architecture(new int[] {3, 4, 2}, Activation.TANH).hashCode());
        assertNotEquals(a, new Architecture(new int[] {3, 4, 2}, Activation.RELU));
        assertNotEquals(a, new Architecture(new int[] {3, 5, 2}, Activation.TANH));
        assertEquals("3-4-2 (tanh)", a.toString());
    }

    @Test
    void glorotUniformIsDeterministicPerSeed() {
        Architecture a = new Architecture(new int[] {7, 5, 3}, Activation.TANH);
        assertArrayEquals(a.glorotUniform(42), a.glorotUniform(42), 0.0);
        assertFalse(java.util.Arrays.equals(a.glorotUniform(42), a.glorotUniform(43)), "seeds 42 and 43 agree");
    }

    @Test
    void glorotUniformHasZeroBiasesAndWeightsWithinTheGlorotRange() {
        int[] sizes = {20, 10, 30, 4};
        Architecture a = new Architecture(sizes, Activation.RELU);
        double[] p = a.glorotUniform(7);
        assertEquals(a.parameterCount(), p.length);
        for (int l = 0; l < a.layerCount(); l++) {
            double r = Math.sqrt(6.0 / (sizes[l] + sizes[l + 1]));
            double largest = 0.0;
            double sum = 0.0;
            int n = sizes[l] * sizes[l + 1];
            for (int i = a.weightOffset(l); i < a.weightOffset(l) + n; i++) {
                assertTrue(Math.abs(p[i]) <= r, "layer " + l + " weight " + p[i] + " outside ±" + r);
                largest = Math.max(largest, Math.abs(p[i]));
                sum += p[i];
            }
            // the draw fills the range (not, say, U(−r/10, r/10)) and is centred
            assertTrue(largest > 0.8 * r, "layer " + l + " largest |w| " + largest + " for range " + r);
            assertTrue(Math.abs(sum / n) < 0.3 * r, "layer " + l + " mean " + sum / n);
            for (int i = a.biasOffset(l); i < a.biasOffset(l) + sizes[l + 1]; i++) {
                assertEquals(0.0, p[i], 0.0, "layer " + l + " bias " + (i - a.biasOffset(l)));
            }
        }
    }
}
