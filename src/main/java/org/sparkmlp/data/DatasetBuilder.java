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
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.sparkmlp.nn.Scaling;
import scala.Tuple2;

/**
 * Turns raw blocks into the cached training, validation and test sets.
 *
 * <ol>
 *   <li>Only the labels of every row come to the driver (4 bytes a row, once), with each partition's own
 *       label names; the class list is their sorted union (numeric order when every label is an integer).</li>
 *   <li>The split is stratified and seeded: within each class the rows are shuffled from the seed, the first
 *       round(f_test·n_c) go to test, the next round(f_val·n_c) to validation, the rest to training.</li>
 *   <li>A scaling of kind minmax or standard is fitted on the training rows alone.</li>
 *   <li>Each set's rows, in their original order, are cut into {@code partitions} equal ranges; every input
 *       partition sends packed pieces of its rows (never row objects) through one shuffle, and each target
 *       partition concatenates its pieces in input-partition order, scales them and caches one block. The
 *       order fixes the bits; the shuffle also ends the lineage, so no later job re-ships input data.</li>
 * </ol>
 */
public final class DatasetBuilder {
    static final byte TRAIN = 0;
    static final byte VALIDATION = 1;
    static final byte TEST = 2;
    private static final String[] SET_NAMES = {"training", "validation", "test"};

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
     */
    public static Dataset build(JavaSparkContext sc, JavaRDD<RawBlock> data, JavaRDD<RawBlock> separateTest,
                                int partitions, Split split, List<String> classes, Scaling scaling,
                                Scaling.Kind scalingKind, String description) {
        if (separateTest != null && split.testFraction() > 0.0) {
            throw new IllegalArgumentException("a separate test set is given, so the test fraction must be 0");
        }
        data.persist(StorageLevel.MEMORY_AND_DISK());
        Census[] census = census(data);
        Census[] testCensus = null;
        if (separateTest != null) {
            separateTest.persist(StorageLevel.MEMORY_AND_DISK());
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
        if (perPartition * features > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a partition of " + perPartition + " rows × " + features
                    + " features exceeds 2^31 numbers: use at least "
                    + (total(offsets[TRAIN]) * features / (Integer.MAX_VALUE - 8) + 1) + " --partitions");
        }
        // Broadcast once (not captured): the assignment has a byte per row and would otherwise ride in every task.
        Broadcast<byte[][]> sets = sc.broadcast(assignment);
        Broadcast<int[][]> classIndex = sc.broadcast(toClass);
        Scaling fitted = scaling != null ? scaling : fit(data, sets, features, scalingKind);
        JavaRDD<Block> train = pack(data, sets, classIndex, offsets[TRAIN], TRAIN, partitions, fitted);
        JavaRDD<Block> validation = pack(data, sets, classIndex, offsets[VALIDATION], VALIDATION, partitions, fitted);
        JavaRDD<Block> test;
        long testRows;
        if (separateTest != null) {
            int[][] testToClass = classIndices(testCensus, classList);
            byte[][] allTest = new byte[testCensus.length][];
            for (int p = 0; p < allTest.length; p++) {
                allTest[p] = new byte[testCensus[p].labels.length];
                Arrays.fill(allTest[p], TEST);
            }
            long[][] testOffsets = offsets(testCensus, allTest);
            test = pack(separateTest, sc.broadcast(allTest), sc.broadcast(testToClass), testOffsets[TEST], TEST,
                    partitions, fitted);
            testRows = total(testOffsets[TEST]);
        } else {
            test = pack(data, sets, classIndex, offsets[TEST], TEST, partitions, fitted);
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
     * Packs rows for evaluate and predict: every row in its original order and partitioning, labels mapped to
     * the model's classes (an unknown label is an error naming its record), the model's scaling applied.
     */
    public static JavaRDD<Block> forModel(JavaRDD<RawBlock> data, List<String> classes, Scaling scaling,
                                          boolean labelled) {
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            index.put(classes.get(i), i);
        }
        return data.mapPartitionsWithIndex((p, it) -> {
            if (!it.hasNext()) {
                return java.util.Collections.emptyIterator();
            }
            RawBlock b = it.next();
            int[] y = new int[b.rows()];
            if (labelled) {
                int[] local = localToClass(b.labelNames(), index);
                for (int r = 0; r < b.rows(); r++) {
                    int c = local[b.labels()[r]];
                    if (c < 0) {
                        throw unknownLabel(b, r, classes);
                    }
                    y[r] = c;
                }
            }
            double[] x = b.x().clone();
            scaling.applyInPlace(x, b.rows());
            return List.of(new Block(p, b.features(), b.rows(), x, y)).iterator();
        }, true);
    }

    /** What the driver learns of one input partition: its label names and each row's label among them. */
    static final class Census implements Serializable {
        private static final long serialVersionUID = 1L;
        String source;
        int features;
        String[] names;
        int[] labels;
        /** The record of the first row carrying each name, for messages. */
        String[] firstRecord;

        Census() {
        }
    }

    private static Census[] census(JavaRDD<RawBlock> data) {
        List<Census> list = data.map(b -> {
            Census c = new Census();
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
            return c;
        }).collect();
        return list.toArray(new Census[0]);
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

    /** The seeded stratified assignment of every row to a set. */
    static byte[][] stratify(Census[] census, int[][] toClass, int classCount, Split split) {
        long[] perClass = new long[classCount];
        for (int p = 0; p < census.length; p++) {
            for (int id : census[p].labels) {
                perClass[toClass[p][id]]++;
            }
        }
        // Rows of each class, as (partition << 32 | row), in input order; then a seeded Fisher–Yates shuffle.
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

    /** offsets[set][p] = rows of that set in partitions before p; offsets[set][P] = the set's total. */
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

    private static Scaling fit(JavaRDD<RawBlock> data, Broadcast<byte[][]> sets, int features,
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
            RawBlock b = it.next();
            byte[] mine = sets.value()[p];
            FeatureStats s = new FeatureStats(b.features());
            for (int r = 0; r < b.rows(); r++) {
                if (mine[r] == TRAIN) {
                    s.add(b.x(), r);
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

    /** One set's rows, moved as packed pieces into {@code partitions} cached blocks. */
    private static JavaRDD<Block> pack(JavaRDD<RawBlock> data, Broadcast<byte[][]> sets,
                                       Broadcast<int[][]> classes, long[] offsets, byte set, int partitions, Scaling scaling) {
        long total = offsets[offsets.length - 1];
        if (total == 0) {
            return null;
        }
        JavaRDD<Tuple2<Integer, Block>> pieces = data.mapPartitionsWithIndex(
                (p, it) -> cut(it.next(), p, sets.value()[p], classes.value()[p], set, offsets[p], total, partitions),
                true);
        JavaRDD<Block> blocks = JavaPairRDD.fromJavaRDD(pieces)
                .partitionBy(new ExactPartitioner(partitions))
                .values()
                .mapPartitionsWithIndex((t, it) -> List.of(concatenate(t, it, scaling)).iterator(), true);
        blocks.setName(SET_NAMES[set] + " blocks").persist(StorageLevel.MEMORY_AND_DISK());
        blocks.count();
        return blocks;
    }

    /** Splits partition p's rows of one set into pieces by target partition: global row g goes to g·P/N. */
    private static Iterator<Tuple2<Integer, Block>> cut(RawBlock b, int p, byte[] sets, int[] toClass, byte set,
                                                        long offset, long total, int partitions) {
        int n = b.features();
        List<Tuple2<Integer, Block>> out = new ArrayList<>();
        int r = 0;
        long g = offset;
        while (r < b.rows()) {
            if (sets[r] != set) {
                r++;
                continue;
            }
            int target = (int) (g * partitions / total);
            long targetEnd = ((long) (target + 1) * total + partitions - 1) / partitions;
            // Rows of this set from r on, until the target's range of global indices is full.
            int count = 0;
            int[] rows = new int[(int) Math.min(b.rows() - r, targetEnd - g)];
            while (r < b.rows() && g < targetEnd) {
                if (sets[r] == set) {
                    rows[count++] = r;
                    g++;
                }
                r++;
            }
            double[] x = new double[count * n];
            int[] y = new int[count];
            for (int k = 0; k < count; k++) {
                System.arraycopy(b.x(), rows[k] * n, x, k * n, n);
                y[k] = toClass[b.labels()[rows[k]]];
            }
            out.add(new Tuple2<>(target, new Block(p, n, count, x, y)));
        }
        return out.iterator();
    }

    private static Block concatenate(int target, Iterator<Block> pieces, Scaling scaling) {
        List<Block> list = new ArrayList<>();
        pieces.forEachRemaining(list::add);
        list.sort(Comparator.comparingInt(Block::index));
        int rows = 0;
        int features = list.isEmpty() ? scaling.features() : list.get(0).features();
        for (Block piece : list) {
            rows += piece.rows();
        }
        double[] x = new double[rows * features];
        int[] y = new int[rows];
        int at = 0;
        for (Block piece : list) {
            System.arraycopy(piece.x(), 0, x, at * features, piece.rows() * features);
            System.arraycopy(piece.y(), 0, y, at, piece.rows());
            at += piece.rows();
        }
        scaling.applyInPlace(x, rows);
        return new Block(target, features, rows, x, y);
    }

    /** Sends key k to partition k: the pieces already know their target. */
    static final class ExactPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int partitions;

        ExactPartitioner(int partitions) {
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
