package org.sparkmlp.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkmlp.api.DataSpec;
import org.sparkmlp.api.MlpTrainer;
import org.sparkmlp.api.SparkSettings;
import org.sparkmlp.ml.MlpClassificationModel;
import org.sparkmlp.ml.MlpClassifier;

/**
 * The estimator against MLlib's {@code MultilayerPerceptronClassifier} (MLPC) and against the training API the
 * command line runs, in one JVM and one Spark session, on Fashion-MNIST as Parquet (label, features = pixels /
 * 255; {@link MllibBaseline}'s sets: 54,000 training rows, the 10,000 test images).
 *
 * <ol>
 *   <li><b>Fit to test accuracy 0.85</b>: MLPC with its defaults (L-BFGS) and layers 784-100-10, one fit per
 *       {@code mllibIters}; ours, the same layers with the fast preset's settings (batch 1024, Nesterov, cosine
 *       schedule, float32), one fit per {@code ourIters}. Each fit starts from the same seed and is timed
 *       around {@code fit} alone, on the same cached DataFrame; the first fit of each list that reaches 0.85
 *       on the test rows counts.</li>
 *   <li><b>Transform</b>: both models score the test rows ×4 (40,000 rows, cached, 2 partitions), every output
 *       column computed ({@code noop} sink); one warm-up, then the median of {@code rounds}; rows per second.
 *       Then the same for 784-1024-1024-10 (both models fitted for one iteration on 2,000 rows).</li>
 *   <li><b>Estimator against the command line's path</b>: the same settings trained by
 *       {@code MlpClassifier.fit} on the DataFrame read from the Parquet file, and by {@code MlpTrainer.fit} on
 *       that file ({@code train --data FILE --format parquet} does this), alternated {@code rounds} times;
 *       medians. Both read the file themselves, nothing cached beforehand.</li>
 * </ol>
 *
 * <pre>EstimatorBench DATA_DIR OUT_DIR [ourIters=2,3,4,6,8] [mllibIters=100] [rounds=3] [master=local[2]]</pre>
 *
 * The session has {@link SparkSettings}' settings, as README's examples start theirs. Prints JSON on stdout;
 * progress on stderr.
 */
public final class EstimatorBench {
    private static final double TARGET = 0.85;
    private static final int[] LAYERS = {784, 100, 10};
    private static final int[] WIDE = {784, 1024, 1024, 10};
    private static final long SEED = 42;

    private EstimatorBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: EstimatorBench DATA_DIR OUT_DIR [ourIters=2,3,4,6,8] [mllibIters=100] [rounds=3]"
                    + " [master=local[2]]");
            System.exit(2);
        }
        File out = new File(args[1]);
        int[] ourIters = ints(args.length > 2 ? args[2] : "2,3,4,6,8");
        int[] mllibIters = ints(args.length > 3 ? args[3] : "100");
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        String master = args.length > 5 ? args[5] : "local[2]";

        // The settings README's examples start a session with (Kryo with the trainer's classes, among others); both
        // estimators run in this one session.
        SparkConf conf = SparkSettings.applyTo(new SparkConf()).setMaster(master).setAppName("estimator-bench")
                .set("spark.ui.enabled", "false").set("spark.executorEnv.OPENBLAS_NUM_THREADS", "1");
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            String trainPath = new File(out, "train.parquet").getPath();
            String testPath = new File(out, "test.parquet").getPath();
            MllibBaseline.writeSets(spark, args[0], trainPath, testPath, SEED);
            Dataset<Row> train = spark.read().parquet(trainPath).repartition(2).cache();
            Dataset<Row> test = spark.read().parquet(testPath).cache();
            long trainRows = train.count();
            long testRows = test.count();
            MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator()
                    .setMetricName("accuracy");

            // 1. Fit to 0.85.
            ours(2).fit(train); // warm-up, untimed
            mllib(2).fit(train);
            FitsToTarget<MlpClassificationModel> ourFits = fitToTarget(ourIters, EstimatorBench::ours, train, test,
                    accuracy);
            FitsToTarget<MultilayerPerceptronClassificationModel> mllibFits = fitToTarget(mllibIters,
                    EstimatorBench::mllib, train, test, accuracy);
            Double ourSeconds = ourFits.seconds();
            Double mllibSeconds = mllibFits.seconds();

            // 2. Transform.
            Dataset<Row> scoring = test.union(test).union(test).union(test).repartition(2).cache();
            long scoringRows = scoring.count();
            double ourTransform = medianSeconds(rounds, transform(ourFits.last(), scoring));
            double mllibTransform = medianSeconds(rounds, transform(mllibFits.last(), scoring));
            log("transform %,d rows: ours %.3f s, MLlib %.3f s", scoringRows, ourTransform, mllibTransform);
            // The same for 784-1024-1024-10, whose weights no longer sit in a core's cache: models fitted for one
            // iteration on 2,000 rows (their weights do not change what scoring costs).
            Dataset<Row> few = train.limit(2000).cache();
            MlpClassificationModel ourWide = ours(1).setLayers(WIDE).fit(few);
            MultilayerPerceptronClassificationModel mllibWide = mllib(1).setLayers(WIDE).fit(few);
            double ourWideTransform = medianSeconds(rounds, transform(ourWide, scoring));
            double mllibWideTransform = medianSeconds(rounds, transform(mllibWide, scoring));
            log("transform %,d rows, 784-1024-1024-10: ours %.3f s, MLlib %.3f s", scoringRows, ourWideTransform,
                    mllibWideTransform);

            // 3. The estimator against the training API on the file, alternated.
            int iters = ourIters[ourIters.length - 1];
            List<Double> estimator = new ArrayList<>();
            List<Double> api = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                MlpClassifier classifier = ours(iters);
                estimator.add(seconds(() -> classifier.fit(spark.read().parquet(trainPath))));
                MlpTrainer trainer = new MlpTrainer(spark, classifier.trainingSettings()).withPartitions(2);
                api.add(seconds(() -> trainer.fit(DataSpec.path(trainPath).withFormat("parquet")
                        .withLabelColumn("label").withFeatureColumns("features"))));
                log("round %d: estimator %.2f s, training API on the file %.2f s", r + 1,
                        estimator.get(r), api.get(r));
            }

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("spark", spark.version());
            result.put("master", master);
            result.put("layers", Arrays.stream(LAYERS).boxed().toList());
            result.put("train_rows", trainRows);
            result.put("test_rows", testRows);
            result.put("ours_fits", ourFits.runs());
            result.put("mllib_fits", mllibFits.runs());
            result.put("ours_seconds_to_085", ourSeconds);
            result.put("mllib_seconds_to_085", mllibSeconds);
            result.put("fit_speedup", ourSeconds != null && mllibSeconds != null ? mllibSeconds / ourSeconds : null);
            result.put("transform_rows", scoringRows);
            result.put("ours_transform_rows_per_second", scoringRows / ourTransform);
            result.put("mllib_transform_rows_per_second", scoringRows / mllibTransform);
            result.put("transform_speedup", mllibTransform / ourTransform);
            result.put("wide_layers", Arrays.stream(WIDE).boxed().toList());
            result.put("ours_wide_transform_rows_per_second", scoringRows / ourWideTransform);
            result.put("mllib_wide_transform_rows_per_second", scoringRows / mllibWideTransform);
            result.put("wide_transform_speedup", mllibWideTransform / ourWideTransform);
            result.put("versus_api_epochs", iters);
            result.put("estimator_fit_seconds", estimator);
            result.put("api_fit_seconds", api);
            result.put("estimator_over_api", median(estimator) / median(api));
            System.out.println(new ObjectMapper().writeValueAsString(result));
        } finally {
            spark.stop();
        }
    }

    /** Ours, with the fast preset's settings (conf/preset-fast.properties) as Params. */
    private static MlpClassifier ours(int maxIter) {
        return new MlpClassifier().setLayers(LAYERS).setMaxIter(maxIter).setSeed(SEED).setPartitions(2)
                .setBatchSize(1024).setSolver("nesterov").setMomentum(0.9).setStepSize(0.25)
                .setLrWarmupEpochs(0.5).setLrSchedule("cosine").setPrecision("float32");
    }

    private static MultilayerPerceptronClassifier mllib(int maxIter) {
        return new MultilayerPerceptronClassifier().setLayers(LAYERS).setMaxIter(maxIter).setSeed(SEED);
    }

    /** The fits of one estimator, the last model fitted, and the seconds of the first fit to reach the target. */
    private record FitsToTarget<M>(List<Map<String, Object>> runs, M last, Double seconds) {
    }

    /** One fit per entry of {@code iters}, each timed around {@code fit} alone, until one reaches the target. */
    private static <M extends Model<M>> FitsToTarget<M> fitToTarget(int[] iters,
            IntFunction<? extends Estimator<M>> estimator, Dataset<Row> train, Dataset<Row> test,
            MulticlassClassificationEvaluator accuracy) {
        List<Map<String, Object>> runs = new ArrayList<>();
        M model = null;
        for (int n : iters) {
            long start = System.nanoTime();
            model = estimator.apply(n).fit(train);
            double seconds = (System.nanoTime() - start) / 1e9;
            double acc = accuracy.evaluate(model.transform(test));
            runs.add(fit(n, seconds, acc));
            if (acc >= TARGET) {
                return new FitsToTarget<>(runs, model, seconds);
            }
        }
        return new FitsToTarget<>(runs, model, null);
    }

    private static Map<String, Object> fit(int iters, double seconds, double accuracy) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_iter", iters);
        m.put("seconds", seconds);
        m.put("test_accuracy", accuracy);
        log("fit maxIter %d: %.2f s, test accuracy %.4f", iters, seconds, accuracy);
        return m;
    }

    private static Runnable transform(Model<?> model, Dataset<Row> rows) {
        return () -> model.transform(rows).write().format("noop").mode("overwrite").save();
    }

    private static double medianSeconds(int rounds, Runnable work) {
        work.run(); // warm-up
        List<Double> times = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            times.add(seconds(() -> {
                work.run();
                return null;
            }));
        }
        return median(times);
    }

    private static double seconds(Supplier<?> work) {
        long start = System.nanoTime();
        work.get();
        return (System.nanoTime() - start) / 1e9;
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static int[] ints(String list) {
        return Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "estimator-bench: " + format + "%n", args);
    }
}
