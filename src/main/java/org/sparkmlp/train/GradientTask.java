package org.sparkmlp.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.sparkmlp.data.Block;
import org.sparkmlp.data.PartitionGroups;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.BlockedRows;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.Kernel32;
import org.sparkmlp.nn.Kernel64;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.RowSelection;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction2;

/**
 * The executor side of one step: partition p takes positions [from[p], to[p]) of its epoch's
 * {@link RowPermutation} and sums their gradient under the shipped weights. A named class, not a lambda, so
 * Spark's closure cleaner has nothing to scan when a job is submitted.
 *
 * <p>It allocates per task, never per row, and nothing the size of the network once each thread's sums have
 * their arrays: the gradient goes into a {@link GradientSum} of a {@link SumPool} kept per thread, with its
 * arrays, and cleared each task. That is safe because an executor serialises a task's result on the task's own
 * thread before the thread runs another task, and on the executor-sum path the shuffle writer serialises the
 * leaf inside the task. So a sum that {@link #gradient} returns is valid only until the thread's next task:
 * never cache an RDD of them. In local mode the step writes into the driver's own sums instead, one per
 * partition, and returns none ({@link LocalBackend}).
 *
 * <p>Every path of both backends computes a partition's share through
 * {@link #gradient(int, Iterator, GradientSum)}. Tests override it (a task that fails on its first attempt, one
 * that computes nothing), and make the engine build theirs through a {@link Factory}; the engine of a training
 * run builds this class.
 */
class GradientTask extends AbstractFunction2<TaskContext, Iterator<Block>, GradientSum> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ShippedWeights weights;
    private final Architecture arch;
    private final Loss loss;
    private final Precision precision;
    private final int[] from;
    private final int[] to;
    private final long seed;
    private final int epoch;

    /** Makes a step's task: {@code GradientTask::new} for training, a subclass for tests. */
    @FunctionalInterface
    interface Factory {
        GradientTask make(ShippedWeights weights, Architecture arch, Loss loss, Precision precision, int[] from,
                          int[] to, long seed, int epoch);
    }

    GradientTask(ShippedWeights weights, Architecture arch, Loss loss, Precision precision, int[] from, int[] to,
                 long seed, int epoch) {
        this.weights = weights;
        this.arch = arch;
        this.loss = loss;
        this.precision = precision;
        this.from = from.clone();
        this.to = to.clone();
        this.seed = seed;
        this.epoch = epoch;
    }

    @Override
    public GradientSum apply(TaskContext context, Iterator<Block> blocks) {
        return gradient(context.partitionId(), blocks);
    }

    /** Whether partition p has rows in this step. */
    boolean hasRows(int p) {
        return to[p] > from[p];
    }

    /** The step's epoch, from 0. */
    int epoch() {
        return epoch;
    }

    ShippedWeights weights() {
        return weights;
    }

    Architecture architecture() {
        return arch;
    }

    Precision precision() {
        return precision;
    }

    /** The gradient sum of partition p's rows of this step, as a task's only sum (an empty sum when it has none). */
    GradientSum gradient(int p, Iterator<Block> blocks) {
        return gradient(p, blocks, SumPool.forTask().take());
    }

    /**
     * The gradient sum of a group member's rows of this step, written into {@code into} (cleared first). An idle
     * member is never opened: its cached block stays unlocked, and is not recomputed if lost.
     */
    GradientSum gradient(PartitionGroups.Member member, GradientSum into) {
        int p = member.partition();
        return gradient(p, member.blocks(hasRows(p)), into);
    }

    /** The gradient sum of partition p's rows of this step, written into {@code into} (cleared first). */
    GradientSum gradient(int p, Iterator<Block> blocks, GradientSum into) {
        GradientSum sum = into.clear(arch.parameterCount());
        int count = to[p] - from[p];
        if (count == 0) {
            return sum;
        }
        BlockedRows rows = view(blocks, arch, precision);
        RowSelection selection;
        if (count == rows.rows()) {
            // The whole partition (full batch): order does not change the gradient, so read it in place.
            selection = RowSelection.contiguous(0);
        } else {
            RowPermutation order = new RowPermutation(rows.rows(), seed, epoch, p);
            int start = from[p];
            selection = k -> order.apply(start + k);
        }
        if (precision == Precision.FLOAT32) {
            Kernel32.forThread(arch, loss).accumulate(weights.floats(), rows, selection, count, sum);
            // Every partition's sum is floats, on every path, so local mode and a cluster add the same numbers.
            sum.roundToFloats();
        } else {
            Kernel64.forThread(arch, loss).accumulate(weights.doubles(), rows, selection, count, sum);
        }
        return sum;
    }

    /** The kernel's view of a partition's cached blocks. */
    static BlockedRows view(Iterator<Block> blocks, Architecture arch, Precision precision) {
        List<Block> list = new ArrayList<>(4);
        while (blocks.hasNext()) {
            list.add(blocks.next());
        }
        return Block.view(list, arch.inputs(), precision);
    }

    /**
     * The gradient sums of one thread, lent to its tasks: a task takes one per partition it reads and gives back
     * those that a merge has absorbed, so a task over g partitions holds at most log₂g + 1 at once, and each
     * keeps its arrays from task to task. Everything lent is free again when the thread's next task starts: the
     * pool knows a task by its attempt id, so a task may ask for it more than once.
     */
    static final class SumPool {
        private static final ThreadLocal<SumPool> PER_THREAD = ThreadLocal.withInitial(SumPool::new);
        private final List<GradientSum> free = new ArrayList<>();
        private final List<GradientSum> lent = new ArrayList<>();
        /** The task attempt the lent sums belong to; -1 outside a task, where every call starts afresh. */
        private long attempt = -1;

        /**
         * This thread's pool for the running task. On a task's first call everything is free: the previous
         * task's result has been serialised by now.
         */
        static SumPool forTask() {
            SumPool pool = PER_THREAD.get();
            TaskContext context = TaskContext.get();
            long attempt = context == null ? -1 : context.taskAttemptId();
            if (attempt == -1 || attempt != pool.attempt) {
                pool.free.addAll(pool.lent);
                pool.lent.clear();
                pool.attempt = attempt;
            }
            return pool;
        }

        /** A sum to write into; its arrays are the last ones it held. */
        GradientSum take() {
            GradientSum sum = free.isEmpty() ? GradientSum.empty() : free.remove(free.size() - 1);
            lent.add(sum);
            return sum;
        }

        /** Takes back a sum the task no longer needs (one merged into another). */
        void give(GradientSum sum) {
            for (int i = 0; i < lent.size(); i++) {
                if (lent.get(i) == sum) {
                    free.add(lent.remove(i));
                    return;
                }
            }
        }
    }
}
