package org.sparkmlp.train;

import java.util.Arrays;

/**
 * Chooses how many partitions each task of a step reads — 2^shift, from a few candidate shifts — by timing
 * steps. The candidates take turns for {@link #TRIAL} steps each, interleaved so that a change in the
 * machine's load falls on all of them. The one with the lowest median then runs the next {@link #HOLD}
 * steps, and the turns begin again. The layout never changes a step's result ({@link org.sparkmlp.data.PartitionGroups}), only its
 * time. Which layout is quickest depends on how many cores the process really gets, and on a shared machine
 * that changes from minute to minute. The first turns wait for a warm-up: the first steps of a JVM take 35–110 ms
 * against 5–7 ms later (784-100-10, batch 128), so their times measure the JIT compiler, not the layouts.
 *
 * <p>Driver-side state of one engine; not thread-safe.
 */
final class LayoutChooser {
    /** Timed steps per candidate in a round of turns. */
    static final int TRIAL = 6;
    /** Steps run with the quickest candidate before the next round of turns. */
    static final int HOLD = 150;
    /**
     * How much quicker (as a fraction) a later candidate must be than the first to be preferred: a
     * tie goes to the first (a task per partition), so that noise does not flip the layout.
     */
    static final double MARGIN = 0.03;
    /** Timed steps run with the first candidate before the first turns. */
    static final int WARMUP = HOLD;

    private final int[] candidates;
    private final long[][] trials;
    /** Position in the cycle: turns first (candidates × TRIAL steps), then HOLD steps. */
    private int position;
    private int best;
    /** Timed steps left before the first turns. */
    private int warmup;

    /**
     * Chooses among {@code candidates}, shifts in order of preference (the first wins ties), after {@code warmup}
     * timed steps with the first.
     */
    LayoutChooser(int[] candidates, int warmup) {
        if (candidates.length == 0) {
            throw new IllegalArgumentException("no candidate layouts");
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("warm-up must be 0 or more steps, got " + warmup);
        }
        this.candidates = candidates.clone();
        this.trials = new long[candidates.length][TRIAL];
        this.warmup = warmup;
    }

    /** The shift of the next step. */
    int shift() {
        if (warmup > 0) {
            return candidates[0];
        }
        if (position < turns()) {
            return candidates[position % candidates.length];
        }
        return candidates[best];
    }

    /** Records the time of the step just run with {@link #shift()}. */
    void observe(long nanos) {
        if (warmup > 0) {
            warmup--;
            return;
        }
        if (position < turns()) {
            trials[position % candidates.length][position / candidates.length] = nanos;
            if (position == turns() - 1) {
                best = quickest();
            }
        }
        position = (position + 1) % (turns() + HOLD);
    }

    private int turns() {
        return candidates.length == 1 ? 0 : candidates.length * TRIAL;
    }

    private int quickest() {
        int pick = 0;
        double pickMedian = median(trials[0]);
        for (int c = 1; c < candidates.length; c++) {
            double m = median(trials[c]);
            if (m < pickMedian * (pick == 0 ? 1 - MARGIN : 1)) {
                pick = c;
                pickMedian = m;
            }
        }
        return pick;
    }

    private static double median(long[] samples) {
        long[] s = samples.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }
}
