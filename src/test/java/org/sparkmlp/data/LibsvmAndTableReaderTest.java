package org.sparkmlp.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
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
import org.apache.hadoop.conf.Configuration;
import org.sparkmlp.testing.SparkTests;

/** LIBSVM files and Spark SQL tables read into raw blocks; the Hadoop configuration that readers ship. */
class LibsvmAndTableReaderTest {
    private static JavaSparkContext sc;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        sc = SparkTests.start("local[2]");
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    /** Rows as "label: x1 x2 …" in read order; a data error returned by a task is thrown. */
    private static List<String> rows(JavaRDD<RawBlock> rdd) {
        List<String> out = new ArrayList<>();
        for (RawBlock b : rdd.collect()) {
            if (b.error() != null) {
                throw new DataFormatException(b.error());
            }
            for (int r = 0; r < b.rows(); r++) {
                StringBuilder s = new StringBuilder(b.labels()[r] < 0 ? "-" : b.labelNames()[b.labels()[r]]).append(':');
                for (int f = 0; f < b.features(); f++) {
                    s.append(' ').append(b.value(r, f));
                }
                out.add(s.toString());
            }
        }
        return out;
    }

    @Test
    void libsvmFillsAbsentIndicesWithZerosAndNamesIntegralLabelsAsIntegers() throws IOException {
        Path file = dir.resolve("small.svm");
        Files.writeString(file, "# a comment line\n3.0 1:0.5 4:2\n\n-1 2:1e-3   # trailing comment\n+2\n");
        DataSource source = new DataSource(file.toString(), DataSource.Format.AUTO, LabelColumn.LAST,
                CsvReader.Header.AUTO);
        assertEquals(DataSource.Format.LIBSVM, source.resolvedFormat(sc.hadoopConfiguration()));
        DataSource.Loaded loaded = source.loadForTraining(sc, 2, false);
        assertEquals(4, loaded.features(), "the largest index");
        assertEquals(List.of("3: 0.5 0.0 0.0 2.0", "-1: 0.0 0.001 0.0 0.0", "2: 0.0 0.0 0.0 0.0"),
                rows(loaded.data()));
        DataSource.Loaded wider = source.withFeatures(6).loadForTraining(sc, 2, false);
        assertEquals(6, wider.features());
        assertEquals("3: 0.5 0.0 0.0 2.0 0.0 0.0", rows(wider.data()).get(0));
    }

    @Test
    void libsvmIndexBeyondTheGivenFeaturesNamesFileAndLine() throws IOException {
        Path file = dir.resolve("beyond.svm");
        Files.writeString(file, "1 1:1\n0 3:1\n");
        DataSource source = new DataSource(file.toString(), DataSource.Format.LIBSVM, LabelColumn.LAST,
                CsvReader.Header.AUTO, 2, List.of());
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> rows(source.loadForTraining(sc, 1, false).data()));
        // The data layer names the setting; each caller shows it its own way (the command line as its flag).
        assertTrue(e.getMessage().contains("beyond.svm: line 2: index 3 is beyond features 2"), e.getMessage());
        assertTrue(e.message(key -> "--" + key).contains("index 3 is beyond --features 2"), e.getMessage());
    }

    @Test
    void tablesTakeNumericColumnsByNameOrOneVectorColumnFromParquetOrOrc() {
        SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        StructType schema = new StructType(new StructField[] {
            DataTypes.createStructField("a", DataTypes.LongType, false),
            DataTypes.createStructField("kind", DataTypes.DoubleType, false),
            DataTypes.createStructField("v", new VectorUDT(), false),
            DataTypes.createStructField("b", DataTypes.FloatType, true)});
        List<Row> rows = List.of(RowFactory.create(1L, 2.0, Vectors.dense(1, 2, 3), 0.5f),
                RowFactory.create(4L, 7.5, Vectors.sparse(3, new int[] {1}, new double[] {9}), 1.5f));
        String path = dir.resolve("table").toString();
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(path);

        DataSource numbers = new DataSource(path, DataSource.Format.AUTO, LabelColumn.byName("kind"),
                CsvReader.Header.AUTO, 0, List.of("b", "a"));
        DataSource.Loaded loaded = numbers.loadForTraining(sc, 1, false);
        assertEquals(DataSource.Format.PARQUET, loaded.format());
        assertEquals(List.of("2: 0.5 1.0", "7.5: 1.5 4.0"), rows(loaded.data()));

        DataSource vectors = new DataSource(path, DataSource.Format.PARQUET, LabelColumn.FIRST, CsvReader.Header.AUTO,
                0, List.of("v"));
        assertEquals(List.of("1: 1.0 2.0 3.0", "4: 0.0 9.0 0.0"), rows(vectors.loadForTraining(sc, 1, false).data()));

        DataSource everything = new DataSource(path, DataSource.Format.PARQUET, LabelColumn.FIRST,
                CsvReader.Header.AUTO);
        DataFormatException mixed = assertThrows(DataFormatException.class, () -> everything.loadForTraining(sc, 1, false));
        assertTrue(mixed.getMessage().contains("vector column 'v' must be the only input column"), mixed.getMessage());

        String orc = dir.resolve("orc-table").toString();
        spark.read().parquet(path).drop("v").withColumn("__index_level_0__", org.apache.spark.sql.functions.lit(7))
                .write().orc(orc);
        DataSource fromOrc = new DataSource(orc, DataSource.Format.AUTO, LabelColumn.byName("kind"),
                CsvReader.Header.AUTO);
        DataSource.Loaded orcLoaded = fromOrc.loadForTraining(sc, 1, false);
        assertEquals(DataSource.Format.ORC, orcLoaded.format());
        assertEquals(List.of("2: 1.0 0.5", "7.5: 4.0 1.5"), rows(orcLoaded.data()), "a, b; no pandas index");

        DataSource predict = new DataSource(path, DataSource.Format.PARQUET, LabelColumn.byName("kind"),
                CsvReader.Header.AUTO, 0, List.of("a", "b"));
        DataSource.Loaded forModel = predict.loadForModel(sc, 2, 1);
        assertTrue(forModel.labelled());
        DataFormatException width = assertThrows(DataFormatException.class, () -> predict.loadForModel(sc, 3, 1));
        assertTrue(width.getMessage().contains("the model takes 3 inputs"), width.getMessage());
    }

    @Test
    void jsonColumnsFollowTheFileNotSparksSortedSchema() throws IOException {
        Path file = dir.resolve("rows.json");
        Files.writeString(file, "{\"z\": 1, \"a\": 2.5, \"kind\": \"x\"}\n{\"z\": 3, \"a\": 4, \"kind\": \"y\"}\n");
        DataSource source = new DataSource(file.toString(), DataSource.Format.AUTO, LabelColumn.LAST,
                CsvReader.Header.AUTO);
        DataSource.Loaded loaded = source.loadForTraining(sc, 1, false);
        assertEquals(DataSource.Format.JSON, loaded.format());
        assertEquals(List.of("x: 1.0 2.5", "y: 3.0 4.0"), rows(loaded.data()), "z before a, the label last");
    }

    @Test
    void hadoopConfRoundTripsThroughKryoAndJava() throws Exception {
        Configuration conf = new Configuration(false);
        conf.set("fs.example.setting", "from spark.hadoop");
        var kryo = new org.apache.spark.serializer.KryoSerializer(SparkTests.conf("local[1]")).newInstance();
        var tag = scala.reflect.ClassTag$.MODULE$.<HadoopConf>apply(HadoopConf.class);
        HadoopConf viaKryo = kryo.deserialize(kryo.serialize(new HadoopConf(conf), tag), tag);
        assertEquals("from spark.hadoop", viaKryo.get().get("fs.example.setting"));
        var java = new org.apache.spark.serializer.JavaSerializer(SparkTests.conf("local[1]")).newInstance();
        HadoopConf viaJava = java.deserialize(java.serialize(new HadoopConf(conf), tag), tag);
        assertEquals("from spark.hadoop", viaJava.get().get("fs.example.setting"));
        assertNotNull(HadoopConf.broadcast(sc).value().get());
        assertArrayEquals(new double[] {1, 2}, TableReader.toArray(Vectors.dense(1, 2)), 0.0);
    }
}
