package org.sparkmlp.train;

import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.sparkmlp.data.Block;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.Kernel;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.RowSelection;

/**
 * The executor side of one step, as a {@code treeAggregate} seqOp over a partition's list of blocks (the
 * partition's rows, block after block): partition p takes positions [from[p], to[p]) of its epoch's
 * {@link RowPermutation}, and adds their gradient under the broadcast weights as leaf p of the
 * {@link PartitionSums}. It allocates per task, never per row: the permutation's few keys and the partition's
 * gradient array (which is the task's result). A partition of several blocks is read through a per-thread
 * chunk buffer of {@link Kernel#CHUNK} rows, which gives the same bits as one array (the kernel works chunk by
 * chunk either way).
 */
final class StepFunction implements Function2<PartitionSums, List<Block>, PartitionSums> {
    private static final long serialVersionUID = 1L;
    private static final ThreadLocal<ChunkBuffer> BUFFER = ThreadLocal.withInitial(ChunkBuffer::new);

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
    public PartitionSums call(PartitionSums sums, List<Block> blocks) {
        int p = TaskContext.getPartitionId();
        int count = to[p] - from[p];
        GradientSum sum = GradientSum.empty();
        if (count > 0) {
            int rows = 0;
            for (Block b : blocks) {
                rows += b.rows();
            }
            RowSelection selection;
            if (count == rows) {
                // The whole partition (full batch): order does not change the gradient, so read it in place.
                selection = RowSelection.contiguous(0);
            } else {
                RowPermutation order = new RowPermutation(rows, seed, epoch, p);
                int start = from[p];
                selection = k -> order.apply(start + k);
            }
            Kernel kernel = Kernel.forThread(arch, loss);
            if (blocks.size() == 1) {
                Block block = blocks.get(0);
                kernel.accumulate(weights.value(), block.x(), block.y(), selection, count, sum);
            } else {
                ChunkBuffer buffer = BUFFER.get();
                int n = arch.inputs();
                int perBlock = blocks.get(0).rows();
                for (int done = 0; done < count; done += Kernel.CHUNK) {
                    int m = Math.min(Kernel.CHUNK, count - done);
                    buffer.ensure(n);
                    for (int j = 0; j < m; j++) {
                        int r = selection.row(done + j);
                        Block b = blocks.get(r / perBlock);
                        int i = r % perBlock;
                        System.arraycopy(b.x(), i * n, buffer.x, j * n, n);
                        buffer.y[j] = b.y()[i];
                    }
                    kernel.accumulate(weights.value(), buffer.x, buffer.y, RowSelection.contiguous(0), m, sum);
                }
            }
        }
        return sums.add(p, sum);
    }

    /** One chunk of gathered rows, reused by the task thread. */
    private static final class ChunkBuffer {
        double[] x = new double[0];
        final int[] y = new int[Kernel.CHUNK];

        void ensure(int features) {
            if (x.length < Kernel.CHUNK * features) {
                x = new double[Kernel.CHUNK * features];
            }
        }
    }
}
