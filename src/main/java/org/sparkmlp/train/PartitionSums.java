package org.sparkmlp.train;

import java.io.Serializable;
import java.util.Arrays;
import java.util.function.Consumer;
import org.sparkmlp.nn.GradientSum;

/**
 * Partial gradient sums of a step, combined along one fixed binary tree over partition numbers, so the total
 * is the same bits in whatever order {@code treeAggregate} merges partial results.
 *
 * <p>Node (level ℓ, index i) covers partitions [i·2^ℓ, (i+1)·2^ℓ). A partition's sum enters as leaf (0, p).
 * When a node and its sibling are both present they are replaced by their parent, whose sum is always
 * <em>left + right</em>; a node whose sibling covers no partition at all (past the last) moves up alone. The
 * root covers every partition. As floating-point addition is not associative, this fixed pairing, not the
 * merge order, decides the rounding: the same seed and partitioning give a bit-identical model. It is also
 * pairwise summation, whose rounding error grows with log P rather than P.
 */
public final class PartitionSums implements Serializable {
    private static final long serialVersionUID = 1L;

    private int partitions;
    private int rootLevel;
    private long[] nodes = new long[4];
    private GradientSum[] sums = new GradientSum[4];
    private int size;
    /** Told of every sum that a merge has absorbed, inside a task that reuses them; null elsewhere. */
    private transient Consumer<GradientSum> absorbed;

    /** For Kryo. */
    PartitionSums() {
    }

    /**
     * An empty combination that hands every sum it has absorbed into another (the right-hand one of a merge, or
     * an idle left-hand one) to {@code absorbed}, which may reuse it.
     */
    PartitionSums(int partitions, Consumer<GradientSum> absorbed) {
        this(partitions);
        this.absorbed = absorbed;
    }

    /** An empty combination over {@code partitions} partitions (the zero of the aggregation). */
    public PartitionSums(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("need at least one partition, got " + partitions);
        }
        this.partitions = partitions;
        this.rootLevel = height(partitions);
    }

    /** The root's level over {@code partitions} partitions, ⌈log₂P⌉: the largest aligned group covers them all. */
    static int height(int partitions) {
        return 32 - Integer.numberOfLeadingZeros(partitions - 1);
    }

    /** Adds the sum of partition p; returns this (a {@code treeAggregate} seqOp may). */
    public PartitionSums add(int partition, GradientSum sum) {
        if (partition < 0 || partition >= partitions) {
            throw new IllegalArgumentException("partition " + partition + " of " + partitions);
        }
        insert(0, partition, sum);
        return this;
    }

    /** Moves every node of {@code other} into this; returns this (a {@code treeAggregate} combOp may). */
    public PartitionSums merge(PartitionSums other) {
        if (other.partitions != partitions) {
            throw new IllegalArgumentException("cannot merge sums over " + partitions + " and " + other.partitions
                    + " partitions");
        }
        for (int k = 0; k < other.size; k++) {
            insert(level(other.nodes[k]), index(other.nodes[k]), other.sums[k]);
        }
        return this;
    }

    /** Whether every partition's sum has arrived. */
    public boolean complete() {
        return size == 1 && nodes[0] == key(rootLevel, 0);
    }

    /** The total over all partitions; fails unless {@link #complete()}. */
    public GradientSum total() {
        if (!complete()) {
            throw new IllegalStateException("sums of " + partitions + " partitions are incomplete: " + size
                    + " partial nodes");
        }
        return sums[0];
    }

    private void insert(int level, int index, GradientSum sum) {
        while (level < rootLevel) {
            int sibling = index ^ 1;
            if ((long) sibling << level >= partitions) {
                // The sibling covers no partition: the parent's sum is this one.
                level++;
                index >>= 1;
                continue;
            }
            int at = find(key(level, sibling));
            if (at < 0) {
                break;
            }
            GradientSum other = sums[at];
            remove(at);
            sum = (index & 1) == 0 ? combine(sum, other) : combine(other, sum);
            level++;
            index >>= 1;
        }
        if (size == nodes.length) {
            nodes = Arrays.copyOf(nodes, size * 2);
            sums = Arrays.copyOf(sums, size * 2);
        }
        nodes[size] = key(level, index);
        sums[size] = sum;
        size++;
    }

    /**
     * left + right. An idle partition's sum (no rows, no array) on the left would make merge copy the whole
     * right-hand gradient; taking the right-hand sum as it is gives the same bits without the copy.
     */
    private GradientSum combine(GradientSum left, GradientSum right) {
        GradientSum sum;
        GradientSum spent;
        if (left.rows() == 0 && !left.hasGradient()) {
            sum = right;
            spent = left;
        } else {
            sum = left.merge(right);
            spent = right;
        }
        if (absorbed != null) {
            absorbed.accept(spent);
        }
        return sum;
    }

    private int find(long key) {
        for (int k = 0; k < size; k++) {
            if (nodes[k] == key) {
                return k;
            }
        }
        return -1;
    }

    private void remove(int at) {
        size--;
        nodes[at] = nodes[size];
        sums[at] = sums[size];
        sums[size] = null;
    }

    private static long key(int level, int index) {
        return ((long) level << 32) | index;
    }

    private static int level(long key) {
        return (int) (key >>> 32);
    }

    private static int index(long key) {
        return (int) key;
    }
}
