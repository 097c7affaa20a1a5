package org.sparkmlp.train;

import com.holdenkarau.spark.testing.JavaRDDComparisons;
import com.holdenkarau.spark.testing.SharedJavaSparkContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.junit.Test;
import org.sparkmlp.data.CsvReader;
import org.sparkmlp.data.DataSource;
import org.sparkmlp.data.CachedSets;
import org.sparkmlp.data.BuildOptions;
import org.sparkmlp.data.DatasetBuilder;
import org.sparkmlp.data.LabelColumn;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.testing.SparkTests;

/**
 * Bit-reproducibility starts with the data: the same files, seed and partitioning must give the same cached
 * blocks, row for row and bit for bit, although they pass through a shuffle. Uses spark-testing-base's shared
 * context and its RDD comparison (JUnit 4, run through the vintage engine).
 */
public class ReproducibleBlocksTest extends SharedJavaSparkContext {

    @Override
    public SparkConf conf() {
        // The comparison itself shuffles rows keyed with Scala class tags; only the test needs these registered.
        return SparkTests.conf("local[2]").set("spark.kryo.classesToRegister",
                "scala.reflect.ManifestFactory$AnyManifest,scala.reflect.ClassTag$GenericClassTag,scala.None$,scala.Some");
    }

    @Test
    public void sameSeedGivesIdenticalBlocksRowForRow() throws IOException {
        Path file = Files.createTempFile("circles", ".csv");
        try {
            Files.writeString(file, SparkTests.csv(SparkTests.circles(500, 0.1, 9)));
            JavaRDD<String> first = rows(build(file, 42));
            JavaRDD<String> second = rows(build(file, 42));
            JavaRDDComparisons.assertRDDEqualsWithOrder(first, second);
            // A different seed must change the split, or the comparison above proves nothing.
            org.junit.Assert.assertTrue(JavaRDDComparisons.compareRDDWithOrder(first, rows(build(file, 43))).isDefined());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private CachedSets build(Path file, long seed) {
        DataSource source = new DataSource(file.toString(), DataSource.Format.CSV, LabelColumn.LAST, CsvReader.Header.AUTO);
        return DatasetBuilder.build(jsc(), source.loadForTraining(jsc(), 3, false).data(), null,
                new BuildOptions(3, new DatasetBuilder.Split(0.2, 0.2, seed), Precision.FLOAT64,
                        null, null, Scaling.Kind.MINMAX, "circles", 0));
    }

    /** Each training row as text with its partition, exact bits of every feature, and label. */
    private static JavaRDD<String> rows(CachedSets d) {
        return d.train().flatMap(b -> {
            java.util.List<String> out = new java.util.ArrayList<>();
            for (int r = 0; r < b.rows(); r++) {
                long[] bits = Arrays.stream(Arrays.copyOfRange(b.x(), r * b.features(), (r + 1) * b.features()))
                        .mapToLong(Double::doubleToRawLongBits).toArray();
                out.add(b.index() + ":" + Arrays.toString(bits) + ":" + b.y()[r]);
            }
            return out.iterator();
        });
    }

}
