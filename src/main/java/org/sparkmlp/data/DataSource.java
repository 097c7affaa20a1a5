package org.sparkmlp.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparkmlp.nn.Scaling;

/**
 * Where the rows come from: a path, its format (given or inferred), and the reading options; resolves them
 * into raw blocks for training (with an optional separate test set) or for a model's evaluate and predict.
 * Paths are read through Hadoop's file systems with the configuration Spark was given; a path without a scheme
 * resolves against the default file system, and one that does not exist fails before any job.
 *
 * @param labelColumn the label's column: by position (CSV fields, table columns) or by name (a CSV header's, a
 *     table's); LIBSVM and IDX carry their labels in fixed places
 * @param header whether CSV files start with a header line
 * @param features the number of inputs, when given: LIBSVM's dimension, a vector column's size; 0 for the data's
 * @param featureColumns a table's input columns; empty for every column but the label
 */
public record DataSource(String path, Format format, LabelColumn labelColumn, CsvReader.Header header, int features,
                         List<String> featureColumns) implements Serializable {

    /** The name that stands for the bundled handwritten-digits data. */
    public static final String BUNDLED_DIGITS = "bundled:digits";
    private static final String DIGITS_RESOURCE = "/org/sparkmlp/data/digits.csv.gz";

    public enum Format {
        CSV, IDX, LIBSVM, PARQUET, ORC, JSON, AUTO;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Format fromId(String id) {
            for (Format f : values()) {
                if (f.id().equals(id)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown format '" + id
                    + "' (expected auto, csv, idx, libsvm, parquet, orc or json)");
        }

        /** Whether Spark SQL reads it as a table. */
        boolean table() {
            return this == PARQUET || this == ORC || this == JSON;
        }
    }

    public DataSource {
        if (features < 0) {
            throw new IllegalArgumentException("the number of features must be 0 (from the data) or more, got "
                    + features);
        }
        featureColumns = featureColumns == null ? List.of() : List.copyOf(featureColumns);
    }

    public DataSource(String path, Format format, LabelColumn labelColumn, CsvReader.Header header) {
        this(path, format, labelColumn, header, 0, List.of());
    }

    /** The same options for another path (a separate test set). */
    public DataSource withPath(String other) {
        return new DataSource(other, format, labelColumn, header, features, featureColumns);
    }

    /** The same, with the number of inputs fixed (a test set read to the training data's width). */
    public DataSource withFeatures(int n) {
        return new DataSource(path, format, labelColumn, header, n, featureColumns);
    }

    /**
     * Raw rows, the test rows that came with them (an IDX directory's t10k pair) or null, whether rows carry
     * labels, and a description.
     */
    public record Loaded(JavaRDD<RawBlock> data, JavaRDD<RawBlock> test, Format format, int features,
                         boolean labelled, String description) {
        /**
         * The scaling "auto" stands for with this data: pixels / 255 for IDX images, whose inputs are bytes;
         * min-max to [0, 1] for any other format, where nothing is known of the columns' ranges.
         */
        public Scaling.Kind automaticScaling() {
            return format == Format.IDX ? Scaling.Kind.PIXEL : Scaling.Kind.MINMAX;
        }
    }

    /**
     * The format to read with: as given; or IDX for IDX directories and *-ubyte names; parquet, orc, json or
     * libsvm by the extension of the file (or of a directory's first file); else CSV.
     */
    public Format resolvedFormat(Configuration conf) {
        if (format != Format.AUTO) {
            return format;
        }
        String p = localPath();
        if (IdxReader.looksLikeIdx(conf, p)) {
            return Format.IDX;
        }
        Format byName = byExtension(TextFiles.baseName(p));
        if (byName == null && TextFiles.isDirectory(conf, p)) {
            byName = byExtension(TextFiles.baseName(TextFiles.listFiles(conf, p).get(0)));
        }
        return byName == null ? Format.CSV : byName;
    }

    private static Format byExtension(String name) {
        if (name.endsWith(".parquet")) {
            return Format.PARQUET;
        }
        if (name.endsWith(".orc")) {
            return Format.ORC;
        }
        if (name.endsWith(".json") || name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return Format.JSON;
        }
        if (name.endsWith(".libsvm") || name.endsWith(".svm")) {
            return Format.LIBSVM;
        }
        return null;
    }

    /**
     * Reads the rows for training. With {@code wantTest}, an IDX directory also yields its t10k pair as the
     * test set.
     */
    public Loaded loadForTraining(JavaSparkContext sc, int partitions, boolean wantTest) {
        Configuration conf = sc.hadoopConfiguration();
        String p = localPath();
        TextFiles.requireExists(conf, p);
        Format f = resolvedFormat(conf);
        if (!labelColumn.present() && f != Format.IDX && f != Format.LIBSVM) {
            throw new IllegalArgumentException("training needs labels: the label column cannot be none");
        }
        requireNoFeatureColumns(f);
        switch (f) {
            case IDX: {
                IdxReader.Pair train = idxPair(conf, p, "train");
                JavaRDD<RawBlock> test = null;
                String description = "idx " + TextFiles.displayName(train.images());
                if (wantTest && TextFiles.isDirectory(conf, p)) {
                    IdxReader.Pair t10k = IdxReader.findInDirectory(conf, p, "t10k");
                    if (t10k != null) {
                        test = IdxReader.read(sc, t10k, partitions);
                        description += " + test " + TextFiles.displayName(t10k.images());
                    }
                }
                return new Loaded(IdxReader.read(sc, train, partitions), test, f, train.features(), true, description);
            }
            case LIBSVM: {
                List<String> files = TextFiles.listFiles(conf, p);
                int n = features > 0 ? features : LibsvmReader.dimension(sc, files, partitions);
                String limit = features > 0 ? "{features} " + n : "the " + n + " inputs of the largest index";
                return new Loaded(LibsvmReader.read(sc, files, n, limit, partitions), null, f, n, true,
                        "libsvm " + describe());
            }
            case PARQUET:
            case ORC:
            case JSON: {
                Dataset<Row> rows = TableReader.load(sc, f.id(), p);
                TableReader.Table table = TableReader.describe(rows, displayPath(), labelColumn, featureColumns,
                        features, columnOrder(conf, f, p));
                return new Loaded(TableReader.read(table), null, f, table.features(), true, f.id() + " " + describe());
            }
            default: {
                CsvReader.Layout layout = CsvReader.layout(sc, p, csvHeader());
                LabelColumn label = csvLabel(layout);
                int n = layout.width() - 1;
                if (n < 1) {
                    throw new DataFormatException(TextFiles.displayName(layout.firstFile()), null,
                            "records have " + layout.width() + " field(s): need a label and at least one input");
                }
                return new Loaded(CsvReader.read(sc, layout, label, csvHeader(), n, partitions), null, Format.CSV, n,
                        true, "csv " + describe());
            }
        }
    }

    /**
     * Reads rows for a model with {@code inputs} inputs. CSV and table rows are labelled when they have a label
     * column besides the model's inputs, unlabelled when they have exactly the inputs (then {@link
     * Loaded#labelled()} is false); any other width is an error naming both counts.
     */
    public Loaded loadForModel(JavaSparkContext sc, int inputs, int partitions) {
        Configuration conf = sc.hadoopConfiguration();
        String p = localPath();
        TextFiles.requireExists(conf, p);
        Format f = resolvedFormat(conf);
        requireNoFeatureColumns(f);
        if (features > 0 && features != inputs) {
            throw new DataFormatException(displayPath(), null, "{features} " + features + " differs from the "
                    + inputs + " inputs the model takes");
        }
        switch (f) {
            case IDX: {
                IdxReader.Pair pair = TextFiles.isDirectory(conf, p) ? idxPair(conf, p, "t10k")
                        : IdxReader.forImagesFile(conf, p);
                if (pair.features() != inputs) {
                    throw new DataFormatException(TextFiles.displayName(pair.images()), "header", "images have "
                            + pair.features() + " pixels but the model takes " + inputs + " inputs");
                }
                return new Loaded(IdxReader.read(sc, pair, partitions), null, f, inputs, true,
                        "idx " + TextFiles.displayName(pair.images()));
            }
            case LIBSVM: {
                List<String> files = TextFiles.listFiles(conf, p);
                return new Loaded(LibsvmReader.read(sc, files, inputs, "the model's " + inputs + " inputs", partitions),
                        null, f, inputs, true, "libsvm " + describe());
            }
            case PARQUET:
            case ORC:
            case JSON: {
                Dataset<Row> rows = TableReader.load(sc, f.id(), p);
                TableReader.Table table = forModel(rows, inputs, columnOrder(conf, f, p));
                return new Loaded(TableReader.read(table), null, f, inputs, table.labelled(),
                        f.id() + " " + describe() + (table.labelled() ? "" : " (no labels)"));
            }
            default: {
                CsvReader.Layout layout = CsvReader.layout(sc, p, csvHeader());
                LabelColumn label;
                if (layout.width() == inputs + 1 && labelColumn.present()) {
                    label = csvLabel(layout);
                } else if (layout.width() == inputs) {
                    label = LabelColumn.NONE;
                } else {
                    throw new DataFormatException(TextFiles.displayName(layout.firstFile()), "first record", "has "
                            + layout.width() + " fields but the model takes " + inputs + " inputs (expected " + inputs
                            + ", or " + (inputs + 1) + " with a label)");
                }
                return new Loaded(CsvReader.read(sc, layout, label, csvHeader(), inputs, partitions), null, Format.CSV,
                        inputs, label.present(), "csv " + describe() + (label.present() ? "" : " (no labels)"));
            }
        }
    }

    /** A table's columns for a model: with the label column when that leaves the model's inputs, else without. */
    private TableReader.Table forModel(Dataset<Row> rows, int inputs, List<String> order) {
        List<String> names = new java.util.ArrayList<>(List.of(rows.schema().fieldNames()));
        names.sort(java.util.Comparator.comparingInt(n -> order.contains(n) ? order.indexOf(n) : order.size()));
        int at = labelColumn.present() ? labelColumn.resolve(names) : -1;
        if (at >= 0 && at < names.size()) {
            TableReader.Table labelled = TableReader.describe(rows, displayPath(), labelColumn, featureColumns, inputs,
                    order);
            if (labelled.features() == inputs) {
                return labelled;
            }
        }
        if (featureColumns.isEmpty() || at < 0 || at >= names.size() || !featureColumns.contains(names.get(at))) {
            TableReader.Table plain = TableReader.describe(rows, displayPath(), LabelColumn.NONE, featureColumns,
                    inputs, order);
            if (plain.features() == inputs) {
                return plain;
            }
        }
        throw new DataFormatException(displayPath(), null, "has " + names.size() + " columns but the model takes "
                + inputs + " inputs (expected " + inputs + " input columns, and optionally the label column '"
                + labelColumn + "')");
    }

    /** The order of a JSON file's keys (Spark sorts the inferred schema by name); none for other tables. */
    private static List<String> columnOrder(Configuration conf, Format f, String p) {
        return f == Format.JSON ? TableReader.jsonKeyOrder(conf, p) : List.of();
    }

    private void requireNoFeatureColumns(Format f) {
        if (!featureColumns.isEmpty() && !f.table()) {
            throw new DataFormatException(displayPath(), null, "{feature-columns} chooses columns of parquet, orc"
                    + " or json tables, but this is read as " + f.id());
        }
    }

    /** A name in --label-column needs a header line: it is then skipped in every file. */
    private CsvReader.Header csvHeader() {
        return labelColumn.kind() == LabelColumn.Kind.NAME ? CsvReader.Header.TRUE : header;
    }

    /** The label column by position in the records, or a fault naming the file. */
    private LabelColumn csvLabel(CsvReader.Layout layout) {
        String file = TextFiles.displayName(layout.firstFile());
        LabelColumn label = labelColumn;
        if (label.kind() == LabelColumn.Kind.NAME) {
            if (layout.names() == null) {
                throw new DataFormatException(file, "line 1", "is not a header line, so {label-column} '"
                        + label.name() + "' names no column");
            }
            int at = label.resolve(layout.names());
            if (at < 0) {
                throw new DataFormatException(file, "line 1", "the header has no column '" + label.name()
                        + "' (columns: " + String.join(", ", layout.names()) + ")");
            }
            label = new LabelColumn(LabelColumn.Kind.INDEX, at);
        }
        int at = label.resolve(layout.width());
        if (at >= layout.width()) {
            throw new DataFormatException(file, null, "{label-column} " + labelColumn + " is past the last of the "
                    + layout.width() + " fields (columns count from 0)");
        }
        return label;
    }

    private static IdxReader.Pair idxPair(Configuration conf, String p, String prefix) {
        if (TextFiles.isDirectory(conf, p)) {
            IdxReader.Pair pair = IdxReader.findInDirectory(conf, p, prefix);
            if (pair == null) {
                throw new DataFormatException(p, null, "has no " + prefix + "-images-idx3-ubyte[.gz]");
            }
            return pair;
        }
        return IdxReader.forImagesFile(conf, p);
    }

    private String describe() {
        return BUNDLED_DIGITS.equals(path) ? "bundled digits (UCI, 1,797 rows)" : path;
    }

    private String displayPath() {
        return BUNDLED_DIGITS.equals(path) ? path : TextFiles.displayName(path);
    }

    /** The path to read: the bundled data set is copied out of the jar to a temporary file once. */
    private String localPath() {
        return BUNDLED_DIGITS.equals(path) ? BundledDigits.file() : path;
    }

    /** The bundled digits, extracted from the classpath on first use and deleted when the JVM exits. */
    private static final class BundledDigits {
        private static String file;

        static synchronized String file() {
            if (file == null) {
                try (InputStream in = DataSource.class.getResourceAsStream(DIGITS_RESOURCE)) {
                    if (in == null) {
                        throw new IllegalStateException("the bundled data set " + DIGITS_RESOURCE + " is missing from the jar");
                    }
                    Path tmp = Files.createTempFile("spark-mlp-digits-", ".csv.gz");
                    tmp.toFile().deleteOnExit();
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    file = tmp.toString();
                } catch (IOException e) {
                    throw new IllegalStateException("cannot extract the bundled data set: " + e.getMessage(), e);
                }
            }
            return file;
        }
    }
}
