package org.sparkmlp.data;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.Scaling;

/**
 * Turns raw blocks into the cached training, validation and test sets, in five steps a caller can follow and
 * reuse:
 *
 * <ol>
 *   <li>{@link LabelCensus}: one job reads the rows and brings to the driver only how many rows of each label
 *       every raw block holds; any data error met while reading is thrown here, once, on the driver.</li>
 *   <li>Classes: the given ones (a model trained further) or the census's sorted union of label names.</li>
 *   <li>{@link StratifiedSplit}: each set's quota per raw block and class, on the driver; each block draws
 *       which of its rows fill them where it is read.</li>
 *   <li>{@link ScalingFit}: the scaling, fitted on the training rows alone (or given).</li>
 *   <li>{@link BlockPacker}: the sets' rows moved as packed pieces through one shuffle into bounded blocks,
 *       cached by one job.</li>
 * </ol>
 *
 * <p>Reads of the training rows: the census reads the input and keeps the raw rows on local disk; the scaling
 * (minmax and standard only) and the packing read that copy. So a run makes 2 passes over the rows (3 with a
 * fitted scaling), of which one reads the input itself; {@link Preparation#inputPasses} measures it. A set given
 * apart is read twice (census, packing). The driver holds O(raw blocks × classes) numbers, never one per row.
 *
 * <p>{@link #forModel} is steps 1 and 5 without a split: a model's classes and scaling, rows in input order.
 *
 * <p>Memory: the raw rows are kept on disk while the sets are built; a target partition holds only the blocks
 * its arriving pieces have started but not finished, besides the blocks already cached. The broadcasts made
 * here are unpersisted from the executors once the sets are cached, not destroyed: the cached blocks' lineage
 * holds them, and a block lost with its executor is rebuilt from that lineage.
 */
public final class DatasetBuilder {
    /**
     * The raw rows are read again after the census (scaling, packing): kept serialized off the heap, they leave
     * the memory to the blocks being cached (IDX pixels are small either way; parsed text is as large as the
     * float64 blocks).
     */
    private static final StorageLevel RAW_LEVEL = StorageLevel.DISK_ONLY();

    private DatasetBuilder() {
    }

    /** How to split: fractions of the rows for validation and test, and the seed of the shuffle. */
    public record Split(double validationFraction, double testFraction, long seed) {
        public Split {
            if (!(validationFraction >= 0.0 && testFraction >= 0.0 && validationFraction + testFraction < 1.0)) {
                throw new IllegalArgumentException("validation fraction " + validationFraction + " and test fraction "
                        + testFraction + " must be ≥ 0 and leave rows for training (sum < 1)");
            }
        }
    }

    /**
     * Builds the sets.
     *
     * @param data the rows to split
     * @param separateTest rows that form the whole test set (the split's test fraction must then be 0), or null
     */
    public static CachedSets build(JavaSparkContext sc, JavaRDD<RawBlock> data, JavaRDD<RawBlock> separateTest,
                                BuildOptions options) {
        return build(sc, data, null, separateTest, options);
    }

    /**
     * Builds the sets, with the validation set given apart too.
     *
     * @param separateValidation rows that form the whole validation set (the split's validation fraction must
     *                           then be 0), or null
     */
    public static CachedSets build(JavaSparkContext sc, JavaRDD<RawBlock> data, JavaRDD<RawBlock> separateValidation,
                                JavaRDD<RawBlock> separateTest, BuildOptions options) {
        return build(sc, data, separateValidation, separateTest, options, shape -> { });
    }

    /**
     * Builds the sets, calling {@code beforePacking} once the rows are counted and split and before the scaling
     * is fitted and the blocks packed and cached: a caller checks there that the sets fit, and throws to stop.
     */
    public static CachedSets build(JavaSparkContext sc, JavaRDD<RawBlock> data, JavaRDD<RawBlock> separateValidation,
                                JavaRDD<RawBlock> separateTest, BuildOptions options, Consumer<Shape> beforePacking) {
        if (separateTest != null && options.split().testFraction() > 0.0) {
            throw new IllegalArgumentException("a separate test set is given, so the test fraction must be 0");
        }
        if (separateValidation != null && options.split().validationFraction() > 0.0) {
            throw new IllegalArgumentException("a separate validation set is given, so the validation fraction must"
                    + " be 0");
        }
        long started = System.nanoTime();
        List<Broadcast<?>> broadcasts = new ArrayList<>();
        data.persist(RAW_LEVEL);
        if (separateTest != null) {
            separateTest.persist(RAW_LEVEL);
        }
        if (separateValidation != null) {
            separateValidation.persist(RAW_LEVEL);
        }
        // Every job below reads the training rows through this count, so that the passes are measured, not assumed.
        LongAccumulator rowsRead = sc.sc().longAccumulator("raw rows read");
        JavaRDD<RawBlock> read = data.mapPartitions(it -> new Counted(it, rowsRead), true);
        try {
            // 1. What the rows are labelled, and whether they read at all.
            LabelCensus census = LabelCensus.take(read, true, options.description());
            census.requireRows();
            LabelCensus testCensus = null;
            if (separateTest != null) {
                testCensus = LabelCensus.take(separateTest, true, "the test data");
                testCensus.requireRows();
            }
            LabelCensus validationCensus = null;
            if (separateValidation != null) {
                validationCensus = LabelCensus.take(separateValidation, true, "the validation data");
                validationCensus.requireRows();
            }
            int features = census.features();
            if (testCensus != null) {
                testCensus.requireFeatures(features, "the training data");
            }
            if (validationCensus != null) {
                validationCensus.requireFeatures(features, "the training data");
            }

            // 2. The classes.
            List<String> classes = options.classes() != null ? options.classes() : census.classes();
            if (classes.size() < 2) {
                throw new DataFormatException(census.source(), null,
                        "has " + classes.size() + " class(es); a classifier needs at least 2");
            }
            int[][] toClass = census.toClasses(classes);

            // 3. The split: quotas per raw block and class on the driver; each block draws its own rows.
            StratifiedSplit split = StratifiedSplit.of(census.classCounts(toClass, classes.size()), classes.size(),
                    options.split());
            long trainRows = split.rows(StratifiedSplit.TRAIN);
            if (trainRows == 0) {
                throw new DataFormatException(census.source(), null, "has too few rows per class ("
                        + census.rows() + " rows, " + classes.size() + " classes) for a validation fraction of "
                        + options.split().validationFraction() + " and a test fraction of "
                        + options.split().testFraction() + ": the split leaves no training rows");
            }
            long perPartition = (trainRows + options.partitions() - 1) / options.partitions();
            if (perPartition > Integer.MAX_VALUE - 8) {
                throw new DataFormatException(census.source(), null, "has " + trainRows + " training rows: more"
                        + " than 2^31 per partition; use at least " + (trainRows / (Integer.MAX_VALUE - 8) + 1)
                        + " {partitions}");
            }
            StratifiedSplit validationWhole = validationCensus == null ? null
                    : StratifiedSplit.whole(validationCensus.blockRows(), StratifiedSplit.VALIDATION);
            StratifiedSplit testWhole = testCensus == null ? null
                    : StratifiedSplit.whole(testCensus.blockRows(), StratifiedSplit.TEST);
            long validationRows = validationWhole != null ? validationWhole.rows(StratifiedSplit.VALIDATION)
                    : split.rows(StratifiedSplit.VALIDATION);
            long testRows = testWhole != null ? testWhole.rows(StratifiedSplit.TEST) : split.rows(StratifiedSplit.TEST);
            beforePacking.accept(new Shape(census.rows(), trainRows, validationRows, testRows, features,
                    classes.size(), census.blocks(), options.partitions(), options.precision()));
            Broadcast<StratifiedSplit> shippedSplit = keep(broadcasts, sc.broadcast(split));
            Broadcast<int[][]> classIndex = keep(broadcasts, sc.broadcast(toClass));
            int[] first = census.firstBlocks(data.getNumPartitions());

            // 4. The scaling.
            Scaling scaling = options.scaling() != null ? options.scaling()
                    : ScalingFit.fit(read, first, shippedSplit, classIndex, features, options.scalingKind(),
                            census.source());

            // 5. The packed sets, all of a split through one shuffle, cached in one job. The scaling is broadcast:
            // the cached blocks' lineage, which every step's task carries, then holds a reference to it rather
            // than its per-feature arrays.
            Broadcast<Scaling> shippedScaling = keep(broadcasts, sc.broadcast(scaling));
            BlockPacker.Target target = new BlockPacker.Target(options.partitions(), features,
                    options.blockRows(features), options.precision());
            byte[] fromSplit = validationWhole == null && testWhole == null
                    ? new byte[] {StratifiedSplit.TRAIN, StratifiedSplit.VALIDATION, StratifiedSplit.TEST}
                    : validationWhole == null ? new byte[] {StratifiedSplit.TRAIN, StratifiedSplit.VALIDATION}
                    : testWhole == null ? new byte[] {StratifiedSplit.TRAIN, StratifiedSplit.TEST}
                    : new byte[] {StratifiedSplit.TRAIN};
            JavaRDD<Block>[] sets = BlockPacker.pack(read, first, shippedSplit, classIndex, fromSplit, target,
                    shippedScaling);
            JavaRDD<Block> validation = validationWhole == null ? sets[StratifiedSplit.VALIDATION]
                    : BlockPacker.pack(separateValidation,
                            validationCensus.firstBlocks(separateValidation.getNumPartitions()),
                            keep(broadcasts, sc.broadcast(validationWhole)),
                            keep(broadcasts, sc.broadcast(validationCensus.toClasses(classes))),
                            new byte[] {StratifiedSplit.VALIDATION}, target,
                            shippedScaling)[StratifiedSplit.VALIDATION];
            JavaRDD<Block> test = testWhole == null ? sets[StratifiedSplit.TEST]
                    : BlockPacker.pack(separateTest, testCensus.firstBlocks(separateTest.getNumPartitions()),
                            keep(broadcasts, sc.broadcast(testWhole)),
                            keep(broadcasts, sc.broadcast(testCensus.toClasses(classes))),
                            new byte[] {StratifiedSplit.TEST}, target, shippedScaling)[StratifiedSplit.TEST];
            JavaRDD<Block> train = sets[StratifiedSplit.TRAIN];
            BlockPacker.cache(Arrays.asList(train, validation, test));
            double passes = (double) rowsRead.value() / census.rows();
            return new CachedSets(train, validation, test, trainRows, validationRows, testRows, features, classes,
                    scaling, options.description(),
                    new Preparation(passes, (System.nanoTime() - started) / 1e9, usedHeapAfterGc()));
        } finally {
            data.unpersist(false);
            if (separateTest != null) {
                separateTest.unpersist(false);
            }
            if (separateValidation != null) {
                separateValidation.unpersist(false);
            }
            // Not destroy(): a destroyed broadcast cannot be serialized, so recomputing a cached block lost with
            // an executor would fail the job ("Attempted to use Broadcast(n) after it was destroyed").
            for (Broadcast<?> b : broadcasts) {
                b.unpersist(false);
            }
        }
    }

    /**
     * The driver's used heap once garbage is collected: {@code System.gc()} is a hint (a full collection with
     * G1 unless {@code -XX:+DisableExplicitGC}), then {@link MemoryMXBean}'s used heap. Called once per run, after
     * the sets are cached, so that the figure is what preparation left behind rather than its garbage.
     */
    static long usedHeapAfterGc() {
        System.gc();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /**
     * What is known of the data once the census and the split are done and nothing is packed yet: enough to
     * check, before the long part, that the sets fit where they must go ({@link #build}'s {@code beforePacking}).
     */
    public record Shape(long rows, long trainRows, long validationRows, long testRows, int features, int classes,
                        int rawBlocks, int partitions, Precision precision) {
        /** Rows of all three sets. */
        public long cachedRows() {
            return trainRows + validationRows + testRows;
        }
    }

    /** Counts the rows of the raw blocks a task reads. */
    private static final class Counted implements Iterator<RawBlock> {
        private final Iterator<RawBlock> in;
        private final LongAccumulator rows;

        Counted(Iterator<RawBlock> in, LongAccumulator rows) {
            this.in = in;
            this.rows = rows;
        }

        @Override
        public boolean hasNext() {
            return in.hasNext();
        }

        @Override
        public RawBlock next() {
            RawBlock b = in.next();
            rows.add(b.rows());
            return b;
        }
    }

    private static <T> Broadcast<T> keep(List<Broadcast<?>> list, Broadcast<T> b) {
        list.add(b);
        return b;
    }

    /**
     * Packs rows for evaluate and predict, in float64: every row in its original order and partitioning, in
     * bounded blocks ({@link Block#rowsFor} rows, the last of a partition shorter; none for an empty partition),
     * labels mapped to the model's classes, the model's scaling applied. One job reads the rows first (kept on
     * disk for the job that uses the blocks) and fails on the driver, naming file and record, on a data error,
     * on a width other than the model's, or on a label that is not one of the model's classes.
     */
    public static JavaRDD<Block> forModel(JavaRDD<RawBlock> data, List<String> classes, Scaling scaling,
                                          boolean labelled) {
        return forModel(data, classes, scaling, labelled, 0);
    }

    /** As above, with blocks of {@code rowsPerBlock} rows (0: {@link Block#rowsFor} the features), for tests. */
    static JavaRDD<Block> forModel(JavaRDD<RawBlock> data, List<String> classes, Scaling scaling, boolean labelled,
                                   int rowsPerBlock) {
        data.persist(RAW_LEVEL);
        LabelCensus census = LabelCensus.take(data, labelled, "the data");
        census.requireFeatures(scaling.features(), "the model");
        if (labelled) {
            census.toClasses(classes);
        }
        return BlockPacker.inOrder(data, labelled ? classes : null, scaling, Precision.FLOAT64, rowsPerBlock);
    }
}
