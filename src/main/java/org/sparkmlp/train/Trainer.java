package org.sparkmlp.train;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkmlp.data.Block;
import org.sparkmlp.data.CachedSets;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.optim.EarlyStopping;
import org.sparkmlp.optim.GradientClipping;
import org.sparkmlp.optim.Optimizer;
import org.sparkmlp.optim.TrainingState;
import org.sparkmlp.optim.Updater;

/**
 * The driver's loop: synchronous mini-batch training with a pluggable update rule.
 *
 * <p>Per step: the {@link StepEngine} ships the weights and returns Σ∇ over the step's rows; the driver divides
 * once (g = Σ∇/n), clips g to {@code clipNorm} if asked ({@link GradientClipping}), and the {@link Updater} of the
 * configured {@link Optimizer} writes W' = f(W, g, state, t, η_t) with η_t from the {@link LearningRate} (warmup
 * included). The default, plain SGD, is W − η_t·g, the same bits as before optimisers were pluggable. Per epoch:
 * evaluate the validation set, tell the listener (metrics, then the {@link TrainingState}), and let
 * {@link EarlyStopping} decide whether to go on. A listener may also ask for the state after a step inside an epoch
 * (a checkpoint every N steps); a run started from such a state replays the epoch's batch plan up to it.
 *
 * <p>The driver keeps two weight arrays and alternates them: the update reads the one just shipped and writes the
 * other, whose step's job has ended, so no array is written while a job that ships it runs. The optimiser's slots
 * never leave the driver.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final JavaSparkContext sc;
    private final TrainingConfig config;
    /** The backend every run's step engine gets: the one the master calls for, or a test's. */
    private final StepBackend.Kind backend;
    private final GradientTask.Factory tasks;

    public Trainer(JavaSparkContext sc, TrainingConfig config) {
        this(sc, config, StepBackend.Kind.forMaster(sc.sc()), GradientTask::new);
    }

    /** Runs on a backend of the given kind, whatever the master, with the step tasks {@code tasks} makes: for tests. */
    Trainer(JavaSparkContext sc, TrainingConfig config, StepBackend.Kind backend, GradientTask.Factory tasks) {
        this.sc = sc;
        this.config = config;
        this.backend = backend;
        this.tasks = tasks;
    }

    /** Why a run ended. */
    public enum Status {
        /** Every configured epoch ran. */
        FINISHED,
        /** Early stopping's patience ran out. */
        EARLY_STOPPED;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * The outcome of a run.
     *
     * @param parameters the model's weights: the best epoch's when early stopping is on, else the last epoch's
     * @param epochs metrics of the epochs this call ran
     * @param steps updates applied in all, counting those before a resumed state
     * @param validation the validation set scored with {@code parameters} (training precision), null without one
     * @param test the test set scored with {@code parameters} in float64, null without one
     * @param status finished or early-stopped
     * @param reason why, in words
     * @param bestEpoch the epoch (from 1) with the best validation metric, 0 without a validation set
     * @param modelEpoch the epoch whose weights {@code parameters} holds
     * @param finalState the state after the last epoch that ran (its weights are the last epoch's): what a
     *                   checkpoint would save to continue the run
     * @param stepsByPartitionsPerTask the steps this call ran with each task layout
     *                                 ({@link StepEngine#stepsByPartitionsPerTask()})
     * @param stepBreakdown where the steps' time went, medians in milliseconds ({@link StepEngine#stepBreakdown()})
     */
    public record Result(double[] parameters, List<EpochMetrics> epochs, long steps, double trainingSeconds,
                         Evaluation validation, Evaluation test, Status status, String reason, int bestEpoch,
                         int modelEpoch, TrainingState finalState, Map<Integer, Long> stepsByPartitionsPerTask,
                         Map<String, Double> stepBreakdown) {
        /** Equal outcomes: the weights by their content, every other field by its own equals. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Result r && Arrays.equals(parameters, r.parameters) && epochs.equals(r.epochs)
                    && steps == r.steps && Double.compare(trainingSeconds, r.trainingSeconds) == 0
                    && Objects.equals(validation, r.validation) && Objects.equals(test, r.test)
                    && status == r.status && reason.equals(r.reason) && bestEpoch == r.bestEpoch
                    && modelEpoch == r.modelEpoch && finalState.equals(r.finalState)
                    && stepsByPartitionsPerTask.equals(r.stepsByPartitionsPerTask)
                    && stepBreakdown.equals(r.stepBreakdown);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(parameters) * 31 + Objects.hash(epochs, steps, status, reason);
        }
    }

    /**
     * Trains from {@code initial} parameters (which are not modified) on {@code data} and returns the kept
     * parameters, the metrics of every epoch, the test evaluation (null without a test set) and why it stopped.
     */
    public Result train(CachedSets data, Architecture arch, double[] initial, TrainingListener listener) {
        if (initial.length != arch.parameterCount()) {
            throw new IllegalArgumentException("initial parameters: " + initial.length + " numbers for "
                    + arch.parameterCount() + " parameters of " + arch);
        }
        return train(data, arch, TrainingState.start(initial, config.optimizer(), config.earlyStopping()), listener);
    }

    /**
     * Continues a run from {@code state} (its {@code epoch()} epochs done, and {@code position().steps()} steps of the
     * next) up to the configured epochs. With the
     * configuration, data and partitioning of the run that produced the state, the result has the same bits as
     * that run had it gone on.
     */
    public Result train(CachedSets data, Architecture arch, TrainingState state, TrainingListener listener) {
        if (state.parameterCount() != arch.parameterCount()) {
            throw new IllegalArgumentException("training state: " + state.parameterCount() + " numbers for "
                    + arch.parameterCount() + " parameters of " + arch);
        }
        EarlyStopping stopping = config.earlyStopping();
        if (stopping.enabled() && data.validation() == null) {
            throw new IllegalArgumentException("early stopping watches " + stopping.metric().id()
                    + ", but there is no validation set (give a validation fraction above 0)");
        }
        // The configured BLAS mode rides inside the architecture that every task carries to its kernel.
        Architecture computed = arch.withBlas(config.blas());
        try (StepEngine engine = new StepEngine(backend, data.train().rdd(), computed, config.loss(),
                config.precision(), config.seed(), config.aggregationDepth(), StepEngine.Tuning.DEFAULT, tasks)) {
            return train(data, computed, state, listener, engine);
        }
    }

    private Result train(CachedSets data, Architecture arch, TrainingState state, TrainingListener listener,
                         StepEngine engine) {
        EarlyStopping stopping = config.earlyStopping();
        BatchPlan plan = new BatchPlan(engine.partitionSizes(), config.batchSize());
        long stepsPerEpoch = plan.stepsPerEpoch();
        long totalSteps = stepsPerEpoch * config.epochs();
        LearningRate.Resolved rate = config.learningRate().resolve(totalSteps, config.warmupSteps(stepsPerEpoch),
                stepsPerEpoch);
        listener.started(arch.toString(), plan.rows(), stepsPerEpoch, config.epochs());

        Updater updater = config.optimizer().resume(state.optimizer());
        double[] current = state.weights();
        double[] next = new double[current.length];
        // Read-only views of the two alternating arrays, made once: what step listeners see.
        DoubleBuffer currentView = DoubleBuffer.wrap(current).asReadOnlyBuffer();
        DoubleBuffer nextView = DoubleBuffer.wrap(next).asReadOnlyBuffer();
        double[] mean = new double[current.length];
        double clipNorm = config.clipNorm();
        long step = state.step();
        EarlyStopping.Progress progress = state.progress();
        double[] best = state.bestWeights();
        Evaluation bestValidation = null;
        List<EpochMetrics> history = new ArrayList<>();
        double trainingNanos = 0;
        Evaluation validation = null;
        Status status = Status.FINISHED;
        int epoch = state.epoch();
        TrainingState last = state;
        if (stopping.shouldStop(progress)) {
            // A state saved just before the run stopped early: resuming it must not train on.
            status = Status.EARLY_STOPPED;
        }
        TrainingState.Position resumeAt = state.position();
        if (resumeAt.steps() >= stepsPerEpoch) {
            throw new IllegalArgumentException("training state: " + resumeAt.steps() + " steps into an epoch of "
                    + stepsPerEpoch + " steps");
        }
        for (; epoch < config.epochs() && status == Status.FINISHED; epoch++) {
            long start = System.nanoTime();
            long gcStart = gcMillis();
            // The Spark UI groups each epoch's jobs and names every step's.
            String epochName = "epoch " + (epoch + 1) + "/" + config.epochs();
            sc.setJobGroup("spark-mlp-epoch-" + (epoch + 1), epochName, false);
            plan.startEpoch();
            // A state saved inside this epoch: replay its steps' batch plan and take up its running sums.
            for (long k = 0; k < resumeAt.steps(); k++) {
                plan.nextStep();
            }
            long stepInEpoch = resumeAt.steps();
            double lossSum = resumeAt.lossSum();
            long correct = resumeAt.correct();
            long rows = resumeAt.rows();
            long priorNanos = (long) (resumeAt.seconds() * 1e9);
            start -= priorNanos; // the epoch's seconds, and the run's training seconds, count the time before too
            gcStart -= (long) (resumeAt.gcSeconds() * 1e3);
            resumeAt = TrainingState.Position.START;
            double lr = rate.at(step, epoch);
            while (plan.hasNextStep()) {
                plan.nextStep();
                lr = rate.at(step, epoch);
                sc.setJobDescription(epochName + ", step " + (stepInEpoch + 1) + "/" + stepsPerEpoch);
                GradientSum g = engine.gradient(current, epoch, plan.from(), plan.to());
                if (!Double.isFinite(g.loss())) {
                    throw new DivergedException("training diverged at epoch " + (epoch + 1) + ", step " + (step + 1)
                            + ": the loss is " + g.loss() + "; try a smaller --lr");
                }
                g.meanGradientInto(mean);
                if (clipNorm > 0.0) {
                    GradientClipping.clip(mean, clipNorm);
                }
                if (!updater.update(current, mean, lr, next)) {
                    throw new DivergedException("training diverged at epoch " + (epoch + 1) + ", step " + (step + 1)
                            + ": a weight became " + "infinite or NaN; try a smaller --lr");
                }
                double[] t = current;
                current = next;
                next = t;
                DoubleBuffer v = currentView;
                currentView = nextView;
                nextView = v;
                lossSum += g.loss();
                correct += g.correct();
                rows += g.rows();
                step++;
                stepInEpoch++;
                listener.stepEnded(new StepMetrics(epoch + 1, config.epochs(), stepInEpoch, stepsPerEpoch, step,
                        g.rows(), lr, g.loss() / g.rows(), lossSum / rows, rows, (System.nanoTime() - start) / 1e9),
                        currentView);
                if (stepInEpoch < stepsPerEpoch && listener.wantsStateAfterStep(step)) {
                    listener.stateInEpoch(new TrainingState(current, updater.state(), step, epoch,
                            new TrainingState.Position(stepInEpoch, lossSum, correct, rows,
                                    (System.nanoTime() - start) / 1e9, (gcMillis() - gcStart) / 1e3),
                            progress, best));
                }
            }
            long stepsNanos = System.nanoTime() - start;
            trainingNanos += stepsNanos;
            sc.setJobDescription(epochName + ", validation");
            validation = evaluate(engine, data.validation(), current, config.precision());
            if (validation != null) {
                progress = stopping.observe(progress, epoch + 1,
                        stopping.metric() == EarlyStopping.Metric.VAL_LOSS ? validation.loss() : validation.accuracy());
                if (progress.bestEpoch() == epoch + 1) {
                    bestValidation = validation;
                    if (stopping.enabled()) {
                        best = current.clone();
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            EpochMetrics metrics = new EpochMetrics(epoch + 1, step, lr, lossSum / rows, (double) correct / rows,
                    validation == null ? Double.NaN : validation.loss(),
                    validation == null ? Double.NaN : validation.accuracy(), seconds, stepsNanos / 1e9,
                    (gcMillis() - gcStart) / 1e3);
            history.add(metrics);
            LOG.info("epoch {}: {}", epoch + 1, metrics);
            listener.epochEnded(metrics);
            last = new TrainingState(current, updater.state(), step, epoch + 1, progress, best);
            listener.stateAfterEpoch(last);
            if (stopping.shouldStop(progress)) {
                status = Status.EARLY_STOPPED;
                epoch++;
                break;
            }
        }
        int lastEpoch = epoch;
        String metric = stopping.metric().id();
        String reason = status == Status.EARLY_STOPPED
                ? String.format(Locale.ROOT, "%s did not improve for %d epochs after epoch %d (best %.6g)",
                        metric, progress.epochsSinceBest(), progress.bestEpoch(), progress.bestValue())
                : "ran all " + config.epochs() + " epochs";
        double[] kept = current;
        int modelEpoch = lastEpoch;
        if (stopping.enabled() && best != null) {
            kept = best;
            modelEpoch = progress.bestEpoch();
            if (modelEpoch != lastEpoch) {
                sc.setJobDescription("validation of epoch " + modelEpoch);
                validation = bestValidation != null ? bestValidation
                        : evaluate(engine, data.validation(), kept, config.precision());
            }
        }
        // The test set scores the model as model.json holds it: double weights (on the cached inputs).
        sc.setJobGroup("spark-mlp-test", "test", false);
        sc.setJobDescription("test");
        Evaluation test = evaluate(engine, data.test(), kept, Precision.FLOAT64);
        sc.clearJobGroup();
        sc.setJobDescription(null);
        return new Result(kept, history, step, trainingNanos / 1e9, validation, test, status, reason,
                progress.bestEpoch(), modelEpoch, last, engine.stepsByPartitionsPerTask(), engine.stepBreakdown());
    }

    private static Evaluation evaluate(StepEngine engine, JavaRDD<Block> set, double[] parameters,
                                       Precision kernel) {
        return set == null ? null : engine.evaluate(set.rdd(), parameters, kernel);
    }

    /**
     * Milliseconds this JVM has spent in garbage collection: the driver's, and in local mode the executors'
     * too, since they share the process.
     */
    static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }
}
