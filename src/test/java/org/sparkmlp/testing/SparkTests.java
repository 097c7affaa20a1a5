package org.sparkmlp.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkmlp.train.EngineSettings;

/**
 * Spark for the Jupiter tests: a context with the engine's settings, as the command line starts it (Kryo with
 * required registration among them) but without the UI, one at a time per JVM (surefire runs one fork, classes
 * one after another). A test class opens one in {@code @BeforeAll} and closes it in {@code @AfterAll}.
 */
public final class SparkTests {
    private SparkTests() {
    }

    /** The configuration the application uses, for {@code master}. */
    public static SparkConf conf(String master) {
        return EngineSettings.applyTo(new SparkConf().setMaster(master).setAppName("spark-mlp-test"))
                .set("spark.ui.enabled", "false")
                .set("spark.ui.showConsoleProgress", "false")
                .set("spark.driver.host", "127.0.0.1");
    }

    public static JavaSparkContext start(String master) {
        return new JavaSparkContext(conf(master));
    }

    /**
     * The two-class "circles" set: points on an inner circle (radius 0.5, class "inner") and an outer one
     * (radius 1, class "outer"), each with Gaussian noise; not linearly separable.
     */
    public static List<double[]> circles(int n, double noise, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            double radius = label == 0 ? 0.5 : 1.0;
            double angle = random.nextDouble(0, 2 * Math.PI);
            double x = radius * Math.cos(angle) + noise * gaussian(random);
            double y = radius * Math.sin(angle) + noise * gaussian(random);
            rows.add(new double[] {x, y, label});
        }
        return rows;
    }

    /** Rows as CSV text, label last (written as an integer). */
    public static String csv(List<double[]> rows) {
        StringBuilder b = new StringBuilder();
        for (double[] r : rows) {
            for (int i = 0; i < r.length - 1; i++) {
                b.append(r[i]).append(',');
            }
            b.append((long) r[r.length - 1]).append('\n');
        }
        return b.toString();
    }

    static double gaussian(SplittableRandom random) {
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
