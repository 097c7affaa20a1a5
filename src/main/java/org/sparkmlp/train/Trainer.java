package org.sparkmlp.train;

import java.lang.management.GarbageCollectorMXBean;
import java.nio.DoubleBuffer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkmlp.data.Block;
import org.sparkmlp.data.Dataset;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.Precision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's loop: synchronous mini-batch SGD.
 *
 * <p>Per step: the {@link StepEngine} ships the weights and returns Σ∇ over the step's rows;
 * W ← W − η_t · (Σ∇ / rows). Per epoch: evaluate the validation set and tell the listener. The driver keeps
 * two weight arrays and alternates them: the update reads one and writes the other, and neither is copied.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final JavaSparkContext sc;
    private final TrainingConfig config;

    public Trainer(JavaSparkContext sc, TrainingConfig config) {
        this.sc = sc;
        this.config = config;
    }

    /** The outcome of a run. */
    public record Result(double[] parameters, List<EpochMetrics> epochs, long steps, double trainingSeconds,
                         Evaluation validation, Evaluation test) {
    }

    /** Thrown when the loss stops being a finite number: the run cannot recover. */
    public static final class DivergedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DivergedException(String message) {
            super(message);
        }
    }

    /**
     * Trains from {@code initial} parameters (which are not modified) on {@code data} and returns the final
     * parameters, the metrics of every epoch and the test evaluation (null without a test set).
     */
    public Result train(Dataset data, Architecture arch, double[] initial, TrainingListener listener) {
        if (initial.length != arch.parameterCount()) {
            throw new IllegalArgumentException("initial parameters: " + initial.length + " numbers for "
                    + arch.parameterCount() + " parameters of " + arch);
        }
        StepEngine engine = new StepEngine(sc.sc(), data.train().rdd(), arch, config.loss(), config.precision(),
                config.seed(), config.aggregationDepth());
        BatchPlan plan = new BatchPlan(engine.partitionSizes(), config.batchSize());
        long stepsPerEpoch = plan.stepsPerEpoch();
        LearningRate rate = LearningRate.of(config.learningRate().schedule(), config.learningRate().initial(),
                config.learningRate().decay(), config.learningRate().stepEpochs(), stepsPerEpoch * config.epochs());
        listener.started(arch.toString(), plan.rows(), stepsPerEpoch, config.epochs());

        double[] current = initial.clone();
        double[] next = new double[current.length];
        // Read-only views of the two alternating arrays, made once: what step listeners see.
        DoubleBuffer currentView = DoubleBuffer.wrap(current).asReadOnlyBuffer();
        DoubleBuffer nextView = DoubleBuffer.wrap(next).asReadOnlyBuffer();
        List<EpochMetrics> history = new ArrayList<>();
        long step = 0;
        double trainingNanos = 0;
        Evaluation validation = null;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            long start = System.nanoTime();
            long gcStart = gcMillis();
            // The Spark UI groups each epoch's jobs and names every step's.
            String epochName = "epoch " + (epoch + 1) + "/" + config.epochs();
            sc.setJobGroup("spark-mlp-epoch-" + (epoch + 1), epochName, false);
            plan.startEpoch();
            long stepInEpoch = 0;
            double lossSum = 0.0;
            long correct = 0;
            long rows = 0;
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
                if (!update(current, next, g, lr)) {
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
            }
            trainingNanos += System.nanoTime() - start;
            sc.setJobDescription(epochName + ", validation");
            validation = evaluate(engine, data.validation(), current, config.precision());
            double seconds = (System.nanoTime() - start) / 1e9;
            EpochMetrics metrics = new EpochMetrics(epoch + 1, step, lr, lossSum / rows, (double) correct / rows,
                    validation == null ? Double.NaN : validation.loss(),
                    validation == null ? Double.NaN : validation.accuracy(), seconds, (gcMillis() - gcStart) / 1e3);
            history.add(metrics);
            LOG.info("epoch {}: {}", epoch + 1, metrics);
            listener.epochEnded(metrics);
        }
        // The test set scores the model as model.json holds it: double weights (on the cached inputs).
        sc.setJobGroup("spark-mlp-test", "test", false);
        sc.setJobDescription("test");
        Evaluation test = evaluate(engine, data.test(), current, Precision.FLOAT64);
        sc.clearJobGroup();
        sc.setJobDescription(null);
        return new Result(current, history, step, trainingNanos / 1e9, validation, test);
    }

    /** next = current − lr · Σ∇ / rows: the driver's only division. Returns whether every weight is finite. */
    private static boolean update(double[] current, double[] next, GradientSum g, double lr) {
        double[] grad = g.gradient();
        double inv = 1.0 / g.rows();
        double check = 0.0;
        for (int i = 0; i < current.length; i++) {
            next[i] = current[i] - lr * (grad[i] * inv);
            check += next[i] * 0.0; // stays 0 unless some weight is NaN or infinite
        }
        return check == 0.0;
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
