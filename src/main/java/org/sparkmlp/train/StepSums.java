package org.sparkmlp.train;

import java.util.ArrayList;
import java.util.List;
import org.sparkmlp.nn.GradientSum;

/**
 * One step's partial sums as they reach the driver, combined along {@link PartitionSums}'s fixed tree, and the
 * time the driver spent adding them ({@code driver_merge} of {@link StepBreakdown}). Spark calls a job's result
 * handlers on its scheduler thread, one at a time; the engine reads the total and the time once the job has
 * returned, which orders the two. Driver-side; a new one per step.
 */
final class StepSums {
    private final PartitionSums tree;
    private final int partitions;
    private long nanos;

    StepSums(int partitions) {
        this.tree = new PartitionSums(partitions);
        this.partitions = partitions;
    }

    /** Adds partition p's sum. */
    void add(int p, GradientSum sum) {
        long t = System.nanoTime();
        tree.add(p, sum);
        nanos += System.nanoTime() - t;
    }

    /** Adds the sums of partitions [from, to) from {@code sums}, indexed by partition. */
    void addAll(GradientSum[] sums, int from, int to) {
        long t = System.nanoTime();
        for (int p = from; p < to; p++) {
            tree.add(p, sums[p]);
        }
        nanos += System.nanoTime() - t;
    }

    /** Adds the nodes of a task's or an executor's partial combination. */
    void merge(PartitionSums sums) {
        long t = System.nanoTime();
        tree.merge(sums);
        nanos += System.nanoTime() - t;
    }

    /**
     * The groups of 2^shift partitions (shift 0: the partitions) that have rows in {@code task}'s step, which get
     * a task; the partitions of the other groups enter here as empty sums.
     */
    List<Integer> busyGroups(int shift, GradientTask task) {
        List<Integer> busy = new ArrayList<>(partitions);
        for (int g = 0; g << shift < partitions; g++) {
            int end = Math.min(partitions, (g + 1) << shift);
            boolean idle = true;
            for (int p = g << shift; p < end; p++) {
                idle &= !task.hasRows(p);
            }
            if (!idle) {
                busy.add(g);
            } else {
                for (int p = g << shift; p < end; p++) {
                    tree.add(p, GradientSum.empty());
                }
            }
        }
        return busy;
    }

    /** The sum over every partition; fails unless every partition's sum has arrived. */
    GradientSum total() {
        return tree.total();
    }

    /** Nanoseconds spent adding the tasks' sums. */
    long mergeNanos() {
        return nanos;
    }
}
