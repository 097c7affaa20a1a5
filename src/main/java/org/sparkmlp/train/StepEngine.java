package org.sparkmlp.train;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.sparkmlp.data.Block;
import org.sparkmlp.data.PartitionGroups;
import org.sparkmlp.data.TaskSlots;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Precision;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction2;

/**
 * One synchronous gradient step as one Spark job over the cached training blocks: the weights are shipped once,
 * every partition with rows in the step sums the gradient of its share ({@link GradientTask}), and the partial
 * sums are combined along the fixed binary tree of {@link PartitionSums}, so the same seed and partitioning give
 * the same bits whatever order tasks finish in.
 *
 * <p>How the job runs is its {@link StepBackend}'s, chosen once when the engine is built: local mode's
 * ({@link LocalBackend}: tasks read the driver's weights and cached blocks in place and write their sums into the
 * driver's own) or a cluster's ({@link ClusterBackend}: weights inside the task or broadcast, sums returned as
 * task results, levels of executors adding them first when there are many). The engine plans the step's tasks,
 * times the layouts, and keeps the step's figures; the backend submits the job.
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
 * <p>Evaluation ships its weights through the same backend ({@link Evaluator}). Not thread-safe: the driver's
 * training loop owns it. The engine registers a listener for Spark's task metrics and, through its backend,
 * driver objects that local mode's tasks find by number ({@link InProcess}); {@link #close} lets go of them.
 */
public final class StepEngine implements AutoCloseable {
    /**
     * Tasks above which a cluster's steps with depth ≥ 2 add sums on executors first; in local mode, partitions up
     * to which the driver keeps a sum per partition for the tasks to write into. Measured on local[2], 784-100-10
     * (636 KB a partial sum), batch 1024: with 8 and 16 partitions a step costs 48 and 61 ms when the driver adds
     * every sum and 96 and 171 ms with a level of executors, whose extra shuffle stage costs more than it saves
     * (BENCHMARKS.md), which is why local mode never adds sums on executors. The executor level pays off where
     * the driver's inbound bytes are the bottleneck — many partitions on a cluster — which one machine cannot
     * measure; {@code --aggregation-depth 1} keeps every sum on the driver.
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

    /** {@link Tuning#layout()} that lets the engine time the layouts and choose. */
    public static final int ADAPTIVE = -1;

    /**
     * Where a step's tasks and sums are split. {@code treeThreshold} defaults to {@link #TREE_THRESHOLD}: tasks
     * above which a cluster adds sums on executors first, and partitions up to which local mode times its layouts.
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

    private final SparkContext sc;
    private final StepBackend backend;
    private final GradientTask.Factory tasks;
    private final Architecture arch;
    private final Loss loss;
    private final Precision precision;
    private final long seed;
    private final int partitions;
    private final long[] sizes;
    /** The float32 weights shipped each step, rewritten in place (the previous step's job is over by then). */
    private final float[] floats;
    /** log₂ of the partitions each step task reads: the backend's fixed shift, or {@link #ADAPTIVE}. */
    private final int layout;
    /** The shift that gives a task per slot: an adaptive engine's layout when the chooser does not decide. */
    private final int slotShift;
    /** Times the candidate layouts of an adaptive engine; null otherwise. */
    private final LayoutChooser chooser;
    /** The most rows of a step the chooser has decided: a full batch. */
    private long fullStepRows;
    /** Gradient steps run so far with each layout, by shift (partitions per task = 2^shift). */
    private final long[] stepsByShift;
    /** Where the steps' time goes, from Spark's task metrics; listens from construction to {@link #close}. */
    private final StepBreakdown breakdown = new StepBreakdown();
    private boolean closed;

    /** An engine on the backend {@code sc}'s master calls for, with the default tuning. */
    public StepEngine(SparkContext sc, RDD<Block> train, Architecture arch, Loss loss, Precision precision, long seed,
                      int aggregationDepth) {
        this(sc, train, arch, loss, precision, seed, aggregationDepth, Tuning.DEFAULT);
    }

    /** With other switch-overs: for tests, and to measure where they belong. */
    public StepEngine(SparkContext sc, RDD<Block> train, Architecture arch, Loss loss, Precision precision, long seed,
                      int aggregationDepth, Tuning tuning) {
        this(StepBackend.Kind.forMaster(sc), train, arch, loss, precision, seed, aggregationDepth, tuning,
                GradientTask::new);
    }

    /**
     * An engine on a backend of the given kind, whatever the master (a cluster's in local mode, for tests and
     * benchmarks), whose steps run the tasks that {@code tasks} makes.
     */
    StepEngine(StepBackend.Kind kind, RDD<Block> train, Architecture arch, Loss loss, Precision precision, long seed,
               int aggregationDepth, Tuning tuning, GradientTask.Factory tasks) {
        this.sc = train.context();
        this.arch = arch;
        this.loss = loss;
        this.precision = precision;
        this.seed = seed;
        this.tasks = tasks;
        this.partitions = train.getNumPartitions();
        int height = PartitionSums.height(partitions);
        this.slotShift = PartitionGroups.shiftFor(partitions, TaskSlots.of(sc));
        this.stepsByShift = new long[height + 1];
        this.floats = precision == Precision.FLOAT32 ? new float[arch.parameterCount()] : null;
        this.backend = kind.open(train, aggregationDepth, tuning);
        this.layout = backend.layout();
        this.chooser = layout == ADAPTIVE ? new LayoutChooser(new int[] {slotShift, height}, tuning.warmup()) : null;
        long[] counted = new long[partitions];
        try {
            Jobs.run(sc, backend.blocks(), new RowCount(), Jobs.all(partitions), Long.class, "count training rows",
                    (p, n) -> counted[p] = n);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        this.sizes = counted;
        sc.addSparkListener(breakdown);
    }

    /**
     * Stops listening to Spark's task metrics and closes the backend, which lets go of what it registered for
     * local mode's tasks (the view of the cached blocks, the in-place sums). The engine must not be used
     * afterwards. Safe to call more than once.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sc.removeSparkListener(breakdown);
        backend.close();
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

    /** Rows of every training partition. */
    public long[] partitionSizes() {
        return sizes.clone();
    }

    /** How many levels of executors add partial sums before the driver (0: the driver adds them all). */
    public int executorLevels() {
        return backend.executorLevels();
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

    /**
     * The gradient sum of one step: partition p contributes positions [from[p], to[p]) of its epoch's row
     * order. {@code weights} is only read, and may be changed once this returns. The sum is valid until the
     * engine's next job: in local mode it is one of the engine's own, which the next step writes into.
     */
    public GradientSum gradient(double[] weights, int epoch, int[] from, int[] to) {
        long start = System.nanoTime();
        ShippedWeights shipped = backend.ship(weights, precision, floats);
        try {
            GradientTask task = tasks.make(shipped, arch, loss, precision, from, to, seed, epoch);
            boolean decided = chooses(from, to);
            int shift = shift(decided);
            stepsByShift[shift]++;
            // The chooser times only steps whose layout it decided, of the usual size: not an epoch's shorter
            // last step.
            boolean timed = false;
            if (decided) {
                long rows = rows(from, to);
                fullStepRows = Math.max(fullStepRows, rows);
                timed = rows == fullStepRows;
            }
            StepSums sums = new StepSums(partitions);
            int taskCount = backend.run(task, shift, sums);
            if (timed) {
                chooser.observe(System.nanoTime() - start);
            }
            GradientSum total = sums.total();
            breakdown.stepEnded(System.nanoTime() - start, sums.mergeNanos(), taskCount);
            return total;
        } finally {
            shipped.release();
        }
    }

    /**
     * Evaluates {@code weights} on a set cached like the training set, with the kernel in {@code kernel}'s width:
     * the training precision for the per-epoch validation, float64 for the model as it is written.
     */
    public Evaluation evaluate(RDD<Block> set, double[] weights, Precision kernel) {
        ShippedWeights shipped = backend.ship(weights, kernel, null);
        try {
            return Evaluator.evaluate(sc, set, shipped, arch, loss, precision, kernel);
        } finally {
            shipped.release();
        }
    }

    /** The backend the steps run on. */
    StepBackend backend() {
        return backend;
    }

    /** Whether this engine's tasks write their sums into the driver's own (local mode). */
    boolean inPlace() {
        return backend.inPlace();
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
}
