package org.sparkmlp.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.rdd.ShuffledRDD;
import org.sparkmlp.data.Block;
import org.sparkmlp.data.ExactPartitioner;
import org.sparkmlp.data.PartitionGroups;
import org.sparkmlp.data.TaskSlots;
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
 * once, inside the job's task up to {@link ShippedWeights#INLINE_LIMIT} bytes (as floats in float32; in local
 * mode the tasks read the driver's array in place, and the cached blocks through the driver's own RDD, so that
 * no lineage rides in the task: {@link LocalBlocks}), every
 * partition with rows in the step sums the gradient of its share ({@link GradientTask}), and the partial sums
 * are combined along the fixed binary tree of {@link PartitionSums}, so the same seed and partitioning give the
 * same bits whatever order tasks finish in. In local mode the tasks write their sums into the driver's own
 * instead of returning them ({@link InPlaceGradient}): nothing to serialise, and no new arrays per step.
 *
 * <p>How many tasks: never more than the application's task slots ({@link TaskSlots}). With more partitions than
 * slots, each task reads an aligned run of 2^s consecutive partitions ({@link PartitionGroups}), a subtree of the
 * fixed tree, cached together on one executor, and returns their sum as one node of it: the bits are those of a
 * task per partition, and a step's tasks, results and driver-side additions no longer grow with the partitions
 * (local[2], 784-100-10, batch 1024: an epoch at 128 partitions took 25.6 s with a task per partition and a
 * level of executor sums, about 1.5 s grouped; docs/scaling.md). In local mode with up to
 * {@link #TREE_THRESHOLD} partitions every partition is in the one executor, and a task can read all of them
 * one after another; the bits do not change. Fewer tasks cost less CPU: a task costs about 1 ms of CPU
 * on top of its kernel, for deserialising the task and its metrics, serialising its result and scheduling it.
 * But a task runs its partitions' kernels in turn. Which layout is quicker depends on the cores the process
 * really gets. On 2 cores with nothing else running, one task took about 10 % longer at batch 128 and 50 % longer
 * at 1024; with one core taken by another process, it was 7–15 % quicker at both (BENCHMARKS.md). So the engine
 * times the layouts as it goes ({@link LayoutChooser}) and keeps the quickest. It does so for shares up to
 * {@link #MAX_GROUPED_WORK}.
 *
 * <p>Where the sums are combined: with few tasks the driver adds them as they arrive (one stage, the
 * cheapest job Spark has). With more than {@link #TREE_THRESHOLD} tasks and an aggregation depth d ≥ 2,
 * d − 1 levels of executors first add aligned subtrees of partitions — groups of 2^s consecutive partitions,
 * which are nodes of the same fixed tree, so the bits do not change — through a shuffle each, as
 * {@code treeAggregate} does, and the driver receives about T^(1/d) sums instead of T.
 *
 * <p>Evaluation runs through the same submission path ({@link Evaluator}). Not thread-safe: the driver's
 * training loop owns it.
 */
public final class StepEngine implements AutoCloseable {
    /**
     * Tasks (or, in local mode, partitions) above which depth ≥ 2 adds sums on executors first. Measured on local[2], 784-100-10 (636 KB a
     * partial sum), batch 1024: with 8 and 16 partitions a step costs 48 and 61 ms when the driver adds every
     * sum and 96 and 171 ms with a level of executors, whose extra shuffle stage costs more than it saves
     * (BENCHMARKS.md). The executor level pays off where the driver's inbound bytes are the bottleneck — many
     * partitions on a cluster — which one machine cannot measure; {@code --aggregation-depth 1} keeps every sum
     * on the driver. Each executor-level step writes a shuffle of P partial sums, whose files Spark's
     * ContextCleaner deletes once the driver has collected the step's RDD.
     */
    public static final int TREE_THRESHOLD = 32;

    /**
     * The largest share, in rows × parameters (a float64 row counts twice), for which a local step tries tasks
     * that read several partitions: about 800 rows of 784-100-10 in float32. One task for all was measured up to
     * 512-row shares (41 million), where it was 7 % quicker with a core taken and 50 % slower without (sums
     * written in place; 10–25 % quicker and 25 % slower when tasks returned them); above the limit a task per
     * partition is kept without timing.
     */
    public static final long MAX_GROUPED_WORK = 64_000_000L;

    /**
     * Test and benchmark switch, unset by default: a job-thread local property ({@code sc.setLocalProperty}).
     * "true" makes local mode take a cluster's paths: jobs submitted while it is set ship the weights in the task
     * ({@link ShippedWeights}), and engines made while it is set run their steps on the cached RDD itself, lineage
     * and all ({@link LocalBlocks}), so that tests and benchmarks can compare the two.
     */
    public static final String CLUSTER_PATHS_IN_LOCAL_MODE = "spark-mlp.test.clusterPathsInLocalMode";

    /** {@link Tuning#layout()} that lets the engine time the layouts and choose. */
    public static final int ADAPTIVE = -1;

    /**
     * Where a step's tasks and sums are split. {@code treeThreshold} defaults to {@link #TREE_THRESHOLD}.
     * {@code layout} is {@link #ADAPTIVE}, or a fixed shift: 0 is a task per partition, and s makes each task
     * read 2^s partitions. {@code warmup}: the steps an adaptive engine runs a task per slot
     * before it first times the layouts ({@link LayoutChooser#WARMUP}). Other values than the default are for
     * tests and for measuring.
     */
    public record Tuning(int treeThreshold, int layout, int warmup) {
        public static final Tuning DEFAULT = new Tuning(TREE_THRESHOLD, ADAPTIVE);

        public Tuning {
            if (layout < ADAPTIVE) {
                throw new IllegalArgumentException("layout must be a shift ≥ 0 or ADAPTIVE, got " + layout);
            }
            if (warmup < 0) {
                throw new IllegalArgumentException("warm-up must be 0 or more steps, got " + warmup);
            }
        }

        /** The default warm-up. */
        public Tuning(int treeThreshold, int layout) {
            this(treeThreshold, layout, LayoutChooser.WARMUP);
        }
    }

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
    /**
     * log₂ of the partitions each step task reads: a fixed shift, or {@link #ADAPTIVE} (local mode, up to the
     * threshold of partitions); elsewhere a task per slot unless the tuning fixes it.
     */
    private final int layout;
    /** The shift that gives a task per slot: an adaptive engine's layout when the chooser does not decide. */
    private final int slotShift;
    /** Times the candidate layouts of an adaptive engine; null otherwise. */
    private final LayoutChooser chooser;
    /** The training partitions grouped 2^shift at a time, by shift, made when first needed. */
    private final PartitionGroups[] grouped;
    /**
     * Local mode, up to {@link #TREE_THRESHOLD} partitions: one sum per partition, which the tasks write their
     * shares into in place of returning them ({@link InPlaceGradient}), reused from step to step; null elsewhere.
     * Its number for the tasks. A failed step replaces them: a task of that job may still be running.
     */
    private GradientSum[] inPlace;
    private long inPlaceId;
    /** The most rows of a step the chooser has decided: a full batch. */
    private long fullStepRows;
    /** Gradient steps run so far with each layout, by shift (partitions per task = 2^shift). */
    private final long[] stepsByShift;
    /** Where the steps' time goes, from Spark's task metrics; listens from construction to {@link #close}. */
    private final StepBreakdown breakdown = new StepBreakdown();
    /**
     * Nanoseconds the current step's result handlers spent adding sums: written on Spark's scheduler thread,
     * read here once the job has returned (which orders the two).
     */
    private long merging;

    public StepEngine(SparkContext sc, RDD<Block> train, Architecture arch, Loss loss, Precision precision, long seed,
                      int aggregationDepth) {
        this(sc, train, arch, loss, precision, seed, aggregationDepth, Tuning.DEFAULT);
    }

    /** With other switch-overs: for tests, and to measure where they belong. */
    public StepEngine(SparkContext sc, RDD<Block> train, Architecture arch, Loss loss, Precision precision, long seed,
               int aggregationDepth, Tuning tuning) {
        this.sc = sc;
        this.train = sc.isLocal() && !clusterPathsInLocalMode(sc) ? new LocalBlocks(train) : train;
        this.arch = arch;
        this.loss = loss;
        this.precision = precision;
        this.seed = seed;
        this.partitions = train.getNumPartitions();
        int height = 32 - Integer.numberOfLeadingZeros(partitions - 1);
        int slotShift = PartitionGroups.shiftFor(partitions, TaskSlots.of(sc));
        if (sc.isLocal() && partitions <= tuning.treeThreshold()) {
            // One process, few partitions: a task per slot (each over a run of partitions when there are more
            // partitions than slots) or one task for all, timed as it goes.
            this.levels = new int[0];
            this.layout = tuning.layout() == ADAPTIVE && slotShift == height ? height
                    : Math.min(tuning.layout(), height);
        } else {
            // Tasks over aligned runs of partitions, no more than the task slots, so a step costs what its data
            // needs however many partitions there are; executor levels only above the threshold of such tasks.
            this.layout = tuning.layout() == ADAPTIVE ? slotShift : Math.min(tuning.layout(), height);
            this.levels = levels(partitions, layout, aggregationDepth, tuning.treeThreshold());
        }
        this.slotShift = slotShift;
        this.chooser = layout == ADAPTIVE ? new LayoutChooser(new int[] {slotShift, height}, tuning.warmup()) : null;
        this.grouped = new PartitionGroups[height + 1];
        this.stepsByShift = new long[height + 1];
        this.floats = precision == Precision.FLOAT32 ? new float[arch.parameterCount()] : null;
        // The driver keeps a sum per partition, as large as the network each: bounded by the threshold.
        if (this.train instanceof LocalBlocks && levels.length == 0 && partitions <= TREE_THRESHOLD) {
            newInPlaceSums();
        }
        long[] counted = new long[partitions];
        Jobs.run(sc, train, new RowCount(), Jobs.all(partitions), Long.class, "count training rows",
                (p, n) -> counted[p] = n);
        this.sizes = counted;
        sc.addSparkListener(breakdown);
    }

    /**
     * Stops listening to Spark's task metrics and lets go of local mode's in-place sums. The engine must not
     * be used afterwards. Safe to call more than once.
     */
    @Override
    public void close() {
        sc.removeSparkListener(breakdown);
        if (inPlaceId != 0) {
            InProcess.release(inPlaceId);
            inPlaceId = 0;
            inPlace = null;
        }
    }

    /**
     * Where the gradient steps' time went so far: medians over the last {@value StepBreakdown#KEPT} steps of the
     * step job's wall time, the driver's merging, and Spark's per-task metrics ({@link StepBreakdown}), in
     * milliseconds; empty before the first step. Task figures arrive on Spark's listener thread shortly after
     * each job.
     */
    public Map<String, Double> stepBreakdown() {
        try {
            sc.listenerBus().waitUntilEmpty(10_000);
        } catch (TimeoutException e) {
            // A busy listener bus: the figures of the last few steps are missing, the medians still stand.
        }
        return breakdown.medians();
    }

    /** Whether {@link #CLUSTER_PATHS_IN_LOCAL_MODE} is set on this thread. */
    static boolean clusterPathsInLocalMode(SparkContext sc) {
        return "true".equals(sc.getLocalProperty(CLUSTER_PATHS_IN_LOCAL_MODE));
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

    /** Whether this engine's tasks read the cached blocks and write their sums in place (local mode). */
    boolean inPlace() {
        return inPlace != null;
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
     * order. {@code weights} is only read, and may be changed once this returns. The sum is valid until the
     * engine's next job: in local mode it is one of the engine's own, which the next step writes into.
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

    /**
     * How many gradient steps this engine has run with each task layout: partitions per task (1, 2, 4, …) →
     * steps, in that order. Outside the adaptive local mode every step has the same layout. Tells which layout
     * the engine chose for a run ({@code summary.json}).
     */
    public Map<Integer, Long> stepsByPartitionsPerTask() {
        Map<Integer, Long> steps = new LinkedHashMap<>();
        for (int s = 0; s < stepsByShift.length; s++) {
            if (stepsByShift[s] > 0) {
                steps.put(1 << s, stepsByShift[s]);
            }
        }
        return steps;
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
        long start = System.nanoTime();
        ShippedWeights shipped = ShippedWeights.of(sc, weights, precision, floats);
        try {
            GradientTask task = new GradientTask(shipped, arch, loss, precision, from, to, seed, epoch, compute);
            PartitionSums sums = new PartitionSums(partitions);
            // With executor levels the layout is fixed and there is no chooser.
            boolean decided = chooses(from, to);
            int shift = shift(decided);
            if (compute) {
                stepsByShift[shift]++;
            }
            merging = 0;
            int tasks;
            if (levels.length == 0) {
                // The chooser times only real steps whose layout it decided, of the usual size: not the
                // benchmark's floor, and not an epoch's shorter last step.
                boolean timed = false;
                if (compute && decided) {
                    long rows = rows(from, to);
                    fullStepRows = Math.max(fullStepRows, rows);
                    timed = rows == fullStepRows;
                }
                List<Integer> busy = busyGroups(shift, from, to, sums);
                tasks = busy.size();
                if (inPlace != null) {
                    // Each busy group's task writes its partitions' sums into inPlace; they join the tree here.
                    RDD<?> rdd = shift == 0 ? train : grouped(shift);
                    GradientSum[] into = inPlace;
                    try {
                        Jobs.run(sc, rdd, new InPlaceGradient<>(task, inPlaceId, shift > 0), busy, Integer.class,
                                "step", (g, done) -> {
                                    long t = System.nanoTime();
                                    for (int p = g << shift; p < Math.min(partitions, (g + 1) << shift); p++) {
                                        sums.add(p, into[p]);
                                    }
                                    merging += System.nanoTime() - t;
                                });
                    } catch (RuntimeException e) {
                        // Spark does not wait for the other tasks of a failed job: leave them their sums.
                        newInPlaceSums();
                        throw e;
                    }
                } else if (shift == 0) {
                    Jobs.run(sc, train, task, busy, GradientSum.class, "step", (p, s) -> {
                        long t = System.nanoTime();
                        sums.add(p, s);
                        merging += System.nanoTime() - t;
                    });
                } else {
                    Jobs.run(sc, grouped(shift), new GroupGradient(task, partitions), busy, PartitionSums.class,
                            "step", (g, s) -> {
                                long t = System.nanoTime();
                                sums.merge(s);
                                merging += System.nanoTime() - t;
                            });
                }
                if (timed) {
                    chooser.observe(System.nanoTime() - start);
                }
            } else {
                RDD<PartitionSums> top = reducedOnExecutors(task);
                tasks = PartitionGroups.groups(partitions, layout);
                Jobs.run(sc, top, new Single<>(), Jobs.all(top.getNumPartitions()), PartitionSums.class, "step",
                        (p, s) -> {
                            long t = System.nanoTime();
                            sums.merge(s);
                            merging += System.nanoTime() - t;
                        });
            }
            GradientSum total = sums.total();
            if (compute) {
                breakdown.stepEnded(System.nanoTime() - start, merging, tasks);
            }
            return total;
        } finally {
            shipped.release();
        }
    }

    /**
     * The groups of 2^shift partitions (shift 0: the partitions) that have rows in this step, which get a task;
     * the partitions of the other groups enter {@code sums} as empty sums here.
     */
    private List<Integer> busyGroups(int shift, int[] from, int[] to, PartitionSums sums) {
        List<Integer> busy = new ArrayList<>(partitions);
        for (int g = 0; g << shift < partitions; g++) {
            int end = Math.min(partitions, (g + 1) << shift);
            boolean idle = true;
            for (int p = g << shift; p < end; p++) {
                idle &= to[p] == from[p];
            }
            if (!idle) {
                busy.add(g);
            } else {
                for (int p = g << shift; p < end; p++) {
                    sums.add(p, GradientSum.empty());
                }
            }
        }
        return busy;
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

    /**
     * log₂ of the partitions each task of this step reads: a fixed layout's shift, else the chooser's current
     * candidate (a task per slot, or every partition in one task) when it {@linkplain #chooses decides} this
     * step, else a task per slot.
     */
    int shift(int[] from, int[] to) {
        return shift(chooses(from, to));
    }

    private int shift(boolean decided) {
        if (layout != ADAPTIVE) {
            return layout;
        }
        return decided ? chooser.shift() : slotShift;
    }

    /**
     * Whether the chooser decides this step's layout: an adaptive engine, at least two partitions with rows, and
     * a mean share's work (rows × parameters, a float64 row counting twice) within {@link #MAX_GROUPED_WORK}.
     */
    private boolean chooses(int[] from, int[] to) {
        if (chooser == null) {
            return false;
        }
        int busy = 0;
        for (int p = 0; p < partitions; p++) {
            busy += to[p] > from[p] ? 1 : 0;
        }
        double work = busy == 0 ? 0 : (double) rows(from, to) / busy * arch.parameterCount()
                * (precision == Precision.FLOAT64 ? 2 : 1);
        return busy >= 2 && work <= MAX_GROUPED_WORK;
    }

    private long rows(int[] from, int[] to) {
        long rows = 0;
        for (int p = 0; p < partitions; p++) {
            rows += to[p] - from[p];
        }
        return rows;
    }

    /** The training partitions in groups of 2^shift, one RDD per shift for the engine's life. */
    private PartitionGroups grouped(int shift) {
        if (grouped[shift] == null) {
            grouped[shift] = new PartitionGroups(train, shift);
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

    /**
     * The gradient of a group of partitions: each member's share summed alone, into a sum of this thread's pool,
     * and combined in the tree's order, giving back to the pool every sum a merge absorbs.
     */
    private static final class GroupGradient
            extends AbstractFunction2<TaskContext, Iterator<PartitionGroups.Member>, PartitionSums>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final GradientTask task;
        private final int partitions;

        GroupGradient(GradientTask task, int partitions) {
            this.task = task;
            this.partitions = partitions;
        }

        @Override
        public PartitionSums apply(TaskContext context, Iterator<PartitionGroups.Member> members) {
            GradientTask.SumPool pool = GradientTask.SumPool.forTask();
            PartitionSums sums = new PartitionSums(partitions, pool::give);
            while (members.hasNext()) {
                PartitionGroups.Member m = members.next();
                sums.add(m.partition(), task.gradient(m, pool.take()));
            }
            return sums;
        }
    }

    /**
     * Local mode's step task: the gradient of each partition the task reads (one, or a group's members) written
     * into the driver's sum for that partition, found by number ({@link InProcess}), instead of a result that
     * Spark would serialise, hand to a result thread and deserialise into new arrays on the driver. Returns the
     * task's partition number. A task writes only its own partitions' sums, and the driver reads them only once
     * the task has ended, so no two threads touch a sum at once.
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
