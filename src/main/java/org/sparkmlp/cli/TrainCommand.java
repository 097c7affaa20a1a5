package org.sparkmlp.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkmlp.api.Checkpointing;
import org.sparkmlp.api.DataSpec;
import org.sparkmlp.api.MlpTrainer;
import org.sparkmlp.api.ResumeException;
import org.sparkmlp.api.TrainedModel;
import org.sparkmlp.api.TrainingSettings;
import org.sparkmlp.api.TrainingSummary;
import org.sparkmlp.io.Checkpoints;
import org.sparkmlp.io.HadoopFiles;
import org.sparkmlp.io.RunDirectories;
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
    String hidden;

    @Option(names = "--activation", paramLabel = "tanh|relu|sigmoid", completionCandidates = Choices.ActivationIds.class,
            description = "Hidden-layer activation. Default: ${DEFAULT-VALUE}.")
    String activation;

    @Option(names = "--loss", paramLabel = "cross-entropy|mse", completionCandidates = Choices.LossIds.class,
            description = "Loss on the softmax output (mse: 1/2 sum of squared errors per row). Default: ${DEFAULT-VALUE}.")
    String loss;

    @Option(names = "--batch-size", paramLabel = "B", description = "Rows per SGD step over all partitions:"
            + " 1 = online, >= training rows = full batch. Default: ${DEFAULT-VALUE}.")
    Integer batchSize;

    @Option(names = "--lr", paramLabel = "RATE", description = "Initial learning rate eta0. Default: ${DEFAULT-VALUE}.")
    Double lr;

    @Option(names = "--lr-schedule", paramLabel = "constant|inverse-time|exponential|step|cosine",
            completionCandidates = Choices.ScheduleIds.class, description = "eta0; eta0/(1+k*t) with t the step;"
            + " eta0*k^epoch; eta0*k^floor(epoch/lr-step-epochs); eta0*(1+cos(pi*t/T))/2. Default: ${DEFAULT-VALUE}.")
    String lrSchedule;

    @Option(names = "--lr-decay", paramLabel = "K", description = "The schedule's k. Default: ${DEFAULT-VALUE}.")
    Double lrDecay;

    @Option(names = "--lr-step-epochs", paramLabel = "E", description = "Epochs between decays of the step schedule."
            + " Default: ${DEFAULT-VALUE}.")
    Integer lrStepEpochs;

    @Option(names = "--optimizer", paramLabel = "sgd|momentum|nesterov|adam", completionCandidates = Choices.OptimizerIds.class,
            description = "The update rule, with PyTorch's formulas: plain SGD; heavy-ball momentum; Nesterov momentum"
                    + " (torch.optim.SGD(nesterov=True)); Adam, bias-corrected (AdamW with --weight-decay)."
                    + " Default: ${DEFAULT-VALUE}.")
    String optimizer;

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

    @Option(names = "--early-stop-metric", paramLabel = "val_loss|val_accuracy", completionCandidates = Choices.MetricIds.class,
            description = "What early stopping watches. Default: ${DEFAULT-VALUE}.")
    String earlyStopMetric;

    @Option(names = "--epochs", paramLabel = "E", description = "Passes over the training rows. Default: ${DEFAULT-VALUE}.")
    Integer epochs;

    @Option(names = "--val-fraction", paramLabel = "F", description = "Fraction of --data held out for validation"
            + " (stratified, seeded). Default: ${DEFAULT-VALUE}.")
    Double valFraction;

    @Option(names = "--test-fraction", paramLabel = "F", description = "Fraction of --data held out for the final test"
            + " (stratified, seeded); ignored when the test set comes from --test or an IDX directory's t10k files."
            + " Default: ${DEFAULT-VALUE}.")
    Double testFraction;

    @Option(names = "--scale", paramLabel = "auto|none|pixel|minmax|standard", completionCandidates = Choices.ScaleIds.class,
            description = "Input scaling fitted on the training split and stored in the model; auto: pixel (x/255)"
                    + " for IDX, minmax for CSV. Default: ${DEFAULT-VALUE}.")
    String scale;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the split, the initial weights and every"
            + " epoch's row order. Default: ${DEFAULT-VALUE}.")
    Long seed;

    @Option(names = "--init-model", paramLabel = "FILE", description = "Start from this model's weights,"
            + " architecture, scaling and classes.")
    String initModel;

    @Option(names = "--aggregation-depth", paramLabel = "D", description = "Levels that add the gradient sums, the"
            + " driver's included: 1 adds all on the driver; D >= 2 adds on a cluster's executors first when a step"
            + " has more than 32 tasks. Default: ${DEFAULT-VALUE}.")
    Integer aggregationDepth;

    @Option(names = "--precision", paramLabel = "float32|float64", completionCandidates = Choices.PrecisionIds.class,
            description = "Float width of the cached inputs, shipped weights and kernel (gradients are summed and the"
                    + " model kept in double). Default: ${DEFAULT-VALUE}.")
    String precision;

    @Option(names = "--blas", paramLabel = "auto|portable", completionCandidates = Choices.BlasIds.class,
            description = "The kernel's BLAS. auto: netlib's fastest (native, else Vector API, else Java), whose bits"
                    + " depend on each executor's CPU; portable: netlib's scalar Java BLAS and StrictMath, the same"
                    + " bits on any machine and any mix of executors, at a cost in speed. Default: ${DEFAULT-VALUE}.")
    String blas;

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
        TrainingSettings settings = settings();
        TrainedModel init = initModel == null ? null : TrainedModel.read(initModel);
        DataSpec train = input.spec();
        if (!train.labelled()) {
            throw new UsageException("train needs labels: --label-column cannot be none");
        }
        DataSpec data = test == null ? train : train.withTest(train.withPath(test));
        long every = Commands.need(checkpointEvery, "checkpoint-every");
        if (every < 0) {
            throw new UsageException("--checkpoint-every must be 0 (never) or more steps, got " + every);
        }
        int keep = Commands.need(keepCheckpoints, "keep-checkpoints");
        if (keep < 1) {
            throw new UsageException("--keep-checkpoints must be at least 1, got " + keep);
        }
        if (logEvery < 0) {
            throw new UsageException("--log-every must be 0 (epochs only) or more, got " + logEvery);
        }
        if (resume && overwrite) {
            throw new UsageException("give --resume or --overwrite, not both");
        }
        flagged(() -> MlpTrainer.check(settings, init, data));
        Outputs outputs = new Outputs(outDirectory(keep)).prepare();
        // Used when the run writes checkpoints or resumes from them.
        Checkpointing checkpointing = flagged(() -> new Checkpointing(checkpointDir != null ? checkpointDir
                : outputs.path("checkpoints"), every, keep, every > 0, resume));
        checkRunState(outputs, checkpointsOf(outputs.path("checkpoints"), keep));

        long started = System.nanoTime();
        try (JavaSparkContext sc = spark.start("train", spec)) {
            ReportUpdates report = new ReportUpdates(outputs, spec.commandLine().getErr(), ReportUpdates.EVERY_NANOS);
            MlpTrainer trainer = new MlpTrainer(sc, settings)
                    .withPartitions(input.partitions(sc.defaultParallelism()))
                    .withMessages(line -> console.println(line.startsWith("resume: ") ? "--" + line : line))
                    .withListener(new ConsoleProgress(console, ConsoleProgress.stdoutIsTerminal()))
                    .withListener(new MetricsLog(outputs, logEvery))
                    .withListener(report);
            if (init != null) {
                trainer = trainer.withWarmStart(init);
            }
            if (checkpointing.save() || checkpointing.resume()) {
                trainer = trainer.withCheckpoints(checkpointing);
            }
            MlpTrainer configured = trainer;
            TrainedModel model = flagged(() -> configured.fit(data));
            outputs.writeModel(model);
            Map<String, Object> summary = new LinkedHashMap<>(model.summary().toJson());
            summary.put("seconds", (System.nanoTime() - started) / 1e9);
            summary.put("options", Commands.effective(spec));
            outputs.writeJson("summary.json", summary);
            boolean reported = report.finish();
            outputs.commit();
            pointLatest();
            report(model.summary(), outputs, reported);
        }
    }

    /**
     * The training settings: each option's value as the command line, a defaults file or a preset gave it; those
     * typed on the command line count as given (a preset's warmup in epochs yields to --lr-warmup-steps).
     */
    private TrainingSettings settings() {
        Map<String, String> effective = Commands.effective(spec);
        Map<String, String> lower = new LinkedHashMap<>();
        TrainingSettings.Builder b = TrainingSettings.builder();
        return flagged(() -> {
            for (String key : TrainingSettings.KEYS) {
                String value = effective.get(key);
                if (value == null) {
                    continue;
                }
                if (Commands.isExplicit(spec, key)) {
                    b.set(key, value);
                } else {
                    lower.put(key, value);
                }
            }
            return b.fallback(lower).build();
        });
    }

    /**
     * Runs {@code action}, showing a checkpoint that cannot be resumed or written in the command line's words. A
     * setting the API refuses ({@code SettingException}) reaches {@link Main#fail}, which shows it as its flag.
     */
    private static <T> T flagged(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (ResumeException e) {
            throw new UsageException("--resume: " + e.getMessage());
        } catch (UncheckedIOException e) {
            throw new OutputException(e);
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

    private void report(TrainingSummary summary, Outputs outputs, boolean reported) {
        PrintWriter out = console;
        if (summary.testRows() > 0) {
            out.printf("test: loss %.4f  accuracy %.4f  (%,d rows)%n", summary.testLoss(), summary.testAccuracy(),
                    summary.testRows());
        } else {
            out.println("test: no test set");
        }
        stepCosts(summary.stepBreakdown(), out);
        out.println("wrote " + outputs.path("model.json") + ", " + outputs.path("metrics.jsonl") + ", "
                + outputs.path("summary.json") + (reported ? ", " + outputs.path("report.html")
                : " (report.html only on a local directory: run the report command on a copy)"));
        out.println("run directory: " + outputs.location() + (runDirectories == null ? ""
                : " (now " + runDirectories.path(RunDirectories.LATEST) + ")"));
    }
}
