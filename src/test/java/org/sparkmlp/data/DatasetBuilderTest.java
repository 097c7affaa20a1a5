package org.sparkmlp.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.testing.SparkTests;
import scala.Tuple2;

/** The stratified, seeded split into cached blocks, the fitted scalings, and the packing for a model. */
class DatasetBuilderTest {
    /** Rows per class, in the order the class appears in {@link #CLASS_ORDER}. */
    private static final String[] LABELS = {"2", "10", "7"};
    private static final int[] COUNTS = {101, 61, 43};
    private static final int N = 205;
    /** Numeric order of the labels: "2" < "7" < "10" (text order would put "10" first). */
    private static final List<String> CLASS_ORDER = List.of("2", "7", "10");
    private static final int FEATURES = 3;

    private static JavaSparkContext sc;
    @TempDir
    static Path dir;
    /** Row i of the generated file: id i, two inputs, and its label. */
    private static double[][] inputs;
    private static String[] labelOf;
    private static Path csv;

    @BeforeAll
    static void start() throws IOException {
        sc = SparkTests.start("local[2]");
        // Labels in a seeded shuffled order, so every input partition holds every class.
        List<String> labels = new ArrayList<>();
        for (int c = 0; c < LABELS.length; c++) {
            for (int i = 0; i < COUNTS[c]; i++) {
                labels.add(LABELS[c]);
            }
        }
        SplittableRandom random = new SplittableRandom(20240611L);
        for (int i = labels.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String t = labels.get(i);
            labels.set(i, labels.get(j));
            labels.set(j, t);
        }
        inputs = new double[N][];
        labelOf = labels.toArray(new String[0]);
        StringBuilder text = new StringBuilder("id,a,b,label\n");
        for (int i = 0; i < N; i++) {
            double a = random.nextInt(-5000, 5000) / 1000.0;
            double b = random.nextInt(0, 8000) / 8.0;
            inputs[i] = new double[] {i, a, b};
            text.append(i).append(',').append(a).append(',').append(b).append(',').append(labelOf[i]).append('\n');
        }
        csv = dir.resolve("classes.csv");
        Files.writeString(csv, text.toString());
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    /** A row of a built set: its inputs as packed and its class index. */
    record SetRow(double[] x, int y) {
        int id() {
            return (int) x[0];
        }
    }

    private static JavaRDD<RawBlock> raw(Path file, int partitions) {
        DataSource source = new DataSource(file.toString(), DataSource.Format.CSV, LabelColumn.LAST,
                CsvReader.Header.AUTO);
        return source.loadForTraining(sc, partitions, false).data();
    }

    private static CachedSets build(double validation, double test, long seed, int partitions, Scaling.Kind kind) {
        return DatasetBuilder.build(sc, raw(csv, 3), null,
                new BuildOptions(partitions, new DatasetBuilder.Split(validation, test, seed), Precision.FLOAT64,
                        null, null, kind, "test", 0));
    }

    private static List<SetRow> rows(JavaRDD<Block> set) {
        List<SetRow> out = new ArrayList<>();
        if (set == null) {
            return out;
        }
        for (Block b : set.collect()) {
            int n = b.features();
            for (int r = 0; r < b.rows(); r++) {
                double[] x = new double[n];
                System.arraycopy(b.x(), r * n, x, 0, n);
                out.add(new SetRow(x, b.y()[r]));
            }
        }
        return out;
    }

    private static List<Integer> ids(List<SetRow> rows) {
        return rows.stream().map(SetRow::id).toList();
    }

    private static int[] perClass(List<SetRow> rows, int classes) {
        int[] counts = new int[classes];
        for (SetRow r : rows) {
            counts[r.y()]++;
        }
        return counts;
    }

    /** Rows of a contiguous equal cut of n rows into p parts: row g goes to part floor(g·p/n). */
    private static int[] equalCut(int n, int p) {
        int[] sizes = new int[p];
        for (int g = 0; g < n; g++) {
            sizes[(int) ((long) g * p / n)]++;
        }
        return sizes;
    }

    @Test
    void aFullBlockFitsTheRegionsOfItsSize() {
        long region = 16L << 20; // -XX:G1HeapRegionSize=16m, as submit/spark-jvm-options.sh sets it
        long header = 16; // a primitive array's header on a 64-bit JVM
        for (int features : new int[] {1, 4, 8, 64, 784, 3000}) {
            long values = (long) Block.rowsFor(features) * features;
            assertTrue(values * Float.BYTES + header <= region, features + " features: floats");
            assertTrue(values * Double.BYTES + header <= 2 * region, features + " features: doubles");
        }
    }

    @Test
    void integerClassesAreSortedNumerically() {
        CachedSets d = build(0.1, 0.2, 42, 2, Scaling.Kind.NONE);
        assertEquals(CLASS_ORDER, d.classes());
        assertEquals(FEATURES, d.features());
    }

    @Test
    void splitIsStratifiedAndExactPerClass() {
        CachedSets d = build(0.1, 0.2, 42, 4, Scaling.Kind.NONE);
        // Classes 2, 7, 10 have 101, 43, 61 rows. Test: round(0.2·n) = 20, 9, 12 (20.2, 8.6, 12.2);
        // validation: round(0.1·n) = 10, 4, 6 (10.1, 4.3, 6.1); training: the rest.
        assertArrayEquals(new int[] {20, 9, 12}, perClass(rows(d.test()), 3), "test rows per class");
        assertArrayEquals(new int[] {10, 4, 6}, perClass(rows(d.validation()), 3), "validation rows per class");
        assertArrayEquals(new int[] {71, 30, 43}, perClass(rows(d.train()), 3), "training rows per class");
        assertEquals(41, d.testRows());
        assertEquals(20, d.validationRows());
        assertEquals(144, d.trainRows());
    }

    @Test
    void theRowsAreReadTwiceOrThreeTimesWithAFittedScaling() {
        // Census and packing read every row once; a fitted scaling reads them once more. A given or fixed
        // scaling does not.
        assertEquals(2.0, build(0.1, 0.2, 42, 2, Scaling.Kind.NONE).preparation().inputPasses(), 0.0);
        Preparation fitted = build(0.1, 0.2, 42, 2, Scaling.Kind.STANDARD).preparation();
        assertEquals(3.0, fitted.inputPasses(), 0.0);
        assertTrue(fitted.seconds() > 0, "seconds " + fitted.seconds());
        assertTrue(fitted.driverHeapBytes() > 0 && fitted.driverHeapBytes() <= Runtime.getRuntime().maxMemory());
    }

    @Test
    void splitRoundsHalvesUpAndTakesValidationAsAFractionOfTheWholeClass() {
        // Class sizes 101, 43, 61. Test round(0.5·n) = 51, 22, 31 (50.5, 21.5 and 30.5 round up);
        // validation round(0.45·n) = 45, 19, 27 (45.45, 19.35, 27.45), a fraction of the whole class, not of
        // the 50, 21, 30 rows left after test (which would give 23, 9, 14).
        CachedSets d = build(0.45, 0.5, 3, 2, Scaling.Kind.NONE);
        assertArrayEquals(new int[] {51, 22, 31}, perClass(rows(d.test()), 3));
        assertArrayEquals(new int[] {45, 19, 27}, perClass(rows(d.validation()), 3));
        assertArrayEquals(new int[] {5, 2, 3}, perClass(rows(d.train()), 3));
    }

    @Test
    void everyRowLandsInExactlyOneSetWithItsInputsAndClass() {
        CachedSets d = build(0.1, 0.2, 42, 4, Scaling.Kind.NONE);
        List<SetRow> all = new ArrayList<>();
        all.addAll(rows(d.train()));
        all.addAll(rows(d.validation()));
        all.addAll(rows(d.test()));
        assertEquals(N, all.size());
        Set<Integer> seen = new HashSet<>();
        for (SetRow r : all) {
            assertTrue(seen.add(r.id()), "row " + r.id() + " is in more than one set");
            assertArrayEquals(inputs[r.id()], r.x(), "inputs of row " + r.id());
            assertEquals(CLASS_ORDER.indexOf(labelOf[r.id()]), r.y(), "class of row " + r.id());
        }
        assertEquals(N, seen.size());
    }

    @Test
    void sameSeedGivesIdenticalSetsAndAnotherSeedAnotherAssignment() {
        CachedSets a = build(0.1, 0.2, 42, 3, Scaling.Kind.NONE);
        CachedSets b = build(0.1, 0.2, 42, 3, Scaling.Kind.NONE);
        CachedSets c = build(0.1, 0.2, 43, 3, Scaling.Kind.NONE);
        for (String set : List.of("train", "validation", "test")) {
            List<SetRow> ra = rows(set(a, set));
            List<SetRow> rb = rows(set(b, set));
            assertEquals(ids(ra), ids(rb), set);
            for (int i = 0; i < ra.size(); i++) {
                assertArrayEquals(ra.get(i).x(), rb.get(i).x());
                assertEquals(ra.get(i).y(), rb.get(i).y());
            }
        }
        assertNotEquals(new HashSet<>(ids(rows(a.test()))), new HashSet<>(ids(rows(c.test()))));
        assertNotEquals(new HashSet<>(ids(rows(a.validation()))), new HashSet<>(ids(rows(c.validation()))));
        // Another seed still gives exact per-class counts.
        assertArrayEquals(new int[] {20, 9, 12}, perClass(rows(c.test()), 3));
    }

    @Test
    void assignmentDoesNotDependOnInputOrOutputPartitioning() {
        CachedSets a = DatasetBuilder.build(sc, raw(csv, 1), null,
                new BuildOptions(2, new DatasetBuilder.Split(0.1, 0.2, 42), Precision.FLOAT64,
                        null, null, Scaling.Kind.NONE, "one input partition", 0));
        CachedSets b = DatasetBuilder.build(sc, raw(csv, 4), null,
                new BuildOptions(5, new DatasetBuilder.Split(0.1, 0.2, 42), Precision.FLOAT64,
                        null, null, Scaling.Kind.NONE, "four input partitions", 0));
        for (String set : List.of("train", "validation", "test")) {
            assertEquals(ids(rows(set(a, set))), ids(rows(set(b, set))), set);
        }
    }

    private static JavaRDD<Block> set(CachedSets d, String name) {
        return switch (name) {
            case "train" -> d.train();
            case "validation" -> d.validation();
            default -> d.test();
        };
    }

    /** Each partition's blocks in order, the partition as Spark numbers it (not as the blocks say). */
    private static List<List<Block>> byPartition(JavaRDD<Block> set) {
        List<Tuple2<Integer, Block>> tagged = set.mapPartitionsWithIndex((p, it) -> {
            List<Tuple2<Integer, Block>> out = new ArrayList<>();
            it.forEachRemaining(b -> out.add(new Tuple2<>(p, b)));
            return out.iterator();
        }, true).collect();
        List<List<Block>> parts = new ArrayList<>();
        for (int p = 0; p < set.getNumPartitions(); p++) {
            parts.add(new ArrayList<>());
        }
        for (Tuple2<Integer, Block> t : tagged) {
            parts.get(t._1()).add(t._2());
        }
        return parts;
    }

    /**
     * The list-of-blocks contract: every block carries its partition's index and at least one row, every block
     * but a partition's last holds exactly {@code rowsPerBlock} rows, all in one precision. Returns each
     * partition's row count.
     */
    private static int[] assertBounded(JavaRDD<Block> set, int rowsPerBlock, Precision precision, String name) {
        List<List<Block>> parts = byPartition(set);
        int[] rows = new int[parts.size()];
        for (int t = 0; t < parts.size(); t++) {
            List<Block> blocks = parts.get(t);
            for (int b = 0; b < blocks.size(); b++) {
                Block block = blocks.get(b);
                assertEquals(t, block.index(), name + " block index");
                assertEquals(FEATURES, block.features());
                assertEquals(precision, block.precision(), name + " precision");
                assertTrue(block.rows() >= 1, name + ": no empty blocks");
                if (b < blocks.size() - 1) {
                    assertEquals(rowsPerBlock, block.rows(), name + " partition " + t + " block " + b + " is full");
                } else {
                    assertTrue(block.rows() <= rowsPerBlock, name + " partition " + t + " last block is bounded");
                }
                rows[t] += block.rows();
            }
        }
        return rows;
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 4, 7, 32})
    void eachSetIsCutIntoTheRequestedPartitionsInInputOrder(int partitions) {
        CachedSets d = build(0.1, 0.2, 42, partitions, Scaling.Kind.NONE);
        long[] totals = {d.trainRows(), d.validationRows(), d.testRows()};
        String[] names = {"train", "validation", "test"};
        for (int s = 0; s < 3; s++) {
            JavaRDD<Block> set = set(d, names[s]);
            assertEquals(partitions, set.getNumPartitions(), names[s]);
            int[] rows = assertBounded(set, Block.rowsFor(FEATURES), Precision.FLOAT64, names[s]);
            assertArrayEquals(equalCut((int) totals[s], partitions), rows, names[s] + " rows per partition");
            int previousId = -1;
            for (SetRow r : rows(set)) {
                assertTrue(r.id() > previousId, names[s] + ": rows keep their input order");
                previousId = r.id();
            }
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (int n : rows) {
                min = Math.min(min, n);
                max = Math.max(max, n);
            }
            assertTrue(max - min <= 1, names[s] + " sizes " + min + ".." + max);
        }
    }

    private static JavaRDD<RawBlock> rawInBlocksOf(Path file, int partitions, int rowsPerBlock) {
        CsvReader.Layout layout = CsvReader.layout(sc, file.toString(), CsvReader.Header.AUTO);
        return CsvReader.read(sc, layout, LabelColumn.LAST, CsvReader.Header.AUTO, layout.width() - 1, partitions,
                rowsPerBlock);
    }

    /** Every row's input bits and class of a set, in order. */
    private static List<String> bits(JavaRDD<Block> set) {
        List<String> out = new ArrayList<>();
        for (SetRow r : rows(set)) {
            StringBuilder b = new StringBuilder();
            for (double v : r.x()) {
                b.append(Long.toHexString(Double.doubleToRawLongBits(v))).append(' ');
            }
            out.add(b.append(": ").append(r.y()).toString());
        }
        return out;
    }

    @ParameterizedTest(name = "{0} rows per block")
    @ValueSource(ints = {1, 7, 50})
    void boundedBlocksHoldTheSameRowsInTheSameOrderAsOneBlockPerPartition(int rowsPerBlock) {
        // Reference: the default bound, far above these partitions' sizes, so each partition is one block.
        CachedSets whole = DatasetBuilder.build(sc, raw(csv, 3), null,
                new BuildOptions(3, new DatasetBuilder.Split(0.1, 0.2, 42), Precision.FLOAT64,
                        null, null, Scaling.Kind.STANDARD, "whole", 0));
        // Bounded raw blocks (several per input partition) and bounded cached blocks (several per partition).
        CachedSets bounded = DatasetBuilder.build(sc, rawInBlocksOf(csv, 3, 4), null,
                new BuildOptions(3, new DatasetBuilder.Split(0.1, 0.2, 42), Precision.FLOAT64,
                        null, null, Scaling.Kind.STANDARD, "bounded", rowsPerBlock));
        assertEquals(whole.scaling(), bounded.scaling(), "the scaling is fitted to the same bits");
        for (String name : List.of("train", "validation", "test")) {
            int[] expected = assertBounded(set(whole, name), Block.rowsFor(FEATURES), Precision.FLOAT64, name);
            assertArrayEquals(expected, assertBounded(set(bounded, name), rowsPerBlock, Precision.FLOAT64, name));
            assertEquals(bits(set(whole, name)), bits(set(bounded, name)), name);
        }
        int partitionsWithSeveralBlocks = 0;
        for (List<Block> blocks : byPartition(bounded.train())) {
            partitionsWithSeveralBlocks += blocks.size() > 1 ? 1 : 0;
        }
        assertTrue(rowsPerBlock > 48 || partitionsWithSeveralBlocks == 3, "several blocks per partition");
    }

    @Test
    void float32BlocksHoldTheFloatOfEveryScaledDouble() {
        for (Scaling.Kind kind : List.of(Scaling.Kind.STANDARD, Scaling.Kind.NONE)) {
            CachedSets doubles = DatasetBuilder.build(sc, raw(csv, 3), null,
                    new BuildOptions(4, new DatasetBuilder.Split(0.1, 0.2, 42), Precision.FLOAT64,
                            null, null, kind, "float64", 0));
            CachedSets floats = DatasetBuilder.build(sc, rawInBlocksOf(csv, 3, 9), null,
                    new BuildOptions(4, new DatasetBuilder.Split(0.1, 0.2, 42), Precision.FLOAT32,
                            null, null, kind, "float32", 6));
            assertEquals(doubles.scaling(), floats.scaling());
            for (String name : List.of("train", "validation", "test")) {
                assertBounded(set(floats, name), 6, Precision.FLOAT32, name);
                List<Block> expected = set(doubles, name).collect();
                List<Block> got = set(floats, name).collect();
                int e = 0;
                int row = 0;
                int rows = 0;
                for (Block b : got) {
                    assertNull(b.x(), "a float block holds no doubles");
                    for (int r = 0; r < b.rows(); r++, row++, rows++) {
                        while (row == expected.get(e).rows()) {
                            e++;
                            row = 0;
                        }
                        Block reference = expected.get(e);
                        assertEquals(reference.y()[row], b.y()[r], name + " class of row " + rows);
                        for (int f = 0; f < FEATURES; f++) {
                            float want = (float) reference.x()[row * FEATURES + f];
                            float have = b.xFloat()[r * FEATURES + f];
                            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(have),
                                    kind + " " + name + " row " + rows + " feature " + f + ": " + want + " vs " + have);
                        }
                    }
                }
                assertEquals(set(doubles, name).map(Block::rows).reduce(Integer::sum), rows, name + " rows");
            }
        }
    }

    @Test
    void emptySetIsNull() {
        CachedSets d = build(0.25, 0.0, 1, 2, Scaling.Kind.NONE);
        assertNull(d.test());
        assertEquals(0, d.testRows());
        assertNotNull(d.validation());
        assertEquals(N, d.trainRows() + d.validationRows());
    }

    @Test
    void textClassesAreSortedAsText() throws IOException {
        Path file = dir.resolve("animals.csv");
        Files.writeString(file, "1,dog\n2,cat\n3,ant\n4,dog\n5,cat\n6,ant\n7,dog\n8,cat\n");
        CachedSets d = DatasetBuilder.build(sc, raw(file, 2), null,
                new BuildOptions(2, new DatasetBuilder.Split(0, 0, 1), Precision.FLOAT64,
                        null, null, Scaling.Kind.NONE, "animals", 0));
        assertEquals(List.of("ant", "cat", "dog"), d.classes());
        for (SetRow r : rows(d.train())) {
            int id = (int) r.x()[0];
            assertEquals(List.of("ant", "dog", "cat").get(id % 3), d.classes().get(r.y()), "class of " + id);
        }
    }

    @Test
    void mixedClassesAreSortedAsTextAndSignedIntegersNumerically() throws IOException {
        Path mixed = dir.resolve("mixed.csv");
        Files.writeString(mixed, "1,10\n2,9\n3,b\n4,10\n5,9\n6,b\n");
        CachedSets m = DatasetBuilder.build(sc, raw(mixed, 1), null,
                new BuildOptions(1, new DatasetBuilder.Split(0, 0, 1), Precision.FLOAT64,
                        null, null, Scaling.Kind.NONE, "mixed", 0));
        assertEquals(List.of("10", "9", "b"), m.classes());

        Path signed = dir.resolve("signed.csv");
        Files.writeString(signed, "1,12\n2,-3\n3,5\n4,12\n5,-3\n6,5\n");
        CachedSets s = DatasetBuilder.build(sc, raw(signed, 1), null,
                new BuildOptions(1, new DatasetBuilder.Split(0, 0, 1), Precision.FLOAT64,
                        null, null, Scaling.Kind.NONE, "signed", 0));
        assertEquals(List.of("-3", "5", "12"), s.classes());
    }

    @Test
    void oneClassIsNotEnough() throws IOException {
        Path file = dir.resolve("single.csv");
        Files.writeString(file, "1,a\n2,a\n3,a\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetBuilder.build(sc, raw(file, 1),
                null,
                new BuildOptions(1, new DatasetBuilder.Split(0, 0, 1), Precision.FLOAT64,
                        null, null, Scaling.Kind.NONE, "single", 0)));
        assertTrue(e.getMessage().contains("single.csv"), e.getMessage());
        assertTrue(e.getMessage().contains("1 class(es)"), e.getMessage());
    }

    /** Per-feature minimum and maximum of rows. */
    private static double[][] minMax(List<SetRow> rows) {
        double[] min = new double[FEATURES];
        double[] max = new double[FEATURES];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (SetRow r : rows) {
            for (int i = 0; i < FEATURES; i++) {
                min[i] = Math.min(min[i], r.x()[i]);
                max[i] = Math.max(max[i], r.x()[i]);
            }
        }
        return new double[][] {min, max};
    }

    @Test
    void minmaxIsFittedOnTrainingRowsOnly() {
        CachedSets plain = build(0.2, 0.3, 42, 3, Scaling.Kind.NONE);
        CachedSets scaled = build(0.2, 0.3, 42, 3, Scaling.Kind.MINMAX);
        List<SetRow> train = rows(plain.train());
        double[][] trainRange = minMax(train);
        List<SetRow> all = new ArrayList<>(train);
        all.addAll(rows(plain.validation()));
        all.addAll(rows(plain.test()));
        double[][] allRange = minMax(all);
        // The check below only discriminates if held-out rows reach beyond the training range.
        assertTrue(!java.util.Arrays.equals(trainRange[0], allRange[0])
                || !java.util.Arrays.equals(trainRange[1], allRange[1]), "held-out rows widen the range");

        Scaling s = scaled.scaling();
        assertEquals(Scaling.Kind.MINMAX, s.kind());
        assertArrayEquals(trainRange[0], s.shift(), "shift is the training minimum");
        for (int i = 0; i < FEATURES; i++) {
            assertEquals(1.0 / (trainRange[1][i] - trainRange[0][i]), s.factor()[i], 1e-15, "factor " + i);
        }
        for (String set : List.of("train", "validation", "test")) {
            List<SetRow> before = rows(set(plain, set));
            List<SetRow> after = rows(set(scaled, set));
            assertEquals(ids(before).size(), after.size());
            for (int k = 0; k < before.size(); k++) {
                for (int i = 0; i < FEATURES; i++) {
                    double expected = (before.get(k).x()[i] - trainRange[0][i])
                            / (trainRange[1][i] - trainRange[0][i]);
                    assertEquals(expected, after.get(k).x()[i], 1e-12, set + " row " + k + " feature " + i);
                }
                assertEquals(before.get(k).y(), after.get(k).y());
            }
        }
        double[][] scaledTrain = minMax(rows(scaled.train()));
        for (int i = 0; i < FEATURES; i++) {
            assertEquals(0.0, scaledTrain[0][i], 1e-12);
            assertEquals(1.0, scaledTrain[1][i], 1e-12);
        }
    }

    @Test
    void standardScalingGivesTrainingColumnsMeanZeroAndStdOne() {
        CachedSets plain = build(0.1, 0.2, 7, 3, Scaling.Kind.NONE);
        CachedSets scaled = build(0.1, 0.2, 7, 3, Scaling.Kind.STANDARD);
        List<SetRow> rawTrain = rows(plain.train());
        List<SetRow> train = rows(scaled.train());
        int n = train.size();
        assertEquals(rawTrain.size(), n);
        Scaling s = scaled.scaling();
        assertEquals(Scaling.Kind.STANDARD, s.kind());
        for (int i = 0; i < FEATURES; i++) {
            double rawSum = 0;
            for (SetRow r : rawTrain) {
                rawSum += r.x()[i];
            }
            double rawMean = rawSum / n;
            assertEquals(rawMean, s.shift()[i], 1e-12 * Math.max(1, Math.abs(rawMean)), "shift is the training mean");

            double sum = 0;
            for (SetRow r : train) {
                sum += r.x()[i];
            }
            double mean = sum / n;
            double squares = 0;
            for (SetRow r : train) {
                squares += (r.x()[i] - mean) * (r.x()[i] - mean);
            }
            assertEquals(0.0, mean, 1e-9, "mean of feature " + i);
            assertEquals(1.0, Math.sqrt(squares / n), 1e-9, "population std of feature " + i);
        }
    }

    @Test
    void pixelScalingDividesBy255() throws IOException {
        Path file = dir.resolve("pixels.csv");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            text.append(i * 37 % 256).append(',').append(255 - i).append(',').append(i % 2).append('\n');
        }
        Files.writeString(file, text.toString());
        CachedSets d = DatasetBuilder.build(sc, raw(file, 2), null,
                new BuildOptions(2, new DatasetBuilder.Split(0.0, 0.0, 1), Precision.FLOAT64,
                        null, null, Scaling.Kind.PIXEL, "pixels", 0));
        assertEquals(Scaling.Kind.PIXEL, d.scaling().kind());
        List<SetRow> rows = rows(d.train());
        assertEquals(40, rows.size());
        for (int k = 0; k < 40; k++) {
            // With no held-out rows the training set is every row in input order.
            assertEquals(k * 37 % 256 / 255.0, rows.get(k).x()[0], 1e-15);
            assertEquals((255 - k) / 255.0, rows.get(k).x()[1], 1e-15);
            assertEquals(k % 2, rows.get(k).y());
        }
    }

    private static Path writeTestFile(String name, int rows, String extraLabel) throws IOException {
        Path file = dir.resolve(name);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            String label = extraLabel != null && i == rows - 2 ? extraLabel : LABELS[i % 3];
            text.append(1000 + i).append(',').append(i * 0.5).append(',').append(-i).append(',').append(label)
                    .append('\n');
        }
        Files.writeString(file, text.toString());
        return file;
    }

    @Test
    void separateTestSetIsTakenWholeAndInOrder() throws IOException {
        Path testFile = writeTestFile("separate.csv", 30, null);
        CachedSets d = DatasetBuilder.build(sc, raw(csv, 3), raw(testFile, 2),
                new BuildOptions(4, new DatasetBuilder.Split(0.15, 0.0, 5), Precision.FLOAT64,
                        null, null, Scaling.Kind.NONE, "separate", 0));
        List<SetRow> test = rows(d.test());
        assertEquals(30, d.testRows());
        assertEquals(30, test.size());
        assertEquals(4, d.test().getNumPartitions());
        for (int i = 0; i < 30; i++) {
            assertArrayEquals(new double[] {1000 + i, i * 0.5, -i}, test.get(i).x(), "test row " + i);
            assertEquals(CLASS_ORDER.indexOf(LABELS[i % 3]), test.get(i).y());
        }
        // The split data holds only training and validation: round(0.15·n) = 15, 6, 9 for 101, 43, 61 rows.
        assertArrayEquals(new int[] {15, 6, 9}, perClass(rows(d.validation()), 3));
        assertArrayEquals(new int[] {86, 37, 52}, perClass(rows(d.train()), 3));
        assertEquals(N, d.trainRows() + d.validationRows());
    }

    @Test
    void separateTestSetNeedsATestFractionOfZero() throws IOException {
        Path testFile = writeTestFile("separate-frac.csv", 6, null);
        assertThrows(IllegalArgumentException.class, () -> DatasetBuilder.build(sc, raw(csv, 2), raw(testFile, 1),
                new BuildOptions(2, new DatasetBuilder.Split(0.1, 0.1, 5), Precision.FLOAT64,
                        null, null, Scaling.Kind.NONE, "separate", 0)));
    }

    @Test
    void separateTestSetWithAnUnknownLabelIsRejectedNamingItsRecord() throws IOException {
        // Row 8 of 10 (line 9) carries a label the training data does not have.
        Path testFile = writeTestFile("separate-bad.csv", 10, "99");
        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetBuilder.build(sc, raw(csv, 2),
                raw(testFile, 1),
                new BuildOptions(2, new DatasetBuilder.Split(0.1, 0.0, 5), Precision.FLOAT64,
                        null, null, Scaling.Kind.NONE, "bad", 0)));
        assertTrue(e.getMessage().contains("separate-bad.csv: line 9: label '99'"), e.getMessage());
    }

    @Test
    void separateTestSetWithOtherWidthIsRejected() throws IOException {
        Path testFile = dir.resolve("narrow.csv");
        Files.writeString(testFile, "1,2,2\n3,4,7\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetBuilder.build(sc, raw(csv, 2),
                raw(testFile, 1),
                new BuildOptions(2, new DatasetBuilder.Split(0.1, 0.0, 5), Precision.FLOAT64,
                        null, null, Scaling.Kind.NONE, "bad", 0)));
        assertTrue(e.getMessage().contains("narrow.csv"), e.getMessage());
        assertTrue(e.getMessage().contains("2 input features but the training data has 3"), e.getMessage());
    }

    @Test
    void givenClassesFixTheClassIndices() {
        List<String> classes = List.of("10", "7", "2", "11");
        CachedSets d = DatasetBuilder.build(sc, raw(csv, 3), null,
                new BuildOptions(2, new DatasetBuilder.Split(0.1, 0.1, 9), Precision.FLOAT64,
                        classes, null, Scaling.Kind.NONE, "given", 0));
        assertEquals(classes, d.classes());
        List<SetRow> all = new ArrayList<>(rows(d.train()));
        all.addAll(rows(d.validation()));
        all.addAll(rows(d.test()));
        assertEquals(N, all.size());
        for (SetRow r : all) {
            assertEquals(classes.indexOf(labelOf[r.id()]), r.y(), "class of row " + r.id());
        }
    }

    @Test
    void labelsUnknownToGivenClassesAreRejectedNamingFileAndRecord() {
        int firstSeven = 0;
        while (!labelOf[firstSeven].equals("7")) {
            firstSeven++;
        }
        int line = firstSeven + 2; // a header line, then row i on line i + 2
        Exception e = assertThrows(Exception.class, () -> DatasetBuilder.build(sc, raw(csv, 3), null,
                new BuildOptions(2, new DatasetBuilder.Split(0.1, 0.1, 9), Precision.FLOAT64,
                        List.of("2", "10"), null, Scaling.Kind.NONE, "given", 0)));
        DataFormatException d = DataFormatException.findIn(e);
        assertNotNull(d, () -> "no DataFormatException in " + e);
        assertTrue(d.getMessage().contains("classes.csv: line " + line + ": label '7' is not one of"), d.getMessage());
    }

    @Test
    void givenScalingIsAppliedAsIs() {
        Scaling given = new Scaling(Scaling.Kind.STANDARD, new double[] {100, -1, 2}, new double[] {0.5, 2, 0.25});
        CachedSets d = DatasetBuilder.build(sc, raw(csv, 3), null,
                new BuildOptions(2, new DatasetBuilder.Split(0.0, 0.0, 9), Precision.FLOAT64,
                        null, given, Scaling.Kind.MINMAX, "given scaling", 0));
        assertSame(given, d.scaling());
        List<SetRow> train = rows(d.train());
        assertEquals(N, train.size());
        for (int k = 0; k < N; k++) {
            double[] x = train.get(k).x();
            assertEquals((k - 100) * 0.5, x[0], 1e-12);
            assertEquals((inputs[k][1] + 1) * 2, x[1], 1e-12);
            assertEquals((inputs[k][2] - 2) * 0.25, x[2], 1e-12);
        }
    }

    @Test
    void forModelKeepsRowsInInputOrderAndAppliesTheScaling() {
        JavaRDD<RawBlock> data = raw(csv, 3);
        int partitions = data.getNumPartitions();
        List<String> classes = List.of("7", "10", "2");
        Scaling scaling = new Scaling(Scaling.Kind.MINMAX, new double[] {10, 0.5, -4}, new double[] {0.1, 3, 0.125});
        JavaRDD<Block> blocks = DatasetBuilder.forModel(data, classes, scaling, true);
        assertEquals(partitions, blocks.getNumPartitions());
        List<Block> list = blocks.collect();
        assertEquals(partitions, list.size());
        int next = 0;
        for (int p = 0; p < list.size(); p++) {
            Block b = list.get(p);
            assertEquals(p, b.index());
            for (int r = 0; r < b.rows(); r++) {
                int k = next++;
                assertEquals((k - 10) * 0.1, b.x()[r * 3], 1e-12, "row " + k);
                assertEquals((inputs[k][1] - 0.5) * 3, b.x()[r * 3 + 1], 1e-12, "row " + k);
                assertEquals((inputs[k][2] + 4) * 0.125, b.x()[r * 3 + 2], 1e-12, "row " + k);
                assertEquals(classes.indexOf(labelOf[k]), b.y()[r], "class of row " + k);
            }
        }
        assertEquals(N, next);
    }

    @Test
    void forModelCutsEachPartitionIntoBoundedBlocksInInputOrder() {
        List<String> classes = List.of("7", "10", "2");
        Scaling scaling = new Scaling(Scaling.Kind.MINMAX, new double[] {10, 0.5, -4}, new double[] {0.1, 3, 0.125});
        JavaRDD<Block> whole = DatasetBuilder.forModel(raw(csv, 3), classes, scaling, true);
        JavaRDD<Block> bounded = DatasetBuilder.forModel(rawInBlocksOf(csv, 3, 4), classes, scaling, true, 5);
        assertArrayEquals(assertBounded(whole, Block.rowsFor(FEATURES), Precision.FLOAT64, "whole"),
                assertBounded(bounded, 5, Precision.FLOAT64, "bounded"));
        assertEquals(N, rows(bounded).size());
        assertEquals(bits(whole), bits(bounded));
    }

    @Test
    void forModelWithoutLabelsKeepsEveryRow() throws IOException {
        Path file = dir.resolve("unlabelled.csv");
        Files.writeString(file, "1,2\n3,4\n5,6\n7,8\n");
        DataSource source = new DataSource(file.toString(), DataSource.Format.CSV, LabelColumn.LAST,
                CsvReader.Header.AUTO);
        DataSource.Loaded loaded = source.loadForModel(sc, 2, 2);
        assertTrue(!loaded.labelled());
        List<SetRow> rows = rows(DatasetBuilder.forModel(loaded.data(), List.of("a", "b"), Scaling.none(2), false));
        assertEquals(4, rows.size());
        for (int k = 0; k < 4; k++) {
            assertArrayEquals(new double[] {2 * k + 1, 2 * k + 2}, rows.get(k).x());
        }
    }

    @Test
    void forModelRejectsAnUnknownLabelNamingFileAndRecord() throws IOException {
        Path file = dir.resolve("predict.csv");
        Files.writeString(file, "x,y,label\n1,2,a\n3,4,b\n5,6,c\n7,8,a\n");
        Exception e = assertThrows(Exception.class,
                () -> DatasetBuilder.forModel(raw(file, 1), List.of("a", "b"), Scaling.none(2), true).collect());
        DataFormatException d = DataFormatException.findIn(e);
        assertNotNull(d, () -> "no DataFormatException in " + e);
        assertTrue(d.getMessage().contains("predict.csv: line 4: label 'c' is not one of the model's classes [a, b]"),
                d.getMessage());
    }
}
