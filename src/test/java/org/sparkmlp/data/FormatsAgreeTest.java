package org.sparkmlp.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkmlp.cli.ExitCode;
import org.sparkmlp.cli.Main;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.testing.SparkTests;

/**
 * The bundled digits written as CSV (quoted, with a header), LIBSVM (zeros left out), a Parquet table (label
 * first, by name) and IDX give the same cached blocks, and train to the same model bit for bit.
 */
class FormatsAgreeTest {
    private static final int PIXELS = 64;

    @TempDir
    static Path dir;
    /** Per format, its data path and the options that read it. */
    private static final Map<String, List<String>> FORMATS = new LinkedHashMap<>();
    /** Per format, the bits of every cached set's rows, read with one SparkContext in {@link #write}. */
    private static final Map<String, List<String>> BLOCKS = new LinkedHashMap<>();

    @BeforeAll
    static void write() throws IOException {
        List<int[]> rows = digits();
        Path csv = dir.resolve("digits.csv");
        StringBuilder text = new StringBuilder();
        for (int f = 0; f < PIXELS; f++) {
            text.append("\"pixel ").append(f).append("\",");
        }
        text.append("\"digit\"\n");
        for (int[] r : rows) {
            for (int f = 0; f < PIXELS; f++) {
                text.append(f % 2 == 0 ? "\"" + r[f] + "\"" : Integer.toString(r[f])).append(',');
            }
            text.append(r[PIXELS]).append('\n');
        }
        Files.writeString(csv, text.toString());
        FORMATS.put("csv", List.of("--data", csv.toString(), "--label-column", "digit"));

        Path libsvm = dir.resolve("digits.txt");
        StringBuilder svm = new StringBuilder();
        for (int[] r : rows) {
            svm.append(r[PIXELS]).append(".0");
            for (int f = 0; f < PIXELS; f++) {
                if (r[f] != 0) {
                    svm.append(' ').append(f + 1).append(':').append(r[f]);
                }
            }
            svm.append('\n');
        }
        Files.writeString(libsvm, svm.toString());
        FORMATS.put("libsvm", List.of("--data", libsvm.toString(), "--format", "libsvm", "--features", "64"));

        Path images = dir.resolve("digits-images-idx3-ubyte");
        Path labels = dir.resolve("digits-labels-idx1-ubyte");
        try (DataOutputStream im = new DataOutputStream(Files.newOutputStream(images));
             DataOutputStream lb = new DataOutputStream(Files.newOutputStream(labels))) {
            im.writeInt(0x803);
            im.writeInt(rows.size());
            im.writeInt(8);
            im.writeInt(8);
            lb.writeInt(0x801);
            lb.writeInt(rows.size());
            for (int[] r : rows) {
                for (int f = 0; f < PIXELS; f++) {
                    im.writeByte(r[f]);
                }
                lb.writeByte(r[PIXELS]);
            }
        }
        FORMATS.put("idx", List.of("--data", images.toString()));

        Path parquet = dir.resolve("digits-table");
        FORMATS.put("parquet", List.of("--data", parquet.toString(), "--format", "parquet", "--label-column", "label"));

        try (JavaSparkContext sc = SparkTests.start("local[2]")) {
            List<StructField> fields = new ArrayList<>();
            fields.add(DataTypes.createStructField("label", DataTypes.IntegerType, false));
            for (int f = 0; f < PIXELS; f++) {
                fields.add(DataTypes.createStructField("p" + f, f % 2 == 0 ? DataTypes.DoubleType
                        : DataTypes.IntegerType, false));
            }
            List<Row> table = new ArrayList<>();
            for (int[] r : rows) {
                Object[] values = new Object[PIXELS + 1];
                values[0] = r[PIXELS];
                for (int f = 0; f < PIXELS; f++) {
                    values[f + 1] = f % 2 == 0 ? (Object) (double) r[f] : (Object) r[f];
                }
                table.add(RowFactory.create(values));
            }
            SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
            spark.createDataFrame(table, new StructType(fields.toArray(new StructField[0]))).coalesce(1).write()
                    .parquet(parquet.toString());

            for (Map.Entry<String, List<String>> e : FORMATS.entrySet()) {
                BLOCKS.put(e.getKey(), blocks(sc, source(e.getValue())));
            }
        }
    }

    @AfterAll
    static void clear() {
        FORMATS.clear();
        BLOCKS.clear();
    }

    /** The bundled digits: 64 pixel counts and the label per row. */
    private static List<int[]> digits() throws IOException {
        List<int[]> rows = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(FormatsAgreeTest.class.getResourceAsStream(
                "/org/sparkmlp/data/digits.csv.gz"))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    rows.add(java.util.Arrays.stream(line.trim().split(",")).mapToInt(Integer::parseInt).toArray());
                }
            }
        }
        return rows;
    }

    private static DataSource source(List<String> options) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < options.size(); i += 2) {
            o.put(options.get(i), options.get(i + 1));
        }
        return new DataSource(o.get("--data"), DataSource.Format.fromId(o.getOrDefault("--format", "auto")),
                LabelColumn.parse(o.getOrDefault("--label-column", "last")), CsvReader.Header.AUTO,
                Integer.parseInt(o.getOrDefault("--features", "0")), List.of());
    }

    /** The classes, scaling and every cached row's bits, set by set. */
    private static List<String> blocks(JavaSparkContext sc, DataSource source) {
        DataSource.Loaded loaded = source.loadForTraining(sc, 2, false);
        CachedSets d = DatasetBuilder.build(sc, loaded.data(), null,
                BuildOptions.of(3, new DatasetBuilder.Split(0.1, 0.2, 7), Precision.FLOAT32)
                        .withScalingKind(Scaling.Kind.MINMAX));
        List<String> out = new ArrayList<>();
        out.add(d.classes() + " " + d.features());
        out.add(java.util.Arrays.toString(d.scaling().shift()) + java.util.Arrays.toString(d.scaling().factor()));
        for (JavaRDD<Block> set : List.of(d.train(), d.validation(), d.test())) {
            for (Block b : set.collect()) {
                StringBuilder s = new StringBuilder(b.index() + ":" + b.rows() + ":");
                for (float v : b.xFloat()) {
                    s.append(Integer.toHexString(Float.floatToRawIntBits(v))).append(' ');
                }
                out.add(s.append(java.util.Arrays.toString(b.y())).toString());
            }
        }
        d.release();
        return out;
    }

    @Test
    void everyFormatGivesTheSameBlocks() {
        List<String> csv = BLOCKS.get("csv");
        assertTrue(csv.get(0).startsWith("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9] 64"), csv.get(0));
        for (String format : List.of("libsvm", "parquet", "idx")) {
            assertEquals(csv, BLOCKS.get(format), format + " against csv");
        }
    }

    @Test
    void everyFormatTrainsTheSameModelBitForBit() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode reference = null;
        for (Map.Entry<String, List<String>> e : FORMATS.entrySet()) {
            Path out = dir.resolve("model-" + e.getKey());
            List<String> args = new ArrayList<>(List.of("train", "--hidden", "8", "--epochs", "2", "--batch-size", "64",
                    "--scale", "minmax", "--partitions", "2", "--master", "local[2]", "--out", out.toString()));
            args.addAll(e.getValue());
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            ExitCode code = Main.run(args.toArray(new String[0]), new PrintStream(OutputStream.nullOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(ExitCode.OK, code, e.getKey() + ": " + err);
            JsonNode model = json.readTree(out.resolve("model.json").toFile());
            model = json.createObjectNode().setAll(Map.of("layers", model.get("layers"), "weights", model.get("weights"),
                    "scaling", model.get("scaling"), "classes", model.get("classes")));
            if (reference == null) {
                reference = model;
            } else {
                assertEquals(reference, model, e.getKey() + " trains other weights than csv");
            }
        }
    }
}
