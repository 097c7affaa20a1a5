package org.sparkmlp.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST, raw or gzip-compressed.
 *
 * <pre>
 * images: int32 0x00000803 | int32 count | int32 rows | int32 cols | count·rows·cols unsigned bytes
 * labels: int32 0x00000801 | int32 count | count unsigned bytes
 * </pre>
 * All integers big-endian. The driver checks both headers and that the counts agree; each executor then
 * reads its own range of items, so a truncated file is reported with the first item that is missing.
 * A directory holding {@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]} and
 * optionally the {@code t10k-} pair gives a training and a test set.
 */
public final class IdxReader {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    /** A checked pair of image and label files. */
    public record Pair(String images, String labels, int count, int rows, int cols) implements java.io.Serializable {
        public int features() {
            return rows * cols;
        }
    }

    /** Whether a path looks like IDX: a directory, or a file named *-idx?-ubyte or *.idx, possibly .gz. */
    public static boolean looksLikeIdx(Configuration conf, String path) {
        String name = new Path(path.endsWith(".gz") ? path.substring(0, path.length() - 3) : path).getName();
        if (name.endsWith("-ubyte") || name.endsWith(".idx")) {
            return true;
        }
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            return fs.exists(p) && fs.getFileStatus(p).isDirectory() && findInDirectory(conf, path, "train") != null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The pair named {@code prefix} ("train" or "t10k") in a directory, or null when its images file is absent.
     */
    public static Pair findInDirectory(Configuration conf, String dir, String prefix) {
        String images = existing(conf, dir, prefix + "-images-idx3-ubyte");
        if (images == null) {
            return null;
        }
        String labels = existing(conf, dir, prefix + "-labels-idx1-ubyte");
        if (labels == null) {
            throw new DataFormatException(dir, null, "has " + new Path(images).getName() + " but no "
                    + prefix + "-labels-idx1-ubyte[.gz]");
        }
        return inspect(conf, images, labels);
    }

    /** An images file given by name; its labels file is the same name with images-idx3 → labels-idx1. */
    public static Pair forImagesFile(Configuration conf, String images) {
        String labels = images.replace("images-idx3", "labels-idx1").replace("images.idx", "labels.idx");
        if (labels.equals(images)) {
            throw new DataFormatException(images, null, "cannot tell the labels file from this name"
                    + " (expected a name containing 'images-idx3')");
        }
        return inspect(conf, images, labels);
    }

    private static String existing(Configuration conf, String dir, String base) {
        for (String candidate : new String[] {base, base + ".gz"}) {
            Path p = new Path(dir, candidate);
            try {
                if (p.getFileSystem(conf).exists(p)) {
                    return p.toString();
                }
            } catch (IOException e) {
                throw new DataFormatException(dir, null, "cannot be listed: " + e.getMessage());
            }
        }
        return null;
    }

    /** Reads and checks both headers on the driver. */
    public static Pair inspect(Configuration conf, String images, String labels) {
        int count;
        int rows;
        int cols;
        try (DataInputStream in = open(conf, images)) {
            int magic = readHeaderInt(in, images, "magic number");
            if (magic != IMAGES_MAGIC) {
                throw new DataFormatException(CsvReader.displayName(images), "header", String.format(
                        "magic number 0x%08x is not 0x%08x (IDX unsigned-byte images, 3 dimensions)", magic, IMAGES_MAGIC));
            }
            count = readHeaderInt(in, images, "item count");
            rows = readHeaderInt(in, images, "row count");
            cols = readHeaderInt(in, images, "column count");
            if (count < 0 || rows <= 0 || cols <= 0) {
                throw new DataFormatException(CsvReader.displayName(images), "header", "dimensions " + count + " × "
                        + rows + " × " + cols + " are not positive");
            }
        } catch (IOException e) {
            throw new DataFormatException(CsvReader.displayName(images), null, "cannot be read: " + e.getMessage());
        }
        try (DataInputStream in = open(conf, labels)) {
            int magic = readHeaderInt(in, labels, "magic number");
            if (magic != LABELS_MAGIC) {
                throw new DataFormatException(CsvReader.displayName(labels), "header", String.format(
                        "magic number 0x%08x is not 0x%08x (IDX unsigned-byte labels, 1 dimension)", magic, LABELS_MAGIC));
            }
            int labelCount = readHeaderInt(in, labels, "item count");
            if (labelCount != count) {
                throw new DataFormatException(CsvReader.displayName(labels), "header", "has " + labelCount
                        + " labels but " + CsvReader.displayName(images) + " has " + count + " images");
            }
        } catch (IOException e) {
            throw new DataFormatException(CsvReader.displayName(labels), null, "cannot be read: " + e.getMessage());
        }
        return new Pair(images, labels, count, rows, cols);
    }

    /**
     * Reads the items in {@code partitions} contiguous ranges on the executors; each range as raw blocks of at
     * most {@link Block#rowsFor} items, read one after another from the open files.
     */
    public static JavaRDD<RawBlock> read(JavaSparkContext sc, Pair pair, int partitions) {
        return read(sc, pair, partitions, Block.rowsFor(pair.features()));
    }

    static JavaRDD<RawBlock> read(JavaSparkContext sc, Pair pair, int partitions, int rowsPerBlock) {
        int parts = Math.max(1, Math.min(partitions, Math.max(1, pair.count())));
        // Only the partition numbers travel in the lineage; each task reads its range from the file system.
        List<Integer> ids = IntStream.range(0, parts).boxed().toList();
        // The driver's Hadoop configuration (spark.hadoop.*, credentials, default file system), not a fresh one.
        Broadcast<HadoopConf> conf = HadoopConf.broadcast(sc);
        String name = CsvReader.displayName(pair.images());
        return sc.parallelize(new ArrayList<>(ids), parts).mapPartitions(it -> {
            int p = it.next();
            long from = (long) pair.count() * p / parts;
            long to = (long) pair.count() * (p + 1) / parts;
            try {
                return ReadGuard.of(readRange(conf.value().get(), pair, (int) from, (int) to, rowsPerBlock), name);
            } catch (DataFormatException e) {
                return List.of(RawBlock.failure(e)).iterator();
            }
        });
    }

    /** Items [from, to) of the pair, packed into raw blocks of at most {@link Block#rowsFor} items. */
    static Iterator<RawBlock> readRange(Configuration conf, Pair pair, int from, int to) throws IOException {
        return readRange(conf, pair, from, to, Block.rowsFor(pair.features()));
    }

    /**
     * Items [from, to) as raw blocks of at most {@code rowsPerBlock} items (one empty block for an empty
     * range). Both files are opened and positioned now, so a range starting past a file's end fails here;
     * the items are read as the blocks are asked for, and the files closed after the last one (or when the
     * task ends).
     */
    static Iterator<RawBlock> readRange(Configuration conf, Pair pair, int from, int to, int rowsPerBlock)
            throws IOException {
        DataInputStream images = open(conf, pair.images());
        DataInputStream labels;
        try {
            labels = open(conf, pair.labels());
        } catch (IOException | RuntimeException e) {
            images.close();
            throw e;
        }
        RangeReader reader = new RangeReader(pair, from, to, rowsPerBlock, images, labels);
        try {
            skipTo(conf, images, pair.images(), 16, pair.features(), from, pair.count(), "images");
            skipTo(conf, labels, pair.labels(), 8, 1, from, pair.count(), "labels");
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
        org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) context -> reader.close());
        }
        return reader;
    }

    /** Reads a range block by block from two positioned streams. */
    private static final class RangeReader implements Iterator<RawBlock> {
        private final Pair pair;
        private final int to;
        private final int rowsPerBlock;
        private final String imagesName;
        private final String labelsName;
        private DataInputStream images;
        private DataInputStream labels;
        private int next;
        private boolean emitted;

        RangeReader(Pair pair, int from, int to, int rowsPerBlock, DataInputStream images, DataInputStream labels) {
            this.pair = pair;
            this.to = to;
            this.rowsPerBlock = Math.max(1, rowsPerBlock);
            this.images = images;
            this.labels = labels;
            this.next = from;
            this.imagesName = CsvReader.displayName(pair.images());
            this.labelsName = CsvReader.displayName(pair.labels());
        }

        @Override
        public boolean hasNext() {
            return next < to || !emitted;
        }

        @Override
        public RawBlock next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            emitted = true;
            int features = pair.features();
            int n = Math.min(rowsPerBlock, to - next);
            byte[] x = new byte[n * features];
            int[] labelIds = new int[n];
            long[] records = new long[n];
            int[] labelIdOf = new int[256];
            java.util.Arrays.fill(labelIdOf, -1);
            List<String> names = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    long item = next + i;
                    try {
                        images.readFully(x, i * features, features);
                    } catch (EOFException e) {
                        throw new DataFormatException(imagesName, "item " + item, "the file ends early (header says "
                                + pair.count() + " images)");
                    }
                    int label = labels.read();
                    if (label < 0) {
                        throw new DataFormatException(labelsName, "item " + item, "the file ends early (header says "
                                + pair.count() + " labels)");
                    }
                    if (labelIdOf[label] < 0) {
                        labelIdOf[label] = names.size();
                        names.add(Integer.toString(label));
                    }
                    labelIds[i] = labelIdOf[label];
                    records[i] = item;
                }
            } catch (IOException e) {
                close();
                throw new java.io.UncheckedIOException(e);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            next += n;
            if (next >= to) {
                close();
            }
            return RawBlock.ofPixels(imagesName, "item", features, n, x, labelIds, names.toArray(new String[0]),
                    records);
        }

        void close() {
            try {
                if (images != null) {
                    images.close();
                }
                if (labels != null) {
                    labels.close();
                }
            } catch (IOException e) {
                // Closing a file we only read: nothing to recover.
            } finally {
                images = null;
                labels = null;
            }
        }
    }

    /** Skips to item {@code from}; when the file ends first, names it and the first item it lacks. */
    private static void skipTo(Configuration conf, DataInputStream in, String file, int header, int itemBytes, int from,
                               int count, String what) throws IOException {
        try {
            in.skipNBytes(header + (long) from * itemBytes);
        } catch (EOFException e) {
            long length = 0;
            try (DataInputStream again = open(conf, file)) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = again.read(buffer)) > 0) {
                    length += n;
                }
            }
            throw new DataFormatException(CsvReader.displayName(file), "item " + Math.max(0, (length - header) / itemBytes),
                    "the file ends early (header says " + count + " " + what + ")");
        }
    }

    private static int readHeaderInt(DataInputStream in, String file, String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new DataFormatException(CsvReader.displayName(file), "header", "the file ends before its " + what);
        }
    }

    private static DataInputStream open(Configuration conf, String file) throws IOException {
        Path p = new Path(file);
        InputStream in = p.getFileSystem(conf).open(p);
        if (file.endsWith(".gz")) {
            in = new java.util.zip.GZIPInputStream(in, 1 << 16);
        }
        return new DataInputStream(new BufferedInputStream(in, 1 << 16));
    }

}
