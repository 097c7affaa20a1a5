package org.sparkmlp.train;

import java.util.Arrays;

/**
 * Which rows of each partition make up each step of an epoch.
 *
 * <p>An epoch has ⌈N / B⌉ steps of B rows (the last one smaller) and visits every row once. Partition p
 * (n_p rows) gives its rows in the order of its {@link RowPermutation}; which partition gives the next row of
 * the global batch is decided as Sainte-Laguë / Webster apportionment: the partition whose next row has the
 * smallest "time" (taken_p + ½) / n_p, ties to the lower partition. So each step's B rows are shared in
 * proportion to partition sizes (within one row), exactly B rows are taken (B = 1 is online SGD, B ≥ N full
 * batch), and the shares never go backwards. The plan depends only on the sizes and B, so a resumed run can
 * replay it.
 */
public final class BatchPlan {
    private final long[] sizes;
    private final long total;
    private final long batch;
    private final long[] taken;
    /** Binary min-heap of partition numbers, by next-row time; partitions with no rows left are not in it. */
    private final int[] heap;
    private int heapSize;
    private long takenTotal;
    private final int[] from;
    private final int[] to;

    public BatchPlan(long[] partitionSizes, long batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.sizes = partitionSizes.clone();
        this.total = Arrays.stream(sizes).sum();
        this.batch = batchSize;
        int p = sizes.length;
        this.taken = new long[p];
        this.heap = new int[p];
        this.from = new int[p];
        this.to = new int[p];
        startEpoch();
    }

    /** Rows in the epoch. */
    public long rows() {
        return total;
    }

    /** Steps in an epoch: ⌈N / B⌉. */
    public long stepsPerEpoch() {
        return (total + batch - 1) / batch;
    }

    /** Rewinds to the first step of an epoch. */
    public void startEpoch() {
        Arrays.fill(taken, 0);
        takenTotal = 0;
        heapSize = 0;
        for (int p = 0; p < sizes.length; p++) {
            if (sizes[p] > 0) {
                heap[heapSize++] = p;
                siftUp(heapSize - 1);
            }
        }
    }

    /** Whether the epoch has rows left. */
    public boolean hasNextStep() {
        return takenTotal < total;
    }

    /**
     * Advances one step. Afterwards partition p's rows of the step are positions {@link #from()}[p] (inclusive)
     * to {@link #to()}[p] (exclusive) of its permuted order.
     */
    public void nextStep() {
        if (!hasNextStep()) {
            throw new IllegalStateException("the epoch has no steps left");
        }
        for (int p = 0; p < sizes.length; p++) {
            from[p] = (int) taken[p];
        }
        long want = Math.min(batch, total - takenTotal);
        if (want == total - takenTotal) {
            // The rest of the epoch: every partition gives all it has left.
            System.arraycopy(sizes, 0, taken, 0, sizes.length);
            heapSize = 0;
        } else {
            for (long k = 0; k < want; k++) {
                int p = heap[0];
                taken[p]++;
                if (taken[p] == sizes[p]) {
                    heap[0] = heap[--heapSize];
                }
                if (heapSize > 0) {
                    siftDown(0);
                }
            }
        }
        takenTotal += want;
        for (int p = 0; p < sizes.length; p++) {
            to[p] = (int) taken[p];
        }
    }

    /** Per partition, the first position of the current step. Owned by the plan: copy to keep. */
    public int[] from() {
        return from;
    }

    /** Per partition, one past the last position of the current step. Owned by the plan: copy to keep. */
    public int[] to() {
        return to;
    }

    /** Whether partition a's next row comes before partition b's: (t_a + ½)/n_a &lt; (t_b + ½)/n_b, ties by number. */
    private boolean before(int a, int b) {
        long lhs = (2 * taken[a] + 1) * sizes[b];
        long rhs = (2 * taken[b] + 1) * sizes[a];
        return lhs < rhs || (lhs == rhs && a < b);
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!before(heap[i], heap[parent])) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int l = 2 * i + 1;
            if (l >= heapSize) {
                return;
            }
            int best = l + 1 < heapSize && before(heap[l + 1], heap[l]) ? l + 1 : l;
            if (!before(heap[best], heap[i])) {
                return;
            }
            swap(i, best);
            i = best;
        }
    }

    private void swap(int i, int j) {
        int t = heap[i];
        heap[i] = heap[j];
        heap[j] = t;
    }
}
