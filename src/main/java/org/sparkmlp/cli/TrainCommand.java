package org.sparkmlp.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.RDDInfo;
import org.sparkmlp.data.BuildOptions;
import org.sparkmlp.data.DataSource;
import org.sparkmlp.data.Dataset;
import org.sparkmlp.data.DatasetBuilder;
import org.sparkmlp.io.CheckpointFile;
import org.sparkmlp.io.Checkpoints;
import org.sparkmlp.io.HadoopFiles;
import org.sparkmlp.io.ModelFile;
import org.sparkmlp.io.RunDirectories;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.Blas;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Model;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.optim.EarlyStopping;
import org.sparkmlp.optim.Optimizer;
import org.sparkmlp.optim.TrainingState;
import org.sparkmlp.report.ClassMetrics;
import org.sparkmlp.train.DataFingerprint;
import org.sparkmlp.train.EpochMetrics;
import org.sparkmlp.train.Evaluation;
import org.sparkmlp.train.LearningRate;
import org.sparkmlp.train.Trainer;
import org.sparkmlp.train.TrainingConfig;
import org.sparkmlp.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code train}: read and split the data, run SGD, write model.json, metrics.jsonl, summary.json and the report. */
@Command(name = "train", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Trains a network; writes model.json, metrics.jsonl, summary.json and report.html to --out.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOptions input;

    @Option(names = "--test", paramLabel = "PATH", description = "A separate test set (same format as --data);"
            + " then --test-fraction must be 0.")
    String test;

    @Option(names = "--hidden", paramLabel = "N[,N...]", description = "Hidden layer sizes, e.g. 100 or 256,128;"
            + " 0 for none (softmax regression). Default: ${DEFAULT-VALUE}.")
    Converters.LayerSizes hidden;

    @Option(names = "--activation", paramLabel = "tanh|relu|sigmoid", completionCandidates = Converters.ActivationIds.class,
            description = "Hidden-layer activation. Default: ${DEFAULT-VALUE}.")
    Activation activation;

    @Option(names = "--loss", paramLabel = "cross-entropy|mse", completionCandidates = Converters.LossIds.class,
            description = "Loss on the softmax output (mse: 1/2 sum of squared errors per row). Default: ${DEFAULT-VALUE}.")
    Loss loss;

    @Option(names = "--batch-size", paramLabel = "B", description = "Rows per SGD step over all partitions:"
            + " 1 = online, >= training rows = full batch. Default: ${DEFAULT-VALUE}.")
    Integer batchSize;

    @Option(names = "--lr", paramLabel = "RATE", description = "Initial learning rate eta0. Default: ${DEFAULT-VALUE}.")
    Double lr;

    @Option(names = "--lr-schedule", paramLabel = "constant|inverse-time|exponential|step|cosine",
            completionCandidates = Converters.ScheduleIds.class, description = "eta0; eta0/(1+k*t) with t the step;"
            + " eta0*k^epoch; eta0*k^floor(epoch/lr-step-epochs); eta0*(1+cos(pi*t/T))/2. Default: ${DEFAULT-VALUE}.")
    LearningRate.Schedule lrSchedule;

    @Option(names = "--lr-decay", paramLabel = "K", description = "The schedule's k. Default: ${DEFAULT-VALUE}.")
    Double lrDecay;

    @Option(names = "--lr-step-epochs", paramLabel = "E", description = "Epochs between decays of the step schedule."
            + " Default: ${DEFAULT-VALUE}.")
    Integer lrStepEpochs;

    @Option(names = "--optimizer", paramLabel = "sgd|momentum|nesterov|adam", completionCandidates = Converters.OptimizerIds.class,
            description = "The update rule, with PyTorch's formulas: plain SGD; heavy-ball momentum; Nesterov momentum"
                    + " (torch.optim.SGD(nesterov=True)); Adam, bias-corrected (AdamW with --weight-decay)."
                    + " Default: ${DEFAULT-VALUE}.")
    Optimizer.Kind optimizer;

    @Option(names = "--momentum", paramLabel = "MU", description = "Momentum of momentum and nesterov, in [0, 1)."
            + " Default: ${DEFAULT-VALUE}.")
    Double momentum;

    @Option(names = "--beta1", paramLabel = "B1", description = "Adam's beta1, in [0, 1). Default: ${DEFAULT-VALUE}.")
    Double beta1;

    @Option(names = "--beta2", paramLabel = "B2", description = "Adam's beta2, in [0, 1). Default: ${DEFAULT-VALUE}.")
    Double beta2;

    @Option(names = "--epsilon", paramLabel = "EPS", description = "Adam's epsilon. Default: ${DEFAULT-VALUE}.")
    Double epsilon;

    @Option(names = "--weight-decay", paramLabel = "LAMBDA", description = "L2 weight decay: added to the gradient"
            + " for the SGD rules, decoupled for Adam (AdamW). Default: ${DEFAULT-VALUE}.")
    Double weightDecay;

    @Option(names = "--lr-warmup-epochs", paramLabel = "E", description = "Linear warmup of the rate from 0 to eta0"
            + " over E epochs (may be fractional), then the schedule. Default: ${DEFAULT-VALUE}.")
    Double lrWarmupEpochs;

    @Option(names = "--lr-warmup-steps", paramLabel = "N", description = "The warmup in steps instead of epochs."
            + " Default: ${DEFAULT-VALUE}.")
    Long lrWarmupSteps;

    @Option(names = "--clip-norm", paramLabel = "C", description = "Scale the step's mean gradient down to global"
            + " norm C when it is larger (0: no clipping). Default: ${DEFAULT-VALUE}.")
    Double clipNorm;

    @Option(names = "--early-stop-patience", paramLabel = "K", description = "Stop when the watched validation"
            + " metric has not improved for K epochs, and keep the best epoch's model (0: never stop early)."
            + " Default: ${DEFAULT-VALUE}.")
    Integer earlyStopPatience;

    @Option(names = "--early-stop-metric", paramLabel = "val_loss|val_accuracy", completionCandidates = Converters.MetricIds.class,
            description = "What early stopping watches. Default: ${DEFAULT-VALUE}.")
    EarlyStopping.Metric earlyStopMetric;

    @Option(names = "--epochs", paramLabel = "E", description = "Passes over the training rows. Default: ${DEFAULT-VALUE}.")
    Integer epochs;

    @Option(names = "--val-fraction", paramLabel = "F", description = "Fraction of --data held out for validation"
            + " (stratified, seeded). Default: ${DEFAULT-VALUE}.")
    Double valFraction;

    @Option(names = "--test-fraction", paramLabel = "F", description = "Fraction of --data held out for the final test"
            + " (stratified, seeded); ignored when the test set comes from --test or an IDX directory's t10k files."
            + " Default: ${DEFAULT-VALUE}.")
    Double testFraction;

    @Option(names = "--scale", paramLabel = "auto|none|pixel|minmax|standard", completionCandidates = Converters.ScaleIds.class,
            description = "Input scaling fitted on the training split and stored in the model; auto: pixel (x/255)"
                    + " for IDX, minmax for CSV. Default: ${DEFAULT-VALUE}.")
    Converters.ScaleChoice scale;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the split, the initial weights and every"
            + " epoch's row order. Default: ${DEFAULT-VALUE}.")
    Long seed;

    @Option(names = "--init-model", paramLabel = "FILE", description = "Start from this model's weights,"
            + " architecture, scaling and classes.")
    String initModel;

    @Option(names = "--aggregation-depth", paramLabel = "D", description = "Levels that add the gradient sums, the"
            + " driver's included: 1 adds all on the driver; D >= 2 adds on executors first when there are more than"
            + " 32 partitions. Default: ${DEFAULT-VALUE}.")
    Integer aggregationDepth;

    @Option(names = "--precision", paramLabel = "float32|float64", completionCandidates = Converters.PrecisionIds.class,
            description = "Float width of the cached inputs, shipped weights and kernel (gradients are summed and the"
                    + " model kept in double). Default: ${DEFAULT-VALUE}.")
    Precision precision;

    @Option(names = "--blas", paramLabel = "auto|portable", completionCandidates = Converters.BlasIds.class,
            description = "The kernel's BLAS. auto: netlib's fastest (native, else Vector API, else Java), whose bits"
                    + " depend on each executor's CPU; portable: netlib's scalar Java BLAS and StrictMath, the same"
                    + " bits on any machine and any mix of executors, at a cost in speed. Default: ${DEFAULT-VALUE}.")
    Blas.Mode blas;

    @Option(names = "--log-every", paramLabel = "N", description = "Also write a line to metrics.jsonl every N steps"
            + " (0: one line per epoch only). Default: ${DEFAULT-VALUE}.")
    long logEvery;

    /** Read before the command line is parsed (it supplies defaults); declared here for help and completion. */
    @Option(names = "--preset", paramLabel = "NAME", description = "Overlay the defaults with preset-NAME.properties"
            + " from beside the defaults file (conf/), else from the jar; the command line still wins.")
    String preset;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory for model.json, metrics.jsonl,"
            + " summary.json and report.html. Default: a new directory under --runs.")
    String out;

    @Option(names = "--runs", paramLabel = "DIR", description = "Without --out, each run writes to a new directory"
            + " here named by its start time in UTC (e.g. 2026-11-27T21-05-03Z), and DIR/latest names the run that"
            + " finished last. Default: ${DEFAULT-VALUE}.")
    String runs;

    @Option(names = "--overwrite", description = "Replace a finished run (summary.json) or an unfinished one in an"
            + " explicit --out, starting over; without it such an --out is refused. Refused without --out.")
    boolean overwrite;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Checkpoint the whole training state every"
            + " N steps and at every epoch's end (0: never). Default: ${DEFAULT-VALUE}.")
    Long checkpointEvery;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Where checkpoints go (any Hadoop file"
            + " system). Default: <out>/checkpoints.")
    String checkpointDir;

    @Option(names = "--keep-checkpoints", paramLabel = "K", description = "Checkpoints kept, the newest; the newest"
            + " is deleted only after its successor is written. Default: ${DEFAULT-VALUE}.")
    Integer keepCheckpoints;

    @Option(names = "--resume", description = "Continue from the newest complete checkpoint to the same model, bit"
            + " for bit, as an uninterrupted run; refused when the configuration or data differ; starts fresh without"
            + " a checkpoint.")
    boolean resume;

    @Mixin
    SparkOptions spark;

    private PrintWriter console;
    /** The folder of runs and this run's directory name in it, when there is no --out; else null. */
    private RunDirectories runDirectories;
    private String runName;

    @Override
    public Integer call() throws IOException {
        console = Main.console(spec);
        boolean done = false;
        try {
            run();
            done = true;
        } finally {
            if (!done) {
                discardEmptyRunDirectory();
            }
        }
        return ExitCode.OK.code();
    }

    /** A new run directory under --runs that the failed run wrote nothing to is removed: no trace of it is left. */
    private void discardEmptyRunDirectory() {
        if (runDirectories == null || runName == null) {
            return;
        }
        try {
            runDirectories.removeIfEmpty(runName);
        } catch (IOException | RuntimeException e) {
            // The run's own failure is what the user must see; an empty directory left behind is harmless.
        }
    }

    private void run() throws IOException {
        // Everything that can be checked without Spark is checked first.
        Model init = initModel == null ? null : ModelFile.read(initModel);
        TrainingConfig config = config(init);
        DataSource source = input.source();
        if (!source.labelColumn().present()) {
            throw new UsageException("train needs labels: --label-column cannot be none");
        }
        DataSource testSource = test == null ? null : source.withPath(test);
        double valFraction = fraction(this.valFraction, "val-fraction");
        double testFraction = fraction(this.testFraction, "test-fraction");
        if (config.earlyStopping().enabled() && valFraction == 0) {
            throw new UsageException("--early-stop-patience " + config.earlyStopping().patience()
                    + " watches the validation set, but --val-fraction is 0");
        }
        if (test == null) {
            try {
                new DatasetBuilder.Split(valFraction, testFraction, 0);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--val-fraction and --test-fraction: " + e.getMessage());
            }
        }
        long every = Commands.need(checkpointEvery, "checkpoint-every");
        if (every < 0) {
            throw new UsageException("--checkpoint-every must be 0 (never) or more steps, got " + every);
        }
        int keep = atLeast(keepCheckpoints, "keep-checkpoints", 1);
        if (resume && overwrite) {
            throw new UsageException("give --resume or --overwrite, not both");
        }
        Outputs outputs = new Outputs(outDirectory(keep)).prepare();
        Checkpoints checkpoints = checkpointsOf(outputs.path("checkpoints"), keep);
        String ckptDir = checkpoints.location();
        checkRunState(outputs, checkpoints);

        long started = System.nanoTime();
        try (JavaSparkContext sc = spark.start("train", spec)) {
            BlasReport atStart = BlasReport.probe(sc, config.blas());
            console.println("BLAS: " + atStart.line());
            if (atStart.disagreement() != null) {
                console.println(atStart.disagreement());
            }
            int partitions = input.partitions(sc.defaultParallelism());
            DataSource.Loaded loaded = source.loadForTraining(sc, partitions, testSource == null);
            DataSource.Loaded testSet = testSource == null ? null
                    : testSource.withFeatures(loaded.features()).loadForTraining(sc, partitions, false);
            boolean separateTest = testSet != null || loaded.test() != null;
            if (separateTest && Commands.isExplicit(spec, "test-fraction") && testFraction > 0) {
                throw new UsageException("--test-fraction " + testFraction + " conflicts with the separate test set "
                        + (testSet != null ? test : "in " + source.path()) + "; give one or the other");
            }
            Converters.ScaleChoice choice = Commands.need(scale, "scale");
            Scaling.Kind kind = choice == Converters.ScaleChoice.AUTO ? loaded.automaticScaling()
                    : Scaling.Kind.fromId(choice.id());
            if (init != null && init.architecture().inputs() != loaded.features()) {
                throw new UsageException("--init-model takes " + init.architecture().inputs()
                        + " inputs but the data has " + loaded.features() + " features");
            }
            Dataset data = DatasetBuilder.build(sc, loaded.data(), testSet != null ? testSet.data() : loaded.test(),
                    BuildOptions.of(partitions, new DatasetBuilder.Split(valFraction, separateTest ? 0.0 : testFraction,
                                    config.seed()), config.precision())
                            .withClasses(init == null ? null : init.classes())
                            .withScaling(init == null ? null : init.scaling()).withScalingKind(kind)
                            .withDescription(loaded.description() + (testSet != null ? " + test " + testSet.description() : "")));
            console.printf("data: %s%n      %,d training, %,d validation, %,d test rows; %d features, %d classes; %d partitions%n",
                    data.description(), data.trainRows(), data.validationRows(), data.testRows(), data.features(),
                    data.classes().size(), partitions);

            Architecture arch = init != null ? init.architecture()
                    : new Architecture(config.layerSizes(data.features(), data.classes().size()), config.activation());
            double[] initial = init != null ? init.parameters() : arch.glorotUniform(config.seed());
            ReportUpdates report = new ReportUpdates(outputs, spec.commandLine().getErr(), ReportUpdates.EVERY_NANOS);
            CheckpointFile.Fingerprint fingerprint = every > 0 || resume ? DataFingerprint.of(data) : null;
            TrainingState from = resume ? resumeState(checkpoints, config, fingerprint, outputs) : null;
            MetricsLog.Checkpointer checkpointer = every == 0 ? null : state -> {
                long t0 = System.nanoTime();
                try {
                    checkpoints.save(new CheckpointFile.Content(state, config.describe(), fingerprint),
                            "spark-mlp " + Main.version());
                } catch (IOException e) {
                    throw new OutputException(ckptDir + "/" + Checkpoints.name(state.step()), e);
                }
                return (System.nanoTime() - t0) / 1e9;
            };
            Trainer trainer = new Trainer(sc, config);
            TrainingListener listener = listener(outputs, checkpointer, every, report);
            Trainer.Result result = from != null ? trainer.train(data, arch, from, listener)
                    : trainer.train(data, arch, initial, listener);

            // Executors that registered after the first probe (and retried tasks' new homes) are seen now. The
            // model is trained: a failed probe must not cost it, so the first probe's report stands in.
            BlasReport kernels = atStart;
            try {
                kernels = atStart.merge(BlasReport.probe(sc, config.blas()));
            } catch (Exception e) {
                console.println("warning: could not ask the executors for their BLAS again (" + e + "); the"
                        + " provenance lists those seen when the run started");
            }
            if (atStart.disagreement() == null && kernels.disagreement() != null) {
                console.println(kernels.disagreement());
            }
            Map<String, Object> provenance = provenance(config, data, result, kernels, sc);
            Model model = new Model(arch, config.loss(), result.parameters(), data.scaling(), data.classes(), provenance);
            outputs.writeModel(model);
            Map<String, Object> summary = summary(config, data, result, kernels, cachedBytes(sc, data),
                    (System.nanoTime() - started) / 1e9);
            outputs.writeJson("summary.json", summary);
            boolean reported = report.finish();
            outputs.commit();
            pointLatest();
            data.release();
            report(result, outputs, reported);
        }
    }

    /**
     * The run's directory: --out when set (on the command line or in a defaults file), else a new directory under
     * --runs named by the start time; with --resume, the newest one there when it holds an unfinished run.
     */
    private String outDirectory(int keep) {
        if (out != null) {
            return out;
        }
        String folder = Commands.need(runs, "runs");
        if (overwrite) {
            throw new UsageException("--overwrite replaces the run in an explicit --out; without --out every run"
                    + " gets a new directory under --runs " + folder);
        }
        runDirectories = RunDirectories.at(folder, HadoopFiles.configuration());
        try {
            String why = null;
            if (resume) {
                String newest = runDirectories.newest();
                if (newest == null) {
                    why = "no run in " + folder;
                } else if (runDirectories.has(newest, "summary.json")) {
                    why = "the newest run, " + runDirectories.path(newest) + ", is finished";
                } else if (!runDirectories.has(newest, "metrics.jsonl")
                        && !checkpointsOf(runDirectories.path(newest) + "/checkpoints", keep).any()) {
                    why = "the newest run, " + runDirectories.path(newest) + ", has no metrics or checkpoint";
                } else {
                    runName = newest;
                    console.println("--resume: continuing the unfinished run in " + runDirectories.path(newest));
                    return runDirectories.path(newest);
                }
                resume = false; // nothing to continue: a new run, as without --resume
            }
            runName = runDirectories.create(Instant.now());
            if (why != null) {
                console.println("--resume: " + why + "; starting a new run in " + runDirectories.path(runName));
            }
        } catch (IOException e) {
            throw new OutputException(folder, e);
        }
        return runDirectories.path(runName);
    }

    /** The run's checkpoints: in --checkpoint-dir when given, else in {@code inRunDirectory}. */
    private Checkpoints checkpointsOf(String inRunDirectory, int keep) {
        return new Checkpoints(checkpointDir != null ? checkpointDir : inRunDirectory, HadoopFiles.configuration(),
                keep);
    }

    /** Once the run's files are complete: makes --runs' latest name this run (without --out). */
    private void pointLatest() {
        if (runDirectories == null) {
            return;
        }
        try {
            runDirectories.pointLatest(runName);
        } catch (IOException e) {
            throw new OutputException(runDirectories.path(RunDirectories.LATEST), e);
        }
    }

    /**
     * A scheduler's guard: an explicit --out holding a finished run is refused unless --overwrite; one holding an
     * unfinished run (metrics or checkpoints, no summary) is refused unless --resume or --overwrite.
     */
    private void checkRunState(Outputs outputs, Checkpoints checkpoints) throws IOException {
        boolean explicit = Commands.isExplicit(spec, "out");
        boolean finished = outputs.exists("summary.json");
        boolean started = outputs.exists("metrics.jsonl") || checkpoints.any();
        if (explicit && finished && !overwrite) {
            throw new UsageException("--out " + out + " holds a finished run (summary.json); give --overwrite to"
                    + " replace it, or another --out");
        }
        if (explicit && !finished && started && !resume && !overwrite) {
            throw new UsageException("--out " + out + " holds an unfinished run; give --resume to continue it from"
                    + " its newest checkpoint, or --overwrite to start over");
        }
        if (overwrite || !resume) {
            checkpoints.clear(); // a new run's checkpoints must not mix with an old run's
        }
    }

    /** The newest complete checkpoint's state, checked against this command; null (and said) when there is none. */
    private TrainingState resumeState(Checkpoints checkpoints, TrainingConfig config,
                                      CheckpointFile.Fingerprint fingerprint, Outputs outputs) throws IOException {
        Checkpoints.Found found = checkpoints.newest(line -> console.println("warning: " + line));
        if (found == null) {
            console.println("--resume: no checkpoint in " + checkpoints.location() + "; starting fresh");
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
            throw new UsageException("--resume: " + found.name() + ": " + diff);
        }
        TrainingState state = found.content().state();
        outputs.keepMetricsUpTo(state.epoch(), state.step());
        console.println("--resume: continuing from " + found.name() + " (" + state.epoch() + " epochs"
                + (state.position().atStart() ? "" : " and " + state.position().steps() + " steps of the next")
                + ", step " + state.step() + ")");
        return state;
    }

    private static double fraction(Double value, String option) {
        double f = Commands.need(value, option);
        if (!(f >= 0.0 && f <= 0.99)) {
            throw new UsageException("--" + option + " must be between 0.0 and 0.99, got " + f);
        }
        return f;
    }

    private static int atLeast(Integer value, String option, int min) {
        int v = Commands.need(value, option);
        if (v < min) {
            throw new UsageException("--" + option + " must be at least " + min + ", got " + v);
        }
        return v;
    }

    private TrainingConfig config(Model init) {
        int[] sizes = hidden == null ? new int[0] : hidden.sizes();
        Activation activation = Commands.need(this.activation, "activation");
        Loss loss = Commands.need(this.loss, "loss");
        if (init != null) {
            int[] initSizes = init.architecture().sizes();
            int[] initHidden = Arrays.copyOfRange(initSizes, 1, initSizes.length - 1);
            if (Commands.isExplicit(spec, "hidden") && !Arrays.equals(sizes, initHidden)) {
                throw new UsageException("--hidden " + hidden + " differs from --init-model's hidden layers "
                        + Arrays.toString(initHidden));
            }
            if (Commands.isExplicit(spec, "activation") && activation != init.architecture().activation()) {
                throw new UsageException("--activation " + activation.id() + " differs from --init-model's "
                        + init.architecture().activation().id());
            }
            sizes = initHidden;
            activation = init.architecture().activation();
            if (!Commands.isExplicit(spec, "loss")) {
                loss = init.loss();
            }
        }
        LearningRate.Schedule schedule = Commands.need(lrSchedule, "lr-schedule");
        double lr = Commands.need(this.lr, "lr");
        if (!(lr > 0 && lr <= 1e6)) {
            throw new UsageException("--lr must be above 0 and at most 1e6, got " + lr);
        }
        double decay = Commands.need(lrDecay, "lr-decay");
        if (!(decay >= 0 && decay <= 1e6)) {
            throw new UsageException("--lr-decay must be between 0 and 1e6, got " + decay);
        }
        if ((schedule == LearningRate.Schedule.EXPONENTIAL || schedule == LearningRate.Schedule.STEP)
                && !Commands.isExplicit(spec, "lr-decay")) {
            // The default decay suits inverse-time (k per step); as a per-epoch factor it would stall training.
            throw new UsageException("--lr-schedule " + schedule.id() + " multiplies the rate by --lr-decay;"
                    + " give it explicitly, e.g. --lr-decay 0.9");
        }
        int stepEpochs = atLeast(lrStepEpochs, "lr-step-epochs", 1);
        LearningRate rate;
        try {
            rate = LearningRate.of(schedule, lr, decay, stepEpochs, 1);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--lr-decay: " + e.getMessage());
        }
        Optimizer rule;
        try {
            rule = Optimizer.of(Commands.need(optimizer, "optimizer"), Commands.need(momentum, "momentum"),
                    Commands.need(beta1, "beta1"), Commands.need(beta2, "beta2"), Commands.need(epsilon, "epsilon"),
                    Commands.need(weightDecay, "weight-decay"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--optimizer " + optimizer.id() + ": " + e.getMessage());
        }
        double warmupEpochs = Commands.need(lrWarmupEpochs, "lr-warmup-epochs");
        long warmupSteps = Commands.need(lrWarmupSteps, "lr-warmup-steps");
        if (warmupEpochs > 0 && warmupSteps > 0) {
            // A preset may set one and the command line the other: the one given on the command line wins.
            if (Commands.isExplicit(spec, "lr-warmup-steps") && !Commands.isExplicit(spec, "lr-warmup-epochs")) {
                warmupEpochs = 0;
            } else if (Commands.isExplicit(spec, "lr-warmup-epochs") && !Commands.isExplicit(spec, "lr-warmup-steps")) {
                warmupSteps = 0;
            } else {
                throw new UsageException("give --lr-warmup-epochs or --lr-warmup-steps, not both");
            }
        }
        int patience = Commands.need(earlyStopPatience, "early-stop-patience");
        if (patience < 0) {
            throw new UsageException("--early-stop-patience must be 0 (never) or more, got " + patience);
        }
        try {
            return new TrainingConfig(sizes, activation, loss, atLeast(batchSize, "batch-size", 1),
                    atLeast(epochs, "epochs", 1), rate, Commands.need(seed, "seed"),
                    atLeast(aggregationDepth, "aggregation-depth", 1), Commands.need(precision, "precision"), rule,
                    warmupEpochs, warmupSteps, Commands.need(clipNorm, "clip-norm"),
                    new EarlyStopping(patience, Commands.need(earlyStopMetric, "early-stop-metric")),
                    Commands.need(blas, "blas"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The console's progress, metrics.jsonl (with the checkpoints) and the report, listening in that order. */
    private TrainingListener listener(Outputs outputs, MetricsLog.Checkpointer checkpointer, long checkpointEvery,
                                      ReportUpdates report) {
        if (logEvery < 0) {
            throw new UsageException("--log-every must be 0 (epochs only) or more, got " + logEvery);
        }
        return TrainingListener.all(new ConsoleProgress(console, ConsoleProgress.stdoutIsTerminal()),
                new MetricsLog(outputs, logEvery, checkpointer, checkpointEvery), report);
    }

    /** Rows of each set, in a fixed order: Map.of's order changes from JVM to JVM, and so would the files'. */
    private static Map<String, Long> rowsBySet(Dataset data) {
        Map<String, Long> rows = new LinkedHashMap<>();
        rows.put("train", data.trainRows());
        rows.put("validation", data.validationRows());
        rows.put("test", data.testRows());
        return rows;
    }

    private Map<String, Object> provenance(TrainingConfig config, Dataset data, Trainer.Result result, BlasReport blas,
                                           JavaSparkContext sc) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("library", "spark-mlp " + Main.version());
        p.put("created", Instant.now().toString());
        p.put("config", config.describe());
        p.put("data", data.description());
        p.put("rows", rowsBySet(data));
        p.put("scaling", data.scaling().kind().id());
        p.put("init_model", initModel);
        p.put("steps", result.steps());
        p.put("spark", sc.version());
        p.put("blas", blas.toJson());
        return p;
    }

    private Map<String, Object> summary(TrainingConfig config, Dataset data, Trainer.Result result, BlasReport blas,
                                        long cachedBytes, double seconds) {
        List<EpochMetrics> epochs = result.epochs();
        // A run resumed from its last epoch's checkpoint trains no epoch here: its figures are in metrics.jsonl.
        EpochMetrics last = epochs.isEmpty() ? new EpochMetrics(result.finalState().epoch(), result.steps(), Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0, 0) : epochs.get(epochs.size() - 1);
        Evaluation test = result.test();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("status", result.status().id());
        s.put("stop_reason", result.reason());
        s.put("best_epoch", result.bestEpoch() == 0 ? null : result.bestEpoch());
        s.put("model_epoch", result.modelEpoch());
        s.put("train_loss", last.trainLoss());
        // The kept model's validation figures: the best epoch's when early stopping chose it.
        Evaluation validation = result.validation();
        s.put("val_loss", validation == null ? null : validation.loss());
        s.put("val_accuracy", validation == null ? null : validation.accuracy());
        s.put("test_loss", test == null ? null : test.loss());
        s.put("test_accuracy", test == null ? null : test.accuracy());
        if (test != null) {
            int k = data.classes().size();
            s.put("test_confusion", ClassMetrics.rows(test.confusion(), k));
            s.put("test_per_class", ClassMetrics.toJson(data.classes(), ClassMetrics.of(test.confusion(), k)));
        }
        s.put("epochs", result.finalState().epoch());
        s.put("steps", result.steps());
        s.put("seconds", seconds);
        s.put("training_seconds", result.trainingSeconds());
        s.put("seconds_per_epoch", result.trainingSeconds() / epochs.size());
        s.put("rows_per_second", data.trainRows() * (double) epochs.size() / result.trainingSeconds());
        s.put("gc_seconds_per_epoch", epochs.stream().map(EpochMetrics::gcSeconds).toList());
        s.put("precision", config.precision().id());
        // Which task layout the step engine chose: partitions per task → steps of this process.
        Map<String, Long> layouts = new LinkedHashMap<>();
        result.stepsByPartitionsPerTask().forEach((perTask, steps) -> layouts.put(Integer.toString(perTask), steps));
        s.put("steps_by_partitions_per_task", layouts);
        s.put("step_breakdown", result.stepBreakdown());
        s.put("cached_train_bytes", cachedBytes);
        s.put("rows", rowsBySet(data));
        s.put("classes", data.classes());
        s.put("config", config.describe());
        s.put("options", Commands.effective(spec));
        s.put("blas", blas.toJson());
        return s;
    }

    /** Bytes Spark holds of the cached training blocks, in memory and on disk (its storage figures). */
    private static long cachedBytes(JavaSparkContext sc, Dataset data) {
        int id = data.train().id();
        long bytes = 0;
        for (RDDInfo info : sc.sc().getRDDStorageInfo()) {
            if (info.id() == id) {
                bytes += info.memSize() + info.diskSize();
            }
        }
        return bytes;
    }

    /**
     * One line on where a step's time went (summary.json's step_breakdown has every figure), and a hint when
     * Spark's per-step cost, not the kernel, decides it: the kernel under a quarter of the step.
     */
    private static void stepCosts(Map<String, Double> b, PrintWriter out) {
        if (!b.containsKey("run_ms")) {
            return;
        }
        double job = b.get("job_ms");
        // Spark reports run time in whole milliseconds; its CPU time is finer, and a step task only computes.
        double kernel = Math.max(b.get("run_ms"), b.getOrDefault("run_cpu_ms", 0.0));
        out.printf(Locale.ROOT, "step: %.1f ms median, %.0f task(s): launch %.1f, deserialise %.1f (CPU %.1f), run %.1f,"
                        + " result %.0f KiB, driver's merge %.1f ms%n", job, b.get("tasks_per_step"),
                b.get("scheduler_delay_ms") + b.getOrDefault("launch_delay_ms", 0.0), b.get("deserialize_ms"),
                b.get("deserialize_cpu_ms"), kernel, b.get("result_kib"), b.get("driver_merge_ms"));
        if (kernel < 0.25 * job && b.get("steps_measured") >= 20) {
            out.printf(Locale.ROOT, "hint: the kernel is %.1f of a %.1f ms step: Spark's cost per step decides the"
                    + " epoch; a larger --batch-size does more work per step (docs/scaling.md)%n", kernel, job);
        }
    }

    private void report(Trainer.Result result, Outputs outputs, boolean reported) {
        PrintWriter out = console;
        Evaluation test = result.test();
        if (test != null) {
            out.printf("test: loss %.4f  accuracy %.4f  (%,d rows)%n", test.loss(), test.accuracy(), test.rows());
        } else {
            out.println("test: no test set");
        }
        stepCosts(result.stepBreakdown(), out);
        out.println("wrote " + outputs.path("model.json") + ", " + outputs.path("metrics.jsonl") + ", "
                + outputs.path("summary.json") + (reported ? ", " + outputs.path("report.html")
                : " (report.html only on a local directory: run the report command on a copy)"));
        out.println("run directory: " + outputs.location() + (runDirectories == null ? ""
                : " (now " + runDirectories.path(RunDirectories.LATEST) + ")"));
    }
}
