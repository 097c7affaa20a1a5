package org.sparkmlp.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkmlp.data.CsvReader;
import org.sparkmlp.data.DataSource;
import org.sparkmlp.data.BuildOptions;
import org.sparkmlp.data.CachedSets;
import org.sparkmlp.data.DatasetBuilder;
import org.sparkmlp.data.LabelColumn;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.optim.EarlyStopping;
import org.sparkmlp.optim.Optimizer;
import org.sparkmlp.testing.SparkTests;
import org.sparkmlp.train.EpochMetrics;
import org.sparkmlp.train.LearningRate;
import org.sparkmlp.train.Trainer;
import org.sparkmlp.train.TrainingConfig;
import org.sparkmlp.train.TrainingListener;

/**
 * Measures training recipes on an IDX directory (Fashion-MNIST) as the command line would run them, for choosing
 * {@code conf/preset-fast.properties} until the command line reads the optimiser options.
 *
 * <p>Usage: {@code PresetRun DATA_DIR key=value … [-- key=value …]…}. Keys are the command-line option names
 * without "--" ({@code conf/spark-mlp.properties} gives the defaults, {@code preset=FILE} overlays a properties
 * file, later keys win); each group after {@code --} is another run in the same JVM and SparkContext (later runs
 * profit from the first one's JIT warm-up: for a fair first-epoch figure, run one group per JVM). Data as the
 * command line prepares it: the {@code t10k} files as the test set, {@code val-fraction} of the training files
 * held out, pixels / 255, Spark's default parallelism as partitions. Per run it prints every epoch and one JSON
 * line: epochs and summed per-epoch {@code seconds} to 85 % validation accuracy, test accuracy after the last epoch.
 * {@code only-epochs=N} stops a run after N epochs (its schedule still that of {@code epochs}).
 */
public final class PresetRun {
    private PresetRun() {
    }

    public static void main(String[] args) throws IOException {
        String data = args[0];
        List<Map<String, String>> runs = new ArrayList<>();
        Map<String, String> group = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--")) {
                runs.add(group);
                group = new LinkedHashMap<>();
            } else {
                int eq = args[i].indexOf('=');
                group.put(args[i].substring(0, eq), args[i].substring(eq + 1));
            }
        }
        runs.add(group);
        Map<String, String> first = settings(runs.get(0));
        try (JavaSparkContext sc = new JavaSparkContext(SparkTests.conf(first.get("master")).setAppName("preset-run"))) {
            Precision precision = Precision.fromId(first.get("precision"));
            double valFraction = Double.parseDouble(first.get("val-fraction"));
            long seed = Long.parseLong(first.get("seed"));
            int partitions = sc.defaultParallelism();
            DataSource source = new DataSource(data, DataSource.Format.AUTO, LabelColumn.LAST, CsvReader.Header.AUTO);
            DataSource.Loaded loaded = source.loadForTraining(sc, partitions, true);
            CachedSets d = DatasetBuilder.build(sc, loaded.data(), loaded.test(),
                new BuildOptions(partitions, new DatasetBuilder.Split(valFraction, 0.0, seed), precision, null, null, Scaling.Kind.PIXEL, "preset-run", 0));
            for (Map<String, String> run : runs) {
                Map<String, String> s = settings(run);
                TrainingConfig config = config(s);
                if (config.precision() != precision || config.seed() != seed) {
                    throw new IllegalArgumentException("precision and seed must be the same in every run of one JVM");
                }
                Architecture arch = new Architecture(config.layerSizes(d.features(), d.classes().size()),
                        config.activation());
                List<EpochMetrics> seen = new ArrayList<>();
                List<Double> cpu = new ArrayList<>();
                long cpuStart = processCpuNanos();
                Map<Long, Long> threadsBefore = threadCpu();
                int only = Integer.parseInt(s.getOrDefault("only-epochs", "0"));
                Trainer.Result r = null;
                try {
                    r = new Trainer(sc, config).train(d, arch, arch.glorotUniform(seed), m -> {
                        seen.add(m);
                        cpu.add((processCpuNanos() - cpuStart) / 1e9);
                        System.out.printf(Locale.ROOT, "  epoch %2d  steps %5d  lr %.5f  train_loss %.4f  val_acc %.4f  %.3f s%n",
                                m.epoch(), m.steps(), m.learningRate(), m.trainLoss(), m.validationAccuracy(), m.seconds());
                        if (s.containsKey("threads") && m.epoch() == Integer.parseInt(s.get("threads"))) {
                            printThreadCpu(threadsBefore);
                        }
                        if (m.epoch() == only) {
                            throw new Cut();
                        }
                    });
                } catch (Cut cut) {
                    // only-epochs=N: the schedule of the configured epochs, but stop measuring after N.
                }
                double sum = 0;
                int epochs85 = 0;
                double seconds85 = Double.NaN;
                double cpu85 = Double.NaN;
                for (int i = 0; i < seen.size(); i++) {
                    EpochMetrics m = seen.get(i);
                    sum += m.seconds();
                    if (m.validationAccuracy() >= 0.85 && epochs85 == 0) {
                        epochs85 = m.epoch();
                        seconds85 = sum;
                        cpu85 = cpu.get(i);
                    }
                }
                System.out.printf(Locale.ROOT, "{\"run\": \"%s\", \"epochs_to_85\": %d, \"seconds_to_85\": %.3f, "
                                + "\"process_cpu_seconds_to_85\": %.3f, "
                                + "\"epochs\": %d, \"seconds\": %.3f, \"test_accuracy\": %.4f, \"best_epoch\": %d, "
                                + "\"status\": \"%s\", \"load\": %.2f}%n",
                        run, epochs85, seconds85, cpu85, seen.size(), sum, r == null ? Double.NaN : r.test().accuracy(),
                        r == null ? 0 : r.bestEpoch(), r == null ? "cut" : r.status().id(),
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            }
            d.release();
        }
    }

    /**
     * CPU time of the whole process (driver and, in local mode, executors): on a shared machine a steadier figure
     * than wall-clock seconds, which others' load stretches. It includes the listener's own printing.
     */
    private static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * CPU seconds of the live threads since training started, grouped by name with digits dropped (threads=N prints them after
     * epoch N): where a run's CPU goes, the JIT compiler's threads included. Threads that have ended are missing.
     */
    private static void printThreadCpu(Map<Long, Long> before) {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Map<String, Double> groups = new TreeMap<>();
        for (ThreadInfo info : bean.getThreadInfo(bean.getAllThreadIds())) {
            if (info != null) {
                long nanos = bean.getThreadCpuTime(info.getThreadId()) - before.getOrDefault(info.getThreadId(), 0L);
                groups.merge(info.getThreadName().replaceAll("[0-9]+", "#"), nanos / 1e9, Double::sum);
            }
        }
        System.out.printf(Locale.ROOT, "  cpu %7.3f s  whole process (JIT compiler and GC threads included)%n",
                (processCpuNanos() - before.get(-1L)) / 1e9);
        groups.entrySet().stream().filter(e -> e.getValue() > 0.05)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> System.out.printf(Locale.ROOT, "  cpu %7.3f s  %s%n", e.getValue(), e.getKey()));
    }

    /** CPU nanoseconds of every live thread by id, and of the process under id -1. */
    private static Map<Long, Long> threadCpu() {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Map<Long, Long> m = new HashMap<>();
        for (long id : bean.getAllThreadIds()) {
            m.put(id, bean.getThreadCpuTime(id));
        }
        m.put(-1L, processCpuNanos());
        return m;
    }

    /** Ends a run early, from the listener. */
    private static final class Cut extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /** conf/spark-mlp.properties, then a preset file if named, then the run's own keys. */
    static Map<String, String> settings(Map<String, String> run) throws IOException {
        Map<String, String> s = new LinkedHashMap<>(load(Path.of("conf/spark-mlp.properties")));
        s.put("master", "local[2]");
        if (run.containsKey("preset")) {
            s.putAll(load(Path.of(run.get("preset"))));
        }
        s.putAll(run);
        return s;
    }

    private static Map<String, String> load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
        return m;
    }

    /** The training configuration the command line would build from these options (the mapping to report). */
    static TrainingConfig config(Map<String, String> s) {
        String[] hiddenText = s.get("hidden").split(",");
        int[] hidden = new int[hiddenText.length];
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = Integer.parseInt(hiddenText[i].trim());
        }
        LearningRate rate = new LearningRate(LearningRate.Schedule.fromId(s.get("lr-schedule")),
                Double.parseDouble(s.get("lr")), Double.parseDouble(s.get("lr-decay")),
                Integer.parseInt(s.get("lr-step-epochs")));
        Optimizer optimizer = Optimizer.of(Optimizer.Kind.fromId(s.getOrDefault("optimizer", "sgd")),
                Double.parseDouble(s.getOrDefault("momentum", "0.9")), Double.parseDouble(s.getOrDefault("beta1", "0.9")),
                Double.parseDouble(s.getOrDefault("beta2", "0.999")), Double.parseDouble(s.getOrDefault("epsilon", "1e-8")),
                Double.parseDouble(s.getOrDefault("weight-decay", "0")));
        return new TrainingConfig(hidden, Activation.fromId(s.get("activation")), Loss.fromId(s.get("loss")),
                Integer.parseInt(s.get("batch-size")), Integer.parseInt(s.get("epochs")), rate, Long.parseLong(s.get("seed")),
                Integer.parseInt(s.get("aggregation-depth")), Precision.fromId(s.get("precision")))
                .withOptimizer(optimizer)
                .withLrWarmup(Double.parseDouble(s.getOrDefault("lr-warmup-epochs", "0")),
                        Long.parseLong(s.getOrDefault("lr-warmup-steps", "0")))
                .withClipNorm(Double.parseDouble(s.getOrDefault("clip-norm", "0")))
                .withEarlyStopping(new EarlyStopping(Integer.parseInt(s.getOrDefault("early-stop-patience", "0")),
                        EarlyStopping.Metric.fromId(s.getOrDefault("early-stop-metric", "val_loss"))));
    }
}
