package org.sparkmlp.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.spark.Partition;
import org.apache.spark.Partitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.rdd.ShuffledRDD;
import org.apache.spark.storage.StorageLevel;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.Scaling;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Turns raw blocks into the cached training, validation and test sets.
 *
 * <ol>
 *   <li>Only the labels of every row come to the driver (4 bytes a row, once), with each raw block's own
 *       label names; the class list is their sorted union (numeric order when every label is an integer).</li>
 *   <li>The split is stratified and seeded: within each class the rows are shuffled from the seed, the first
 *       round(f_test·n_c) go to test, the next round(f_val·n_c) to validation, the rest to training. Rows are
 *       numbered in input order (partition, raw block, row), so how a partition is cut into raw blocks does not
 *       change the split.</li>
 *   <li>A scaling of kind minmax or standard is fitted on the training rows alone.</li>
 *   <li>Each set's rows, in their original order, are cut into {@code partitions} equal ranges; every input
 *       partition sends packed pieces of its rows (never row objects, and inputs as read: IDX pixels stay
 *       bytes) through one shuffle. Each piece knows where its rows go in the target partition, so the target
 *       places them straight into bounded {@link Block}s of {@link Block#rowsFor} rows (the last one shorter),
 *       scaling each value in double and storing it in the set's {@link Precision}, and hands every block to
 *       the cache as soon as it is full: no partition-sized array is ever built, and no value is copied twice.
 *       Placement by position fixes the bits whatever order the pieces arrive in; the shuffle also ends the
 *       lineage, so no later job re-ships input data.</li>
 * </ol>
 *
 * <p>Memory: the raw rows are kept on disk while the sets are built (they are read once per set); a target
 * partition holds only the blocks its arriving pieces have started but not finished (one or two when the
 * pieces arrive in order, as they do in local mode), besides the blocks already cached.
 */
public final class DatasetBuilder {
    static final byte TRAIN = 0;
    static final byte VALIDATION = 1;
    static final byte TEST = 2;
    private static final String[] SET_NAMES = {"training", "validation", "test"};
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
     * @param classes the class labels to use (from a model being trained further), or null to take the data's
     * @param scaling a scaling to apply as is (from a model), or null to fit one of {@code scalingKind}
     * @param precision how the cached blocks hold their inputs (scaled in double, then stored so)
     */
    public static Dataset build(JavaSparkContext sc, JavaRDD<RawBlock> data, JavaRDD<RawBlock> separateTest,
                                int partitions, Split split, List<String> classes, Scaling scaling,
                                Scaling.Kind scalingKind, String description, Precision precision) {
        return build(sc, data, separateTest, partitions, split, classes, scaling, scalingKind, description, precision,
                0);
    }

    /** As above, with blocks of {@code rowsPerBlock} rows (0: {@link Block#rowsFor} the features), for tests. */
    static Dataset build(JavaSparkContext sc, JavaRDD<RawBlock> data, JavaRDD<RawBlock> separateTest,
                         int partitions, Split split, List<String> classes, Scaling scaling,
                         Scaling.Kind scalingKind, String description, Precision precision, int rowsPerBlock) {
        if (separateTest != null && split.testFraction() > 0.0) {
            throw new IllegalArgumentException("a separate test set is given, so the test fraction must be 0");
        }
        data.persist(RAW_LEVEL);
        Census[] census = census(data);
        Census[] testCensus = null;
        if (separateTest != null) {
            separateTest.persist(RAW_LEVEL);
            testCensus = census(separateTest);
        }
        int features = featuresOf(census, testCensus);
        List<String> classList = classes != null ? classes : classesOf(census);
        if (classList.size() < 2) {
            throw new DataFormatException(census.length > 0 ? census[0].source : "data", null,
                    "has " + classList.size() + " class(es); a classifier needs at least 2");
        }
        int[][] toClass = classIndices(census, classList);
        byte[][] assignment = stratify(census, toClass, classList.size(), split);

        long[][] offsets = offsets(census, assignment);
        if (total(offsets[TRAIN]) == 0) {
            throw new IllegalArgumentException("the split leaves no training rows (validation fraction "
                    + split.validationFraction() + ", test fraction " + split.testFraction() + "); lower them");
        }
        long perPartition = (total(offsets[TRAIN]) + partitions - 1) / partitions;
        if (perPartition > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a partition of " + perPartition + " rows exceeds 2^31 rows: use at"
                    + " least " + (total(offsets[TRAIN]) / (Integer.MAX_VALUE - 8) + 1) + " --partitions");
        }
        Target target = new Target(partitions, features, rowsPerBlock > 0 ? rowsPerBlock : Block.rowsFor(features),
                precision);
        // Broadcast once (not captured): the assignment has a byte per row and would otherwise ride in every task.
        Broadcast<byte[][]> sets = sc.broadcast(assignment);
        Broadcast<int[][]> classIndex = sc.broadcast(toClass);
        int[] first = firstBlocks(census, data.getNumPartitions());
        Scaling fitted = scaling != null ? scaling : fit(data, first, sets, features, scalingKind);
        JavaRDD<Block> train = pack(data, first, sets, classIndex, offsets[TRAIN], TRAIN, target, fitted);
        JavaRDD<Block> validation = pack(data, first, sets, classIndex, offsets[VALIDATION], VALIDATION, target,
                fitted);
        JavaRDD<Block> test;
        long testRows;
        if (separateTest != null) {
            int[][] testToClass = classIndices(testCensus, classList);
            byte[][] allTest = new byte[testCensus.length][];
            for (int q = 0; q < allTest.length; q++) {
                allTest[q] = new byte[testCensus[q].labels.length];
                Arrays.fill(allTest[q], TEST);
            }
            long[][] testOffsets = offsets(testCensus, allTest);
            test = pack(separateTest, firstBlocks(testCensus, separateTest.getNumPartitions()), sc.broadcast(allTest),
                    sc.broadcast(testToClass), testOffsets[TEST], TEST, target, fitted);
            testRows = total(testOffsets[TEST]);
        } else {
            test = pack(data, first, sets, classIndex, offsets[TEST], TEST, target, fitted);
            testRows = total(offsets[TEST]);
        }
        data.unpersist(false);
        if (separateTest != null) {
            separateTest.unpersist(false);
        }
        return new Dataset(train, validation, test, total(offsets[TRAIN]), total(offsets[VALIDATION]), testRows,
                features, classList, fitted, description);
    }

    /**
     * Packs rows for evaluate and predict, in float64: every row in its original order and partitioning, in
     * bounded blocks ({@link Block#rowsFor} rows, the last of a partition shorter; none for an empty partition),
     * labels mapped to the model's classes (an unknown label is an error naming its record), the model's scaling
     * applied.
     */
    public static JavaRDD<Block> forModel(JavaRDD<RawBlock> data, List<String> classes, Scaling scaling,
                                          boolean labelled) {
        return forModel(data, classes, scaling, labelled, 0);
    }

    /** As above, with blocks of {@code rowsPerBlock} rows (0: {@link Block#rowsFor} the features), for tests. */
    static JavaRDD<Block> forModel(JavaRDD<RawBlock> data, List<String> classes, Scaling scaling, boolean labelled,
                                   int rowsPerBlock) {
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            index.put(classes.get(i), i);
        }
        int features = scaling.features();
        Target target = new Target(1, features, rowsPerBlock > 0 ? rowsPerBlock : Block.rowsFor(features),
                Precision.FLOAT64);
        return data.mapPartitionsWithIndex((p, it) -> new InOrder(p, it, target, scaling, labelled ? index : null,
                classes), true);
    }

    /** What the driver learns of one raw block: its partition, label names and each row's label among them. */
    static final class Census implements Serializable {
        private static final long serialVersionUID = 1L;
        int partition;
        String source;
        int features;
        String[] names;
        int[] labels;
        /** The record of the first row carrying each name, for messages. */
        String[] firstRecord;

        Census() {
        }
    }

    /** One census per raw block, in input order (partition, then block): index q is raw block q. */
    private static Census[] census(JavaRDD<RawBlock> data) {
        List<Census> list = data.mapPartitionsWithIndex((p, it) -> {
            List<Census> out = new ArrayList<>();
            while (it.hasNext()) {
                RawBlock b = it.next();
                Census c = new Census();
                c.partition = p;
                c.source = b.source();
                c.features = b.features();
                c.names = b.labelNames();
                c.labels = b.labels();
                c.firstRecord = new String[b.labelNames().length];
                for (int r = 0; r < b.rows(); r++) {
                    int id = b.labels()[r];
                    if (id < 0) {
                        throw new DataFormatException(b.source(), b.record(r), "has no label");
                    }
                    if (c.firstRecord[id] == null) {
                        c.firstRecord[id] = b.record(r);
                    }
                }
                out.add(c);
            }
            return out.iterator();
        }, true).collect();
        return list.toArray(new Census[0]);
    }

    /** first[p] = the number of raw blocks in partitions before p: partition p's j-th block is block first[p] + j. */
    private static int[] firstBlocks(Census[] census, int partitions) {
        int[] first = new int[partitions + 1];
        for (Census c : census) {
            first[c.partition + 1]++;
        }
        for (int p = 0; p < partitions; p++) {
            first[p + 1] += first[p];
        }
        return first;
    }

    private static int featuresOf(Census[] census, Census[] testCensus) {
        int features = census[0].features;
        if (testCensus != null && testCensus.length > 0 && testCensus[0].features != features) {
            throw new DataFormatException(testCensus[0].source, null, "has " + testCensus[0].features
                    + " input features but the training data has " + features);
        }
        return features;
    }

    /** Sorted union of the label names: numerically when all are integers, else as text. */
    static List<String> classesOf(Census[] census) {
        TreeSet<String> names = new TreeSet<>();
        for (Census c : census) {
            names.addAll(Arrays.asList(c.names));
        }
        List<String> list = new ArrayList<>(names);
        boolean numeric = list.stream().allMatch(s -> s.matches("[+-]?\\d{1,18}"));
        if (numeric) {
            list.sort(Comparator.comparingLong(Long::parseLong));
        }
        return list;
    }

    private static int[][] classIndices(Census[] census, List<String> classes) {
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            index.put(classes.get(i), i);
        }
        int[][] map = new int[census.length][];
        for (int p = 0; p < census.length; p++) {
            map[p] = localToClass(census[p].names, index);
            for (int id = 0; id < map[p].length; id++) {
                if (map[p][id] < 0) {
                    throw new DataFormatException(census[p].source, census[p].firstRecord[id], "label '"
                            + census[p].names[id] + "' is not one of the model's classes " + classes);
                }
            }
        }
        return map;
    }

    private static int[] localToClass(String[] names, Map<String, Integer> index) {
        int[] map = new int[names.length];
        for (int id = 0; id < names.length; id++) {
            map[id] = index.getOrDefault(names[id], -1);
        }
        return map;
    }

    private static DataFormatException unknownLabel(RawBlock b, int r, List<String> classes) {
        return new DataFormatException(b.source(), b.record(r), "label '" + b.labelNames()[b.labels()[r]]
                + "' is not one of the model's classes " + classes);
    }

    /** The seeded stratified assignment of every row to a set: assignment[q][r] for row r of raw block q. */
    static byte[][] stratify(Census[] census, int[][] toClass, int classCount, Split split) {
        long[] perClass = new long[classCount];
        for (int p = 0; p < census.length; p++) {
            for (int id : census[p].labels) {
                perClass[toClass[p][id]]++;
            }
        }
        // Rows of each class, as (raw block << 32 | row), in input order; then a seeded Fisher–Yates shuffle.
        long[][] rows = new long[classCount][];
        int[] fill = new int[classCount];
        for (int c = 0; c < classCount; c++) {
            if (perClass[c] > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("class " + c + " has more than 2^31 rows");
            }
            rows[c] = new long[(int) perClass[c]];
        }
        byte[][] assignment = new byte[census.length][];
        for (int p = 0; p < census.length; p++) {
            int[] labels = census[p].labels;
            assignment[p] = new byte[labels.length];
            for (int r = 0; r < labels.length; r++) {
                int c = toClass[p][labels[r]];
                rows[c][fill[c]++] = ((long) p << 32) | r;
            }
        }
        SplittableRandom random = new SplittableRandom(split.seed());
        for (int c = 0; c < classCount; c++) {
            long[] list = rows[c];
            for (int i = list.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                long t = list[i];
                list[i] = list[j];
                list[j] = t;
            }
            int test = (int) Math.round(split.testFraction() * list.length);
            int validation = (int) Math.min(list.length - test, Math.round(split.validationFraction() * list.length));
            for (int i = 0; i < list.length; i++) {
                byte set = i < test ? TEST : i < test + validation ? VALIDATION : TRAIN;
                assignment[(int) (list[i] >>> 32)][(int) list[i]] = set;
            }
        }
        return assignment;
    }

    /** offsets[set][q] = rows of that set in raw blocks before q; offsets[set][Q] = the set's total. */
    private static long[][] offsets(Census[] census, byte[][] assignment) {
        long[][] offsets = new long[3][census.length + 1];
        for (int p = 0; p < census.length; p++) {
            long[] counts = new long[3];
            for (byte s : assignment[p]) {
                counts[s]++;
            }
            for (int s = 0; s < 3; s++) {
                offsets[s][p + 1] = offsets[s][p] + counts[s];
            }
        }
        return offsets;
    }

    private static long total(long[] offsets) {
        return offsets[offsets.length - 1];
    }

    /** Fits the scaling on the training rows: one Welford pass per input partition, merged in partition order. */
    private static Scaling fit(JavaRDD<RawBlock> data, int[] first, Broadcast<byte[][]> sets, int features,
                               Scaling.Kind kind) {
        switch (kind) {
            case NONE:
                return Scaling.none(features);
            case PIXEL:
                return Scaling.pixel(features);
            default:
                break;
        }
        List<FeatureStats> parts = data.mapPartitionsWithIndex((p, it) -> {
            FeatureStats s = new FeatureStats(features);
            double[] row = new double[features];
            for (int q = first[p]; it.hasNext(); q++) {
                RawBlock b = it.next();
                byte[] mine = sets.value()[q];
                for (int r = 0; r < b.rows(); r++) {
                    if (mine[r] == TRAIN) {
                        b.copyRow(r, row, 0);
                        s.add(row, 0);
                    }
                }
            }
            return List.of(s).iterator();
        }, true).collect();
        FeatureStats all = new FeatureStats(features);
        for (FeatureStats s : parts) {
            all.merge(s);
        }
        return kind == Scaling.Kind.MINMAX ? Scaling.minmax(all.min(), all.max())
                : Scaling.standard(all.mean(), all.std());
    }

    /** One set's rows, moved as packed pieces into {@code target.partitions()} cached lists of blocks. */
    private static JavaRDD<Block> pack(JavaRDD<RawBlock> data, int[] first, Broadcast<byte[][]> sets,
                                       Broadcast<int[][]> classes, long[] offsets, byte set, Target target,
                                       Scaling scaling) {
        long total = offsets[offsets.length - 1];
        if (total == 0) {
            return null;
        }
        JavaRDD<Tuple2<Integer, Piece>> pieces = data.mapPartitionsWithIndex(
                (p, it) -> new Cutter(it, first[p], sets.value(), classes.value(), set, offsets, total,
                        target.partitions()), true);
        ShuffledRDD<Integer, Piece, Piece> moved = new ShuffledRDD<>(pieces.rdd(),
                new ExactPartitioner(target.partitions()), tag(Integer.class), tag(Piece.class), tag(Piece.class));
        JavaRDD<Block> blocks = new JavaRDD<>(new Packed(moved, target, total, scaling), tag(Block.class));
        blocks.setName(SET_NAMES[set] + " blocks").persist(StorageLevel.MEMORY_AND_DISK());
        blocks.count();
        return blocks;
    }

    private static <T> ClassTag<T> tag(Class<T> type) {
        return ClassTag$.MODULE$.apply(type);
    }

    /**
     * The cached blocks of one set: the reduce side of the packing shuffle as an RDD class of its own. Every
     * training step's task carries this RDD's lineage (up to the shuffle) and deserialises it; a named class
     * with plain fields costs a fraction of the lambdas that {@code values().mapPartitionsWithIndex} would put
     * there, each of which is resolved through reflection in every task.
     */
    private static final class Packed extends RDD<Block> {
        private static final long serialVersionUID = 1L;
        private final Target target;
        private final long total;
        private final Scaling scaling;

        Packed(RDD<Tuple2<Integer, Piece>> moved, Target target, long total, Scaling scaling) {
            super(moved, tag(Block.class));
            this.target = target;
            this.total = total;
            this.scaling = scaling;
        }

        @Override
        public scala.collection.Iterator<Block> compute(Partition split, TaskContext context) {
            @SuppressWarnings("unchecked")
            RDD<Tuple2<Integer, Piece>> moved = (RDD<Tuple2<Integer, Piece>>) (RDD<?>) firstParent(tag(Tuple2.class));
            scala.collection.Iterator<Tuple2<Integer, Piece>> in = moved.iterator(split, context);
            Iterator<Piece> pieces = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return in.hasNext();
                }

                @Override
                public Piece next() {
                    return in.next()._2();
                }
            };
            return CollectionConverters.asScala(new Assembler(split.index(), pieces, target, total, scaling));
        }

        @Override
        public Partition[] getPartitions() {
            return firstParent(tag(Tuple2.class)).partitions();
        }
    }

    /** Where the blocks go: how many partitions, the width and length of a block, and its precision. */
    record Target(int partitions, int features, int rowsPerBlock, Precision precision) implements Serializable {
        /** First global row (of N) of partition t: rows g with ⌊g·P/N⌋ = t, so partitions differ by at most one row. */
        long start(int t, long total) {
            return ((long) t * total + partitions - 1) / partitions;
        }
    }

    /**
     * Rows of one set from one raw block bound for one target partition: their inputs as the raw block holds
     * them (doubles or pixel bytes), their class indices, and the position of the first of them in the target.
     */
    static final class Piece implements Serializable {
        private static final long serialVersionUID = 1L;
        int start;
        int features;
        int rows;
        double[] x;
        byte[] pixels;
        int[] y;

        /** For Kryo. */
        Piece() {
        }

        /** Scales feature values of row k in double and writes them, in the block's precision, from {@code at}. */
        void scaleRow(int k, double[] shift, double[] factor, double[] into64, float[] into32, int at) {
            int from = k * features;
            for (int f = 0; f < features; f++) {
                double v = x != null ? x[from + f] : pixels[from + f] & 0xff;
                double scaled = (v - shift[f]) * factor[f];
                if (into64 != null) {
                    into64[at + f] = scaled;
                } else {
                    into32[at + f] = (float) scaled;
                }
            }
        }
    }

    /**
     * The map side of a set's shuffle: reads a partition's raw blocks one at a time and splits each block's rows
     * of the set into pieces by target partition (global row g of N goes to ⌊g·P/N⌋).
     */
    private static final class Cutter implements Iterator<Tuple2<Integer, Piece>> {
        private final Iterator<RawBlock> blocks;
        private final byte[][] sets;
        private final int[][] toClass;
        private final byte set;
        private final long[] offsets;
        private final long total;
        private final int partitions;
        private int q;
        private final List<Tuple2<Integer, Piece>> ready = new ArrayList<>();
        private int next;

        Cutter(Iterator<RawBlock> blocks, int firstBlock, byte[][] sets, int[][] toClass, byte set, long[] offsets,
               long total, int partitions) {
            this.blocks = blocks;
            this.q = firstBlock;
            this.sets = sets;
            this.toClass = toClass;
            this.set = set;
            this.offsets = offsets;
            this.total = total;
            this.partitions = partitions;
        }

        @Override
        public boolean hasNext() {
            while (next == ready.size() && blocks.hasNext()) {
                ready.clear();
                next = 0;
                cut(blocks.next(), q);
                q++;
            }
            return next < ready.size();
        }

        @Override
        public Tuple2<Integer, Piece> next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            Tuple2<Integer, Piece> piece = ready.get(next);
            ready.set(next++, null);
            return piece;
        }

        private void cut(RawBlock b, int q) {
            int n = b.features();
            byte[] mine = sets[q];
            int[] classOf = toClass[q];
            int r = 0;
            long g = offsets[q];
            while (r < b.rows()) {
                if (mine[r] != set) {
                    r++;
                    continue;
                }
                int target = (int) (g * partitions / total);
                long targetStart = ((long) target * total + partitions - 1) / partitions;
                long targetEnd = ((long) (target + 1) * total + partitions - 1) / partitions;
                // Rows of this set from r on, until the target's range of global rows is full.
                int[] rows = new int[(int) Math.min(b.rows() - r, targetEnd - g)];
                Piece piece = new Piece();
                piece.start = (int) (g - targetStart);
                piece.features = n;
                while (r < b.rows() && g < targetEnd) {
                    if (mine[r] == set) {
                        rows[piece.rows++] = r;
                        g++;
                    }
                    r++;
                }
                piece.y = new int[piece.rows];
                if (b.holdsPixels()) {
                    piece.pixels = new byte[piece.rows * n];
                    for (int k = 0; k < piece.rows; k++) {
                        System.arraycopy(b.pixels(), rows[k] * n, piece.pixels, k * n, n);
                    }
                } else {
                    piece.x = new double[piece.rows * n];
                    for (int k = 0; k < piece.rows; k++) {
                        System.arraycopy(b.doubles(), rows[k] * n, piece.x, k * n, n);
                    }
                }
                for (int k = 0; k < piece.rows; k++) {
                    piece.y[k] = classOf[b.labels()[rows[k]]];
                }
                ready.add(new Tuple2<>(target, piece));
            }
        }
    }

    /**
     * The reduce side: places each arriving piece's rows at their positions in target partition t's blocks
     * (allocating a block when its first row arrives) and hands out each block, in order, once all its rows are
     * there. With pieces in input order only the block being filled is held; in any order the result is the same.
     */
    private static final class Assembler implements Iterator<Block> {
        private final int t;
        private final Iterator<Piece> pieces;
        private final Target target;
        private final int rows;
        private final int blockCount;
        private final double[] shift;
        private final double[] factor;
        private final double[][] x64;
        private final float[][] x32;
        private final int[][] y;
        private final int[] filled;
        private int next;

        Assembler(int t, Iterator<Piece> pieces, Target target, long total, Scaling scaling) {
            this.t = t;
            this.pieces = pieces;
            this.target = target;
            this.rows = (int) (target.start(t + 1, total) - target.start(t, total));
            int r = target.rowsPerBlock();
            this.blockCount = (rows + r - 1) / r;
            this.shift = scaling.shift();
            this.factor = scaling.factor();
            this.x64 = target.precision() == Precision.FLOAT64 ? new double[blockCount][] : null;
            this.x32 = target.precision() == Precision.FLOAT32 ? new float[blockCount][] : null;
            this.y = new int[blockCount][];
            this.filled = new int[blockCount];
        }

        private int rowsOf(int b) {
            return Math.min(target.rowsPerBlock(), rows - b * target.rowsPerBlock());
        }

        @Override
        public boolean hasNext() {
            if (next < blockCount) {
                return true;
            }
            if (pieces.hasNext()) {
                throw new IllegalStateException("partition " + t + " received rows beyond its " + rows);
            }
            return false;
        }

        @Override
        public Block next() {
            if (next >= blockCount) {
                throw new java.util.NoSuchElementException();
            }
            int b = next;
            while (filled[b] < rowsOf(b)) {
                if (!pieces.hasNext()) {
                    throw new IllegalStateException("partition " + t + " received " + filled[b] + " of the "
                            + rowsOf(b) + " rows of its block " + b);
                }
                place(pieces.next());
            }
            Block block = x64 != null ? new Block(t, target.features(), rowsOf(b), x64[b], y[b])
                    : new Block(t, target.features(), rowsOf(b), x32[b], y[b]);
            if (x64 != null) {
                x64[b] = null;
            } else {
                x32[b] = null;
            }
            y[b] = null;
            next++;
            return block;
        }

        private void place(Piece piece) {
            int per = target.rowsPerBlock();
            int n = target.features();
            for (int k = 0; k < piece.rows; k++) {
                int position = piece.start + k;
                int b = position / per;
                int i = position % per;
                if (b < next || b >= blockCount) {
                    throw new IllegalStateException("partition " + t + " received row " + position + " twice or"
                            + " beyond its " + rows);
                }
                if (y[b] == null) {
                    int m = rowsOf(b);
                    y[b] = new int[m];
                    if (x64 != null) {
                        x64[b] = new double[m * n];
                    } else {
                        x32[b] = new float[m * n];
                    }
                }
                piece.scaleRow(k, shift, factor, x64 != null ? x64[b] : null, x32 != null ? x32[b] : null, i * n);
                y[b][i] = piece.y[k];
                filled[b]++;
            }
        }
    }

    /**
     * A partition's rows in input order as bounded blocks, for a model: full blocks of {@code rowsPerBlock}
     * rows, then the rest (trimmed). Labels are mapped through the model's classes when {@code index} is given.
     */
    private static final class InOrder implements Iterator<Block> {
        private final int p;
        private final Iterator<RawBlock> raw;
        private final Target target;
        private final double[] shift;
        private final double[] factor;
        private final Map<String, Integer> index;
        private final List<String> classes;
        private RawBlock current;
        private int[] local;
        private int row;

        InOrder(int p, Iterator<RawBlock> raw, Target target, Scaling scaling, Map<String, Integer> index,
                List<String> classes) {
            this.p = p;
            this.raw = raw;
            this.target = target;
            this.shift = scaling.shift();
            this.factor = scaling.factor();
            this.index = index;
            this.classes = classes;
        }

        @Override
        public boolean hasNext() {
            while (current == null || row == current.rows()) {
                if (!raw.hasNext()) {
                    return false;
                }
                current = raw.next();
                local = index == null ? null : localToClass(current.labelNames(), index);
                row = 0;
            }
            return true;
        }

        @Override
        public Block next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            int n = target.features();
            int capacity = target.rowsPerBlock();
            double[] x = new double[capacity * n];
            int[] y = new int[capacity];
            int rows = 0;
            while (rows < capacity && hasNext()) {
                RawBlock b = current;
                if (local != null) {
                    int c = local[b.labels()[row]];
                    if (c < 0) {
                        throw unknownLabel(b, row, classes);
                    }
                    y[rows] = c;
                }
                int at = rows * n;
                b.copyRow(row, x, at);
                for (int f = 0; f < n; f++) {
                    x[at + f] = (x[at + f] - shift[f]) * factor[f];
                }
                rows++;
                row++;
            }
            if (rows < capacity) {
                x = Arrays.copyOf(x, rows * n);
                y = Arrays.copyOf(y, rows);
            }
            return new Block(p, n, rows, x, y);
        }
    }

    /** Sends key k to partition k: for keys that already are partition numbers (pieces, groups of sums). */
    public static final class ExactPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int partitions;

        public ExactPartitioner(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ExactPartitioner e && e.partitions == partitions;
        }

        @Override
        public int hashCode() {
            return partitions;
        }
    }
}
