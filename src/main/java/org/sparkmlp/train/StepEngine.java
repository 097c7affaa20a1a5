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
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Precision;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;

/**
 * One synchronous gradient step as one Spark job over the cached training blocks: the weights are shipped
 * once, inside the job's task up to {@link ShippedWeights#INLINE_LIMIT} bytes (as floats in float32), every
 * partition with rows in the step sums the gradient of its share ({@link GradientTask}), and the partial sums
 * are combined along the fixed binary tree of {@link PartitionSums}, so the same seed and partitioning give the
 * same bits whatever order tasks finish in.
 *
 * <p>Where the sums are combined: with few partitions the driver adds them as they arrive (one stage, the
 * cheapest job Spark has). With more than {@link #TREE_THRESHOLD} partitions and an aggregation depth d ≥ 2,
 * d − 1 levels of executors first add aligned subtrees of partitions — groups of 2^s consecutive partitions,
 * which are nodes of the same fixed tree, so the bits do not change — through a shuffle each, as
 * {@code treeAggregate} does, and the driver receives about P^(1/d) sums instead of P.
 *
 * <p>Evaluation runs through the same submission path ({@link Evaluator}). Not thread-safe: the driver's
 * training loop owns it.
 */
public final class StepEngine {
    /**
     * Partitions above which depth ≥ 2 adds sums on executors first. Measured on local[2], 784-100-10 (636 KB a
     * partial sum), batch 1024: with 8 and 16 partitions a step costs 48 and 61 ms when the driver adds every
     * sum and 96 and 171 ms with a level of executors, whose extra shuffle stage costs more than it saves
     * (BENCHMARKS.md). The executor level pays off where the driver's inbound bytes are the bottleneck — many
     * partitions on a cluster — which one machine cannot measure; {@code --aggregation-depth 1} keeps every sum
     * on the driver. Each executor-level step writes a shuffle of P partial sums, whose files Spark's
     * ContextCleaner deletes once the driver has collected the step's RDD.
     */
    public static final int TREE_THRESHOLD = 32;

    private static final ClassTag<Tuple2<Integer, PartitionSums>> PAIR = ClassTag$.MODULE$.apply(Tuple2.class);
    private static final ClassTag<Integer> KEY = ClassTag$.MODULE$.apply(Integer.class);
    private static final ClassTag<PartitionSums> SUMS = ClassTag$.MODULE$.apply(PartitionSums.class);

    private final SparkContext sc;
    private final RDD<Block> train;
    private final Architecture arch;
    private final Loss loss;
    private final Precision precision;
    private final long seed;
    private final int partitions;
    private final long[] sizes;
    /** Shifts s_1 &lt; … of the executor levels: level i adds groups of 2^{s_i} partitions. Empty: all on the driver. */
    private final int[] levels;
    /** The float32 weights shipped each step, rewritten in place (the previous step's job is over by then). */
    private final float[] floats;

    public StepEngine(SparkContext sc, RDD<Block> train, Architecture arch, Loss loss, Precision precision, long seed,
                      int aggregationDepth) {
        this(sc, train, arch, loss, precision, seed, aggregationDepth, TREE_THRESHOLD);
    }

    /** With another switch-over to executor levels: for tests, and to measure where it belongs. */
    public StepEngine(SparkContext sc, RDD<Block> train, Architecture arch, Loss loss, Precision precision, long seed,
               int aggregationDepth, int treeThreshold) {
        this.sc = sc;
        this.train = train;
        this.arch = arch;
        this.loss = loss;
        this.precision = precision;
        this.seed = seed;
        this.partitions = train.getNumPartitions();
        this.levels = levels(partitions, aggregationDepth, treeThreshold);
        this.floats = precision == Precision.FLOAT32 ? new float[arch.parameterCount()] : null;
        long[] counted = new long[partitions];
        Jobs.run(sc, train, new RowCount(), Jobs.all(partitions), Long.class, "count training rows",
                (p, n) -> counted[p] = n);
        this.sizes = counted;
    }

    /** Rows of every training partition. */
    public long[] partitionSizes() {
        return sizes.clone();
    }

    /** How many levels of executors add partial sums before the driver (0: the driver adds them all). */
    public int executorLevels() {
        return levels.length;
    }

    /**
     * The gradient sum of one step: partition p contributes positions [from[p], to[p]) of its epoch's row
     * order. {@code weights} is only read, and may be changed once this returns.
     */
    public GradientSum gradient(double[] weights, int epoch, int[] from, int[] to) {
        return run(weights, epoch, from, to, true);
    }

    /**
     * The floor under {@link #gradient}, for the benchmark: the same job, weights shipped and a gradient-sized
     * sum returned by every partition with rows, but no computation.
     */
    public GradientSum shipOnly(double[] weights, int[] from, int[] to) {
        return run(weights, 0, from, to, false);
    }

    /** The cheapest job Spark runs on these partitions: nothing shipped, nothing computed, one number back. */
    public void bareJob() {
        Jobs.run(sc, train, new Nothing(), Jobs.all(partitions), Integer.class, "bare job", (p, n) -> { });
    }

    /**
     * Evaluates {@code weights} on a set cached like the training set, with the kernel in {@code kernel}'s width:
     * the training precision for the per-epoch validation, float64 for the model as it is written.
     */
    public Evaluation evaluate(RDD<Block> set, double[] weights, Precision kernel) {
        return Evaluator.evaluate(sc, set, weights, arch, loss, precision, kernel);
    }

    private GradientSum run(double[] weights, int epoch, int[] from, int[] to, boolean compute) {
        ShippedWeights shipped = ShippedWeights.of(sc, weights, precision, floats);
        try {
            GradientTask task = new GradientTask(shipped, arch, loss, precision, from, to, seed, epoch, compute);
            PartitionSums sums = new PartitionSums(partitions);
            if (levels.length == 0) {
                List<Integer> busy = new ArrayList<>(partitions);
                for (int p = 0; p < partitions; p++) {
                    if (to[p] > from[p]) {
                        busy.add(p);
                    } else {
                        sums.add(p, GradientSum.empty());
                    }
                }
                Jobs.run(sc, train, task, busy, GradientSum.class, "step",
                        sums::add);
            } else {
                RDD<PartitionSums> top = reducedOnExecutors(task);
                Jobs.run(sc, top, new Single<>(), Jobs.all(top.getNumPartitions()), PartitionSums.class, "step",
                        (p, s) -> sums.merge(s));
            }
            return sums.total();
        } finally {
            shipped.release();
        }
    }

    /** The step's partial sums after every executor level: one {@link PartitionSums} per top-level group. */
    private RDD<PartitionSums> reducedOnExecutors(GradientTask task) {
        RDD<Tuple2<Integer, PartitionSums>> keyed = train.mapPartitionsWithIndex(
                new Leaf(task, partitions, levels[0]), false, PAIR);
        RDD<PartitionSums> merged = null;
        for (int i = 0; i < levels.length; i++) {
            int groups = groups(partitions, levels[i]);
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

    /**
     * The shifts of the executor levels for P partitions and depth d: none when d ≤ 1 or P ≤ threshold,
     * else s_i = ⌈i·⌈log₂P⌉/d⌉ for i = 1 … d−1, distinct and below ⌈log₂P⌉ (a level of one group is pointless).
     */
    static int[] levels(int partitions, int depth, int threshold) {
        if (depth <= 1 || partitions <= threshold) {
            return new int[0];
        }
        int height = 32 - Integer.numberOfLeadingZeros(partitions - 1);
        List<Integer> shifts = new ArrayList<>();
        for (int i = 1; i < depth; i++) {
            int s = (i * height + depth - 1) / depth;
            if (s > 0 && s < height && (shifts.isEmpty() || s > shifts.get(shifts.size() - 1))) {
                shifts.add(s);
            }
        }
        return shifts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Groups of 2^shift consecutive partitions over P partitions. */
    static int groups(int partitions, int shift) {
        return (int) (((long) partitions + (1L << shift) - 1) >> shift);
    }

    /** Counts a partition's rows. */
    private static final class RowCount extends AbstractFunction2<TaskContext, Iterator<Block>, Long>
            implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Long apply(TaskContext context, Iterator<Block> blocks) {
            long rows = 0;
            while (blocks.hasNext()) {
                rows += blocks.next().rows();
            }
            return rows;
        }
    }

    /** Does nothing: the bare job of the benchmark. */
    private static final class Nothing extends AbstractFunction2<TaskContext, Iterator<Block>, Integer>
            implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer apply(TaskContext context, Iterator<Block> blocks) {
            return 0;
        }
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

    /** Partition p's gradient as a leaf of the tree, keyed by its group p >> shift. */
    private static final class Leaf
            extends AbstractFunction2<Object, Iterator<Block>, Iterator<Tuple2<Integer, PartitionSums>>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final GradientTask task;
        private final int partitions;
        private final int shift;

        Leaf(GradientTask task, int partitions, int shift) {
            this.task = task;
            this.partitions = partitions;
            this.shift = shift;
        }

        @Override
        public Iterator<Tuple2<Integer, PartitionSums>> apply(Object index, Iterator<Block> blocks) {
            int p = (Integer) index;
            PartitionSums leaf = new PartitionSums(partitions).add(p, task.gradient(p, blocks));
            return scala.package$.MODULE$.Iterator().single(new Tuple2<>(p >> shift, leaf));
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
