package org.sparkmlp.api;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.UserDefinedType;
import org.sparkmlp.data.CsvReader;
import org.sparkmlp.data.DataSource;
import org.sparkmlp.data.LabelColumn;
import org.sparkmlp.data.RawBlock;
import org.sparkmlp.data.TableReader;

/**
 * Where the rows come from, as a value: a path and its format (CSV, IDX, LIBSVM, Parquet, ORC, JSON, on any
 * Hadoop file system), the bundled digits, or a Spark {@code Dataset<Row>} the program already holds, with a
 * label column and either one Spark ML vector column or numeric columns as inputs. Immutable: each {@code with…}
 * returns a new spec.
 *
 * <pre>{@code
 * DataSpec train = DataSpec.path("hdfs:///data/train.parquet").withLabelColumn("label");
 * DataSpec data = train.withTest(train.withPath("hdfs:///data/test.parquet"));
 * DataSpec.rows(df).withLabelColumn("label").withFeatureColumns("features")
 * }</pre>
 *
 * <p>The sets: by default the rows are split into training, validation and test rows (stratified by class and
 * seeded: {@code val-fraction} and {@code test-fraction}). {@link #withTest} and {@link #withValidation} give a
 * set explicitly instead; its fraction must then be 0.
 */
public final class DataSpec {
    private final DataSource source;
    private final Dataset<Row> rows;
    private final DataSpec test;
    private final DataSpec validation;

    private DataSpec(DataSource source, Dataset<Row> rows, DataSpec test, DataSpec validation) {
        this.source = source;
        this.rows = rows;
        this.test = test;
        this.validation = validation;
    }

    /** The rows at {@code path}: the format from the path (auto), the label in the last column. */
    public static DataSpec path(String path) {
        return new DataSpec(new DataSource(path, DataSource.Format.AUTO, LabelColumn.parse("last"),
                CsvReader.Header.AUTO), null, null, null);
    }

    /** A source as the command line describes it (path, format, label, header, features, feature columns). */
    public static DataSpec of(DataSource source) {
        return new DataSpec(source, null, null, null);
    }

    /** The 1,797 handwritten digits packed in the jar (UCI, CC BY 4.0): 64 inputs, 10 classes. */
    public static DataSpec bundledDigits() {
        return path(DataSource.BUNDLED_DIGITS);
    }

    /**
     * Rows the program holds: by default the label is the last column and every other column an input. Nothing is
     * collected to the driver; the rows are read once per pass of the preparation, so cache them first if they
     * are expensive to compute.
     */
    public static DataSpec rows(Dataset<Row> rows) {
        if (rows == null) {
            throw new IllegalArgumentException("rows must not be null");
        }
        return new DataSpec(new DataSource("a Dataset<Row>", DataSource.Format.PARQUET, LabelColumn.parse("last"),
                CsvReader.Header.AUTO), rows, null, null);
    }

    /** The format by its name: auto, csv, idx, libsvm, parquet, orc or json. */
    public DataSpec withFormat(String format) {
        try {
            return withFormat(DataSource.Format.fromId(format.trim()));
        } catch (SettingException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new SettingException("format", e.getMessage());
        }
    }

    /** Whether each CSV file starts with a header line: auto (when no input of the first line is a number), true, false. */
    public DataSpec withHeader(String header) {
        for (CsvReader.Header h : CsvReader.Header.values()) {
            if (h.name().toLowerCase(Locale.ROOT).equals(header.trim())) {
                return with(new DataSource(source.path(), source.format(), source.labelColumn(), h, source.features(),
                        source.featureColumns()));
            }
        }
        throw new SettingException("header", "unknown header setting '" + header + "' (expected auto, true or false)");
    }

    /** The same reading options for another path (a separate test or validation set). */
    public DataSpec withPath(String path) {
        requirePath("another path");
        return new DataSpec(source.withPath(path), null, null, null);
    }

    /** The values the reading option {@code format} or {@code header} accepts. */
    public static List<String> choices(String option) {
        return switch (option) {
            case "format" -> Arrays.stream(DataSource.Format.values()).map(DataSource.Format::id).toList();
            case "header" -> List.of("auto", "true", "false");
            case "label-column" -> List.of("first", "last", "none");
            default -> throw new SettingException(option, "is not a reading option (format, header, label-column)");
        };
    }

    /** Whether the rows name a label column (none: inputs only, for predictions). */
    public boolean labelled() {
        return source.labelColumn().present();
    }

    /** The format, instead of the one guessed from the path. */
    public DataSpec withFormat(DataSource.Format format) {
        requirePath("format");
        return with(new DataSource(source.path(), format, source.labelColumn(), source.header(), source.features(),
                source.featureColumns()));
    }

    /** The label column: a name, a position counted from 0, "first", "last", or "none" (inputs only). */
    public DataSpec withLabelColumn(String column) {
        LabelColumn label;
        try {
            label = LabelColumn.parse(column.trim());
        } catch (IllegalArgumentException e) {
            throw new SettingException("label-column", e.getMessage());
        }
        return with(new DataSource(source.path(), source.format(), label, source.header(), source.features(),
                source.featureColumns()));
    }

    /** The input columns: one vector column, or numeric columns; by default every column but the label. */
    public DataSpec withFeatureColumns(String... columns) {
        for (String c : columns) {
            if (c == null || c.isBlank()) {
                throw new SettingException("feature-columns", "must be column names, got " + Arrays.toString(columns));
            }
        }
        return with(new DataSource(source.path(), source.format(), source.labelColumn(), source.header(),
                source.features(), Arrays.asList(columns)));
    }

    /** The number of inputs, when the data cannot tell it (LIBSVM's dimension, a vector column's size). */
    public DataSpec withFeatures(int n) {
        if (n < 1) {
            throw new SettingException("features", "must be at least 1, got " + n);
        }
        return with(source.withFeatures(n));
    }

    /** A separate test set, read with its own options ({@link #withPath} gives it this one's). */
    public DataSpec withTest(DataSpec testSet) {
        return new DataSpec(source, rows, testSet, validation);
    }

    /** A separate validation set, read with its own options ({@link #withPath} gives it this one's). */
    public DataSpec withValidation(DataSpec validationSet) {
        return new DataSpec(source, rows, test, validationSet);
    }

    /** The separate test set, or null. */
    public DataSpec test() {
        return test;
    }

    /** The separate validation set, or null. */
    public DataSpec validation() {
        return validation;
    }

    /** How the rows are read (for rows a program holds, only the columns matter). */
    public DataSource source() {
        return source;
    }

    /** Whether the rows are a program's {@code Dataset<Row>}. */
    public boolean holdsRows() {
        return rows != null;
    }

    @Override
    public String toString() {
        return (rows != null ? "rows of a Dataset<Row>" : source.path())
                + (validation != null ? " + validation " + validation : "")
                + (test != null ? " + test " + test : "");
    }

    private DataSpec with(DataSource s) {
        return new DataSpec(s, rows, test, validation);
    }

    private void requirePath(String what) {
        if (rows != null) {
            throw new IllegalArgumentException(what + " applies to a path, not to a Dataset<Row>");
        }
    }

    /**
     * Reads the rows for training, {@code features} wide when above 0 (a second set read to the first's width).
     * With {@code wantTest}, an IDX directory also yields its t10k pair as the test set.
     */
    DataSource.Loaded load(JavaSparkContext sc, int partitions, int features, boolean wantTest) {
        DataSource s = features > 0 ? source.withFeatures(features) : source;
        if (rows == null) {
            return s.loadForTraining(sc, partitions, wantTest);
        }
        TableReader.Table table = TableReader.describe(rows, "the Dataset<Row>", s.labelColumn(), s.featureColumns(),
                s.features());
        JavaRDD<RawBlock> blocks = TableReader.readRows(table);
        String columns = table.vector() ? "vector column " + table.featureColumns().get(0)
                : table.featureColumns().size() + " numeric columns";
        return new DataSource.Loaded(blocks, null, null, table.features(), true,
                "Dataset<Row> (label " + table.labelColumn() + ", " + columns + ")");
    }

    /**
     * Reads the rows for a model with {@code inputs} inputs: labelled when they hold a label besides the inputs,
     * unlabelled when they hold exactly the inputs ({@link DataSource.Loaded#labelled()}).
     */
    DataSource.Loaded loadForModel(JavaSparkContext sc, int inputs, int partitions) {
        if (rows == null) {
            return source.loadForModel(sc, inputs, partitions);
        }
        boolean labelled = labelledRows(inputs);
        TableReader.Table table = TableReader.describe(rows, "the Dataset<Row>",
                labelled ? source.labelColumn() : LabelColumn.NONE, source.featureColumns(), inputs);
        return new DataSource.Loaded(TableReader.readRows(table), null, null, table.features(), table.labelled(),
                "Dataset<Row>");
    }

    /**
     * Whether a program's rows hold a label besides {@code inputs} inputs: a label column given by name must
     * exist; one given by position is there when the rows hold more than the inputs (a vector column counting as
     * its values, {@code inputs} of them, or the chosen feature columns).
     */
    private boolean labelledRows(int inputs) {
        LabelColumn label = source.labelColumn();
        if (!label.present()) {
            return false;
        }
        List<String> names = List.of(rows.schema().fieldNames());
        if (label.kind() == LabelColumn.Kind.NAME) {
            return names.contains(label.name());
        }
        if (!source.featureColumns().isEmpty()) {
            return names.size() > source.featureColumns().size();
        }
        int width = 0;
        for (StructField f : rows.schema().fields()) {
            width += f.dataType() instanceof UserDefinedType<?> ? inputs : 1;
        }
        return width > inputs;
    }

    /** The feature columns chosen, for messages. */
    List<String> featureColumns() {
        return source.featureColumns();
    }
}
