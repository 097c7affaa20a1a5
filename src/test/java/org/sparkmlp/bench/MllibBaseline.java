package org.sparkmlp.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ludovic.netlib.blas.BLAS;
import java.io.DataInputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.RDDInfo;

/**
 * The baseline a Spark user would reach for: MLlib's {@code MultilayerPerceptronClassifier} with layers
 * [784, 100, 10] and its default solver (L-BFGS), on Fashion-MNIST with pixels / 255.
 *
 * <p>The 60,000 training images are split, stratified by class and seeded, into 54,000 training rows (the
 * rows our trainer and the PyTorch reference train on; MLlib uses no validation set) and 6,000 left out; the
 * 10,000 t10k images are the test set. Both sets are written once to Parquet under the output directory and
 * read back, as a user's files would be (a DataFrame made from a driver-side list would stay in the lineage
 * and be re-shipped with every task). The training DataFrame is cached in {@code partitions} partitions and
 * counted before any fit; Spark's storage figure for it is reported beside rows × features × 8.
 *
 * <p>One untimed fit of 2 iterations warms the JVM; then one fit per entry of {@code maxIters}, each from the
 * same seed (so a shorter run is a prefix of a longer one), timed around {@code fit} alone. Prints JSON.
 *
 * <pre>MllibBaseline DATA_DIR OUT_DIR [maxIters=50,100] [master=local[2]] [partitions=2]</pre>
 */
public final class MllibBaseline {
    private static final double TARGET = 0.85;

    private MllibBaseline() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: MllibBaseline DATA_DIR OUT_DIR [maxIters=50,100] [master=local[2]] [partitions=2]");
            System.exit(2);
        }
        String data = args[0];
        File out = new File(args[1]);
        int[] maxIters = Arrays.stream((args.length > 2 ? args[2] : "50,100").split(","))
                .mapToInt(Integer::parseInt).toArray();
        String master = args.length > 3 ? args[3] : "local[2]";
        int partitions = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        long seed = 42;

        SparkConf conf = new SparkConf().setMaster(master).setAppName("mllib-baseline")
                .set("spark.ui.enabled", "false")
                .set("spark.executorEnv.OPENBLAS_NUM_THREADS", "1");
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        SparkContext sc = spark.sparkContext();
        try {
            String trainPath = new File(out, "train.parquet").getPath();
            String testPath = new File(out, "test.parquet").getPath();
            int[] split = writeSets(spark, data, trainPath, testPath, seed);

            Dataset<Row> train = spark.read().parquet(trainPath).repartition(partitions).cache();
            long trainRows = train.count();
            List<Map<String, Object>> cached = storage(sc);
            long trainBytes = cached.stream().mapToLong(r -> (Long) r.get("mem_bytes")).sum();
            Dataset<Row> test = spark.read().parquet(testPath).cache();
            long testRows = test.count();
            long dataFrameBytes = storage(sc).stream().mapToLong(r -> (Long) r.get("mem_bytes")).sum();
            int features = 784;

            MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator()
                    .setMetricName("accuracy");
            classifier(2, seed).fit(train); // warm-up, untimed

            StoragePeak peak = new StoragePeak(sc);
            peak.start();
            List<Map<String, Object>> runs = new ArrayList<>();
            Double secondsToTarget = null;
            for (int maxIter : maxIters) {
                long start = System.nanoTime();
                MultilayerPerceptronClassificationModel model = classifier(maxIter, seed).fit(train);
                double seconds = (System.nanoTime() - start) / 1e9;
                double acc = accuracy.evaluate(model.transform(test));
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("max_iter", maxIter);
                run.put("iterations", model.summary().totalIterations());
                run.put("seconds", seconds);
                run.put("test_accuracy", acc);
                runs.add(run);
                System.err.printf(Locale.ROOT, "mllib: maxIter %d: %.1f s, test accuracy %.4f%n", maxIter, seconds, acc);
                if (secondsToTarget == null && acc >= TARGET) {
                    secondsToTarget = seconds;
                }
            }
            peak.interrupt();

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("spark", sc.version());
            result.put("master", master);
            result.put("blas", BLAS.getInstance().getClass().getSimpleName());
            result.put("solver", "l-bfgs");
            result.put("layers", List.of(784, 100, 10));
            result.put("train_rows", trainRows);
            result.put("left_out_rows", split[1]);
            result.put("test_rows", testRows);
            result.put("features", features);
            result.put("partitions", train.rdd().getNumPartitions());
            result.put("runs", runs);
            result.put("seconds_to_test_085", secondsToTarget);
            result.put("cached_train_bytes", trainBytes);
            result.put("raw_train_bytes", trainRows * features * 8L);
            result.put("cached_train_rdds", cached);
            // MLlib caches its own stacked copy of the training rows while it fits: the peak beyond our caches.
            result.put("internal_cache_peak_bytes", Math.max(0, peak.peak - dataFrameBytes));
            System.out.println(new ObjectMapper().writeValueAsString(result));
        } finally {
            spark.stop();
        }
    }

    private static MultilayerPerceptronClassifier classifier(int maxIter, long seed) {
        return new MultilayerPerceptronClassifier().setLayers(new int[] {784, 100, 10}).setMaxIter(maxIter)
                .setSeed(seed);
    }

    private static List<Map<String, Object>> storage(SparkContext sc) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (RDDInfo info : sc.getRDDStorageInfo()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", info.name());
            r.put("partitions_cached", info.numCachedPartitions());
            r.put("mem_bytes", info.memSize());
            r.put("disk_bytes", info.diskSize());
            list.add(r);
        }
        return list;
    }

    /** Samples Spark's storage info during the fits: MLlib caches its own stacked copy of the data. */
    private static final class StoragePeak extends Thread {
        private final SparkContext sc;
        volatile long peak;

        StoragePeak(SparkContext sc) {
            super("storage-peak");
            setDaemon(true);
            this.sc = sc;
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                long total = 0;
                for (RDDInfo info : sc.getRDDStorageInfo()) {
                    total += info.memSize();
                }
                peak = Math.max(peak, total);
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * Reads the IDX files, splits the training images (stratified, seeded: 10 % of each class left out) and
     * writes training and test sets as Parquet (label, features). Returns {train rows, left-out rows}.
     */
    static int[] writeSets(SparkSession spark, String dir, String trainPath, String testPath, long seed)
            throws IOException {
        double[][] x = images(new File(dir, "train-images-idx3-ubyte.gz"));
        int[] y = labels(new File(dir, "train-labels-idx1-ubyte.gz"));
        double[][] xt = images(new File(dir, "t10k-images-idx3-ubyte.gz"));
        int[] yt = labels(new File(dir, "t10k-labels-idx1-ubyte.gz"));
        boolean[] leftOut = new boolean[y.length];
        Random random = new Random(seed);
        for (int c = 0; c < 10; c++) {
            final int cls = c;
            List<Integer> rows = new ArrayList<>();
            for (int i = 0; i < y.length; i++) {
                if (y[i] == cls) {
                    rows.add(i);
                }
            }
            java.util.Collections.shuffle(rows, random);
            for (int i = 0; i < Math.round(rows.size() * 0.1); i++) {
                leftOut[rows.get(i)] = true;
            }
        }
        List<Row> train = new ArrayList<>();
        for (int i = 0; i < y.length; i++) {
            if (!leftOut[i]) {
                train.add(RowFactory.create((double) y[i], Vectors.dense(x[i])));
            }
        }
        List<Row> test = new ArrayList<>();
        for (int i = 0; i < yt.length; i++) {
            test.add(RowFactory.create((double) yt[i], Vectors.dense(xt[i])));
        }
        StructType schema = new StructType(new StructField[] {
            new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
            new StructField("features", new VectorUDT(), false, Metadata.empty())});
        spark.createDataFrame(train, schema).write().mode(SaveMode.Overwrite).parquet(trainPath);
        spark.createDataFrame(test, schema).write().mode(SaveMode.Overwrite).parquet(testPath);
        return new int[] {train.size(), y.length - train.size()};
    }

    private static DataInputStream open(File f) throws IOException {
        InputStream in = new FileInputStream(f);
        return new DataInputStream(new java.io.BufferedInputStream(f.getName().endsWith(".gz")
                ? new GZIPInputStream(in, 1 << 16) : in, 1 << 16));
    }

    private static double[][] images(File f) throws IOException {
        try (DataInputStream in = open(f)) {
            if (in.readInt() != 0x803) {
                throw new IOException(f + ": not an IDX images file");
            }
            int n = in.readInt();
            int pixels = in.readInt() * in.readInt();
            double[][] x = new double[n][pixels];
            byte[] row = new byte[pixels];
            for (int i = 0; i < n; i++) {
                in.readFully(row);
                for (int j = 0; j < pixels; j++) {
                    x[i][j] = (row[j] & 0xff) / 255.0;
                }
            }
            return x;
        }
    }

    private static int[] labels(File f) throws IOException {
        try (DataInputStream in = open(f)) {
            if (in.readInt() != 0x801) {
                throw new IOException(f + ": not an IDX labels file");
            }
            int[] y = new int[in.readInt()];
            for (int i = 0; i < y.length; i++) {
                y[i] = in.readUnsignedByte();
            }
            return y;
        }
    }
}
