package org.sparkmlp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RowPermutationTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 17, 100, 1000, 4096, 4097, 65537})
    void isABijectionOnItsDomain(int n) {
        RowPermutation perm = new RowPermutation(n, 42, 3, 1);
        boolean[] seen = new boolean[n];
        for (int i = 0; i < n; i++) {
            int r = perm.apply(i);
            assertTrue(r >= 0 && r < n);
            assertFalse(seen[r], "row " + r + " appears twice");
            seen[r] = true;
        }
    }

    @Test
    void dependsOnSeedEpochAndPartitionButIsReproducible() {
        int n = 500;
        int[] a = order(new RowPermutation(n, 1, 0, 0));
        assertTrue(Arrays.equals(a, order(new RowPermutation(n, 1, 0, 0))));
        assertNotEquals(Arrays.toString(a), Arrays.toString(order(new RowPermutation(n, 1, 1, 0))));
        assertNotEquals(Arrays.toString(a), Arrays.toString(order(new RowPermutation(n, 1, 0, 1))));
        assertNotEquals(Arrays.toString(a), Arrays.toString(order(new RowPermutation(n, 2, 0, 0))));
    }

    @Test
    void shufflesWell() {
        // The first tenth of the order should hold about a tenth of each tenth of the rows.
        int n = 10000;
        int[] o = order(new RowPermutation(n, 7, 0, 0));
        int[] bins = new int[10];
        for (int i = 0; i < n / 10; i++) {
            bins[o[i] * 10 / n]++;
        }
        for (int b : bins) {
            assertTrue(b > 60 && b < 140, "bin count " + b + " in " + Arrays.toString(bins));
        }
        assertEquals(n, Arrays.stream(o).distinct().count());
    }

    @Test
    void rejectsPositionsOutsideTheDomain() {
        assertThrows(IndexOutOfBoundsException.class, () -> new RowPermutation(3, 0, 0, 0).apply(3));
    }

    private static int[] order(RowPermutation p) {
        int[] o = new int[p.size()];
        for (int i = 0; i < o.length; i++) {
            o[i] = p.apply(i);
        }
        return o;
    }
}
