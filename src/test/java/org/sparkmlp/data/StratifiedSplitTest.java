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
 * The split without Spark: quotas from counts on the driver, each raw block's rows drawn where it is read.
 * Expected counts are worked by hand in the comments or recounted row by row here, not taken from the split.
 */
class StratifiedSplitTest {
    private static final int C = StratifiedSplit.CHUNK;

    /** Rows labelled by class, shuffled from a seed: the input. */
    private static int[] rows(int[] perClass, long seed) {
        int total = Arrays.stream(perClass).sum();
        int[] classOf = new int[total];
        int r = 0;
        for (int c = 0; c < perClass.length; c++) {
            for (int k = 0; k < perClass[c]; k++) {
                classOf[r++] = c;
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = total - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = classOf[i];
            classOf[i] = classOf[j];
            classOf[j] = tmp;
        }
        return classOf;
    }

    /** The input cut into raw blocks at {@code cuts} (row indices, ascending). */
    private static int[][] cut(int[] classOf, int... cuts) {
        int[][] blocks = new int[cuts.length + 1][];
        int from = 0;
        for (int b = 0; b <= cuts.length; b++) {
            int to = b < cuts.length ? cuts[b] : classOf.length;
            blocks[b] = Arrays.copyOfRange(classOf, from, to);
            from = to;
        }
        return blocks;
    }

    private static int[][] counts(int[][] blocks, int classes) {
        int[][] counts = new int[blocks.length][classes];
        for (int q = 0; q < blocks.length; q++) {
            for (int c : blocks[q]) {
                counts[q][c]++;
            }
        }
        return counts;
    }

    /** Every row's set, block after block, each block drawn alone (as an executor would). */
    private static byte[] split(int[][] blocks, int classes, DatasetBuilder.Split split) {
        StratifiedSplit s = StratifiedSplit.of(counts(blocks, classes), classes, split);
        int total = Arrays.stream(blocks).mapToInt(b -> b.length).sum();
        byte[] sets = new byte[total];
        int at = 0;
        // Blocks drawn in reverse order: no block's draw may depend on another's having run.
        int[] starts = new int[blocks.length];
        for (int q = 1; q < blocks.length; q++) {
            starts[q] = starts[q - 1] + blocks[q - 1].length;
        }
        for (int q = blocks.length - 1; q >= 0; q--) {
            byte[] mine = s.sets(q, blocks[q]);
            System.arraycopy(mine, 0, sets, starts[q], mine.length);
            at += mine.length;
        }
        assertEquals(total, at);
        return sets;
    }

    @Test
    void countsPerClassAreExactAndTheDriversOffsetsMatchTheDraws() {
        // Classes of 20,000, 9,001 and 3 rows: test round(0.2·n) = 4,000, 1,800 (1,800.2), 1 (0.6);
        // validation round(0.1·n) = 2,000, 900 (900.1), 0 (0.3).
        int[] perClass = {20_000, 9_001, 3};
        int[] classOf = rows(perClass, 5);
        int[][] blocks = cut(classOf, 1000, 1001, 17_000, 29_000);
        DatasetBuilder.Split split = new DatasetBuilder.Split(0.1, 0.2, 42);
        byte[] sets = split(blocks, 3, split);
        int[][] got = new int[3][3];
        for (int r = 0; r < classOf.length; r++) {
            got[sets[r]][classOf[r]]++;
        }
        assertArrayEquals(new int[] {4000, 1800, 1}, got[StratifiedSplit.TEST]);
        assertArrayEquals(new int[] {2000, 900, 0}, got[StratifiedSplit.VALIDATION]);
        assertArrayEquals(new int[] {14_000, 6301, 2}, got[StratifiedSplit.TRAIN]);
        // The driver's rows per set and block, from the counts alone, agree with the blocks' own draws.
        StratifiedSplit s = StratifiedSplit.of(counts(blocks, 3), 3, split);
        int row = 0;
        for (int q = 0; q < blocks.length; q++) {
            long[] inBlock = new long[3];
            for (int k = 0; k < blocks[q].length; k++) {
                inBlock[sets[row++]]++;
            }
            for (byte set = 0; set < 3; set++) {
                assertEquals(s.offsets(set)[q + 1] - s.offsets(set)[q], inBlock[set], "block " + q + " set " + set);
            }
        }
    }

    @Test
    void theSetsDependOnTheRowOrderNotOnTheCutIntoRawBlocks() {
        int[] classOf = rows(new int[] {15_000, 6_000}, 9);
        DatasetBuilder.Split split = new DatasetBuilder.Split(0.15, 0.25, 7);
        byte[] one = split(cut(classOf), 2, split);
        byte[] many = split(cut(classOf, 1, 4095, 4096, 4097, 10_000, 20_999), 2, split);
        byte[] empty = split(cut(classOf, 0, 0, 8000, 8000, 21_000), 2, split);
        assertArrayEquals(one, many);
        assertArrayEquals(one, empty);
    }

    @Test
    void anotherSeedDrawsOtherRowsWithTheSameCounts() {
        int[] classOf = rows(new int[] {5000, 700}, 3);
        byte[] a = split(cut(classOf, 2000), 2, new DatasetBuilder.Split(0.1, 0.2, 1));
        byte[] b = split(cut(classOf, 2000), 2, new DatasetBuilder.Split(0.1, 0.2, 2));
        assertNotEquals(Arrays.toString(a), Arrays.toString(b));
        int[] countA = new int[3];
        int[] countB = new int[3];
        for (int r = 0; r < a.length; r++) {
            countA[a[r]]++;
            countB[b[r]]++;
        }
        assertArrayEquals(countA, countB);
    }

    @Test
    void heldOutRowsAreSpreadOverTheInputInProportion() {
        // One class of 10 chunks and a bit: every chunk holds its share of the 30 % test rows to within one row.
        int n = 10 * C + 1234;
        int[] classOf = new int[n];
        byte[] sets = split(cut(classOf, 5000, 33_000), 1, new DatasetBuilder.Split(0.0, 0.3, 11));
        long wanted = Math.round(0.3 * n);
        for (int j = 0; j * C < n; j++) {
            int size = Math.min(C, n - j * C);
            int test = 0;
            for (int k = j * C; k < j * C + size; k++) {
                test += sets[k] == StratifiedSplit.TEST ? 1 : 0;
            }
            double share = (double) wanted * size / n;
            assertTrue(Math.abs(test - share) < 1.0, "chunk " + j + ": " + test + " test rows, share " + share);
        }
    }

    @Test
    void everyRowIsEquallyLikelyToBeHeldOutOverSeeds() {
        // 3 rows of 10 to test: each row is drawn 0.3 of the time over seeds (chunk quota and draw both random
        // in a class smaller than a chunk, only the draw).
        int[] classOf = new int[10];
        int[] drawn = new int[10];
        int seeds = 4000;
        for (long seed = 0; seed < seeds; seed++) {
            byte[] sets = split(cut(classOf, 4), 1, new DatasetBuilder.Split(0.0, 0.3, seed));
            for (int r = 0; r < 10; r++) {
                drawn[r] += sets[r] == StratifiedSplit.TEST ? 1 : 0;
            }
        }
        for (int r = 0; r < 10; r++) {
            // Binomial(4000, 0.3): mean 1200, sd 29; ±5 sd.
            assertTrue(Math.abs(drawn[r] - 1200) < 145, "row " + r + " drawn " + drawn[r] + " times");
        }
    }

    @Test
    void chunkQuotasAreUnbiasedOverSeeds() {
        // Two chunks and a half of one class, 10 % test: chunk 0's exact share is 0.1·4096 = 409.6 rows; its quota is
        // 409 or 410 and must average 409.6 over seeds (a fixed rounding would always give the same one).
        int n = 2 * C + C / 2;
        long sum = 0;
        int seeds = 2000;
        for (long seed = 0; seed < seeds; seed++) {
            StratifiedSplit s = StratifiedSplit.of(new int[][] {{n}}, 1, new DatasetBuilder.Split(0.0, 0.1, seed));
            long quota = s.cumulativeTest(0, C);
            assertTrue(quota == 409 || quota == 410, "quota " + quota);
            sum += quota;
        }
        assertEquals(409.6, (double) sum / seeds, 0.05);
    }

    @Test
    void aWholeSetTakesEveryRow() {
        StratifiedSplit whole = StratifiedSplit.whole(new int[] {3, 0, 2}, StratifiedSplit.TEST);
        assertArrayEquals(new long[] {0, 3, 3, 5}, whole.offsets(StratifiedSplit.TEST));
        assertEquals(0, whole.rows(StratifiedSplit.TRAIN));
        assertArrayEquals(new byte[] {StratifiedSplit.TEST, StratifiedSplit.TEST}, whole.sets(2, new int[] {1, 0}));
    }

    @Test
    void aBlockWithMoreRowsThanTheCensusCountedIsAnError() {
        StratifiedSplit split = StratifiedSplit.of(new int[][] {{2, 2}}, 2, new DatasetBuilder.Split(0.0, 0.5, 1));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> split.sets(0, new int[] {0, 0, 0, 1, 1}));
        assertTrue(e.getMessage().contains("changed between reads"), e.getMessage());
    }
}
