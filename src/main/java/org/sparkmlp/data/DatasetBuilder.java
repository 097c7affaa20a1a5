package org.sparkmlp.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.Scaling;

/**
 * Turns raw blocks into the cached training, validation and test sets, in five steps a caller can follow and
 * reuse:
 *
 * <ol>
 *   <li>{@link LabelCensus}: one job reads the rows and brings only their labels to the driver; any data
 *       error met while reading is thrown here, once, on the driver.</li>
 *   <li>Classes: the given ones (a model trained further) or the census's sorted union of label names.</li>
 *   <li>{@link StratifiedSplit}: the seeded stratified assignment of every row to a set, on the driver.</li>
 *   <li>{@link ScalingFit}: the scaling, fitted on the training rows alone (or given).</li>
 *   <li>{@link BlockPacker}: each set's rows moved as packed pieces through one shuffle into bounded, cached
 *       blocks.</li>
 * </ol>
 *
 * <p>{@link #forModel} is steps 1 and 5 without a split: a model's classes and scaling, rows in input order.
 *
 * <p>Memory: the raw rows are kept on disk while the sets are built (they are read once per set); a target
 * partition holds only the blocks its arriving pieces have started but not finished, besides the blocks already
 * cached. The broadcasts made here are unpersisted from the executors once the sets are cached, not destroyed:
 * the cached blocks' lineage holds them, and a block lost with its executor is rebuilt from that lineage.
 */
public final class DatasetBuilder {
    /**
     * The raw rows are read once per set while the sets are built: kept serialized off the heap, they leave
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
        DatasetBuilder.Split split = options.split();
        if (separateTest != null && split.testFraction() > 0.0) {
            throw new IllegalArgumentException("a separate test set is given, so the test fraction must be 0");
        }
        if (separateValidation != null && split.validationFraction() > 0.0) {
            throw new IllegalArgumentException("a separate validation set is given, so the validation fraction must"
                    + " be 0");
        }
        List<Broadcast<?>> broadcasts = new ArrayList<>();
        data.persist(RAW_LEVEL);
        if (separateTest != null) {
            separateTest.persist(RAW_LEVEL);
        }
        if (separateValidation != null) {
            separateValidation.persist(RAW_LEVEL);
        }
        try {
            // 1. What the rows are labelled, and whether they read at all.
            LabelCensus census = LabelCensus.take(data, true, true, options.description());
            census.requireRows();
            LabelCensus testCensus = null;
            if (separateTest != null) {
                testCensus = LabelCensus.take(separateTest, true, true, "the test data");
                testCensus.requireRows();
            }
            LabelCensus validationCensus = null;
            if (separateValidation != null) {
                validationCensus = LabelCensus.take(separateValidation, true, true, "the validation data");
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

            // 3. The split.
            StratifiedSplit assignment = StratifiedSplit.of(census, toClass, classes.size(), split);
            long trainRows = assignment.rows(StratifiedSplit.TRAIN);
            if (trainRows == 0) {
                throw new DataFormatException(census.source(), null, "has too few rows per class ("
                        + census.rows() + " rows, " + classes.size() + " classes) for a validation fraction of "
                        + split.validationFraction() + " and a test fraction of " + split.testFraction()
                        + ": the split leaves no training rows");
            }
            long perPartition = (trainRows + options.partitions() - 1) / options.partitions();
            if (perPartition > Integer.MAX_VALUE - 8) {
                throw new DataFormatException(census.source(), null, "has " + trainRows + " training rows: more"
                        + " than 2^31 per partition; use at least " + (trainRows / (Integer.MAX_VALUE - 8) + 1)
                        + " {partitions}");
            }
            // Broadcast once (not captured): the assignment has a byte per row and would otherwise ride in every task.
            Broadcast<byte[][]> sets = keep(broadcasts, sc.broadcast(assignment.sets()));
            Broadcast<int[][]> classIndex = keep(broadcasts, sc.broadcast(toClass));
            int[] first = census.firstBlocks(data.getNumPartitions());

            // 4. The scaling.
            Scaling scaling = options.scaling() != null ? options.scaling()
                    : ScalingFit.fit(data, first, sets, features, options.scalingKind(), census.source());

            // 5. The packed, cached sets. The scaling is broadcast: the cached blocks' lineage, which every step's
            // task carries, then holds a reference to it rather than its per-feature arrays.
            Broadcast<Scaling> shippedScaling = keep(broadcasts, sc.broadcast(scaling));
            BlockPacker.Target target = new BlockPacker.Target(options.partitions(), features,
                    options.blockRows(features), options.precision());
            JavaRDD<Block> train = BlockPacker.packSet(data, first, sets, classIndex,
                    assignment.offsets(StratifiedSplit.TRAIN), StratifiedSplit.TRAIN, target, shippedScaling);
            JavaRDD<Block> validation;
            long validationRows;
            if (validationCensus != null) {
                StratifiedSplit whole = StratifiedSplit.whole(validationCensus, StratifiedSplit.VALIDATION);
                validation = BlockPacker.packSet(separateValidation,
                        validationCensus.firstBlocks(separateValidation.getNumPartitions()),
                        keep(broadcasts, sc.broadcast(whole.sets())),
                        keep(broadcasts, sc.broadcast(validationCensus.toClasses(classes))),
                        whole.offsets(StratifiedSplit.VALIDATION), StratifiedSplit.VALIDATION, target, shippedScaling);
                validationRows = whole.rows(StratifiedSplit.VALIDATION);
            } else {
                validation = BlockPacker.packSet(data, first, sets, classIndex,
                        assignment.offsets(StratifiedSplit.VALIDATION), StratifiedSplit.VALIDATION, target,
                        shippedScaling);
                validationRows = assignment.rows(StratifiedSplit.VALIDATION);
            }
            JavaRDD<Block> test;
            long testRows;
            if (testCensus != null) {
                StratifiedSplit whole = StratifiedSplit.whole(testCensus, StratifiedSplit.TEST);
                test = BlockPacker.packSet(separateTest, testCensus.firstBlocks(separateTest.getNumPartitions()),
                        keep(broadcasts, sc.broadcast(whole.sets())),
                        keep(broadcasts, sc.broadcast(testCensus.toClasses(classes))),
                        whole.offsets(StratifiedSplit.TEST), StratifiedSplit.TEST, target, shippedScaling);
                testRows = whole.rows(StratifiedSplit.TEST);
            } else {
                test = BlockPacker.packSet(data, first, sets, classIndex, assignment.offsets(StratifiedSplit.TEST),
                        StratifiedSplit.TEST, target, shippedScaling);
                testRows = assignment.rows(StratifiedSplit.TEST);
            }
            return new CachedSets(train, validation, test, trainRows, validationRows, testRows, features, classes,
                    scaling, options.description());
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
        LabelCensus census = LabelCensus.take(data, false, labelled, "the data");
        census.requireFeatures(scaling.features(), "the model");
        if (labelled) {
            census.toClasses(classes);
        }
        return BlockPacker.inOrder(data, labelled ? classes : null, scaling, Precision.FLOAT64, rowsPerBlock);
    }
}
