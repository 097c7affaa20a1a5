package org.sparkmlp.train;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.sparkmlp.data.Block;
import org.sparkmlp.data.Dataset;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.GradientSum;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's loop: synchronous mini-batch SGD.
 *
 * <p>Per step: broadcast the weights; {@code treeAggregate} over the cached training blocks with
 * {@link StepFunction} as seqOp and {@link PartitionSums#merge} as combOp; W ← W − η_t · (Σ∇ / rows);
 * destroy the step's broadcast. Per epoch: evaluate the validation set and tell the listener. The driver keeps
 * two weight arrays and alternates them, because in local mode a broadcast hands tasks the driver's own array.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final Function2<PartitionSums, PartitionSums, PartitionSums> MERGE = PartitionSums::merge;

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
        // A partition caches a list of blocks: the step takes the list as one element.
        JavaRDD<List<Block>> train = data.train().glom();
        int partitions = train.getNumPartitions();
        long[] sizes = new long[partitions];
        List<Long> counted = train.map(Trainer::rows).collect();
        for (int p = 0; p < partitions; p++) {
            sizes[p] = counted.get(p);
        }
        BatchPlan plan = new BatchPlan(sizes, config.batchSize());
        long stepsPerEpoch = plan.stepsPerEpoch();
        LearningRate rate = LearningRate.of(config.learningRate().schedule(), config.learningRate().initial(),
                config.learningRate().decay(), config.learningRate().stepEpochs(), stepsPerEpoch * config.epochs());
        listener.started(arch.toString(), plan.rows(), stepsPerEpoch, config.epochs());

        double[] current = initial.clone();
        double[] next = new double[current.length];
        List<EpochMetrics> history = new ArrayList<>();
        long step = 0;
        double trainingNanos = 0;
        Evaluation validation = null;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            long start = System.nanoTime();
            plan.startEpoch();
            double lossSum = 0.0;
            long correct = 0;
            long rows = 0;
            double lr = rate.at(step, epoch);
            while (plan.hasNextStep()) {
                plan.nextStep();
                lr = rate.at(step, epoch);
                Broadcast<double[]> weights = sc.broadcast(current);
                GradientSum g;
                try {
                    g = train.treeAggregate(new PartitionSums(partitions),
                            new StepFunction(weights, arch, config.loss(), plan.from(), plan.to(), config.seed(), epoch),
                            MERGE, config.aggregationDepth()).total();
                } finally {
                    weights.destroy();
                }
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
                lossSum += g.loss();
                correct += g.correct();
                rows += g.rows();
                step++;
            }
            trainingNanos += System.nanoTime() - start;
            validation = evaluate(data.validation(), arch, current);
            double seconds = (System.nanoTime() - start) / 1e9;
            EpochMetrics metrics = new EpochMetrics(epoch + 1, step, lr, lossSum / rows, (double) correct / rows,
                    validation == null ? Double.NaN : validation.loss(),
                    validation == null ? Double.NaN : validation.accuracy(), seconds);
            history.add(metrics);
            LOG.info("epoch {}: {}", epoch + 1, metrics);
            listener.epochEnded(metrics);
        }
        Evaluation test = evaluate(data.test(), arch, current);
        return new Result(current, history, step, trainingNanos / 1e9, validation, test);
    }

    private static long rows(List<Block> blocks) {
        long rows = 0;
        for (Block b : blocks) {
            rows += b.rows();
        }
        return rows;
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

    /** Evaluates parameters on a set, or null when the set is empty. */
    public Evaluation evaluate(JavaRDD<Block> blocks, Architecture arch, double[] parameters) {
        if (blocks == null) {
            return null;
        }
        Broadcast<double[]> weights = sc.broadcast(parameters);
        try {
            return Evaluator.evaluate(blocks, weights, arch, config.loss());
        } finally {
            weights.destroy();
        }
    }
}
