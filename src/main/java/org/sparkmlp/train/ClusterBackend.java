package org.sparkmlp.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.rdd.ShuffledRDD;
import org.sparkmlp.data.Block;
import org.sparkmlp.data.ExactPartitioner;
import org.sparkmlp.data.PartitionGroups;
import org.sparkmlp.data.TaskSlots;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.Precision;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;

/**
 * A cluster's steps (and local-cluster's; in local mode, for tests and benchmarks that compare the two): the
 * weights travel inside the task, or in a broadcast when they are large ({@link ShippedWeights#toExecutors}), the
 * tasks read the cached RDD itself, lineage and all, and return their sums as task results.
 *
 * <p>A step runs no more tasks than the application's task slots: each reads an aligned run of 2^s consecutive
 * partitions ({@link PartitionGroups}), cached together on one executor, and returns their sum as one node of the
 * fixed tree ({@link GroupGradient}); with no more partitions than slots, a task per partition returns its sum.
 *
 * <p>Where the sums are combined: with few tasks the driver adds them as they arrive (one stage, the cheapest
 * job Spark has). With more than the tuning's threshold of tasks and an aggregation depth d ≥ 2, d − 1 levels
 * of executors first add aligned subtrees of partitions — groups of 2^s consecutive partitions, which are nodes
 * of the same fixed tree, so the bits do not change — through a shuffle each, as {@code treeAggregate} does, and
 * the driver receives about T^(1/d) sums instead of T. Each such step writes a shuffle of its partial sums, whose
 * files Spark's ContextCleaner deletes once the driver has collected the step's RDD.
 */
final class ClusterBackend implements StepBackend {
    private static final ClassTag<Tuple2<Integer, PartitionSums>> PAIR = ClassTag$.MODULE$.apply(Tuple2.class);
    private static final ClassTag<Integer> KEY = ClassTag$.MODULE$.apply(Integer.class);
    private static final ClassTag<PartitionSums> SUMS = ClassTag$.MODULE$.apply(PartitionSums.class);

    private final SparkContext sc;
    private final RDD<Block> blocks;
    private final int partitions;
    /** log₂ of the partitions each step task reads: a task per slot unless the tuning fixes it. */
    private final int layout;
    /** Shifts s_1 &lt; … of the executor levels: level i adds groups of 2^{s_i} partitions. Empty: all on the driver. */
    private final int[] levels;
    /** The training partitions grouped 2^shift at a time, by shift, made when first needed. */
    private final PartitionGroups[] grouped;

    ClusterBackend(RDD<Block> cached, int aggregationDepth, StepEngine.Tuning tuning) {
        this.sc = cached.context();
        this.blocks = cached;
        this.partitions = cached.getNumPartitions();
        int height = PartitionSums.height(partitions);
        // Tasks over aligned runs of partitions, no more than the task slots, so a step costs what its data needs
        // however many partitions there are; executor levels only above the threshold of such tasks.
        this.layout = tuning.layout() == StepEngine.ADAPTIVE ? PartitionGroups.shiftFor(partitions, TaskSlots.of(sc))
                : Math.min(tuning.layout(), height);
        this.levels = levels(partitions, layout, aggregationDepth, tuning.treeThreshold());
        this.grouped = new PartitionGroups[height + 1];
    }

    @Override
    public RDD<Block> blocks() {
        return blocks;
    }

    @Override
    public ShippedWeights ship(double[] parameters, Precision precision, float[] floats) {
        return ShippedWeights.toExecutors(sc, parameters, precision, floats);
    }

    @Override
    public int layout() {
        return layout;
    }

    @Override
    public int executorLevels() {
        return levels.length;
    }

    @Override
    public boolean inPlace() {
        return false;
    }

    @Override
    public int run(GradientTask task, int shift, StepSums sums) {
        if (levels.length > 0) {
            RDD<PartitionSums> top = reducedOnExecutors(task);
            Jobs.run(sc, top, new Single<>(), Jobs.all(top.getNumPartitions()), PartitionSums.class, "step",
                    (p, s) -> sums.merge(s));
            return PartitionGroups.groups(partitions, layout);
        }
        List<Integer> busy = sums.busyGroups(shift, task);
        if (shift == 0) {
            Jobs.run(sc, blocks, task, busy, GradientSum.class, "step", sums::add);
        } else {
            Jobs.run(sc, grouped(shift), new GroupGradient(task, partitions), busy, PartitionSums.class, "step",
                    (g, s) -> sums.merge(s));
        }
        return busy.size();
    }

    @Override
    public void close() {
        // Nothing registered: the step RDDs and their shuffles go with Spark's ContextCleaner.
    }

    /** The step's partial sums after every executor level: one {@link PartitionSums} per top-level group. */
    private RDD<PartitionSums> reducedOnExecutors(GradientTask task) {
        RDD<Tuple2<Integer, PartitionSums>> keyed = grouped(layout).mapPartitionsWithIndex(
                new Leaf(task, partitions, levels[0] - layout), false, PAIR);
        RDD<PartitionSums> merged = null;
        for (int i = 0; i < levels.length; i++) {
            int groups = PartitionGroups.groups(partitions, levels[i]);
            ShuffledRDD<Integer, PartitionSums, PartitionSums> shuffled = new ShuffledRDD<>(keyed,
                    new ExactPartitioner(groups), KEY, SUMS, SUMS);
            int nextShift = i + 1 < levels.length ? levels[i + 1] - levels[i] : 0;
            if (i + 1 < levels.length) {
                keyed = shuffled.mapPartitionsWithIndex(new Regroup(partitions, nextShift), false, PAIR);
            } else {
                merged = shuffled.mapPartitions(new Combine(partitions), false, SUMS);
            }
        }
        return merged;
    }

    /** The training partitions in groups of 2^shift, one RDD per shift for the backend's life. */
    private PartitionGroups grouped(int shift) {
        if (grouped[shift] == null) {
            grouped[shift] = new PartitionGroups(blocks, shift);
        }
        return grouped[shift];
    }

    /**
     * The shifts of the executor levels for P partitions read by tasks of 2^t partitions each, and depth d: none
     * when d ≤ 1 or the tasks T = ⌈P/2^t⌉ are no more than the threshold, else s_i = t + ⌈i·⌈log₂T⌉/d⌉ for
     * i = 1 … d−1, distinct and below t + ⌈log₂T⌉ (a level of one group is pointless).
     */
    static int[] levels(int partitions, int taskShift, int depth, int threshold) {
        int tasks = PartitionGroups.groups(partitions, taskShift);
        if (depth <= 1 || tasks <= threshold) {
            return new int[0];
        }
        int height = 32 - Integer.numberOfLeadingZeros(tasks - 1);
        List<Integer> shifts = new ArrayList<>();
        for (int i = 1; i < depth; i++) {
            int s = (i * height + depth - 1) / depth;
            if (s > 0 && s < height && (shifts.isEmpty() || taskShift + s > shifts.get(shifts.size() - 1))) {
                shifts.add(taskShift + s);
            }
        }
        return shifts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The one element of a partition. */
    private static final class Single<T> extends AbstractFunction2<TaskContext, Iterator<T>, T>
            implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public T apply(TaskContext context, Iterator<T> it) {
            return it.next();
        }
    }

    /** A group's gradient (one partition's when groups have one member) as a leaf, keyed by its group g >> shift. */
    private static final class Leaf
            extends AbstractFunction2<Object, Iterator<PartitionGroups.Member>, Iterator<Tuple2<Integer, PartitionSums>>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final GroupGradient gradient;
        private final int shift;

        Leaf(GradientTask task, int partitions, int shift) {
            this.gradient = new GroupGradient(task, partitions);
            this.shift = shift;
        }

        @Override
        public Iterator<Tuple2<Integer, PartitionSums>> apply(Object group, Iterator<PartitionGroups.Member> members) {
            PartitionSums leaf = gradient.apply(TaskContext.get(), members);
            return scala.package$.MODULE$.Iterator().single(new Tuple2<>((Integer) group >> shift, leaf));
        }
    }

    /** Adds the subtrees a group received, keyed by the group's own group at the next level. */
    private static final class Regroup
            extends AbstractFunction2<Object, Iterator<Tuple2<Integer, PartitionSums>>, Iterator<Tuple2<Integer, PartitionSums>>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int partitions;
        private final int shift;

        Regroup(int partitions, int shift) {
            this.partitions = partitions;
            this.shift = shift;
        }

        @Override
        public Iterator<Tuple2<Integer, PartitionSums>> apply(Object group, Iterator<Tuple2<Integer, PartitionSums>> in) {
            PartitionSums sums = Combine.combine(partitions, in);
            return scala.package$.MODULE$.Iterator().single(new Tuple2<>((Integer) group >> shift, sums));
        }
    }

    /** Adds the subtrees a top-level group received. */
    private static final class Combine
            extends AbstractFunction1<Iterator<Tuple2<Integer, PartitionSums>>, Iterator<PartitionSums>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int partitions;

        Combine(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public Iterator<PartitionSums> apply(Iterator<Tuple2<Integer, PartitionSums>> in) {
            return scala.package$.MODULE$.Iterator().single(combine(partitions, in));
        }

        static PartitionSums combine(int partitions, Iterator<Tuple2<Integer, PartitionSums>> in) {
            PartitionSums sums = new PartitionSums(partitions);
            while (in.hasNext()) {
                sums.merge(in.next()._2());
            }
            return sums;
        }
    }
}
