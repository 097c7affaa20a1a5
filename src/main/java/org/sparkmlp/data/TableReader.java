package org.sparkmlp.data;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * Reads any table Spark SQL reads (Parquet, ORC, JSON, or a DataFrame a caller already has) into raw blocks.
 * The label is one column, chosen by name or position ({@link LabelColumn}); the inputs are numeric columns
 * (by default every column but the label, in schema order) or one column of Spark ML vectors. The schema is
 * checked on the driver (missing columns, types that are not numbers); every row is checked while it is packed
 * (a null input or label, a number that is not finite, a vector of another size), and a bad row ends the read
 * with its file and row number (Parquet: the row's index in its file; other formats: its position in the part
 * of the file a task read).
 *
 * <p>Labels keep their text, except that an integral floating-point label is named as an integer ("3" for
 * 3.0), so that a table whose labels were written as doubles gives the same classes as CSV.
 */
public final class TableReader {
    private static final String FILE = "__spark_mlp_file";
    private static final String ROW = "__spark_mlp_row";
    private static final String START = "__spark_mlp_start";
    /** Where Spark's JSON and CSV sources put a line they cannot parse. */
    private static final String CORRUPT = "_corrupt_record";

    private TableReader() {
    }

    /** What the driver decided about a table: its label column (−1 for none), inputs and their count. */
    public record Table(Dataset<Row> rows, String labelColumn, List<String> featureColumns, boolean vector,
                        int features, String source) {
        public boolean labelled() {
            return labelColumn != null;
        }
    }

    /** A table from files: {@code format} is parquet, orc or json. */
    public static Dataset<Row> load(JavaSparkContext sc, String format, String path) {
        if (format.equals("parquet") || format.equals("orc")) {
            checkMagic(sc.hadoopConfiguration(), format, path);
        }
        // The session of the running context; no settings of our own (they could not take effect anyway).
        SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        try {
            return spark.read().format(format).load(path);
        } catch (RuntimeException e) {
            throw new DataFormatException(TextFiles.displayName(path), null, "cannot be read as " + format + ": "
                    + TextFiles.firstLine(e.getMessage()));
        }
    }

    /**
     * Checks on the driver that each file (of a directory's own files) starts, and for Parquet ends, with the
     * format's magic bytes: Spark reads footers in tasks, where a file that is not Parquet at all would fail
     * every attempt with an executor's stack trace.
     */
    private static void checkMagic(org.apache.hadoop.conf.Configuration conf, String format, String path) {
        byte[] magic = format.equals("parquet") ? "PAR1".getBytes(java.nio.charset.StandardCharsets.US_ASCII)
                : "ORC".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (String file : TextFiles.listFiles(conf, path)) {
            String name = TextFiles.displayName(file);
            try {
                org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(file);
                org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(conf);
                long length = fs.getFileStatus(p).getLen();
                if (length < 2L * magic.length) {
                    throw new DataFormatException(name, null, "is not a " + format + " file (" + length + " bytes)");
                }
                byte[] head = new byte[magic.length];
                byte[] tail = new byte[magic.length];
                try (org.apache.hadoop.fs.FSDataInputStream in = fs.open(p)) {
                    in.readFully(0, head);
                    in.readFully(length - magic.length, tail);
                }
                if (!java.util.Arrays.equals(head, magic)
                        || (format.equals("parquet") && !java.util.Arrays.equals(tail, magic))) {
                    throw new DataFormatException(name, null, "is not a " + format + " file (its magic bytes "
                            + new String(magic, java.nio.charset.StandardCharsets.US_ASCII) + " are missing)");
                }
            } catch (java.io.IOException e) {
                throw new DataFormatException(name, null, "cannot be read: " + TextFiles.firstLine(e.getMessage()));
            }
        }
    }

    /**
     * Chooses the label and input columns and checks their types.
     *
     * @param label the label column; {@link LabelColumn#NONE} for unlabelled rows
     * @param featureColumns the input columns, or empty for every column but the label
     * @param features the number of inputs a vector column must hold, or 0 to take the first row's
     */
    public static Table describe(Dataset<Row> table, String source, LabelColumn label, List<String> featureColumns,
                                 int features) {
        return describe(table, source, label, featureColumns, features, List.of());
    }

    /**
     * As above, with the columns taken in {@code order} where it names them (then the rest in schema order):
     * Spark infers a JSON schema with its fields sorted by name, but positions (--label-column last) and the
     * default inputs must follow the file.
     */
    public static Table describe(Dataset<Row> table, String source, LabelColumn label, List<String> featureColumns,
                                 int features, List<String> order) {
        StructType schema = table.schema();
        List<String> schemaNames = List.of(schema.fieldNames());
        List<String> names = new ArrayList<>(schemaNames);
        names.sort(java.util.Comparator.comparingInt(n -> order.contains(n) ? order.indexOf(n) : order.size()));
        String labelName = null;
        if (label.present()) {
            int at = label.resolve(names);
            if (at == -2) {
                throw new DataFormatException(source, null, "has no column '" + label.name() + "' for the label"
                        + " (columns: " + String.join(", ", names) + ")");
            }
            if (at < 0 || at >= names.size()) {
                throw new DataFormatException(source, null, "{label-column} " + label + " is past the last of the "
                        + names.size() + " columns (columns count from 0)");
            }
            labelName = names.get(at);
            DataType type = schema.fields()[schemaNames.indexOf(labelName)].dataType();
            if (!(type instanceof NumericType) && !type.typeName().equals("string")
                    && !type.typeName().equals("boolean")) {
                throw new DataFormatException(source, null, "label column '" + labelName + "' holds "
                        + type.simpleString() + ", not numbers or text");
            }
        }
        List<String> inputs = new ArrayList<>();
        if (featureColumns == null || featureColumns.isEmpty()) {
            for (String n : names) {
                // Not inputs by default: Spark's column of unparsable lines, and the index pandas may store.
                if (!n.equals(labelName) && !n.equals(CORRUPT) && !n.matches("__index_level_\\d+__")) {
                    inputs.add(n);
                }
            }
        } else {
            for (String n : featureColumns) {
                int at = names.indexOf(n);
                if (at < 0) {
                    throw new DataFormatException(source, null, "has no column '" + n + "' for {feature-columns}"
                            + " (columns: " + String.join(", ", names) + ")");
                }
                if (n.equals(labelName)) {
                    throw new DataFormatException(source, null, "column '" + n + "' is both the label and an input");
                }
                inputs.add(n);
            }
        }
        if (inputs.isEmpty()) {
            throw new DataFormatException(source, null, "has no input columns besides the label '" + labelName + "'");
        }
        boolean vector = false;
        for (String n : inputs) {
            StructField field = schema.fields()[schemaNames.indexOf(n)];
            if (isVector(field.dataType())) {
                if (inputs.size() > 1) {
                    throw new DataFormatException(source, null, "vector column '" + n + "' must be the only input"
                            + " column (give it alone with {feature-columns})");
                }
                vector = true;
            } else if (!(field.dataType() instanceof NumericType)) {
                throw new DataFormatException(source, null, "input column '" + n + "' holds "
                        + field.dataType().simpleString() + ", not numbers (inputs must be numeric columns or one"
                        + " Spark ML vector column)");
            }
        }
        int width = inputs.size();
        if (vector) {
            width = features > 0 ? features : firstVectorSize(table, inputs.get(0), source);
        }
        return new Table(table, labelName, List.copyOf(inputs), vector, width, source);
    }

    /**
     * The keys of the first JSON object in the first file, in the file's order; empty when that line is not one
     * whole object (a multi-line file), so the schema's order stands.
     */
    static List<String> jsonKeyOrder(org.apache.hadoop.conf.Configuration conf, String path) {
        try (java.io.BufferedReader in = TextFiles.open(conf, TextFiles.listFiles(conf, path).get(0))) {
            String line;
            while ((line = in.readLine()) != null && line.isBlank()) {
                // skip blank lines
            }
            if (line == null) {
                return List.of();
            }
            com.fasterxml.jackson.databind.JsonNode first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
            List<String> keys = new ArrayList<>();
            if (first != null && first.isObject()) {
                first.fieldNames().forEachRemaining(keys::add);
            }
            return keys;
        } catch (java.io.IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static boolean isVector(DataType type) {
        return type instanceof UserDefinedType<?> udt && udt.userClass().getName().startsWith("org.apache.spark.ml.linalg.");
    }

    private static int firstVectorSize(Dataset<Row> table, String column, String source) {
        List<Row> first = table.select(column).where(functions.col(column).isNotNull()).limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new DataFormatException(source, null, "holds no rows with a vector in '" + column + "'");
        }
        return toArray(first.get(0).get(0)).length;
    }

    /** Each vector class's {@code toArray}, looked up once: a lookup per row cost more than the copy. */
    private static final ClassValue<Method> TO_ARRAY = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            try {
                return type.getMethod("toArray");
            } catch (NoSuchMethodException e) {
                return null;
            }
        }
    };

    /** A Spark ML vector's values (dense), through reflection: Spark ML is not a dependency of the reader. */
    public static double[] toArray(Object vector) {
        try {
            Method m = TO_ARRAY.get(vector.getClass());
            if (m == null) {
                throw new NoSuchMethodException(vector.getClass().getName() + ".toArray()");
            }
            return (double[]) m.invoke(vector);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read a " + vector.getClass().getName() + " as a vector", e);
        }
    }

    /** The rows as raw blocks, one task per partition Spark SQL reads; each block holds rows of one file. */
    public static JavaRDD<RawBlock> read(Table table) {
        return read(table, true);
    }

    /**
     * A program's rows as raw blocks, named in messages by their position in a partition only. A program's
     * Dataset may be cached, and asking for the file metadata column ({@code _metadata}) of a Dataset read from
     * files resolves through the cache to the files: Spark would read and shuffle them again instead of using
     * the cached rows (measured: 54,000 rows of 784 features cached, 21 s of preparation against 7 s).
     */
    public static JavaRDD<RawBlock> readRows(Table table) {
        return read(table, false);
    }

    private static JavaRDD<RawBlock> read(Table table, boolean fileNames) {
        List<Column> columns = new ArrayList<>();
        columns.add(table.labelled() ? functions.col(quote(table.labelColumn())) : functions.lit(null));
        for (String n : table.featureColumns()) {
            columns.add(functions.col(quote(n)));
        }
        Dataset<Row> rows = table.rows();
        // File-source tables have a _metadata column (file_path, file_block_start; Parquet also row_index).
        List<String> metadata = fileNames ? fileMetadata(rows) : List.of();
        boolean rowIndex = metadata.contains("row_index");
        Dataset<Row> selected = rows.select(with(columns,
                metadata.contains("file_path") ? functions.col("_metadata.file_path").as(FILE)
                        : functions.lit(table.source()).as(FILE),
                rowIndex ? functions.col("_metadata.row_index").as(ROW) : functions.lit(-1L).as(ROW),
                metadata.contains("file_block_start") ? functions.col("_metadata.file_block_start").as(START)
                        : functions.lit(0L).as(START),
                // Spark keeps a line it cannot parse in this column, the others null: it is reported as such.
                List.of(rows.schema().fieldNames()).contains(CORRUPT) ? functions.col(CORRUPT).cast("string")
                        : functions.lit(null).cast("string")));
        boolean floatLabel = table.labelled() && isFloating(rows.schema().apply(table.labelColumn()).dataType());
        List<String> inputs = table.featureColumns();
        String labelName = table.labelColumn();
        boolean vector = table.vector();
        int features = table.features();
        int rowsPerBlock = Block.rowsFor(features);
        boolean hasRowIndex = rowIndex;
        String source = table.source();
        return selected.javaRDD().mapPartitions(it -> ReadGuard.of(
                pack(it, inputs, labelName, floatLabel, vector, features, rowsPerBlock, hasRowIndex), source));
    }

    /** The fields of a file-source table's {@code _metadata} column, or none for a table not read from files. */
    private static List<String> fileMetadata(Dataset<Row> rows) {
        try {
            DataType type = rows.select(functions.col("_metadata")).schema().fields()[0].dataType();
            return List.of(((StructType) type).fieldNames());
        } catch (Exception noMetadata) {
            // A table not read from files: Spark throws AnalysisException, which Java sees as checked.
            return List.of();
        }
    }

    private static Column[] with(List<Column> columns, Column... more) {
        List<Column> all = new ArrayList<>(columns);
        all.addAll(List.of(more));
        return all.toArray(new Column[0]);
    }

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    private static boolean isFloating(DataType type) {
        return type instanceof DoubleType || type instanceof FloatType;
    }

    private static Iterator<RawBlock> pack(Iterator<Row> rows, List<String> inputs, String labelName,
                                           boolean floatLabel, boolean vector, int features, int rowsPerBlock,
                                           boolean rowIndex) {
        int n = inputs.size();
        int fileAt = n + 1;
        return new Iterator<>() {
            private Row pending;
            private String file;
            private long position;
            private boolean emitted;

            @Override
            public boolean hasNext() {
                return pending != null || rows.hasNext() || !emitted;
            }

            @Override
            public RawBlock next() {
                if (pending == null && rows.hasNext()) {
                    pending = rows.next();
                }
                String source = pending == null ? (file == null ? "" : file) : TextFiles.displayName(pending.getString(fileAt));
                if (!source.equals(file)) {
                    file = source;
                    position = 0;
                }
                RowPacker packer = new RowPacker(source, "row", features, rowsPerBlock);
                while (pending != null && !packer.full()) {
                    Row r = pending;
                    if (!TextFiles.displayName(r.getString(fileAt)).equals(file)) {
                        break;
                    }
                    position++;
                    long start = r.isNullAt(fileAt + 2) ? 0 : r.getLong(fileAt + 2);
                    long record = rowIndex && !r.isNullAt(fileAt + 1) ? r.getLong(fileAt + 1) + 1 : position;
                    String where = start > 0 && !rowIndex ? "row " + record + " of the part from byte " + start
                            : "row " + record;
                    if (!r.isNullAt(fileAt + 3)) {
                        throw new DataFormatException(file, where, "cannot be parsed: '"
                                + abbreviate(r.getString(fileAt + 3).strip()) + "'");
                    }
                    double[] x = packer.nextRow(record);
                    int at = packer.offset();
                    if (vector) {
                        if (r.isNullAt(1)) {
                            throw new DataFormatException(file, where, "input column '" + inputs.get(0) + "' is null");
                        }
                        double[] v = toArray(r.get(1));
                        if (v.length != features) {
                            throw new DataFormatException(file, where, "the vector in '" + inputs.get(0) + "' has "
                                    + v.length + " values, expected " + features);
                        }
                        for (int f = 0; f < features; f++) {
                            x[at + f] = finite(v[f], file, where, inputs.get(0));
                        }
                    } else {
                        for (int f = 0; f < n; f++) {
                            if (r.isNullAt(f + 1)) {
                                throw new DataFormatException(file, where, "input column '" + inputs.get(f) + "' is null");
                            }
                            x[at + f] = finite(((Number) r.get(f + 1)).doubleValue(), file, where, inputs.get(f));
                        }
                    }
                    if (labelName != null) {
                        packer.label(label(r, labelName, floatLabel, file, where));
                    }
                    pending = rows.hasNext() ? rows.next() : null;
                }
                emitted = true;
                return packer.finish();
            }
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    private static double finite(double v, String file, String where, String column) {
        if (!Double.isFinite(v)) {
            throw new DataFormatException(file, where, "input column '" + column + "' holds " + v
                    + ", not a finite number");
        }
        return v;
    }

    private static String label(Row r, String column, boolean floating, String file, String where) {
        if (r.isNullAt(0)) {
            throw new DataFormatException(file, where, "the label (column '" + column + "') is empty");
        }
        Object v = r.get(0);
        String text;
        if (floating) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                throw new DataFormatException(file, where, "the label (column '" + column + "') is " + d);
            }
            text = LibsvmReader.labelName(d);
        } else {
            text = v.toString().trim();
        }
        if (text.isEmpty()) {
            throw new DataFormatException(file, where, "the label (column '" + column + "') is empty");
        }
        return text;
    }
}
