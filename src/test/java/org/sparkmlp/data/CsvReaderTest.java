package org.sparkmlp.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkmlp.testing.SparkTests;

/** Reading delimited text into packed raw blocks, and rejecting bad records with their file and line. */
class CsvReaderTest {
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

    /** One record as read: its file, its record ("line n"), its inputs and its label text (null when none). */
    record Row(String source, String record, double[] x, String label) {
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        if (name.endsWith(".gz")) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
        } else {
            Files.writeString(file, text);
        }
        return file;
    }

    private static List<RawBlock> readBlocks(Path path, LabelColumn label, CsvReader.Header header, int partitions) {
        CsvReader.Layout layout = CsvReader.layout(sc, path.toString(), header);
        int features = layout.width() - (label.present() ? 1 : 0);
        return collect(CsvReader.read(sc, layout, label, header, features, partitions));
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

    private static List<Row> rows(List<RawBlock> blocks) {
        List<Row> out = new ArrayList<>();
        for (RawBlock b : blocks) {
            int n = b.features();
            assertEquals(b.rows() * n, b.storedValues(), "packed inputs of " + b.source());
            assertEquals(b.rows(), b.labels().length, "labels of " + b.source());
            for (int r = 0; r < b.rows(); r++) {
                double[] x = new double[n];
                b.copyRow(r, x, 0);
                int id = b.labels()[r];
                out.add(new Row(b.source(), b.record(r), x, id < 0 ? null : b.labelNames()[id]));
            }
        }
        return out;
    }

    private static List<Row> read(Path path, LabelColumn label, CsvReader.Header header, int partitions) {
        return rows(readBlocks(path, label, header, partitions));
    }

    /** The DataFormatException of a failed read, whether thrown on the driver or carried back from a task. */
    private static DataFormatException failure(Path path, LabelColumn label, CsvReader.Header header) {
        Exception e = assertThrows(Exception.class, () -> readBlocks(path, label, header, 2));
        DataFormatException d = DataFormatException.findIn(e);
        assertNotNull(d, () -> "no DataFormatException in " + e);
        return d;
    }

    private static void assertRow(Row row, String label, double... x) {
        assertEquals(label, row.label(), "label of " + row.record());
        assertArrayEquals(x, row.x(), "inputs of " + row.record());
    }

    @Test
    void readsCommaSeparatedRecordsWithLabelLast() throws IOException {
        Path file = write("plain.csv", "1.5,2,0\n-3,4e2,1\n0.25,-0.5,1\n");
        List<Row> rows = read(file, LabelColumn.LAST, CsvReader.Header.AUTO, 1);
        assertEquals(3, rows.size());
        assertRow(rows.get(0), "0", 1.5, 2.0);
        assertRow(rows.get(1), "1", -3.0, 400.0);
        assertRow(rows.get(2), "1", 0.25, -0.5);
        assertEquals("line 1", rows.get(0).record());
        assertEquals("line 3", rows.get(2).record());
        assertTrue(rows.get(0).source().endsWith("plain.csv"), rows.get(0).source());
    }

    @Test
    void readsWhitespaceSeparatedRecordsWithRunsOfBlanksAndTabs() throws IOException {
        Path file = write("spaces.txt", "  1   2\t3\n4\t\t5   6  \n7 8 9\n");
        List<Row> rows = read(file, LabelColumn.LAST, CsvReader.Header.AUTO, 1);
        assertEquals(3, rows.size());
        assertRow(rows.get(0), "3", 1.0, 2.0);
        assertRow(rows.get(1), "6", 4.0, 5.0);
        assertRow(rows.get(2), "9", 7.0, 8.0);
    }

    @Test
    void fieldsAroundCommasMayCarryBlanks() throws IOException {
        Path file = write("blanks.csv", " 1 , 2 ,a\n3,  4,  b \n");
        List<Row> rows = read(file, LabelColumn.LAST, CsvReader.Header.FALSE, 1);
        assertRow(rows.get(0), "a", 1.0, 2.0);
        assertRow(rows.get(1), "b", 3.0, 4.0);
    }

    @Test
    void labelFirstTakesTheFirstField() throws IOException {
        Path file = write("first.csv", "7,10,20,30\n8,11,21,31\n");
        List<Row> rows = read(file, LabelColumn.FIRST, CsvReader.Header.AUTO, 1);
        assertRow(rows.get(0), "7", 10, 20, 30);
        assertRow(rows.get(1), "8", 11, 21, 31);
    }

    @Test
    void labelIndexTakesThatColumnAndKeepsTheOthersInOrder() throws IOException {
        Path file = write("index.csv", "10,20,5,30\n11,21,6,31\n");
        List<Row> rows = read(file, new LabelColumn(LabelColumn.Kind.INDEX, 2), CsvReader.Header.AUTO, 1);
        assertRow(rows.get(0), "5", 10, 20, 30);
        assertRow(rows.get(1), "6", 11, 21, 31);
    }

    @Test
    void noLabelColumnReadsEveryFieldAsAnInput() throws IOException {
        Path file = write("inputs.csv", "1,2,3\n4,5,6\n");
        List<RawBlock> blocks = readBlocks(file, LabelColumn.NONE, CsvReader.Header.AUTO, 1);
        List<Row> rows = rows(blocks);
        assertEquals(2, rows.size());
        assertArrayEquals(new double[] {1, 2, 3}, rows.get(0).x());
        assertArrayEquals(new double[] {4, 5, 6}, rows.get(1).x());
        for (RawBlock b : blocks) {
            for (int r = 0; r < b.rows(); r++) {
                assertEquals(-1, b.labels()[r]);
            }
        }
    }

    @Test
    void autoHeaderSkipsALineOfNames() throws IOException {
        Path file = write("named.csv", "width,height,class\n1,2,0\n3,4,1\n");
        CsvReader.Layout layout = CsvReader.layout(sc, file.toString(), CsvReader.Header.AUTO);
        assertEquals(3, layout.width());
        List<Row> rows = read(file, LabelColumn.LAST, CsvReader.Header.AUTO, 1);
        assertEquals(2, rows.size());
        assertRow(rows.get(0), "0", 1, 2);
        assertEquals("line 2", rows.get(0).record());
        assertRow(rows.get(1), "1", 3, 4);
        assertEquals("line 3", rows.get(1).record());
    }

    @Test
    void autoHeaderSkipsNamesWhenLabelsAreText() throws IOException {
        Path file = write("animals.csv", "weight,height,animal\n4.5,30,cat\n20,60,dog\n");
        List<Row> rows = read(file, LabelColumn.LAST, CsvReader.Header.AUTO, 1);
        assertEquals(2, rows.size());
        assertRow(rows.get(0), "cat", 4.5, 30);
        assertRow(rows.get(1), "dog", 20, 60);
    }

    @Test
    void autoHeaderKeepsANumericFirstLine() throws IOException {
        Path file = write("numeric.csv", "1,2,0\n3,4,1\n");
        List<Row> rows = read(file, LabelColumn.LAST, CsvReader.Header.AUTO, 1);
        assertEquals(2, rows.size());
        assertRow(rows.get(0), "0", 1, 2);
        assertEquals("line 1", rows.get(0).record());
    }

    @Test
    void autoHeaderKeepsAFirstRecordWithATextLabel() throws IOException {
        Path file = write("cats.csv", "1,2,cat\n3,4,dog\n");
        List<Row> rows = read(file, LabelColumn.LAST, CsvReader.Header.AUTO, 1);
        assertEquals(2, rows.size());
        assertRow(rows.get(0), "cat", 1, 2);
    }

    @Test
    void forcedHeaderSkipsEvenANumericFirstLine() throws IOException {
        Path file = write("forced.csv", "9,9,9\n1,2,0\n3,4,1\n");
        List<Row> rows = read(file, LabelColumn.LAST, CsvReader.Header.TRUE, 1);
        assertEquals(2, rows.size());
        assertRow(rows.get(0), "0", 1, 2);
        assertEquals("line 2", rows.get(0).record());
    }

    @Test
    void forcedNoHeaderReadsTheFirstLineAsARecord() throws IOException {
        Path numeric = write("kept.csv", "9,8,7\n1,2,0\n");
        List<Row> rows = read(numeric, LabelColumn.LAST, CsvReader.Header.FALSE, 1);
        assertEquals(2, rows.size());
        assertRow(rows.get(0), "7", 9, 8);

        Path named = write("names-as-data.csv", "a,b,c\n1,2,0\n");
        DataFormatException e = failure(named, LabelColumn.LAST, CsvReader.Header.FALSE);
        assertTrue(e.getMessage().contains("names-as-data.csv: line 1: field 1 'a' is not a number"), e.getMessage());
    }

    @Test
    void readsGzipCompressedFiles() throws IOException {
        Path file = write("packed.csv.gz", "x,y,label\n1,2,a\n3,4,b\n5,6,a\n");
        List<Row> rows = read(file, LabelColumn.LAST, CsvReader.Header.AUTO, 2);
        assertEquals(3, rows.size());
        assertRow(rows.get(0), "a", 1, 2);
        assertRow(rows.get(1), "b", 3, 4);
        assertRow(rows.get(2), "a", 5, 6);
        assertEquals("line 4", rows.get(2).record());
        assertTrue(rows.get(0).source().endsWith("packed.csv.gz"), rows.get(0).source());
    }

    @Test
    void aDirectoryGivesBlocksFromEveryFileInNameOrder() throws IOException {
        write("many/a.csv", "f,g,label\n1,1,0\n2,2,1\n");
        write("many/b.csv", "3,3,0\n");
        write("many/c.csv.gz", "4,4,2\n5,5,1\n");
        write("many/.hidden", "garbage\n");
        write("many/_SUCCESS", "");
        List<RawBlock> blocks = readBlocks(dir.resolve("many"), LabelColumn.LAST, CsvReader.Header.AUTO, 3);
        List<String> sources = new ArrayList<>();
        for (RawBlock b : blocks) {
            String name = Path.of(b.source()).getFileName().toString();
            if (!sources.contains(name)) {
                sources.add(name);
            }
        }
        assertEquals(List.of("a.csv", "b.csv", "c.csv.gz"), sources);
        List<Row> rows = rows(blocks);
        assertEquals(5, rows.size());
        String[] labels = {"0", "1", "0", "2", "1"};
        for (int i = 0; i < 5; i++) {
            assertRow(rows.get(i), labels[i], i + 1, i + 1);
        }
        assertEquals("line 2", rows.get(0).record());
        assertEquals("line 1", rows.get(2).record());
        assertEquals("line 2", rows.get(4).record());
    }

    @Test
    void aDirectoryWhoseFirstFileHoldsNoRecordsIsReadFromTheOthers() throws IOException {
        // Spark and Hadoop jobs write empty part files; the width must come from the first file with a record.
        write("parts/part-00000", "");
        write("parts/part-00001", "x,y,label\n");
        write("parts/part-00002", "1,2,0\n3,4,1\n");
        List<Row> rows = read(dir.resolve("parts"), LabelColumn.LAST, CsvReader.Header.AUTO, 3);
        assertEquals(2, rows.size());
        assertRow(rows.get(0), "0", 1, 2);
        assertRow(rows.get(1), "1", 3, 4);
    }

    @Test
    void aDirectoryOfFilesWithoutRecordsIsRejected() throws IOException {
        write("hollow/a.csv", "");
        write("hollow/b.csv", "\n\n");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> CsvReader.layout(sc, dir.resolve("hollow").toString(), CsvReader.Header.AUTO));
        assertTrue(e.getMessage().contains("holds no records"), e.getMessage());
    }

    @Test
    void aCsvFileUnderADirectoryNamedLikeIdxIsReadAsCsv() throws IOException {
        // Only names like *-idx3-ubyte, *.idx (or an IDX directory) mean IDX; a parent directory's name does not.
        Path file = write("idx1-export/data.csv", "1,2,0\n3,4,1\n");
        DataSource source = new DataSource(file.toString(), DataSource.Format.AUTO, LabelColumn.LAST,
                CsvReader.Header.AUTO);
        assertEquals(DataSource.Format.CSV, source.resolvedFormat(sc.hadoopConfiguration()));
        DataSource.Loaded loaded = source.loadForTraining(sc, 1, false);
        assertEquals(2, rows(loaded.data().collect()).size());
    }

    @Test
    void blankLinesAreSkippedAndLaterLinesKeepTheirNumbers() throws IOException {
        Path file = write("gaps.csv", "1,2,0\n\n3,4,1\n   \n\t\n5,6,0\n\n");
        List<Row> rows = read(file, LabelColumn.LAST, CsvReader.Header.AUTO, 1);
        assertEquals(3, rows.size());
        assertRow(rows.get(2), "0", 5, 6);
        assertEquals(List.of("line 1", "line 3", "line 6"), rows.stream().map(Row::record).toList());
    }

    @Test
    void packsRowsContiguouslyAndMapsLabelsThroughLabelNames() throws IOException {
        StringBuilder text = new StringBuilder();
        String[] names = {"dog", "cat", "bird"};
        int n = 150;
        for (int r = 0; r < n; r++) {
            text.append(r).append(',').append(r * 10 + 0.5).append(',').append(-r).append(',')
                    .append(names[(r * 7) % 3]).append('\n');
        }
        Path file = write("packed.csv", text.toString());
        List<RawBlock> blocks = readBlocks(file, LabelColumn.LAST, CsvReader.Header.AUTO, 3);
        assertTrue(blocks.size() >= 3, "blocks: " + blocks.size());
        int next = 0;
        for (RawBlock b : blocks) {
            assertEquals(3, b.features());
            for (int r = 0; r < b.rows(); r++) {
                int row = next++;
                assertEquals(row, b.value(r, 0), "row id");
                assertEquals(row * 10 + 0.5, b.value(r, 1));
                assertEquals(-row, b.value(r, 2));
                assertEquals(names[(row * 7) % 3], b.labelNames()[b.labels()[r]]);
                assertEquals("line " + (row + 1), b.record(r));
            }
        }
        assertEquals(n, next);
    }

    @Test
    void eachSplitIsPackedIntoBoundedBlocksInOrder() throws IOException {
        StringBuilder text = new StringBuilder("a,b,label\n");
        for (int r = 0; r < 50; r++) {
            text.append(r).append(',').append(-r).append(',').append(r % 4 == 0 ? "x" : "y").append('\n');
        }
        Path file = write("bounded.csv", text.toString());
        CsvReader.Layout layout = CsvReader.layout(sc, file.toString(), CsvReader.Header.AUTO);
        var rdd = CsvReader.read(sc, layout, LabelColumn.LAST, CsvReader.Header.AUTO, 2, 2, 8);
        // Every split's blocks: all of 8 rows but its last.
        List<List<Integer>> sizes = new ArrayList<>();
        for (int p = 0; p < rdd.getNumPartitions(); p++) {
            sizes.add(new ArrayList<>());
        }
        rdd.mapPartitionsWithIndex((p, it) -> {
            List<scala.Tuple2<Integer, Integer>> out = new ArrayList<>();
            it.forEachRemaining(b -> out.add(new scala.Tuple2<>(p, b.rows())));
            return out.iterator();
        }, true).collect().forEach(t -> sizes.get(t._1()).add(t._2()));
        assertEquals(2, sizes.size());
        for (List<Integer> split : sizes) {
            assertTrue(split.size() > 1, "several blocks per split: " + sizes);
            for (int b = 0; b < split.size(); b++) {
                assertTrue(b < split.size() - 1 ? split.get(b) == 8 : split.get(b) >= 1 && split.get(b) <= 8,
                        "sizes " + sizes);
            }
        }
        List<Row> rows = rows(rdd.collect());
        assertEquals(50, rows.size());
        for (int r = 0; r < 50; r++) {
            assertRow(rows.get(r), r % 4 == 0 ? "x" : "y", r, -r);
            assertEquals("line " + (r + 2), rows.get(r).record());
        }
    }

    @Test
    void textLabelsKeepTheirNames() throws IOException {
        Path file = write("pets.csv", "cat,1\ndog,2\ncat,3\n");
        List<RawBlock> blocks = readBlocks(file, LabelColumn.FIRST, CsvReader.Header.AUTO, 1);
        List<Row> rows = rows(blocks);
        assertEquals(List.of("cat", "dog", "cat"), rows.stream().map(Row::label).toList());
        RawBlock only = blocks.get(0);
        assertEquals(only.labels()[0], only.labels()[2], "the same name has the same index");
        assertTrue(only.labels()[0] != only.labels()[1]);
        assertEquals(2, only.labelNames().length);
    }

    @Test
    void wrongFieldCountNamesFileAndLine() throws IOException {
        Path file = write("short.csv", "1,2,0\n3,4,1\n5,0\n6,7,1\n");
        DataFormatException e = failure(file, LabelColumn.LAST, CsvReader.Header.AUTO);
        assertTrue(e.getMessage().contains("short.csv: line 3: expected 3 fields, found 2"), e.getMessage());
    }

    @Test
    void tooManyFieldsNamesFileAndLine() throws IOException {
        Path file = write("long.txt", "1 2 0\n3 4 1\n5 6 7 0\n");
        DataFormatException e = failure(file, LabelColumn.LAST, CsvReader.Header.AUTO);
        assertTrue(e.getMessage().contains("long.txt: line 3: expected 3 fields, found 4"), e.getMessage());
    }

    @Test
    void nonNumberNamesFileLineAndField() throws IOException {
        Path file = write("bad.csv", "1,2,0\n3,4,1\n5,abc,0\n");
        DataFormatException e = failure(file, LabelColumn.LAST, CsvReader.Header.AUTO);
        assertTrue(e.getMessage().contains("bad.csv: line 3: field 2 'abc' is not a number"), e.getMessage());
    }

    @Test
    void nonNumberIsCountedFromOneIncludingTheLabelField() throws IOException {
        Path file = write("labelfirst.csv", "0,1,2\n1,3,x4\n");
        DataFormatException e = failure(file, LabelColumn.FIRST, CsvReader.Header.AUTO);
        assertTrue(e.getMessage().contains("labelfirst.csv: line 2: field 3 'x4' is not a number"), e.getMessage());
    }

    @Test
    void nanIsRejected() throws IOException {
        Path file = write("nan.csv", "1,2,0\n\n3,4,1\nNaN,5,0\n");
        DataFormatException e = failure(file, LabelColumn.LAST, CsvReader.Header.AUTO);
        assertTrue(e.getMessage().contains("nan.csv: line 4: field 1 'NaN' is not a finite number"), e.getMessage());
    }

    @Test
    void infinityIsRejected() throws IOException {
        Path file = write("inf.csv", "1,2,0\n3,-Infinity,1\n");
        DataFormatException e = failure(file, LabelColumn.LAST, CsvReader.Header.AUTO);
        assertTrue(e.getMessage().contains("inf.csv: line 2: field 2 '-Infinity' is not a finite number"),
                e.getMessage());
    }

    @Test
    void emptyLabelIsRejected() throws IOException {
        Path file = write("nolabel.csv", "1,2,0\n3,4, \n");
        DataFormatException e = failure(file, LabelColumn.LAST, CsvReader.Header.AUTO);
        assertTrue(e.getMessage().contains("nolabel.csv: line 2: the label (field 3) is empty"), e.getMessage());
    }

    @Test
    void badRecordInACompressedFileNamesItsLine() throws IOException {
        Path file = write("bad.csv.gz", "a,b,c\n1,2,0\n3,4,1\n5,?,1\n");
        DataFormatException e = failure(file, LabelColumn.LAST, CsvReader.Header.AUTO);
        assertTrue(e.getMessage().contains("bad.csv.gz: line 4: field 2 '?' is not a number"), e.getMessage());
    }

    @Test
    void badRecordInALaterSplitOfALargeFileNamesItsExactLine() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int line = 1; line <= 3000; line++) {
            text.append(line == 2711 ? "oops" : Integer.toString(line)).append(",0.125,1\n");
        }
        Path file = write("large.csv", text.toString());
        CsvReader.Layout layout = CsvReader.layout(sc, file.toString(), CsvReader.Header.AUTO);
        Exception e = assertThrows(Exception.class,
                () -> collect(CsvReader.read(sc, layout, LabelColumn.LAST, CsvReader.Header.AUTO, 2, 4)));
        DataFormatException d = DataFormatException.findIn(e);
        assertNotNull(d, () -> "no DataFormatException in " + e);
        assertTrue(d.getMessage().contains("large.csv: line 2711: field 1 'oops' is not a number"), d.getMessage());
    }

    @Test
    void badRecordInTheSecondFileOfADirectoryNamesThatFile() throws IOException {
        write("mixed/one.csv", "1,2,0\n3,4,1\n");
        write("mixed/two.csv", "5,6,0\n7,8,1,9\n");
        DataFormatException e = failure(dir.resolve("mixed"), LabelColumn.LAST, CsvReader.Header.AUTO);
        assertTrue(e.getMessage().contains("two.csv: line 2: expected 3 fields, found 4"), e.getMessage());
    }

    @Test
    void missingPathIsNamed() {
        Path missing = dir.resolve("nowhere.csv");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> CsvReader.layout(sc, missing.toString(), CsvReader.Header.AUTO));
        assertTrue(e.getMessage().contains("nowhere.csv"), e.getMessage());
        assertTrue(e.getMessage().contains("no such file or directory"), e.getMessage());

        DataSource source = new DataSource(missing.toString(), DataSource.Format.AUTO, LabelColumn.LAST,
                CsvReader.Header.AUTO);
        Exception viaSource = assertThrows(Exception.class, () -> source.loadForTraining(sc, 2, false));
        DataFormatException d = DataFormatException.findIn(viaSource);
        assertNotNull(d, () -> "no DataFormatException in " + viaSource);
        assertTrue(d.getMessage().contains("nowhere.csv"), d.getMessage());
    }

    @Test
    void loadForTrainingCountsInputsAsFieldsLessTheLabel() throws IOException {
        Path file = write("source.csv", "a,b,c,label\n1,2,3,x\n4,5,6,y\n");
        DataSource source = new DataSource(file.toString(), DataSource.Format.AUTO, LabelColumn.LAST,
                CsvReader.Header.AUTO);
        DataSource.Loaded loaded = source.loadForTraining(sc, 2, false);
        assertEquals(DataSource.Format.CSV, loaded.format());
        assertEquals(3, loaded.features());
        assertTrue(loaded.labelled());
        List<Row> rows = rows(loaded.data().collect());
        assertEquals(2, rows.size());
        assertRow(rows.get(0), "x", 1, 2, 3);
        assertRow(rows.get(1), "y", 4, 5, 6);
    }

    @Test
    void quotedFieldsMayHoldCommasAndDoubledQuotes() throws IOException {
        Path file = write("quoted.csv", "\"width, cm\",\"height\",\"kind\"\n"
                + "\"1.5\", 2,\"iris, \"\"setosa\"\"\"\n3,\"4\",versicolor\n");
        List<Row> rows = read(file, LabelColumn.LAST, CsvReader.Header.AUTO, 1);
        assertEquals(2, rows.size());
        assertRow(rows.get(0), "iris, \"setosa\"", 1.5, 2);
        assertRow(rows.get(1), "versicolor", 3, 4);
        assertEquals("line 2", rows.get(0).record());
    }

    @Test
    void blanksInsideQuotesArePartOfTheLabelAndBlanksAroundAreNot() throws IOException {
        Path file = write("padded.csv", "1,2,\"  leading\"\n3,4, \"trailing \" \n5,6,  bare  \n7,8,\"Zürich\"\n");
        List<Row> rows = read(file, LabelColumn.LAST, CsvReader.Header.FALSE, 1);
        assertRow(rows.get(0), "  leading", 1, 2);
        assertRow(rows.get(1), "trailing ", 3, 4);
        assertRow(rows.get(2), "bare", 5, 6);
        assertRow(rows.get(3), "Zürich", 7, 8);
        // Blanks alone, even quoted, are no label.
        Path blank = write("blank.csv", "1,2,0\n3,4,\"  \"\n");
        DataFormatException e = failure(blank, LabelColumn.LAST, CsvReader.Header.AUTO);
        assertTrue(e.getMessage().contains("blank.csv: line 2: the label (field 3) is empty"), e.getMessage());
    }

    @Test
    void aQuotedLineBreakIsRefusedNamingTheLine() throws IOException {
        // Files are split by lines for parallel reading, so a field cannot continue on the next line.
        Path file = write("multiline.csv", "1,2,a\n3,4,\"two\nlines\"\n");
        DataFormatException e = failure(file, LabelColumn.LAST, CsvReader.Header.AUTO);
        assertTrue(e.getMessage().contains("multiline.csv: line 2: a quoted field is not closed on its line"),
                e.getMessage());
    }

    @Test
    void aHeaderNameChoosesTheLabelColumn() throws IOException {
        Path file = write("byname.csv", "a,kind,b\n1,x,2\n3,y,4\n");
        DataSource source = new DataSource(file.toString(), DataSource.Format.CSV, LabelColumn.parse("kind"),
                CsvReader.Header.AUTO);
        DataSource.Loaded loaded = source.loadForTraining(sc, 1, false);
        assertEquals(2, loaded.features());
        List<Row> rows = rows(collect(loaded.data()));
        assertRow(rows.get(0), "x", 1, 2);
        assertRow(rows.get(1), "y", 3, 4);
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstField() throws IOException {
        Path file = write("bom.csv", "\uFEFF1,2,a\n3,4,b\n");
        List<Row> rows = read(file, LabelColumn.LAST, CsvReader.Header.AUTO, 1);
        assertRow(rows.get(0), "a", 1, 2);
    }

    @Test
    void aHeaderOnlyFileIsNamedAsSuch() throws IOException {
        Path file = write("only-header.csv", "x,y,label\n\n");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> CsvReader.layout(sc, file.toString(), CsvReader.Header.AUTO));
        assertTrue(e.getMessage().contains("only-header.csv: has a header line but no records"), e.getMessage());
    }
}
