package org.sparkmlp.train;

import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.sparkmlp.data.Block;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.Kernel;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.RowSelection;

/**
 * The executor side of one step, as a {@code treeAggregate} seqOp: partition p takes positions
 * [from[p], to[p]) of its epoch's {@link RowPermutation}, and adds their gradient under the broadcast weights
 * as leaf p of the {@link PartitionSums}. It allocates per task, never per row: the permutation's few keys
 * and the partition's gradient array (which is the task's result).
 */
final class StepFunction implements Function2<PartitionSums, Block, PartitionSums> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<double[]> weights;
    private final Architecture arch;
    private final Loss loss;
    private final int[] from;
    private final int[] to;
    private final long seed;
    private final int epoch;

    StepFunction(Broadcast<double[]> weights, Architecture arch, Loss loss, int[] from, int[] to, long seed, int epoch) {
        this.weights = weights;
        this.arch = arch;
        this.loss = loss;
        this.from = from.clone();
        this.to = to.clone();
        this.seed = seed;
        this.epoch = epoch;
    }

    @Override
    public PartitionSums call(PartitionSums sums, Block block) {
        int p = block.index();
        int count = to[p] - from[p];
        GradientSum sum = GradientSum.empty();
        if (count > 0) {
            RowSelection rows;
            if (count == block.rows()) {
                // The whole partition (full batch): order does not change the gradient, so read it in place.
                rows = RowSelection.contiguous(0);
            } else {
                RowPermutation order = new RowPermutation(block.rows(), seed, epoch, p);
                int start = from[p];
                rows = k -> order.apply(start + k);
            }
            Kernel.forThread(arch, loss).accumulate(weights.value(), block.x(), block.y(), rows, count, sum);
        }
        return sums.add(p, sum);
    }
}
