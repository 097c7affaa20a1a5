package org.sparkmlp.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.RDDInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkmlp.data.Block;
import org.sparkmlp.data.BuildOptions;
import org.sparkmlp.data.DataSource;
import org.sparkmlp.data.CachedSets;
import org.sparkmlp.data.DatasetBuilder;
import org.sparkmlp.io.CheckpointFile;
import org.sparkmlp.io.Checkpoints;
import org.sparkmlp.io.HadoopFiles;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.Blas;
import org.sparkmlp.nn.Network;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.optim.TrainingState;
import org.sparkmlp.train.DataFingerprint;
import org.sparkmlp.train.Trainer;
import org.sparkmlp.train.TrainingConfig;
import org.sparkmlp.train.TrainingListener;

/**
 * Trains a network on Spark: reads and splits the data, fits the input scaling on the training rows, caches the
 * three sets as packed blocks, runs synchronous mini-batch SGD (the driver broadcasts the weights, each task adds
 * the gradient of its share of the batch, the sums are added along a fixed tree) and scores the kept weights on
 * the validation and test sets. Immutable: each {@code with…} returns a new trainer; {@link #fit} may be called
 * any number of times.
 *
 * <pre>{@code
 * TrainedModel model = new MlpTrainer(spark, TrainingSettings.builder().preset("fast").build())
 *         .withCheckpoints(Checkpointing.at("hdfs:///runs/a/checkpoints").withEverySteps(500).resuming(true))
 *         .fit(DataSpec.path("hdfs:///data/train.parquet").withLabelColumn("label"));
 * model.write("hdfs:///runs/a/model.json");
 * }</pre>
 *
 * <p>The same settings, data, partitions and seed give the same model, bit for bit, in local mode and on a
 * cluster, and a resumed run gives the model of the uninterrupted one; across machines only with
 * {@code blas=portable} (README, "Reproducibility").
 */
public final class MlpTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(MlpTrainer.class);

    private final JavaSparkContext sc;
    private final TrainingSettings settings;
    private final TrainedModel warmStart;
    private final Checkpointing checkpointing;
    private final List<TrainingListener> listeners;
    private final int partitions;
    private final Consumer<String> messages;

    /** A trainer with these settings, on this session's Spark context. */
    public MlpTrainer(SparkSession spark, TrainingSettings settings) {
        this(spark == null ? null : JavaSparkContext.fromSparkContext(spark.sparkContext()), settings);
    }

    /**
     * A trainer on this Spark context, for a program without a SparkSession: training reads files and caches
     * blocks through the context alone, and building a session costs seconds of Spark SQL's start.
     */
    public MlpTrainer(JavaSparkContext sc, TrainingSettings settings) {
        this(sc, settings, null, null, List.of(), 0, LOG::info);
    }

    private MlpTrainer(JavaSparkContext sc, TrainingSettings settings, TrainedModel warmStart,
                       Checkpointing checkpointing, List<TrainingListener> listeners, int partitions,
                       Consumer<String> messages) {
        if (sc == null || settings == null) {
            throw new IllegalArgumentException("a trainer needs a Spark context (or session) and settings");
        }
        this.sc = sc;
        this.settings = settings;
        this.warmStart = warmStart;
        this.checkpointing = checkpointing;
        this.listeners = List.copyOf(listeners);
        this.partitions = partitions;
        this.messages = messages;
    }

    /**
     * Starts from this model's weights, and takes its architecture, input scaling and classes: the data must
     * have its number of inputs and no class it lacks. Hidden layers or an activation given in the settings
     * must agree with the model's; the loss is the model's unless given.
     */
    public MlpTrainer withWarmStart(TrainedModel model) {
        return new MlpTrainer(sc, settings, model, checkpointing, listeners, partitions, messages);
    }

    public MlpTrainer withCheckpoints(Checkpointing policy) {
        return new MlpTrainer(sc, settings, warmStart, policy, listeners, partitions, messages);
    }

    /** Also tells {@code listener} of every step and epoch (on the driver, between steps: keep it quick). */
    public MlpTrainer withListener(TrainingListener listener) {
        List<TrainingListener> all = new ArrayList<>(listeners);
        all.add(listener);
        return new MlpTrainer(sc, settings, warmStart, checkpointing, all, partitions, messages);
    }

    /** Partitions of the cached sets; 0 (the default): Spark's default parallelism. */
    public MlpTrainer withPartitions(int n) {
        if (n < 0) {
            throw new SettingException("partitions", "must be 0 (Spark's default parallelism) or more, got " + n);
        }
        return new MlpTrainer(sc, settings, warmStart, checkpointing, listeners, n, messages);
    }

    /** Where the run's few lines for a person go (the BLAS in use, the data's sizes, resume): by default the log. */
    public MlpTrainer withMessages(Consumer<String> sink) {
        return new MlpTrainer(sc, settings, warmStart, checkpointing, listeners, partitions, sink);
    }

    public TrainingSettings settings() {
        return settings;
    }

    /**
     * Trains on {@code data} and returns the model with the run's summary. The cached sets are released when it
     * returns, also when it fails.
     *
     * @throws SettingException when the settings do not fit the data or the warm start (naming the setting)
     * @throws ResumeException when a checkpoint to resume from was written by other settings or data
     * @throws UncheckedIOException when a checkpoint cannot be read or written
     */
    public TrainedModel fit(DataSpec data) {
        TrainingSettings effective = check(settings, warmStart, data);
        long started = System.nanoTime();
        TrainingConfig config = effective.trainingConfig();
        BlasReport atStart = BlasReport.probe(sc, config.blas());
        messages.accept("BLAS: " + atStart.line());
        if (atStart.disagreement() != null) {
            messages.accept(atStart.disagreement());
        }
        if (!sc.getConf().get("spark.serializer", "").endsWith("KryoSerializer")) {
            // The raw rows are kept on disk while the sets are built: Java serialization writes and reads them a
            // double at a time (it led the executors' profile of a fit on a DataFrame of 784-wide vectors).
            messages.accept("warning: the session's serializer is Java's; SparkSettings.applyTo(conf) before the"
                    + " session starts (Kryo with the trainer's classes) makes preparing and training faster");
        }
        int parts = partitions > 0 ? partitions : sc.defaultParallelism();
        CachedSets sets = prepare(sc, data, effective, config, parts);
        try {
            messages.accept(String.format(Locale.ROOT, "data: %s%n      %,d training, %,d validation, %,d test rows;"
                            + " %d features, %d classes; %d partitions%n      prepared in %.1f s, %.3g passes over the"
                            + " rows; driver heap %,d MB", sets.description(), sets.trainRows(), sets.validationRows(),
                    sets.testRows(), sets.features(), sets.classes().size(), parts, sets.preparation().seconds(),
                    sets.preparation().inputPasses(), sets.preparation().driverHeapBytes() >> 20));
            Network init = warmStart == null ? null : warmStart.network();
            Architecture arch = init != null ? init.architecture()
                    : new Architecture(config.layerSizes(sets.features(), sets.classes().size()), config.activation());
            double[] initial = init != null ? init.parameters() : arch.glorotUniform(config.seed());

            Checkpoints checkpoints = checkpointing == null ? null : new Checkpoints(checkpointing.location(),
                    HadoopFiles.configuration(), checkpointing.keep());
            boolean checkpointed = checkpoints != null && (checkpointing.save() || checkpointing.resume());
            CheckpointFile.Fingerprint fingerprint = checkpointed ? DataFingerprint.of(sets) : null;
            TrainingListener listener = TrainingListener.all(listeners.toArray(new TrainingListener[0]));
            TrainingState from = null;
            if (checkpointed) {
                from = checkpointing.resume() ? resumeState(checkpoints, config, fingerprint, listener) : null;
                if (from == null && checkpointing.save()) {
                    clear(checkpoints); // a new run's checkpoints must not mix with an old run's
                }
                if (checkpointing.save()) {
                    listener = new CheckpointWriter(checkpoints, checkpointing.everySteps(), config, fingerprint,
                            listener);
                }
            }
            Trainer trainer = new Trainer(sc, config);
            Trainer.Result result = from != null ? trainer.train(sets, arch, from, listener)
                    : trainer.train(sets, arch, initial, listener);

            // Executors that registered after the first probe (and retried tasks' new homes) are seen now. The
            // model is trained: a failed probe must not cost it, so the first probe's report stands in.
            BlasReport kernels = atStart;
            try {
                kernels = atStart.merge(BlasReport.probe(sc, config.blas()));
            } catch (RuntimeException e) {
                messages.accept("warning: could not ask the executors for their BLAS again (" + e + "); the"
                        + " provenance lists those seen when the run started");
            }
            if (atStart.disagreement() == null && kernels.disagreement() != null) {
                messages.accept(kernels.disagreement());
            }
            long[] cachedBytes = cachedBytes(sc, sets);
            TrainingSummary summary = TrainingSummary.of(effective, config, sets, result, kernels, cachedBytes,
                    (System.nanoTime() - started) / 1e9);
            Network model = new Network(arch, config.loss(), result.parameters(), sets.scaling(), sets.classes(),
                    provenance(config, sets, result, kernels, sc));
            return new TrainedModel(model, summary);
        } finally {
            sets.release();
        }
    }

    /**
     * Checks what can be checked before Spark reads anything: that the data has labels, that the settings agree
     * with the warm-start model and with the sets given apart, and that early stopping has validation rows.
     * {@link #fit} does it first; a caller that prepares outputs or starts Spark can do it earlier.
     *
     * @param warmStart the model to start from, or null
     * @return the settings the run will use (a warm start's network in place of the default one)
     * @throws SettingException naming the setting that does not fit
     */
    public static TrainingSettings check(TrainingSettings settings, TrainedModel warmStart, DataSpec data) {
        if (!data.labelled()) {
            throw new SettingException("label-column", "cannot be none: training needs labels");
        }
        TrainingSettings s = reconciledWithWarmStart(settings, warmStart);
        if (data.validation() != null && s.validationFraction() > 0 && s.isGiven("val-fraction")) {
            throw new SettingException("val-fraction", s.validationFraction() + " conflicts with the separate"
                    + " validation set " + data.validation() + "; give one or the other");
        }
        if (data.test() != null && s.testFraction() > 0 && s.isGiven("test-fraction")) {
            throw new SettingException("test-fraction", s.testFraction() + " conflicts with the separate test set "
                    + data.test() + "; give one or the other");
        }
        if (s.earlyStopping().enabled() && data.validation() == null && s.validationFraction() == 0) {
            throw new SettingException("early-stop-patience", s.earlyStopping().patience() + " watches the"
                    + " validation set, but {val-fraction} is 0 and no validation set is given");
        }
        split(s, data.validation() != null, data.test() != null);
        return s;
    }

    /** The split of the rows not given apart: a set given apart takes no fraction. */
    private static DatasetBuilder.Split split(TrainingSettings s, boolean separateValidation, boolean separateTest) {
        try {
            return new DatasetBuilder.Split(separateValidation ? 0.0 : s.validationFraction(),
                    separateTest ? 0.0 : s.testFraction(), s.seed());
        } catch (IllegalArgumentException e) {
            throw new SettingException("val-fraction", "and {test-fraction}: " + e.getMessage());
        }
    }

    /** The library's name and version, as model.json's provenance and checkpoints record it. */
    public static String library() {
        String v = MlpTrainer.class.getPackage().getImplementationVersion();
        return "spark-mlp " + (v == null ? "(development build)" : v);
    }

    private static TrainingSettings reconciledWithWarmStart(TrainingSettings settings, TrainedModel warmStart) {
        if (warmStart == null) {
            return settings;
        }
        Network init = warmStart.network();
        int[] sizes = init.architecture().sizes();
        int[] initHidden = Arrays.copyOfRange(sizes, 1, sizes.length - 1);
        if (settings.isGiven("hidden") && !Arrays.equals(settings.hidden(), initHidden)) {
            throw new SettingException("hidden", TrainingSettings.hiddenId(settings.hidden()) + " differs from the"
                    + " hidden layers of {warm-start}, " + Arrays.toString(initHidden));
        }
        if (settings.isGiven("activation") && settings.activation() != init.architecture().activation()) {
            throw new SettingException("activation", settings.activation().id() + " differs from the activation of"
                    + " {warm-start}, " + init.architecture().activation().id());
        }
        TrainingSettings.Builder b = settings.toBuilder().hidden(initHidden)
                .activation(init.architecture().activation());
        if (!settings.isGiven("loss")) {
            b.loss(init.loss());
        }
        return b.build();
    }

    /**
     * Reads the sets, splits what is not given separately, fits or takes the scaling, and caches the blocks; stops
     * with a {@link CapacityException} before packing when the sets or the model cannot fit ({@link CapacityCheck}).
     */
    private CachedSets prepare(JavaSparkContext sc, DataSpec data, TrainingSettings s, TrainingConfig config,
                               int parts) {
        DataSource.Loaded loaded = data.load(sc, parts, 0, data.test() == null);
        DataSource.Loaded testSet = data.test() == null ? null : data.test().load(sc, parts, loaded.features(), false);
        DataSource.Loaded validationSet = data.validation() == null ? null
                : data.validation().load(sc, parts, loaded.features(), false);
        boolean separateTest = testSet != null || loaded.test() != null;
        if (separateTest && s.isGiven("test-fraction") && s.testFraction() > 0) {
            throw new SettingException("test-fraction", s.testFraction() + " conflicts with the separate test set in "
                    + data + "; give one or the other");
        }
        Scaling.Kind kind = s.scaling().resolve(loaded.automaticScaling());
        Network init = warmStart == null ? null : warmStart.network();
        if (init != null && init.architecture().inputs() != loaded.features()) {
            throw new SettingException("warm-start", "model takes " + init.architecture().inputs()
                    + " inputs but the data has " + loaded.features() + " features");
        }
        String description = loaded.description() + (validationSet != null ? " + validation "
                + validationSet.description() : "") + (testSet != null ? " + test " + testSet.description() : "");
        return DatasetBuilder.build(sc, loaded.data(), validationSet == null ? null : validationSet.data(),
                testSet != null ? testSet.data() : loaded.test(),
                BuildOptions.of(parts, split(s, validationSet != null, separateTest), s.precision())
                        .withClasses(init == null ? null : init.classes())
                        .withScaling(init == null ? null : init.scaling()).withScalingKind(kind)
                        .withDescription(description),
                new CapacityCheck(sc.sc(), (features, classes) -> init != null ? init.architecture().parameterCount()
                        : new Architecture(config.layerSizes(features, classes), config.activation())
                        .parameterCount(), messages));
    }

    /** The newest complete checkpoint's state, checked against this run; null (and said) when there is none. */
    private TrainingState resumeState(Checkpoints checkpoints, TrainingConfig config,
                                      CheckpointFile.Fingerprint fingerprint, TrainingListener listener) {
        Checkpoints.Found found;
        try {
            found = checkpoints.newest(line -> messages.accept("warning: " + line));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoints in " + checkpoints.location() + ": "
                    + e.getMessage(), e);
        }
        if (found == null) {
            messages.accept("resume: no checkpoint in " + checkpoints.location() + "; starting fresh");
            return null;
        }
        Map<String, Object> saved = found.content().config();
        if (!saved.containsKey("blas")) {
            // Written before the setting existed, when every run was in auto mode.
            saved = new LinkedHashMap<>(saved);
            saved.put("blas", Blas.Mode.AUTO.id());
        }
        String diff = CheckpointFile.configDifference(saved, config.describe());
        if (diff == null) {
            diff = CheckpointFile.dataDifference(found.content().data(), fingerprint);
        }
        if (diff != null) {
            throw new ResumeException(found.name() + ": " + diff);
        }
        TrainingState state = found.content().state();
        listener.resumed(state);
        messages.accept("resume: continuing from " + found.name() + " (" + state.epoch() + " epochs"
                + (state.position().atStart() ? "" : " and " + state.position().steps() + " steps of the next")
                + ", step " + state.step() + ")");
        return state;
    }

    private static void clear(Checkpoints checkpoints) {
        try {
            checkpoints.clear();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the old checkpoints in " + checkpoints.location() + ": "
                    + e.getMessage(), e);
        }
    }

    private Map<String, Object> provenance(TrainingConfig config, CachedSets data, Trainer.Result result,
                                           BlasReport blas, JavaSparkContext sc) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("library", library());
        p.put("created", Instant.now().toString());
        p.put("config", config.describe());
        p.put("data", data.description());
        p.put("rows", TrainingSummary.rowsBySet(data));
        p.put("scaling", data.scaling().kind().id());
        p.put("init_model", warmStart == null ? null : warmStart.source());
        p.put("steps", result.steps());
        p.put("spark", sc.version());
        p.put("blas", blas.toJson());
        return p;
    }

    /** Bytes Spark holds of the cached training blocks, in memory and on disk (its storage figures). */
    /** The training set's cached bytes (memory and disk), then all sets' bytes in memory, then on disk. */
    private static long[] cachedBytes(JavaSparkContext sc, CachedSets data) {
        int id = data.train().id();
        Set<Integer> ids = new HashSet<>();
        for (JavaRDD<Block> set : Arrays.asList(data.train(), data.validation(), data.test())) {
            if (set != null) {
                ids.add(set.id());
            }
        }
        long[] bytes = new long[3];
        for (RDDInfo info : sc.sc().getRDDStorageInfo()) {
            if (info.id() == id) {
                bytes[0] += info.memSize() + info.diskSize();
            }
            if (ids.contains(info.id())) {
                bytes[1] += info.memSize();
                bytes[2] += info.diskSize();
            }
        }
        return bytes;
    }
}
