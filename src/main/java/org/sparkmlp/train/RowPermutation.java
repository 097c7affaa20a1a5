package org.sparkmlp.train;

/**
 * A pseudo-random permutation of 0 … n−1 that is computed, not stored: a four-round Feistel network on the
 * smallest even-bit domain 2^(2h) ≥ n, with cycle walking to stay below n (fewer than four rounds of walking
 * on average). Each partition's rows are visited in this order in an epoch, with the key drawn from (seed,
 * epoch, partition): no state to keep, none to restore on resume, and position k costs O(1) to look up.
 */
public final class RowPermutation {
    private static final int ROUNDS = 4;

    private final int n;
    private final int halfBits;
    private final long halfMask;
    private final long[] keys = new long[ROUNDS];

    public RowPermutation(int n, long seed, int epoch, int partition) {
        if (n < 0) {
            throw new IllegalArgumentException("permutation size must be ≥ 0, got " + n);
        }
        this.n = n;
        int bits = n <= 1 ? 1 : 64 - Long.numberOfLeadingZeros(n - 1L);
        this.halfBits = Math.max(1, (bits + 1) / 2);
        this.halfMask = (1L << halfBits) - 1;
        long k = mix(seed ^ mix(0x9E3779B97F4A7C15L * (epoch + 1L)) ^ mix(0xC2B2AE3D27D4EB4FL * (partition + 1L)));
        for (int r = 0; r < ROUNDS; r++) {
            k = mix(k + 0x9E3779B97F4A7C15L);
            keys[r] = k;
        }
    }

    public int size() {
        return n;
    }

    /** The row at position i of the permuted order. */
    public int apply(int i) {
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("position " + i + " of a permutation of " + n);
        }
        long x = i;
        do {
            x = encrypt(x);
        } while (x >= n);
        return (int) x;
    }

    private long encrypt(long x) {
        long left = x >>> halfBits;
        long right = x & halfMask;
        for (int r = 0; r < ROUNDS; r++) {
            long next = left ^ (mix(right ^ keys[r]) & halfMask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }

    /** Stafford's variant 13 of the SplitMix64 finaliser: a full-avalanche 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
