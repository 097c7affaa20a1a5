package org.sparkmlp.data;

import java.io.Serializable;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Step 3 of building the sets: the seeded, stratified split into training, validation and test, decided so that
 * the driver holds a few numbers per raw block and class, never a number per row.
 *
 * <p>The rule. Number the rows of class c in input order by their <em>class rank</em> k = 0 … n_c − 1, and cut
 * the ranks into chunks of {@value #CHUNK} (the last one shorter). Each set's size per class is exact as before:
 * test T_c = round(f_test·n_c), validation V_c = min(n_c − T_c, round(f_val·n_c)).
 * <ol>
 *   <li><b>Quotas per chunk</b>, from the counts alone: test rows among the ranks below a chunk boundary k are
 *       cumT(k) = ⌊(T_c·k + U_c)/n_c⌋, and chunk j gets cumT(end_j) − cumT(start_j); validation is shared the
 *       same way over the ranks test left, cumV(k) = ⌊(V_c·(k − cumT(k)) + W_c)/(n_c − T_c)⌋. U_c ∈ [0, n_c) and
 *       W_c are drawn from the seed. This is systematic proportional allocation with a random start: the quotas
 *       sum to T_c and V_c exactly, each chunk's quota is within one row of its exact share (T_c·size/n_c), and
 *       its expected value over seeds is exactly that share. It takes O(1) per chunk anywhere, with nothing to
 *       store or ship.</li>
 *   <li><b>Rows per chunk</b>: chunk j of class c draws which of its members are test (the first cumT-quota of a
 *       partial Fisher–Yates shuffle) and which validation (the next ones), seeded by (seed, c, j) only.</li>
 * </ol>
 * A raw block q only needs, per class, how many rows of that class came before it ({@code before[q][c]}, from
 * the census's counts): its rows' class ranks follow, and each row's set is read off its chunk's draw where the
 * block is read ({@link #sets}). The driver knows each set's rows per raw block ({@link #offsets}) by the same
 * formulas, drawing only the at most two chunks a block shares with its neighbours per class.
 *
 * <p>Why chunks of class ranks rather than raw blocks: only the order of the rows matters, not how the input
 * was cut into partitions or raw blocks, so every format of the same rows (CSV, LIBSVM, Parquet, IDX) and every
 * partition count splits them alike, as before; draws keyed by raw block would tie the sets to the reader's cut.
 * Nothing depends on which executor reads a block, when, or how often a task is retried.
 *
 * <p>Statistical properties: within a class, the held-out rows are a stratified random sample with strata of
 * {@value #CHUNK} consecutive rows and proportional allocation. Every row's chance to be held out is its chunk's
 * quota over the chunk's size, and over seeds exactly T_c/n_c (the random start makes the quota unbiased); within
 * a chunk every subset of the quota's size is equally likely. The held-out rows are spread evenly over the input
 * (data sorted by time or source cannot put the test set in one corner of it), and the variance of a set's mean
 * of any row statistic is at most that of the simple random sample the whole-class shuffle drew before, up to the
 * rounding of one row per chunk. Which rows land in which set differs from that shuffle; the counts do not.
 *
 * <p>Immutable, and small enough to broadcast: O(raw blocks × classes) numbers.
 */
final class StratifiedSplit implements Serializable {
    private static final long serialVersionUID = 1L;
    static final byte TRAIN = 0;
    static final byte VALIDATION = 1;
    static final byte TEST = 2;
    static final String[] NAMES = {"training", "validation", "test"};

    /** Class ranks per chunk: large enough that a quota rounds by a small fraction, small enough to draw fast. */
    static final int CHUNK = 4096;

    private final long seed;
    /** The set of every row ({@link #whole}), or −1 when the rule decides. */
    private final byte whole;
    /** Per class: rows n_c, test T_c, validation V_c, and the seeded starts U_c, W_c of the allocation. */
    private final long[] n;
    private final long[] t;
    private final long[] v;
    private final long[] u;
    private final long[] w;
    /** before[q][c]: rows of class c in the raw blocks before q; null when whole. */
    private final long[][] before;
    private final long[][] offsets;

    private StratifiedSplit(long seed, byte whole, long[] n, long[] t, long[] v, long[][] before, long[][] offsets) {
        this.seed = seed;
        this.whole = whole;
        this.n = n;
        this.t = t;
        this.v = v;
        this.before = before;
        this.offsets = offsets;
        int classes = n == null ? 0 : n.length;
        this.u = new long[classes];
        this.w = new long[classes];
        for (int c = 0; c < classes; c++) {
            u[c] = n[c] == 0 ? 0 : Math.floorMod(mix(mix(seed ^ 0x5DEECE66DL) + c), n[c]);
            w[c] = n[c] - t[c] == 0 ? 0 : Math.floorMod(mix(mix(seed ^ 0x2545F4914F6CDD1DL) + c), n[c] - t[c]);
        }
    }

    /**
     * The split of rows counted per raw block and class.
     *
     * @param counts counts[q][c]: rows of class c in raw block q, blocks in input order
     */
    static StratifiedSplit of(int[][] counts, int classCount, DatasetBuilder.Split split) {
        int blocks = counts.length;
        long[] n = new long[classCount];
        long[][] before = new long[blocks][classCount];
        for (int q = 0; q < blocks; q++) {
            for (int c = 0; c < classCount; c++) {
                before[q][c] = n[c];
                n[c] += counts[q][c];
            }
        }
        long[] t = new long[classCount];
        long[] v = new long[classCount];
        for (int c = 0; c < classCount; c++) {
            t[c] = Math.round(split.testFraction() * n[c]);
            v[c] = Math.min(n[c] - t[c], Math.round(split.validationFraction() * n[c]));
        }
        StratifiedSplit rule = new StratifiedSplit(split.seed(), (byte) -1, n, t, v, before, null);
        long[][] offsets = new long[3][blocks + 1];
        for (int q = 0; q < blocks; q++) {
            long[] perSet = new long[3];
            for (int c = 0; c < classCount; c++) {
                long from = before[q][c];
                long to = from + counts[q][c];
                perSet[TEST] += rule.count(c, from, to, TEST);
                perSet[VALIDATION] += rule.count(c, from, to, VALIDATION);
                perSet[TRAIN] += counts[q][c];
            }
            perSet[TRAIN] -= perSet[TEST] + perSet[VALIDATION];
            for (int s = 0; s < 3; s++) {
                offsets[s][q + 1] = offsets[s][q] + perSet[s];
            }
        }
        return new StratifiedSplit(split.seed(), (byte) -1, n, t, v, before, offsets);
    }

    /** Every row in one set (a set given apart is taken whole), {@code rows[q]} rows in raw block q. */
    static StratifiedSplit whole(int[] rows, byte set) {
        long[][] offsets = new long[3][rows.length + 1];
        for (int q = 0; q < rows.length; q++) {
            for (int s = 0; s < 3; s++) {
                offsets[s][q + 1] = offsets[s][q] + (s == set ? rows[q] : 0);
            }
        }
        return new StratifiedSplit(0, set, null, null, null, null, offsets);
    }

    /** Test rows of class c among the class ranks below k, for k a chunk boundary (a multiple of CHUNK, or n_c). */
    long cumulativeTest(int c, long k) {
        return n[c] == 0 ? 0 : floorDiv(t[c], k, u[c], n[c]);
    }

    /** Validation rows of class c among the class ranks below the chunk boundary k. */
    long cumulativeValidation(int c, long k) {
        long rest = n[c] - t[c];
        return rest == 0 ? 0 : floorDiv(v[c], k - cumulativeTest(c, k), w[c], rest);
    }

    /** Rows of class c in chunk j: ranks [j·CHUNK, min(n_c, (j + 1)·CHUNK)). */
    private long end(int c, long j) {
        return Math.min(n[c], (j + 1) * CHUNK);
    }

    /**
     * The sets of the members of chunk j of class c, by position in the chunk: the first test-quota positions
     * of a partial Fisher–Yates shuffle seeded by (seed, c, j) are test, the next validation-quota ones
     * validation.
     */
    byte[] chunk(int c, long j) {
        long start = j * CHUNK;
        long end = end(c, j);
        int size = (int) (end - start);
        int test = (int) (cumulativeTest(c, end) - cumulativeTest(c, start));
        int held = test + (int) (cumulativeValidation(c, end) - cumulativeValidation(c, start));
        byte[] sets = new byte[size];
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(mix(mix(mix(seed) + c) + j));
        for (int i = 0; i < held; i++) {
            int k = i + random.nextInt(size - i);
            int tmp = order[i];
            order[i] = order[k];
            order[k] = tmp;
            sets[order[i]] = i < test ? TEST : VALIDATION;
        }
        return sets;
    }

    /** Rows of {@code set} among the class ranks [from, to) of class c: whole chunks by formula, the ends drawn. */
    long count(int c, long from, long to, byte set) {
        long total = 0;
        long k = from;
        while (k < to) {
            long j = k / CHUNK;
            long start = j * CHUNK;
            long end = end(c, j);
            if (k == start && to >= end) {
                long last = to == n[c] ? to : (to / CHUNK) * CHUNK;
                total += cumulative(c, last, set) - cumulative(c, start, set);
                k = last;
            } else {
                byte[] sets = chunk(c, j);
                long stop = Math.min(to, end);
                for (long r = k; r < stop; r++) {
                    total += sets[(int) (r - start)] == set ? 1 : 0;
                }
                k = stop;
            }
        }
        return total;
    }

    private long cumulative(int c, long k, byte set) {
        long test = cumulativeTest(c, k);
        long validation = cumulativeValidation(c, k);
        return set == TEST ? test : set == VALIDATION ? validation : k - test - validation;
    }

    /** ⌊(a·b + c)/d⌋ for non-negative a, b, c and positive d, exact also where a·b passes 2^63. */
    private static long floorDiv(long a, long b, long c, long d) {
        if (Math.multiplyHigh(a, b) == 0 && a * b >= 0 && a * b + c >= 0) {
            return (a * b + c) / d;
        }
        return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).add(BigInteger.valueOf(c))
                .divide(BigInteger.valueOf(d)).longValueExact();
    }

    /** Stafford's variant 13 of the MurmurHash3 finaliser (as SplittableRandom mixes its seeds). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The set of each row of raw block q, on an executor: {@code classOf[r]} is row r's class. Each row's class
     * rank follows from the rows of its class before the block; its set is read off its chunk's draw (each
     * chunk the block touches is drawn once).
     */
    byte[] sets(int q, int[] classOf) {
        byte[] set = new byte[classOf.length];
        if (whole >= 0) {
            Arrays.fill(set, whole);
            return set;
        }
        int classes = n.length;
        long[] rank = before[q].clone();
        long[] drawn = new long[classes];
        Arrays.fill(drawn, -1);
        byte[][] current = new byte[classes][];
        for (int r = 0; r < classOf.length; r++) {
            int c = classOf[r];
            long k = rank[c]++;
            if (k >= n[c]) {
                throw new IllegalStateException("raw block " + q + " has more rows of class " + c + " than the"
                        + " census counted: the data changed between reads");
            }
            long j = k / CHUNK;
            if (drawn[c] != j) {
                current[c] = chunk(c, j);
                drawn[c] = j;
            }
            set[r] = current[c][(int) (k - j * CHUNK)];
        }
        return set;
    }

    /** Rows of {@code set} in the raw blocks before each block q; the last entry is the set's size. */
    long[] offsets(byte set) {
        return offsets[set];
    }

    long rows(byte set) {
        return offsets[set][offsets[set].length - 1];
    }
}
