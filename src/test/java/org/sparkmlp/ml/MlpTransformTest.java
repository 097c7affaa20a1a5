package org.sparkmlp.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkmlp.testing.SparkTests;

/**
 * {@link MlpClassificationModel#transform} scores blocks of rows: the same numbers as one row at a time
 * ({@code predictRaw}, {@code predict}), for dense and sparse vectors, over several blocks and partitions, with
 * the other columns kept in order and MLlib's column conventions (empty names, thresholds, metadata).
 */
class MlpTransformTest {
    private static JavaSparkContext sc;
    private static SparkSession spark;
    private static Dataset<Row> train;
    private static MlpClassificationModel model;

    @BeforeAll
    static void start() throws Exception {
        sc = SparkTests.start("local[2]");
        spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        train = MlpClassifierTest.assembler().transform(MlpClassifierTest.digits(spark)).cache();
        model = new MlpClassifier().setLayers(new int[] {64, 12, 10}).setMaxIter(2).setPartitions(2)
                .setSeed(3).fit(train);
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    @Test
    void blocksScoreAsSingleRowsDoAndKeepEveryColumn() {
        // 1,797 rows in 3 partitions: several 256-row blocks, and a short last block in each partition.
        Dataset<Row> input = train.repartition(3);
        List<Row> scored = model.transform(input).collectAsList();
        assertEquals(input.count(), scored.size());
        StructType schema = model.transform(input).schema();
        assertEquals(Arrays.asList(input.columns()), Arrays.asList(schema.fieldNames()).subList(0,
                input.columns().length));
        assertEquals(List.of("rawPrediction", "probability", "prediction"), Arrays.asList(schema.fieldNames())
                .subList(input.columns().length, schema.size()));
        int features = input.schema().fieldIndex("features");
        int width = input.columns().length;
        for (Row row : scored) {
            Vector x = row.getAs(features);
            Vector single = model.predictRaw(x);
            Vector block = row.getAs(width + 1);
            assertArrayEquals(single.toArray(), block.toArray(), 1e-12);
            assertEquals(row.<Vector>getAs(width), block);
            assertEquals(model.predict(x), row.getDouble(width + 2));
        }
        // The columns and their metadata are those Spark's transformSchema declares (as MLlib's transform adds them).
        StructType declared = model.transformSchema(input.schema());
        for (String name : new String[] {"rawPrediction", "probability", "prediction"}) {
            assertEquals(declared.apply(name), schema.apply(name), name);
        }
        assertEquals(10, AttributeGroup.fromStructField(schema.apply("rawPrediction")).size());
        assertEquals(input.schema().apply("features"), schema.apply("features")); // its attributes kept
        assertEquals(64, AttributeGroup.fromStructField(schema.apply("features")).size());
    }

    @Test
    void sparseVectorsScoreAsTheirDenseForm() {
        StructType schema = new StructType().add("features", new VectorUDT());
        List<Row> dense = new ArrayList<>();
        List<Row> sparse = new ArrayList<>();
        for (Row r : train.select("features").limit(40).collectAsList()) {
            Vector v = r.getAs(0);
            dense.add(RowFactory.create(v.toDense()));
            sparse.add(RowFactory.create(v.toSparse()));
        }
        List<Row> a = model.transform(spark.createDataFrame(dense, schema)).select("probability").collectAsList();
        List<Row> b = model.transform(spark.createDataFrame(sparse, schema)).select("probability").collectAsList();
        assertEquals(a, b);
    }

    @Test
    void onlyTheNamedColumnsAreAddedAndThresholdsChooseAsMllibDoes() {
        MlpClassificationModel m = model.copy(ParamMap.empty());
        m.setRawPredictionCol("").setProbabilityCol("");
        Dataset<Row> out = m.transform(train.select("features"));
        assertEquals(List.of("features", "prediction"), Arrays.asList(out.columns()));

        double[] thresholds = new double[10];
        Arrays.fill(thresholds, 1.0);
        thresholds[3] = 1e-9; // class 3 wins wherever its probability is not 0
        m.setProbabilityCol("probability").setThresholds(thresholds);
        for (Row r : m.transform(train.select("features").limit(50)).collectAsList()) {
            Vector p = r.getAs("probability");
            double expected = p.apply(3) > 0 ? 3.0 : p.argmax();
            assertEquals(expected, r.getDouble(r.fieldIndex("prediction")));
        }
    }

    @Test
    void aVectorOfTheWrongSizeIsOneErrorNamingTheColumn() {
        StructType schema = new StructType().add("x", new VectorUDT()).add("id", DataTypes.IntegerType);
        Dataset<Row> shorter = spark.createDataFrame(List.of(RowFactory.create(Vectors.dense(1, 2, 3), 1)), schema);
        SparkException e = assertThrows(SparkException.class,
                () -> model.copy(ParamMap.empty()).setFeaturesCol("x").transform(shorter)
                        .collectAsList());
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().contains("'x'") && cause.getMessage().contains("3 values")
                && cause.getMessage().contains("takes 64"), cause.getMessage());
    }
}
