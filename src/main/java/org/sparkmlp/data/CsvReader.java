package org.sparkmlp.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * Reads delimited text: one record per line, fields separated by commas (when the line has one) or else by
 * runs of spaces and tabs; the label in the column {@link LabelColumn} names; an optional header line; plain
 * or compressed (.gz, .bz2) files, a directory of them, or a glob. Every record is checked while it is packed:
 * field count, numbers that parse and are finite; the first bad record stops the run with its file and line.
 */
public final class CsvReader {
    /** Whether the first line of each file is a header: yes, no, or when none of its inputs is a number. */
    public enum Header { AUTO, TRUE, FALSE }

    private CsvReader() {
    }

    /** The width of the first data record and what that says about the layout, read on the driver. */
    public record Layout(List<String> files, int width, String firstFile) {
    }

    /**
     * Lists the files and reads the first record on the driver, so that every executor checks records
     * against the same width.
     */
    public static Layout layout(JavaSparkContext sc, String path, Header header) {
        Configuration conf = sc.hadoopConfiguration();
        List<String> files = listFiles(conf, path);
        for (String file : files) {
            try (BufferedReader in = open(conf, file)) {
                String line;
                long lineNumber = 0;
                while ((line = in.readLine()) != null) {
                    lineNumber++;
                    if (line.isBlank()) {
                        continue;
                    }
                    String[] fields = split(line);
                    if (lineNumber == 1 && isHeader(fields, header, -1)) {
                        continue;
                    }
                    return new Layout(files, fields.length, file);
                }
            } catch (IOException e) {
                throw new DataFormatException(displayName(file), null, "cannot be read: " + e.getMessage());
            }
        }
        throw new DataFormatException(files.size() == 1 ? displayName(files.get(0)) : path, null, "holds no records");
    }

    /**
     * Reads every file into packed raw blocks: each input split as a sequence of blocks of at most
     * {@link Block#rowsFor} rows, parsed as they are asked for.
     *
     * @param features how many input fields a record must have (its width less the label, if any)
     */
    public static JavaRDD<RawBlock> read(JavaSparkContext sc, Layout layout, LabelColumn label, Header header,
                                         int features, int minPartitions) {
        return read(sc, layout, label, header, features, minPartitions, Block.rowsFor(features));
    }

    static JavaRDD<RawBlock> read(JavaSparkContext sc, Layout layout, LabelColumn label, Header header,
                                  int features, int minPartitions, int rowsPerBlock) {
        int width = features + (label.present() ? 1 : 0);
        int labelIndex = label.resolve(width);
        if (labelIndex >= width) {
            throw new DataFormatException(layout.firstFile(), "line 1", "label column " + labelIndex
                    + " is past the last of " + width + " fields");
        }
        int perFile = Math.max(1, minPartitions / layout.files().size());
        List<JavaRDD<RawBlock>> parts = new ArrayList<>();
        for (String file : layout.files()) {
            String name = displayName(file);
            parts.add(sc.textFile(file, perFile).zipWithIndex()
                    .mapPartitions(lines -> pack(name, lines, width, labelIndex, header, rowsPerBlock)));
        }
        JavaRDD<RawBlock> all = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            all = all.union(parts.get(i));
        }
        return all;
    }

    /**
     * Packs one split's lines (numbered, in order) into raw blocks of at most {@code rowsPerBlock} rows, each
     * parsed when it is asked for; a split without records gives one empty block.
     */
    static Iterator<RawBlock> pack(String file, Iterator<Tuple2<String, Long>> lines, int width, int labelIndex,
                                   Header header, int rowsPerBlock) {
        int features = labelIndex >= 0 ? width - 1 : width;
        return new Iterator<>() {
            private RawBlock ready;
            private boolean emitted;

            @Override
            public boolean hasNext() {
                if (ready == null && (lines.hasNext() || !emitted)) {
                    RawBlock b = fill(file, lines, width, labelIndex, header, new Packer(file, "line", features,
                            rowsPerBlock));
                    if (b.rows() > 0 || !emitted) {
                        ready = b;
                    }
                }
                return ready != null;
            }

            @Override
            public RawBlock next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                RawBlock b = ready;
                ready = null;
                emitted = true;
                return b;
            }
        };
    }

    /** Parses lines until the packer is full or the lines end. */
    private static RawBlock fill(String file, Iterator<Tuple2<String, Long>> lines, int width, int labelIndex,
                                 Header header, Packer packer) {
        while (!packer.full() && lines.hasNext()) {
            Tuple2<String, Long> t = lines.next();
            String line = t._1();
            long lineNumber = t._2() + 1;
            if (line.isBlank()) {
                continue;
            }
            String[] fields = split(line);
            if (lineNumber == 1 && isHeader(fields, header, labelIndex)) {
                continue;
            }
            if (fields.length != width) {
                throw new DataFormatException(file, "line " + lineNumber, "expected " + width + " fields, found "
                        + fields.length);
            }
            double[] row = packer.nextRow(lineNumber);
            int column = 0;
            for (int f = 0; f < width; f++) {
                if (f == labelIndex) {
                    String labelText = fields[f].trim();
                    if (labelText.isEmpty()) {
                        throw new DataFormatException(file, "line " + lineNumber, "the label (field " + (f + 1)
                                + ") is empty");
                    }
                    packer.label(labelText);
                } else {
                    row[packer.offset() + column++] = parse(fields[f], file, lineNumber, f);
                }
            }
        }
        return packer.finish();
    }

    private static double parse(String field, String file, long line, int f) {
        String s = field.trim();
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new DataFormatException(file, "line " + line, "field " + (f + 1) + " '" + abbreviate(s)
                    + "' is not a number");
        }
        if (!Double.isFinite(v)) {
            throw new DataFormatException(file, "line " + line, "field " + (f + 1) + " '" + abbreviate(s)
                    + "' is not a finite number");
        }
        return v;
    }

    /** Commas if the line has any, else runs of blanks; fields keep their surrounding blanks until parsed. */
    static String[] split(String line) {
        if (line.indexOf(',') >= 0) {
            return line.split(",", -1);
        }
        return line.trim().split("[ \t]+");
    }

    private static boolean isHeader(String[] fields, Header header, int labelIndex) {
        if (header != Header.AUTO) {
            return header == Header.TRUE;
        }
        for (int f = 0; f < fields.length; f++) {
            if (f == labelIndex) {
                continue;
            }
            try {
                Double.parseDouble(fields[f].trim());
                return false;
            } catch (NumberFormatException e) {
                // not a number: still a header candidate
            }
        }
        return true;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    static List<String> listFiles(Configuration conf, String path) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(p);
            if (matches == null || matches.length == 0) {
                throw new DataFormatException(path, null, "no such file or directory");
            }
            List<String> files = new ArrayList<>();
            for (FileStatus m : matches) {
                if (m.isDirectory()) {
                    for (FileStatus child : fs.listStatus(m.getPath())) {
                        String name = child.getPath().getName();
                        if (child.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
                            files.add(child.getPath().toString());
                        }
                    }
                } else {
                    files.add(m.getPath().toString());
                }
            }
            if (files.isEmpty()) {
                throw new DataFormatException(path, null, "is a directory with no data files");
            }
            files.sort(null);
            return files;
        } catch (IOException e) {
            throw new DataFormatException(path, null, "cannot be listed: " + e.getMessage());
        }
    }

    static BufferedReader open(Configuration conf, String file) throws IOException {
        Path p = new Path(file);
        InputStream in = p.getFileSystem(conf).open(p);
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(p);
        if (codec != null) {
            in = codec.createInputStream(in);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** A file as users typed it: local paths without the file: scheme. */
    static String displayName(String file) {
        return file.startsWith("file:") ? new Path(file).toUri().getPath() : file;
    }

    /** Grows packed arrays by doubling up to a bound: the only per-row state is a few numbers in these arrays. */
    static final class Packer {
        private final String source;
        private final String recordKind;
        private final int features;
        private final int capacity;
        private final Map<String, Integer> labelIds = new HashMap<>();
        private final List<String> labelNames = new ArrayList<>();
        private double[] x;
        private int[] labels;
        private long[] records;
        private int rows;

        /** A packer of at most {@code capacity} rows. */
        Packer(String source, String recordKind, int features, int capacity) {
            this.source = source;
            this.recordKind = recordKind;
            this.features = features;
            this.capacity = Math.max(1, capacity);
            int initial = Math.min(64, this.capacity);
            this.x = new double[features * initial];
            this.labels = new int[initial];
            this.records = new long[initial];
        }

        boolean full() {
            return rows == capacity;
        }

        /** Starts a row and returns the array to write its features into, from {@link #offset()}. */
        double[] nextRow(long record) {
            if (full()) {
                throw new IllegalStateException(source + ": a raw block holds at most " + capacity + " rows");
            }
            if (rows == labels.length) {
                int grown = (int) Math.min(capacity, rows * 2L);
                x = Arrays.copyOf(x, grown * features);
                labels = Arrays.copyOf(labels, grown);
                records = Arrays.copyOf(records, grown);
            }
            labels[rows] = -1;
            records[rows] = record;
            rows++;
            return x;
        }

        int offset() {
            return (rows - 1) * features;
        }

        void label(String name) {
            Integer id = labelIds.get(name);
            if (id == null) {
                id = labelNames.size();
                labelIds.put(name, id);
                labelNames.add(name);
            }
            labels[rows - 1] = id;
        }

        /** The packed rows; arrays are trimmed only when not full. */
        RawBlock finish() {
            boolean exact = labels.length == rows;
            return new RawBlock(source, recordKind, features, rows, exact ? x : Arrays.copyOf(x, rows * features),
                    exact ? labels : Arrays.copyOf(labels, rows), labelNames.toArray(new String[0]),
                    exact ? records : Arrays.copyOf(records, rows));
        }
    }
}
