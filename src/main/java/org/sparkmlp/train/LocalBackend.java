package org.sparkmlp.train;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.sparkmlp.data.Block;
import org.sparkmlp.data.PartitionGroups;
import org.sparkmlp.data.TaskSlots;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.Precision;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction2;

/**
 * Local mode's steps: the executor is the driver's own JVM, so the tasks take what the driver holds by number
 * ({@link InProcess}) instead of a serialised copy. They read the step's weights in place
 * ({@link ShippedWeights#inProcess}), and the cached blocks through a view that ships no lineage
 * ({@link LocalBlocks}).
 *
 * <p>With up to {@link StepEngine#TREE_THRESHOLD} partitions the driver keeps a sum per partition, and each task
 * writes its partitions' sums into them ({@link InPlaceGradient}) instead of returning them: nothing to
 * serialise, and no new arrays per step. With more, the driver would hold too many network-sized sums: each task
 * returns its group's sum ({@link GroupGradient}) and the driver adds them. Sums are never added on executors
 * first — in one process a shuffle costs more than it saves ({@link StepEngine#TREE_THRESHOLD}).
 *
 * <p>Every partition is cached in this one executor, so a task can read all of them one after another; up to
 * the tuning's threshold of partitions the layout is {@link StepEngine#ADAPTIVE}, and the engine times one task
 * for all against a task per slot.
 */
final class LocalBackend implements StepBackend {
    private final SparkContext sc;
    private final LocalBlocks blocks;
    private final int partitions;
    private final int layout;
    /** The training partitions grouped 2^shift at a time, by shift, made when first needed. */
    private final PartitionGroups[] grouped;
    /**
     * One sum per partition, which the tasks write their shares into, reused from step to step; null with more
     * than {@link StepEngine#TREE_THRESHOLD} partitions. A failed step replaces them: a task of that job may still
     * be running.
     */
    private GradientSum[] inPlace;
    /** The number the tasks find {@link #inPlace} by. */
    private long inPlaceId;

    LocalBackend(RDD<Block> cached, StepEngine.Tuning tuning) {
        this.sc = cached.context();
        this.partitions = cached.getNumPartitions();
        int height = PartitionSums.height(partitions);
        int slotShift = PartitionGroups.shiftFor(partitions, TaskSlots.of(sc));
        if (partitions <= tuning.treeThreshold()) {
            // A task per slot (each over a run of partitions when there are more partitions than slots) or one
            // task for all, timed as the engine goes; one layout when they are the same.
            this.layout = tuning.layout() == StepEngine.ADAPTIVE && slotShift == height ? height
                    : Math.min(tuning.layout(), height);
        } else {
            this.layout = tuning.layout() == StepEngine.ADAPTIVE ? slotShift : Math.min(tuning.layout(), height);
        }
        this.grouped = new PartitionGroups[height + 1];
        this.blocks = new LocalBlocks(cached);
        if (partitions <= StepEngine.TREE_THRESHOLD) {
            newInPlaceSums();
        }
    }

    @Override
    public RDD<Block> blocks() {
        return blocks;
    }

    @Override
    public ShippedWeights ship(double[] parameters, Precision precision, float[] floats) {
        return ShippedWeights.inProcess(parameters, precision, floats);
    }

    @Override
    public int layout() {
        return layout;
    }

    @Override
    public int executorLevels() {
        return 0;
    }

    @Override
    public boolean inPlace() {
        return inPlace != null;
    }

    @Override
    public int run(GradientTask task, int shift, StepSums sums) {
        List<Integer> busy = sums.busyGroups(shift, task);
        if (inPlace == null) {
            Jobs.run(sc, grouped(shift), new GroupGradient(task, partitions), busy, PartitionSums.class, "step",
                    (g, s) -> sums.merge(s));
            return busy.size();
        }
        // Each busy group's task writes its partitions' sums into inPlace; they join the tree here.
        RDD<?> rdd = shift == 0 ? blocks : grouped(shift);
        GradientSum[] into = inPlace;
        try {
            Jobs.run(sc, rdd, new InPlaceGradient<>(task, inPlaceId, shift > 0), busy, Integer.class, "step",
                    (g, done) -> sums.addAll(into, g << shift, Math.min(partitions, (g + 1) << shift)));
        } catch (RuntimeException e) {
            // Spark does not wait for the other tasks of a failed job: leave them their sums.
            newInPlaceSums();
            throw e;
        }
        return busy.size();
    }

    @Override
    public void close() {
        if (inPlaceId != 0) {
            InProcess.release(inPlaceId);
            inPlaceId = 0;
            inPlace = null;
        }
        blocks.close();
    }

    private void newInPlaceSums() {
        if (inPlaceId != 0) {
            InProcess.release(inPlaceId);
        }
        GradientSum[] sums = new GradientSum[partitions];
        for (int p = 0; p < partitions; p++) {
            sums[p] = GradientSum.empty();
        }
        this.inPlace = sums;
        this.inPlaceId = InProcess.holdWeakly(sums);
    }

    /** The training partitions in groups of 2^shift, one RDD per shift for the backend's life. */
    private PartitionGroups grouped(int shift) {
        if (grouped[shift] == null) {
            grouped[shift] = new PartitionGroups(blocks, shift);
        }
        return grouped[shift];
    }

    /**
     * A step task that writes the gradient of each partition it reads (one, or a group's members) into the
     * driver's sum for that partition, found by number ({@link InProcess}), instead of a result that Spark would
     * serialise, hand to a result thread and deserialise into new arrays on the driver. Returns the task's
     * partition number. A task writes only its own partitions' sums, and the driver reads them only once the task
     * has ended, so no two threads touch a sum at once.
     */
    private static final class InPlaceGradient<T> extends AbstractFunction2<TaskContext, Iterator<T>, Integer>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final GradientTask task;
        private final long sums;
        /** Whether the task reads {@link PartitionGroups.Member}s rather than one partition's blocks. */
        private final boolean groups;

        InPlaceGradient(GradientTask task, long sums, boolean groups) {
            this.task = task;
            this.sums = sums;
            this.groups = groups;
        }

        @Override
        public Integer apply(TaskContext context, Iterator<T> in) {
            GradientSum[] into = (GradientSum[]) InProcess.get(sums, "the step's gradient sums");
            if (!groups) {
                @SuppressWarnings("unchecked")
                Iterator<Block> blocks = (Iterator<Block>) in;
                int p = context.partitionId();
                task.gradient(p, blocks, into[p]);
                return p;
            }
            while (in.hasNext()) {
                PartitionGroups.Member m = (PartitionGroups.Member) in.next();
                task.gradient(m, into[m.partition()]);
            }
            return context.partitionId();
        }
    }
}
