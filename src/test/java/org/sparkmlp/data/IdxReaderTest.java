package org.sparkmlp.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.testing.SparkTests;

/** Reading IDX image and label files (MNIST layout), raw or gzip, and rejecting malformed ones. */
class IdxReaderTest {
    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;
    private static final int ROWS = 2;
    private static final int COLS = 3;
    private static final int PIXELS = ROWS * COLS;

    private static JavaSparkContext sc;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        sc = SparkTests.start("local[2]");
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    /** Pixel f of image i: covers 0 and 255 and values above 127 (which are negative as Java bytes). */
    private static int pixel(int i, int f) {
        if (i == 0) {
            return f == 0 ? 0 : 255;
        }
        return (i * 41 + f * 97 + 13) % 256;
    }

    private static int label(int i) {
        return (i * 3) % 5 + (i == 4 ? 5 : 0);
    }

    private static OutputStream create(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        OutputStream out = Files.newOutputStream(file);
        return file.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(out) : out;
    }

    /** An images file whose header says {@code declared} images and which holds {@code bytes} pixel bytes. */
    private static void writeImages(Path file, int magic, int declared, long bytes) throws IOException {
        try (DataOutputStream out = new DataOutputStream(create(file))) {
            out.writeInt(magic);
            out.writeInt(declared);
            out.writeInt(ROWS);
            out.writeInt(COLS);
            for (long b = 0; b < bytes; b++) {
                out.writeByte(pixel((int) (b / PIXELS), (int) (b % PIXELS)));
            }
        }
    }

    private static void writeLabels(Path file, int magic, int declared, int present) throws IOException {
        try (DataOutputStream out = new DataOutputStream(create(file))) {
            out.writeInt(magic);
            out.writeInt(declared);
            for (int i = 0; i < present; i++) {
                out.writeByte(label(i));
            }
        }
    }

    /** A valid pair of {@code count} items; returns the images file. */
    private Path writePair(String sub, String prefix, int count, boolean gz) throws IOException {
        String ext = gz ? ".gz" : "";
        Path images = dir.resolve(sub).resolve(prefix + "-images-idx3-ubyte" + ext);
        writeImages(images, IMAGES_MAGIC, count, (long) count * PIXELS);
        writeLabels(dir.resolve(sub).resolve(prefix + "-labels-idx1-ubyte" + ext), LABELS_MAGIC, count, count);
        return images;
    }

    private static Configuration conf() {
        return sc.hadoopConfiguration();
    }

    /** Every item of the blocks in order must be item first, first+1, …, with its pixels and label. */
    private static int checkItems(List<RawBlock> blocks, int first) {
        int next = first;
        for (RawBlock b : blocks) {
            assertEquals(PIXELS, b.features());
            for (int r = 0; r < b.rows(); r++) {
                int item = next++;
                assertEquals("item " + item, b.record(r));
                for (int f = 0; f < PIXELS; f++) {
                    assertEquals(pixel(item, f), b.value(r, f), "pixel " + f + " of item " + item);
                }
                assertEquals(Integer.toString(label(item)), b.labelNames()[b.labels()[r]], "label of item " + item);
            }
        }
        return next - first;
    }

    /** The blocks of a read; a data error, which the reading task returns as a value, is thrown as the driver does. */
    private static List<RawBlock> collect(org.apache.spark.api.java.JavaRDD<RawBlock> rdd) {
        List<RawBlock> blocks = rdd.collect();
        for (RawBlock b : blocks) {
            if (b.error() != null) {
                throw new DataFormatException(b.error());
            }
        }
        return blocks;
    }

    private static DataFormatException failure(Exception e) {
        DataFormatException d = DataFormatException.findIn(e);
        assertNotNull(d, () -> "no DataFormatException in " + e);
        return d;
    }

    @ParameterizedTest(name = "gzip={0}, partitions={1}")
    @CsvSource({"false, 1", "false, 3", "true, 1", "true, 3"})
    void readsEveryItemOnceInOrder(boolean gz, int partitions) throws IOException {
        Path images = writePair("pair", "train", 10, gz);
        IdxReader.Pair pair = IdxReader.forImagesFile(conf(), images.toString());
        assertEquals(10, pair.count());
        assertEquals(ROWS, pair.rows());
        assertEquals(COLS, pair.cols());
        assertEquals(PIXELS, pair.features());
        assertTrue(pair.labels().endsWith("train-labels-idx1-ubyte" + (gz ? ".gz" : "")), pair.labels());

        var rdd = IdxReader.read(sc, pair, partitions);
        assertEquals(partitions, rdd.getNumPartitions());
        List<RawBlock> blocks = rdd.collect();
        assertEquals(partitions, blocks.size());
        assertEquals(10, checkItems(blocks, 0));
        for (RawBlock b : blocks) {
            assertTrue(b.source().endsWith("train-images-idx3-ubyte" + (gz ? ".gz" : "")), b.source());
        }
    }

    @ParameterizedTest(name = "{0} partitions, blocks of {1}")
    @CsvSource({"1, 3", "2, 4", "3, 1"})
    void readsEachRangeAsBoundedBlocksInOrder(int partitions, int rowsPerBlock) throws IOException {
        Path images = writePair("bounded", "train", 17, true);
        IdxReader.Pair pair = IdxReader.forImagesFile(conf(), images.toString());
        var rdd = IdxReader.read(sc, pair, partitions, rowsPerBlock);
        assertEquals(partitions, rdd.getNumPartitions());
        List<Integer> sizes = rdd.map(RawBlock::rows).collect();
        assertTrue(sizes.size() >= (17 + rowsPerBlock - 1) / rowsPerBlock, "several blocks: " + sizes);
        for (int size : sizes) {
            assertTrue(size >= 1 && size <= rowsPerBlock, "block of " + size + " rows");
        }
        assertEquals(17, checkItems(rdd.collect(), 0));
    }

    @Test
    void float32PixelBlocksAreTheFloatOfTheFloat64Blocks() throws IOException {
        writePair("prec", "train", 23, false);
        DataSource source = new DataSource(dir.resolve("prec").toString(), DataSource.Format.IDX,
                LabelColumn.LAST, CsvReader.Header.AUTO);
        List<List<Block>> sets = new ArrayList<>();
        for (org.sparkmlp.nn.Precision precision : org.sparkmlp.nn.Precision.values()) {
            CachedSets d = DatasetBuilder.build(sc, IdxReader.read(sc, IdxReader.forImagesFile(conf(),
                    dir.resolve("prec/train-images-idx3-ubyte").toString()), 2, 4), null,
                            new BuildOptions(2, new DatasetBuilder.Split(0.2, 0.2, 3), precision,
                                    null, null, Scaling.Kind.STANDARD, source.path(), 3));
            sets.add(d.train().collect());
            d.release();
        }
        List<Block> floats = sets.get(0);
        List<Block> doubles = sets.get(1);
        assertEquals(doubles.size(), floats.size());
        for (int b = 0; b < floats.size(); b++) {
            Block f = floats.get(b);
            Block d = doubles.get(b);
            assertEquals(d.rows(), f.rows());
            assertTrue(f.rows() <= 3, "bounded");
            for (int i = 0; i < d.rows() * PIXELS; i++) {
                assertEquals((float) d.x()[i], f.xFloat()[i], 0.0f, "value " + i + " of block " + b);
            }
        }
    }

    @Test
    void pixelValuesAreUnsignedBytesAsDoubles() throws IOException {
        Path images = writePair("range", "train", 10, false);
        List<RawBlock> blocks = IdxReader.read(sc, IdxReader.forImagesFile(conf(), images.toString()), 2).collect();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (RawBlock b : blocks) {
            for (int r = 0; r < b.rows(); r++) {
                for (int f = 0; f < PIXELS; f++) {
                    double v = b.value(r, f);
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                    assertEquals(Math.rint(v), v, "whole numbers");
                }
            }
        }
        assertEquals(0.0, min);
        assertEquals(255.0, max);
    }

    @Test
    void morePartitionsThanItemsGivesOneItemEach() throws IOException {
        Path images = writePair("few", "train", 3, false);
        List<RawBlock> blocks = IdxReader.read(sc, IdxReader.forImagesFile(conf(), images.toString()), 8).collect();
        assertEquals(3, blocks.size());
        assertEquals(3, checkItems(blocks, 0));
    }

    @Test
    void dataSourceRecognisesAnImagesFileByName() throws IOException {
        Path images = writePair("named", "train", 10, true);
        DataSource source = new DataSource(images.toString(), DataSource.Format.AUTO, LabelColumn.LAST,
                CsvReader.Header.AUTO);
        DataSource.Loaded loaded = source.loadForTraining(sc, 3, true);
        assertEquals(DataSource.Format.IDX, loaded.format());
        assertEquals(Scaling.Kind.PIXEL, loaded.automaticScaling(), "images: pixels / 255");
        assertEquals(Scaling.Kind.MINMAX, new DataSource.Loaded(null, null, DataSource.Format.CSV, 2,
                true, "csv").automaticScaling(), "any other format: min-max");
        assertEquals(PIXELS, loaded.features());
        assertNull(loaded.test(), "a single file has no test pair");
        assertEquals(10, checkItems(loaded.data().collect(), 0));
    }

    @Test
    void directoryGivesTrainAndTestSets() throws IOException {
        writePair("mnist", "train", 10, true);
        writePair("mnist", "t10k", 4, false);
        DataSource source = new DataSource(dir.resolve("mnist").toString(), DataSource.Format.AUTO,
                LabelColumn.LAST, CsvReader.Header.AUTO);
        DataSource.Loaded loaded = source.loadForTraining(sc, 3, true);
        assertEquals(DataSource.Format.IDX, loaded.format());
        assertEquals(PIXELS, loaded.features());
        assertTrue(loaded.labelled());
        List<RawBlock> train = loaded.data().collect();
        assertEquals(3, train.size());
        assertEquals(10, checkItems(train, 0));
        assertTrue(train.get(0).source().endsWith("train-images-idx3-ubyte.gz"), train.get(0).source());
        assertNotNull(loaded.test());
        List<RawBlock> test = loaded.test().collect();
        assertEquals(4, checkItems(test, 0));
        assertTrue(test.get(0).source().endsWith("t10k-images-idx3-ubyte"), test.get(0).source());

        DataSource.Loaded withoutTest = source.loadForTraining(sc, 2, false);
        assertNull(withoutTest.test());
    }

    @Test
    void directoryBuildsTrainingSetsAndTheT10kTestSetWithPixelScaling() throws IOException {
        writePair("built", "train", 10, false);
        writePair("built", "t10k", 4, true);
        DataSource source = new DataSource(dir.resolve("built").toString(), DataSource.Format.IDX,
                LabelColumn.LAST, CsvReader.Header.AUTO);
        DataSource.Loaded loaded = source.loadForTraining(sc, 2, true);
        CachedSets d = DatasetBuilder.build(sc, loaded.data(), loaded.test(),
                new BuildOptions(2, new DatasetBuilder.Split(0.0, 0.0, 1), org.sparkmlp.nn.Precision.FLOAT64,
                        null, null, Scaling.Kind.PIXEL, loaded.description(), 0));
        // Labels of items 0..9 are 0 3 1 4 7 0 3 1 4 2: six classes in numeric order.
        assertEquals(List.of("0", "1", "2", "3", "4", "7"), d.classes());
        assertEquals(10, d.trainRows());
        assertEquals(4, d.testRows());
        int item = 0;
        for (Block b : d.test().collect()) {
            for (int r = 0; r < b.rows(); r++, item++) {
                for (int f = 0; f < PIXELS; f++) {
                    assertEquals(pixel(item, f) / 255.0, b.x()[r * PIXELS + f], 1e-15);
                }
                assertEquals(Integer.toString(label(item)), d.classes().get(b.y()[r]));
            }
        }
        assertEquals(4, item);
    }

    @Test
    void directoryWithoutTestPairGivesNoTestSet() throws IOException {
        writePair("trainonly", "train", 5, false);
        DataSource source = new DataSource(dir.resolve("trainonly").toString(), DataSource.Format.AUTO,
                LabelColumn.LAST, CsvReader.Header.AUTO);
        DataSource.Loaded loaded = source.loadForTraining(sc, 2, true);
        assertNull(loaded.test());
        assertEquals(5, checkItems(loaded.data().collect(), 0));
    }

    @Test
    void wrongImagesMagicNumberIsRejected() throws IOException {
        Path images = dir.resolve("magic/train-images-idx3-ubyte");
        writeImages(images, 0x00000801, 10, 10L * PIXELS);
        writeLabels(dir.resolve("magic/train-labels-idx1-ubyte"), LABELS_MAGIC, 10, 10);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> IdxReader.forImagesFile(conf(), images.toString()));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte: header: magic number 0x00000801 is not 0x00000803"),
                e.getMessage());
    }

    @Test
    void wrongLabelsMagicNumberIsRejected() throws IOException {
        Path images = dir.resolve("lmagic/train-images-idx3-ubyte.gz");
        writeImages(images, IMAGES_MAGIC, 10, 10L * PIXELS);
        writeLabels(dir.resolve("lmagic/train-labels-idx1-ubyte.gz"), IMAGES_MAGIC, 10, 10);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> IdxReader.forImagesFile(conf(), images.toString()));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte.gz: header: magic number 0x00000803 is not 0x00000801"),
                e.getMessage());
    }

    @Test
    void labelCountDifferentFromImageCountIsRejected() throws IOException {
        Path images = dir.resolve("counts/train-images-idx3-ubyte");
        writeImages(images, IMAGES_MAGIC, 10, 10L * PIXELS);
        writeLabels(dir.resolve("counts/train-labels-idx1-ubyte"), LABELS_MAGIC, 9, 9);
        DataSource source = new DataSource(dir.resolve("counts").toString(), DataSource.Format.IDX,
                LabelColumn.LAST, CsvReader.Header.AUTO);
        Exception e = assertThrows(Exception.class, () -> source.loadForTraining(sc, 2, true));
        String message = failure(e).getMessage();
        assertTrue(message.contains("train-labels-idx1-ubyte: header: has 9 labels but"), message);
        assertTrue(message.contains("train-images-idx3-ubyte has 10 images"), message);
    }

    @Test
    void headerCutShortIsRejected() throws IOException {
        Path images = dir.resolve("stub/train-images-idx3-ubyte");
        Files.createDirectories(images.getParent());
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(images))) {
            out.writeInt(IMAGES_MAGIC);
            out.writeInt(10);
        }
        writeLabels(dir.resolve("stub/train-labels-idx1-ubyte"), LABELS_MAGIC, 10, 10);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> IdxReader.forImagesFile(conf(), images.toString()));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte: header: the file ends before its row count"),
                e.getMessage());
    }

    @ParameterizedTest(name = "gzip={0}, partitions={1}")
    @CsvSource({"false, 1", "false, 3", "true, 1", "true, 3"})
    void truncatedImagesFileNamesTheFirstMissingItem(boolean gz, int partitions) throws IOException {
        String ext = gz ? ".gz" : "";
        // 7 whole images and 2 bytes of the 8th (item 7); the header promises 10.
        Path images = dir.resolve("cut/train-images-idx3-ubyte" + ext);
        writeImages(images, IMAGES_MAGIC, 10, 7L * PIXELS + 2);
        writeLabels(dir.resolve("cut/train-labels-idx1-ubyte" + ext), LABELS_MAGIC, 10, 10);
        IdxReader.Pair pair = IdxReader.forImagesFile(conf(), images.toString());
        // With 3 partitions the ranges are [0,3), [3,6), [6,10): only the last one reaches the cut.
        Exception e = assertThrows(Exception.class, () -> collect(IdxReader.read(sc, pair, partitions)));
        String message = failure(e).getMessage();
        assertTrue(message.contains("train-images-idx3-ubyte" + ext + ": item 7: the file ends early"), message);
    }

    @Test
    void truncatedLabelsFileNamesTheLabelsFileAndTheFirstMissingItem() throws IOException {
        Path images = dir.resolve("lcut/train-images-idx3-ubyte");
        writeImages(images, IMAGES_MAGIC, 10, 10L * PIXELS);
        writeLabels(dir.resolve("lcut/train-labels-idx1-ubyte"), LABELS_MAGIC, 10, 8);
        IdxReader.Pair pair = IdxReader.forImagesFile(conf(), images.toString());
        Exception e = assertThrows(Exception.class, () -> collect(IdxReader.read(sc, pair, 1)));
        String message = failure(e).getMessage();
        assertTrue(message.contains("train-labels-idx1-ubyte: item 8: the file ends early"), message);
    }

    /**
     * A partition whose range starts past the end of a truncated file must still name the file that is short
     * and the first item that is missing; otherwise which message a user sees depends on which task fails first.
     */
    @Test
    void rangeStartingPastTheEndOfTheImagesNamesTheFirstMissingItem() throws IOException {
        Path images = dir.resolve("early/train-images-idx3-ubyte");
        writeImages(images, IMAGES_MAGIC, 10, 2L * PIXELS);
        writeLabels(dir.resolve("early/train-labels-idx1-ubyte"), LABELS_MAGIC, 10, 10);
        IdxReader.Pair pair = IdxReader.forImagesFile(conf(), images.toString());
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> IdxReader.readRange(new Configuration(), pair, 6, 10));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte: item 2"), e.getMessage());
    }

    @Test
    void rangeStartingPastTheEndOfTheLabelsNamesTheLabelsFile() throws IOException {
        Path images = dir.resolve("learly/train-images-idx3-ubyte");
        writeImages(images, IMAGES_MAGIC, 10, 10L * PIXELS);
        writeLabels(dir.resolve("learly/train-labels-idx1-ubyte"), LABELS_MAGIC, 10, 3);
        IdxReader.Pair pair = IdxReader.forImagesFile(conf(), images.toString());
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> IdxReader.readRange(new Configuration(), pair, 6, 10));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte: item 3"), e.getMessage());
    }
}
