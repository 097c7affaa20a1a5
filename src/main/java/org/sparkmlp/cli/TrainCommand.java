package org.sparkmlp.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkmlp.data.CsvReader;
import org.sparkmlp.data.DataSource;
import org.sparkmlp.data.Dataset;
import org.sparkmlp.data.DatasetBuilder;
import org.sparkmlp.data.LabelColumn;
import org.sparkmlp.io.ModelFile;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Model;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.train.EpochMetrics;
import org.sparkmlp.train.Evaluation;
import org.sparkmlp.train.LearningRate;
import org.sparkmlp.train.Trainer;
import org.sparkmlp.train.TrainingConfig;
import org.sparkmlp.train.TrainingListener;

/** {@code train}: read and split the data, run SGD, write model.json, metrics.jsonl and summary.json. */
final class TrainCommand {
    private final Options options;
    private final PrintStream out;

    TrainCommand(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    void run() throws IOException {
        // Everything that can be checked without Spark is checked first.
        Model init = options.get("init-model") == null ? null : ModelFile.read(options.get("init-model"));
        TrainingConfig config = config(init);
        DataSource source = dataSource(options);
        DataSource testSource = options.get("test") == null ? null
                : new DataSource(options.get("test"), source.format(), source.labelColumn(), source.header());
        String scale = options.getChoice("scale", s -> {
            if (!List.of("auto", "none", "pixel", "minmax", "standard").contains(s)) {
                throw new IllegalArgumentException("unknown scaling '" + s + "' (expected auto, none, pixel, minmax or standard)");
            }
            return s;
        });
        double valFraction = options.getDouble("val-fraction", 0.0, 0.99);
        double testFraction = options.getDouble("test-fraction", 0.0, 0.99);
        int partitionsOption = options.get("partitions") == null ? 0 : options.getInt("partitions", 1);
        if (options.get("test") == null) {
            try {
                new DatasetBuilder.Split(valFraction, testFraction, 0);
            } catch (IllegalArgumentException e) {
                throw new Options.UsageException("--val-fraction and --test-fraction: " + e.getMessage());
            }
        }
        Outputs outputs = new Outputs(options.require("out")).prepare();

        long started = System.nanoTime();
        try (JavaSparkContext sc = SparkSetup.start(options)) {
            String blas = SparkSetup.blasReport(sc);
            out.println("BLAS: " + blas);
            int partitions = partitionsOption > 0 ? partitionsOption : sc.defaultParallelism();
            DataSource.Loaded loaded = source.loadForTraining(sc, partitions, testSource == null);
            DataSource.Loaded test = testSource == null ? null : testSource.loadForTraining(sc, partitions, false);
            boolean separateTest = test != null || loaded.test() != null;
            if (separateTest && options.isExplicit("test-fraction") && testFraction > 0) {
                throw new Options.UsageException("--test-fraction " + testFraction + " conflicts with the separate test set "
                        + (test != null ? options.get("test") : "in " + source.path()) + "; give one or the other");
            }
            Scaling.Kind kind = scale.equals("auto")
                    ? (loaded.format() == DataSource.Format.IDX ? Scaling.Kind.PIXEL : Scaling.Kind.MINMAX)
                    : Scaling.Kind.fromId(scale);
            if (init != null && init.architecture().inputs() != loaded.features()) {
                throw new Options.UsageException("--init-model takes " + init.architecture().inputs()
                        + " inputs but the data has " + loaded.features() + " features");
            }
            Dataset data = DatasetBuilder.build(sc, loaded.data(), test != null ? test.data() : loaded.test(), partitions,
                    new DatasetBuilder.Split(valFraction, separateTest ? 0.0 : testFraction, config.seed()),
                    init == null ? null : init.classes(), init == null ? null : init.scaling(), kind,
                    loaded.description() + (test != null ? " + test " + test.description() : ""), config.precision());
            out.printf("data: %s%n      %,d training, %,d validation, %,d test rows; %d features, %d classes; %d partitions%n",
                    data.description(), data.trainRows(), data.validationRows(), data.testRows(), data.features(),
                    data.classes().size(), partitions);

            Architecture arch = init != null ? init.architecture()
                    : new Architecture(config.layerSizes(data.features(), data.classes().size()), config.activation());
            double[] initial = init != null ? init.parameters() : arch.glorotUniform(config.seed());
            Trainer.Result result = new Trainer(sc, config).train(data, arch, initial, listener(outputs));

            Map<String, Object> provenance = provenance(config, data, result, blas, sc);
            Model model = new Model(arch, config.loss(), result.parameters(), data.scaling(), data.classes(), provenance);
            outputs.writeModel(model);
            Map<String, Object> summary = summary(config, data, result, blas, cachedBytes(sc, data),
                    (System.nanoTime() - started) / 1e9);
            outputs.writeJson("summary.json", summary);
            outputs.commit();
            data.release();
            report(result, outputs);
        }
    }

    private TrainingConfig config(Model init) {
        int[] hidden = options.getSizes("hidden");
        Activation activation = options.getChoice("activation", Activation::fromId);
        Loss loss = options.getChoice("loss", Loss::fromId);
        if (init != null) {
            int[] sizes = init.architecture().sizes();
            int[] initHidden = java.util.Arrays.copyOfRange(sizes, 1, sizes.length - 1);
            if (options.isExplicit("hidden") && !java.util.Arrays.equals(hidden, initHidden)) {
                throw new Options.UsageException("--hidden " + options.get("hidden") + " differs from --init-model's hidden layers "
                        + java.util.Arrays.toString(initHidden));
            }
            if (options.isExplicit("activation") && activation != init.architecture().activation()) {
                throw new Options.UsageException("--activation " + activation.id() + " differs from --init-model's "
                        + init.architecture().activation().id());
            }
            hidden = initHidden;
            activation = init.architecture().activation();
            if (!options.isExplicit("loss")) {
                loss = init.loss();
            }
        }
        LearningRate.Schedule schedule = options.getChoice("lr-schedule", LearningRate.Schedule::fromId);
        double lr = options.getDouble("lr", Double.MIN_VALUE, 1e6);
        double decay = options.getDouble("lr-decay", 0.0, 1e6);
        if ((schedule == LearningRate.Schedule.EXPONENTIAL || schedule == LearningRate.Schedule.STEP)
                && !options.isExplicit("lr-decay")) {
            // The default decay suits inverse-time (k per step); as a per-epoch factor it would stall training.
            throw new Options.UsageException("--lr-schedule " + schedule.id() + " multiplies the rate by --lr-decay;"
                    + " give it explicitly, e.g. --lr-decay 0.9");
        }
        int stepEpochs = options.getInt("lr-step-epochs", 1);
        LearningRate rate;
        try {
            rate = LearningRate.of(schedule, lr, decay, stepEpochs, 1);
        } catch (IllegalArgumentException e) {
            throw new Options.UsageException("--lr-decay: " + e.getMessage());
        }
        return new TrainingConfig(hidden, activation, loss, options.getInt("batch-size", 1), options.getInt("epochs", 1),
                rate, options.getLong("seed"), options.getInt("aggregation-depth", 1),
                options.getChoice("precision", Precision::fromId));
    }

    static DataSource dataSource(Options options) {
        String data = options.require("data");
        if (!data.equals(DataSource.BUNDLED_DIGITS) && !data.contains("://") && !data.contains("*")
                && !java.nio.file.Files.exists(Path.of(data.startsWith("file:") ? data.substring(5) : data))) {
            throw new org.sparkmlp.data.DataFormatException(data, null, "no such file or directory");
        }
        return new DataSource(data, options.getChoice("format", DataSource.Format::fromId),
                options.getChoice("label-column", LabelColumn::parse),
                options.getChoice("header", h -> CsvReader.Header.valueOf(h.toUpperCase(java.util.Locale.ROOT))));
    }

    private TrainingListener listener(Outputs outputs) {
        return new TrainingListener() {
            @Override
            public void started(String architecture, long trainRows, long stepsPerEpoch, int epochs) {
                out.printf("training %s: %,d rows, %,d steps per epoch, %d epochs%n", architecture, trainRows,
                        stepsPerEpoch, epochs);
            }

            @Override
            public void epochEnded(EpochMetrics m) {
                out.printf("epoch %3d  steps %7d  lr %.5g  train_loss %.4f  val_loss %s  val_acc %s  %.2f s%n",
                        m.epoch(), m.steps(), m.learningRate(), m.trainLoss(), fmt(m.validationLoss()),
                        fmt(m.validationAccuracy()), m.seconds());
                outputs.appendMetric(m.toMap());
            }
        };
    }

    private static String fmt(double v) {
        return Double.isFinite(v) ? String.format("%.4f", v) : "-";
    }

    private Map<String, Object> provenance(TrainingConfig config, Dataset data, Trainer.Result result, String blas,
                                           JavaSparkContext sc) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("library", "spark-mlp " + Main.version());
        p.put("created", Instant.now().toString());
        p.put("config", config.describe());
        p.put("data", data.description());
        p.put("rows", Map.of("train", data.trainRows(), "validation", data.validationRows(), "test", data.testRows()));
        p.put("scaling", data.scaling().kind().id());
        p.put("init_model", options.get("init-model"));
        p.put("steps", result.steps());
        p.put("spark", sc.version());
        p.put("blas", blas);
        return p;
    }

    private Map<String, Object> summary(TrainingConfig config, Dataset data, Trainer.Result result, String blas,
                                        long cachedBytes, double seconds) {
        List<EpochMetrics> epochs = result.epochs();
        EpochMetrics last = epochs.get(epochs.size() - 1);
        Evaluation test = result.test();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("train_loss", last.trainLoss());
        s.put("val_loss", last.validationLoss());
        s.put("val_accuracy", last.validationAccuracy());
        s.put("test_loss", test == null ? null : test.loss());
        s.put("test_accuracy", test == null ? null : test.accuracy());
        s.put("epochs", epochs.size());
        s.put("steps", result.steps());
        s.put("seconds", seconds);
        s.put("training_seconds", result.trainingSeconds());
        s.put("seconds_per_epoch", result.trainingSeconds() / epochs.size());
        s.put("rows_per_second", data.trainRows() * (double) epochs.size() / result.trainingSeconds());
        s.put("gc_seconds_per_epoch", epochs.stream().map(EpochMetrics::gcSeconds).toList());
        s.put("precision", config.precision().id());
        s.put("cached_train_bytes", cachedBytes);
        s.put("rows", Map.of("train", data.trainRows(), "validation", data.validationRows(), "test", data.testRows()));
        s.put("classes", data.classes());
        s.put("config", config.describe());
        s.put("options", options.effective());
        s.put("blas", blas);
        return s;
    }

    /** Bytes Spark holds of the cached training blocks, in memory and on disk (its storage figures). */
    private static long cachedBytes(JavaSparkContext sc, Dataset data) {
        int id = data.train().id();
        long bytes = 0;
        for (org.apache.spark.storage.RDDInfo info : sc.sc().getRDDStorageInfo()) {
            if (info.id() == id) {
                bytes += info.memSize() + info.diskSize();
            }
        }
        return bytes;
    }

    private void report(Trainer.Result result, Outputs outputs) {
        Evaluation test = result.test();
        if (test != null) {
            out.printf("test: loss %.4f  accuracy %.4f  (%,d rows)%n", test.loss(), test.accuracy(), test.rows());
        } else {
            out.println("test: no test set");
        }
        out.println("wrote " + outputs.path("model.json") + ", " + outputs.path("metrics.jsonl") + ", "
                + outputs.path("summary.json"));
    }
}
