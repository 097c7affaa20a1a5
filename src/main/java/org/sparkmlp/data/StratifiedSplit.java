package org.sparkmlp.data;

import java.io.Serializable;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Step 3 of building the sets: the seeded, stratified split into training, validation and test, decided in two
 * halves so that the driver holds a few numbers per raw block and class, never a number per row.
 *
 * <ol>
 *   <li><b>On the driver, quotas.</b> From the census's count of rows of class c in each raw block q (n_qc, n_c
 *       in all) each set's size per class is fixed exactly as before: test T_c = round(f_test·n_c), validation
 *       V_c = min(n_c − T_c, round(f_val·n_c)). T_c is then shared out over the raw blocks in proportion to
 *       n_qc by largest remainders (Hamilton's method): every block gets ⌊T_c·n_qc/n_c⌋ and the rows left over
 *       go one each to the blocks with the largest remainders, in exact integer arithmetic. V_c is shared out
 *       the same way over what test left of each block, n_qc − t_qc. Ties between equal remainders are broken by
 *       a rank drawn from the seed, class and block, not by block index: equal-sized blocks would otherwise
 *       hand their extra rows to the first blocks for every class and every seed.</li>
 *   <li><b>In each raw block, rows.</b> Block q picks which of its n_qc rows of class c are test (t_qc of them)
 *       and which validation (v_qc) with a partial Fisher–Yates shuffle of its own, seeded by the split's seed,
 *       q and c only ({@link #sets}). The same seed and the same raw blocks give the same sets whatever
 *       executors read them, in whatever order, and however often a task is retried.</li>
 * </ol>
 *
 * <p>Why proportional allocation: it is exact (each set holds exactly T_c, V_c rows of class c) and it is a
 * stratified random sample over (raw block, class) strata with proportional allocation: each block's quota is
 * within one row of its exact share, |t_qc − T_c·n_qc/n_c| &lt; 1, so held-out rows are spread evenly over the
 * input (data sorted by time or by source file cannot put the test set in one corner of it), and the variance
 * of a set's mean of any row statistic is at most that of the simple random sample the whole-class shuffle
 * drew before, up to that rounding. The price: a row's chance of being held out is t_qc/n_qc, which differs
 * from T_c/n_c by less than 1/n_qc rather than being equal for every row; blocks hold thousands of rows of a
 * class in practice, so the difference is far below a percent. A seeded sequential hypergeometric draw would
 * give every row the same chance but let a block's quota stray from its share; evenness was preferred.
 *
 * <p>What the sets depend on: the seed, the rows' classes and the raw blocks — the rows of each input
 * partition as the reader cut them, in input order. The reader's cut follows the files and the partitions
 * setting, not the executors; rows that move to another raw block (other partitions, another block size) may
 * land in another set, with the same exact counts.
 *
 * <p>Immutable, and small enough to broadcast: O(raw blocks × classes) ints. {@link #offsets(byte)}[q] is the
 * number of rows of a set in the raw blocks before q, so that every row knows its position in its set.
 */
final class StratifiedSplit implements Serializable {
    private static final long serialVersionUID = 1L;
    static final byte TRAIN = 0;
    static final byte VALIDATION = 1;
    static final byte TEST = 2;
    static final String[] NAMES = {"training", "validation", "test"};

    private final long seed;
    /** The set of every row ({@link #whole}), or −1 when the quotas decide. */
    private final byte whole;
    /** test[q][c], validation[q][c]: rows of class c of raw block q in each held-out set; null when whole. */
    private final int[][] test;
    private final int[][] validation;
    private final long[][] offsets;

    private StratifiedSplit(long seed, byte whole, int[][] test, int[][] validation, long[][] offsets) {
        this.seed = seed;
        this.whole = whole;
        this.test = test;
        this.validation = validation;
        this.offsets = offsets;
    }

    /**
     * The split of rows counted per raw block and class.
     *
     * @param counts counts[q][c]: rows of class c in raw block q, blocks in input order
     */
    static StratifiedSplit of(int[][] counts, int classCount, DatasetBuilder.Split split) {
        int blocks = counts.length;
        int[][] test = new int[blocks][classCount];
        int[][] validation = new int[blocks][classCount];
        int[] capacity = new int[blocks];
        for (int c = 0; c < classCount; c++) {
            long n = 0;
            for (int q = 0; q < blocks; q++) {
                capacity[q] = counts[q][c];
                n += capacity[q];
            }
            long t = Math.round(split.testFraction() * n);
            long v = Math.min(n - t, Math.round(split.validationFraction() * n));
            int[] byBlock = allocate(t, capacity, split.seed(), c, TEST);
            for (int q = 0; q < blocks; q++) {
                test[q][c] = byBlock[q];
                capacity[q] -= byBlock[q];
            }
            byBlock = allocate(v, capacity, split.seed(), c, VALIDATION);
            for (int q = 0; q < blocks; q++) {
                validation[q][c] = byBlock[q];
            }
        }
        long[][] offsets = new long[3][blocks + 1];
        for (int q = 0; q < blocks; q++) {
            long rows = 0;
            long[] perSet = new long[3];
            for (int c = 0; c < classCount; c++) {
                rows += counts[q][c];
                perSet[TEST] += test[q][c];
                perSet[VALIDATION] += validation[q][c];
            }
            perSet[TRAIN] = rows - perSet[TEST] - perSet[VALIDATION];
            for (int s = 0; s < 3; s++) {
                offsets[s][q + 1] = offsets[s][q] + perSet[s];
            }
        }
        return new StratifiedSplit(split.seed(), (byte) -1, test, validation, offsets);
    }

    /** Every row in one set (a set given apart is taken whole), {@code rows[q]} rows in raw block q. */
    static StratifiedSplit whole(int[] rows, byte set) {
        long[][] offsets = new long[3][rows.length + 1];
        for (int q = 0; q < rows.length; q++) {
            for (int s = 0; s < 3; s++) {
                offsets[s][q + 1] = offsets[s][q] + (s == set ? rows[q] : 0);
            }
        }
        return new StratifiedSplit(0, set, null, null, offsets);
    }

    /**
     * Shares {@code total} out over blocks in proportion to {@code capacity} by largest remainders: block q gets
     * ⌊total·capacity[q]/N⌋ or one more, never more than capacity[q], and the shares sum to {@code total}.
     * Equal remainders are ordered by a rank drawn from (seed, class, set, block), then by block.
     */
    static int[] allocate(long total, int[] capacity, long seed, int c, byte set) {
        int blocks = capacity.length;
        long n = 0;
        for (int k : capacity) {
            n += k;
        }
        if (total < 0 || total > n) {
            throw new IllegalArgumentException("cannot take " + total + " of " + n + " rows");
        }
        int[] share = new int[blocks];
        if (total == 0) {
            return share;
        }
        long[] remainder = new long[blocks];
        long given = 0;
        for (int q = 0; q < blocks; q++) {
            long[] qr = divide(total, capacity[q], n);
            share[q] = (int) qr[0];
            remainder[q] = qr[1];
            given += share[q];
        }
        long left = total - given;
        if (left > 0) {
            Integer[] order = new Integer[blocks];
            long[] rank = new long[blocks];
            for (int q = 0; q < blocks; q++) {
                order[q] = q;
                rank[q] = mix(mix(mix(seed ^ 0x5DEECE66DL) + c) * 3 + set + 31L * q);
            }
            Arrays.sort(order, (a, b) -> remainder[a] != remainder[b] ? Long.compare(remainder[b], remainder[a])
                    : rank[a] != rank[b] ? Long.compare(rank[a], rank[b]) : Integer.compare(a, b));
            // The sum of the remainders is left·n, each below n: at least `left` blocks have one, and they sort first.
            for (int i = 0; i < left; i++) {
                share[order[i]]++;
            }
        }
        return share;
    }

    /** {⌊a·b/n⌋, a·b mod n}, exact also where a·b passes 2^63. */
    private static long[] divide(long a, long b, long n) {
        if (Math.multiplyHigh(a, b) == 0 && a * b >= 0) {
            long p = a * b;
            return new long[] {p / n, p % n};
        }
        BigInteger[] qr = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divideAndRemainder(BigInteger.valueOf(n));
        return new long[] {qr[0].longValueExact(), qr[1].longValueExact()};
    }

    /** Stafford's variant 13 of the MurmurHash3 finaliser (as SplittableRandom mixes its seeds). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The set of each row of raw block q, on an executor: {@code classOf[r]} is row r's class. Rows of class c
     * are listed in row order; a partial Fisher–Yates shuffle seeded by (seed, q, c) draws t_qc of them for test,
     * then v_qc for validation; the rest train.
     */
    byte[] sets(int q, int[] classOf) {
        byte[] set = new byte[classOf.length];
        if (whole >= 0) {
            Arrays.fill(set, whole);
            return set;
        }
        int classes = test[q].length;
        // Rows of each class, in row order, by a counting sort.
        int[] start = new int[classes + 1];
        for (int c : classOf) {
            start[c + 1]++;
        }
        for (int c = 0; c < classes; c++) {
            start[c + 1] += start[c];
        }
        int[] rows = new int[classOf.length];
        int[] fill = start.clone();
        for (int r = 0; r < classOf.length; r++) {
            rows[fill[classOf[r]]++] = r;
        }
        for (int c = 0; c < classes; c++) {
            int t = test[q][c];
            int held = t + validation[q][c];
            int from = start[c];
            int n = start[c + 1] - from;
            if (held > n) {
                throw new IllegalStateException("raw block " + q + " has " + n + " rows of class " + c + ", the"
                        + " census counted at least " + held + ": the data changed between reads");
            }
            SplittableRandom random = new SplittableRandom(mix(mix(seed) + q) * 31 + c);
            for (int i = 0; i < held; i++) {
                int j = i + random.nextInt(n - i);
                int tmp = rows[from + i];
                rows[from + i] = rows[from + j];
                rows[from + j] = tmp;
                set[rows[from + i]] = i < t ? TEST : VALIDATION;
            }
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

    /** Raw blocks the split covers. */
    int blocks() {
        return offsets[0].length - 1;
    }
}
