package org.sparkmlp.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Step 3 of building the sets: the seeded, stratified assignment of every row to training, validation or test,
 * drawn on the driver from the {@link LabelCensus}. Within each class the rows, in input order, are shuffled
 * from the seed (Fisher–Yates); the first round(f_test·n_c) go to test, the next round(f_val·n_c) to
 * validation, the rest to training. Only the order of the rows matters, not how the input was cut into
 * partitions or raw blocks.
 *
 * <p>{@link #sets()}[q][r] is the set of row r of raw block q; {@link #offsets()}[s][q] the number of rows of set
 * s in the raw blocks before q, so that every row knows its position in its set.
 */
final class StratifiedSplit {
    static final byte TRAIN = 0;
    static final byte VALIDATION = 1;
    static final byte TEST = 2;
    static final String[] NAMES = {"training", "validation", "test"};

    private final byte[][] sets;
    private final long[][] offsets;

    private StratifiedSplit(byte[][] sets) {
        this.sets = sets;
        this.offsets = offsets(sets);
    }

    /** The split of the census's rows, {@code toClass} mapping each block's labels to classes. */
    static StratifiedSplit of(LabelCensus census, int[][] toClass, int classCount, DatasetBuilder.Split split) {
        long[] perClass = new long[classCount];
        for (int q = 0; q < census.blocks(); q++) {
            for (int id : census.labels(q)) {
                perClass[toClass[q][id]]++;
            }
        }
        // Rows of each class, as (raw block << 32 | row), in input order; then a seeded Fisher–Yates shuffle.
        long[][] rows = new long[classCount][];
        int[] fill = new int[classCount];
        for (int c = 0; c < classCount; c++) {
            if (perClass[c] > Integer.MAX_VALUE - 8) {
                throw new DataFormatException(census.source(), null, "class " + c + " has " + perClass[c]
                        + " rows, more than the 2^31 a split can shuffle");
            }
            rows[c] = new long[(int) perClass[c]];
        }
        byte[][] assignment = new byte[census.blocks()][];
        for (int q = 0; q < census.blocks(); q++) {
            int[] labels = census.labels(q);
            assignment[q] = new byte[labels.length];
            for (int r = 0; r < labels.length; r++) {
                int c = toClass[q][labels[r]];
                rows[c][fill[c]++] = ((long) q << 32) | r;
            }
        }
        SplittableRandom random = new SplittableRandom(split.seed());
        for (int c = 0; c < classCount; c++) {
            long[] list = rows[c];
            for (int i = list.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                long t = list[i];
                list[i] = list[j];
                list[j] = t;
            }
            int test = (int) Math.round(split.testFraction() * list.length);
            int validation = (int) Math.min(list.length - test, Math.round(split.validationFraction() * list.length));
            for (int i = 0; i < list.length; i++) {
                byte set = i < test ? TEST : i < test + validation ? VALIDATION : TRAIN;
                assignment[(int) (list[i] >>> 32)][(int) list[i]] = set;
            }
        }
        return new StratifiedSplit(assignment);
    }

    /** Every row of the census in one set (a separate test set is taken whole). */
    static StratifiedSplit whole(LabelCensus census, byte set) {
        byte[][] assignment = new byte[census.blocks()][];
        for (int q = 0; q < assignment.length; q++) {
            assignment[q] = new byte[census.labels(q).length];
            Arrays.fill(assignment[q], set);
        }
        return new StratifiedSplit(assignment);
    }

    byte[][] sets() {
        return sets;
    }

    /** Rows of {@code set} in the raw blocks before each block q; the last entry is the set's size. */
    long[] offsets(byte set) {
        return offsets[set];
    }

    long rows(byte set) {
        return offsets[set][offsets[set].length - 1];
    }

    private static long[][] offsets(byte[][] assignment) {
        long[][] offsets = new long[3][assignment.length + 1];
        for (int q = 0; q < assignment.length; q++) {
            long[] counts = new long[3];
            for (byte s : assignment[q]) {
                counts[s]++;
            }
            for (int s = 0; s < 3; s++) {
                offsets[s][q + 1] = offsets[s][q] + counts[s];
            }
        }
        return offsets;
    }
}
