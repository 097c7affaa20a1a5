package org.sparkmlp.bench;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Synthetic classification data for the scale benchmark, written through Spark in parts: k classes, each a
 * Gaussian cluster with identity covariance around a centre drawn from N(0, s²·I) in d dimensions, so the
 * separation s controls how separable the classes are (s = 0: labels are noise; s = 3 in 8 dimensions: most rows
 * are classified right, not all). Rows are labelled uniformly at random, in a shuffled order, each part from its
 * own seeded stream: the same arguments give the same files whatever the cluster.
 *
 * <p>Values are rounded to 4 decimals so that both formats hold exactly the same rows: LIBSVM text
 * ({@code libsvm/part-*}, every index written) and Parquet ({@code parquet/part-*}: an integer column {@code label},
 * then double columns {@code f1} … {@code fd}).
 *
 * <pre>SyntheticData OUT_DIR ROWS [features=8] [classes=10] [separation=3] [parts=8] [seed=1] [formats=parquet,libsvm]
 *               [master=local[2]]</pre>
 */
public final class SyntheticData {
    private SyntheticData() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: SyntheticData OUT_DIR ROWS [features=8] [classes=10] [separation=3] [parts=8]"
                    + " [seed=1] [formats=parquet,libsvm] [master=local[2]]");
            System.exit(2);
        }
        String out = args[0];
        long rows = Long.parseLong(args[1].replace("_", ""));
        int features = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int classes = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        double separation = args.length > 4 ? Double.parseDouble(args[4]) : 3.0;
        int parts = args.length > 5 ? Integer.parseInt(args[5]) : 8;
        long seed = args.length > 6 ? Long.parseLong(args[6]) : 1;
        String formats = args.length > 7 ? args[7] : "parquet,libsvm";
        String master = args.length > 8 ? args[8] : "local[2]";
        Spec spec = new Spec(rows, features, classes, separation, parts, seed);
        SparkConf conf = new SparkConf().setAppName("synthetic data").setMaster(master)
                .set("spark.ui.enabled", "false");
        try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            List<Integer> ids = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                ids.add(p);
            }
            JavaRDD<Integer> partIds = sc.parallelize(ids, parts);
            long started = System.nanoTime();
            if (formats.contains("libsvm")) {
                partIds.mapPartitions(it -> new Lines(spec, it.next())).saveAsTextFile(out + "/libsvm");
            }
            if (formats.contains("parquet")) {
                List<StructField> fields = new ArrayList<>();
                fields.add(DataTypes.createStructField("label", DataTypes.IntegerType, false));
                for (int f = 1; f <= features; f++) {
                    fields.add(DataTypes.createStructField("f" + f, DataTypes.DoubleType, false));
                }
                JavaRDD<Row> table = partIds.mapPartitions(it -> new Rows(spec, it.next()));
                spark.createDataFrame(table, DataTypes.createStructType(fields)).write().mode(SaveMode.ErrorIfExists)
                        .parquet(out + "/parquet");
            }
            System.out.printf(Locale.ROOT, "{\"rows\": %d, \"features\": %d, \"classes\": %d, \"separation\": %s,"
                    + " \"parts\": %d, \"seed\": %d, \"seconds\": %.1f}%n", rows, features, classes, separation, parts,
                    seed, (System.nanoTime() - started) / 1e9);
        }
    }

    /** What to generate; part p holds rows [p·N/P, (p+1)·N/P). */
    record Spec(long rows, int features, int classes, double separation, int parts, long seed)
            implements java.io.Serializable {
        /** The class centres, the same in every task: drawn from the seed alone. */
        double[][] centres() {
            SplittableRandom random = new SplittableRandom(seed);
            double[][] c = new double[classes][features];
            for (int k = 0; k < classes; k++) {
                for (int f = 0; f < features; f++) {
                    c[k][f] = separation * gaussian(random);
                }
            }
            return c;
        }

        long first(int part) {
            return rows * part / parts;
        }
    }

    /** A standard normal draw (Box–Muller, one of the pair), spelled out so the files do not depend on the JDK. */
    static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
    }

    /** One part's rows: label, then values rounded to 4 decimals (as ten-thousandths). */
    private abstract static class Generator<T> implements Iterator<T> {
        final Spec spec;
        final double[][] centres;
        final SplittableRandom random;
        final long[] value;
        long left;
        int label;

        Generator(Spec spec, int part) {
            this.spec = spec;
            this.centres = spec.centres();
            this.random = new SplittableRandom(spec.seed() * 1_000_003L + 7919L * (part + 1));
            this.value = new long[spec.features()];
            this.left = spec.first(part + 1) - spec.first(part);
        }

        @Override
        public boolean hasNext() {
            return left > 0;
        }

        /** Draws the next row into label and value. */
        void draw() {
            if (left <= 0) {
                throw new NoSuchElementException();
            }
            left--;
            label = random.nextInt(spec.classes());
            for (int f = 0; f < value.length; f++) {
                value[f] = Math.round((centres[label][f] + gaussian(random)) * 1e4);
            }
        }
    }

    /** LIBSVM lines: "label 1:v 2:v …" with every index. */
    private static final class Lines extends Generator<String> {
        private final StringBuilder line = new StringBuilder(16 * 12);

        Lines(Spec spec, int part) {
            super(spec, part);
        }

        @Override
        public String next() {
            draw();
            line.setLength(0);
            line.append(label);
            for (int f = 0; f < value.length; f++) {
                line.append(' ').append(f + 1).append(':');
                appendTenThousandths(line, value[f]);
            }
            return line.toString();
        }
    }

    /** Writes v / 10⁴ with 4 decimals, without String.format (a billion of them). */
    static void appendTenThousandths(StringBuilder b, long v) {
        if (v < 0) {
            b.append('-');
            v = -v;
        }
        b.append(v / 10_000).append('.');
        long frac = v % 10_000;
        for (long d = 1000; d > 0; d /= 10) {
            b.append((char) ('0' + frac / d % 10));
        }
    }

    /** Parquet rows: label, then the same values as doubles. */
    private static final class Rows extends Generator<Row> {
        Rows(Spec spec, int part) {
            super(spec, part);
        }

        @Override
        public Row next() {
            draw();
            Object[] cells = new Object[value.length + 1];
            cells[0] = label;
            for (int f = 0; f < value.length; f++) {
                cells[f + 1] = value[f] / 1e4;
            }
            return RowFactory.create(cells);
        }
    }
}
