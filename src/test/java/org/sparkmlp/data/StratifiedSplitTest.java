package org.sparkmlp.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The split's two halves without Spark: the driver's quotas per raw block and class, and each block's own draw
 * of its rows. Reference values are worked by hand in the comments.
 */
class StratifiedSplitTest {
    private static final DatasetBuilder.Split TENTH_AND_FIFTH = new DatasetBuilder.Split(0.1, 0.2, 42);

    @Test
    void allocationIsProportionalByLargestRemaindersAndExact() {
        // 7 rows over blocks of 10, 20, 30, 40 (N = 100): exact shares 0.7, 1.4, 2.1, 2.8; floors 0, 1, 2, 2
        // (5 rows), the 2 left go to the largest remainders 0.8 and 0.7.
        assertArrayEquals(new int[] {1, 1, 2, 3}, StratifiedSplit.allocate(7, new int[] {10, 20, 30, 40}, 1, 0,
                StratifiedSplit.TEST));
        assertArrayEquals(new int[] {0, 0, 0}, StratifiedSplit.allocate(0, new int[] {3, 0, 5}, 1, 0,
                StratifiedSplit.TEST));
        assertArrayEquals(new int[] {3, 0, 5}, StratifiedSplit.allocate(8, new int[] {3, 0, 5}, 1, 0,
                StratifiedSplit.TEST));
        assertThrows(IllegalArgumentException.class, () -> StratifiedSplit.allocate(9, new int[] {3, 0, 5}, 1, 0,
                StratifiedSplit.TEST));
    }

    @Test
    void tiesAreBrokenBySeedNotAlwaysByTheFirstBlocks() {
        // Ten equal blocks, 3 rows to share: every remainder is equal, so only the tie-break decides. Over
        // seeds, each block must sometimes get one (a tie-break by index would always pick blocks 0, 1, 2).
        int[] equal = new int[10];
        Arrays.fill(equal, 5);
        int[] picked = new int[10];
        for (long seed = 0; seed < 200; seed++) {
            int[] share = StratifiedSplit.allocate(3, equal, seed, 0, StratifiedSplit.TEST);
            assertEquals(3, Arrays.stream(share).sum());
            for (int q = 0; q < 10; q++) {
                assertTrue(share[q] <= 1);
                picked[q] += share[q];
            }
        }
        for (int q = 0; q < 10; q++) {
            assertTrue(picked[q] > 20 && picked[q] < 100, "block " + q + " picked " + picked[q] + " of 200 times");
        }
    }

    @Test
    void sharesAreWithinOneRowOfTheExactShareForRandomBlocks() {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 200; trial++) {
            int[] capacity = new int[1 + random.nextInt(40)];
            long n = 0;
            for (int q = 0; q < capacity.length; q++) {
                capacity[q] = random.nextInt(random.nextBoolean() ? 5 : 5000);
                n += capacity[q];
            }
            long total = n == 0 ? 0 : random.nextLong(n + 1);
            int[] share = StratifiedSplit.allocate(total, capacity, trial, 1, StratifiedSplit.VALIDATION);
            long sum = 0;
            for (int q = 0; q < capacity.length; q++) {
                double exact = (double) total * capacity[q] / n;
                assertTrue(Math.abs(share[q] - exact) < 1.0, share[q] + " against " + exact);
                assertTrue(share[q] <= capacity[q]);
                sum += share[q];
            }
            assertEquals(total, sum);
        }
    }

    @Test
    void allocationIsExactBeyondTwoToTheSixtyThree() {
        // total · capacity passes 2^63 here: the shares must still be exact and sum to the total.
        int[] capacity = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, 12345};
        long n = 3L * Integer.MAX_VALUE + 12345;
        long total = n - 7;
        int[] share = StratifiedSplit.allocate(total, capacity, 3, 0, StratifiedSplit.TEST);
        assertEquals(total, Arrays.stream(share).asLongStream().sum());
        for (int q = 0; q < capacity.length; q++) {
            assertTrue(share[q] <= capacity[q]);
        }
    }

    /** Three classes over four raw blocks: counts[q][c]. */
    private static final int[][] COUNTS = {{30, 5, 0}, {31, 14, 9}, {0, 20, 11}, {40, 4, 23}};

    private static int[] classesOf(int[] perClass, long shuffleSeed) {
        int rows = Arrays.stream(perClass).sum();
        int[] classOf = new int[rows];
        int r = 0;
        for (int c = 0; c < perClass.length; c++) {
            for (int k = 0; k < perClass[c]; k++) {
                classOf[r++] = c;
            }
        }
        SplittableRandom random = new SplittableRandom(shuffleSeed);
        for (int i = rows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = classOf[i];
            classOf[i] = classOf[j];
            classOf[j] = t;
        }
        return classOf;
    }

    @Test
    void setsHaveExactCountsPerClassAndEveryRowOneSet() {
        StratifiedSplit split = StratifiedSplit.of(COUNTS, 3, TENTH_AND_FIFTH);
        // Classes have 101, 43, 43 rows. Test round(0.2·n) = 20, 9, 9; validation round(0.1·n) = 10, 4, 4.
        int[][] got = new int[3][3];
        long[] perSet = new long[3];
        for (int q = 0; q < COUNTS.length; q++) {
            int[] classOf = classesOf(COUNTS[q], q);
            byte[] sets = split.sets(q, classOf);
            assertEquals(classOf.length, sets.length);
            long[] inBlock = new long[3];
            for (int r = 0; r < sets.length; r++) {
                got[sets[r]][classOf[r]]++;
                inBlock[sets[r]]++;
            }
            for (byte s = 0; s < 3; s++) {
                assertEquals(split.offsets(s)[q + 1] - split.offsets(s)[q], inBlock[s], "block " + q + " set " + s);
                perSet[s] += inBlock[s];
            }
        }
        assertArrayEquals(new int[] {20, 9, 9}, got[StratifiedSplit.TEST]);
        assertArrayEquals(new int[] {10, 4, 4}, got[StratifiedSplit.VALIDATION]);
        assertArrayEquals(new int[] {71, 30, 30}, got[StratifiedSplit.TRAIN]);
        for (byte s = 0; s < 3; s++) {
            assertEquals(perSet[s], split.rows(s));
        }
    }

    @Test
    void aBlocksDrawDependsOnSeedBlockAndClassOnly() {
        StratifiedSplit a = StratifiedSplit.of(COUNTS, 3, TENTH_AND_FIFTH);
        StratifiedSplit b = StratifiedSplit.of(COUNTS, 3, TENTH_AND_FIFTH);
        StratifiedSplit other = StratifiedSplit.of(COUNTS, 3, new DatasetBuilder.Split(0.1, 0.2, 43));
        int differ = 0;
        // Blocks drawn in reverse order, as another executor might: the same sets.
        for (int q = COUNTS.length - 1; q >= 0; q--) {
            int[] classOf = classesOf(COUNTS[q], q);
            assertArrayEquals(a.sets(q, classOf), b.sets(q, classOf), "block " + q);
            assertArrayEquals(a.sets(q, classOf), a.sets(q, classOf.clone()), "block " + q + " again");
            differ += Arrays.equals(a.sets(q, classOf), other.sets(q, classOf)) ? 0 : 1;
        }
        assertTrue(differ > 0, "another seed draws other rows");
    }

    @Test
    void everyRowOfAClassIsEquallyLikelyToBeHeldOutWithinABlock() {
        // One block of 40 rows of one class, 10 to test: over seeds each row is drawn about a quarter of the time.
        int[][] counts = {{40}};
        int[] classOf = new int[40];
        int[] drawn = new int[40];
        int seeds = 2000;
        for (long seed = 0; seed < seeds; seed++) {
            StratifiedSplit split = StratifiedSplit.of(counts, 1, new DatasetBuilder.Split(0.0, 0.25, seed));
            byte[] sets = split.sets(0, classOf);
            for (int r = 0; r < 40; r++) {
                drawn[r] += sets[r] == StratifiedSplit.TEST ? 1 : 0;
            }
        }
        for (int r = 0; r < 40; r++) {
            // Binomial(2000, 0.25): mean 500, sd 19.4; ±5 sd.
            assertTrue(Math.abs(drawn[r] - 500) < 97, "row " + r + " drawn " + drawn[r] + " times");
        }
    }

    @Test
    void aWholeSetTakesEveryRow() {
        StratifiedSplit whole = StratifiedSplit.whole(new int[] {3, 0, 2}, StratifiedSplit.TEST);
        assertArrayEquals(new long[] {0, 3, 3, 5}, whole.offsets(StratifiedSplit.TEST));
        assertEquals(0, whole.rows(StratifiedSplit.TRAIN));
        byte[] sets = whole.sets(2, new int[] {1, 0});
        assertArrayEquals(new byte[] {StratifiedSplit.TEST, StratifiedSplit.TEST}, sets);
    }

    @Test
    void aBlockThatChangedSinceTheCensusIsAnError() {
        StratifiedSplit split = StratifiedSplit.of(new int[][] {{10, 10}}, 2, new DatasetBuilder.Split(0.0, 0.5, 1));
        // The census counted 10 rows of class 1; the block now has 2.
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> split.sets(0, new int[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1}));
        assertTrue(e.getMessage().contains("changed between reads"), e.getMessage());
        assertNotEquals(0, split.rows(StratifiedSplit.TEST));
    }
}
