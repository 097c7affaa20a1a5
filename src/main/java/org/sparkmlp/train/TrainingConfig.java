package org.sparkmlp.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Blas;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.optim.EarlyStopping;
import org.sparkmlp.optim.Optimizer;

/**
 * Everything that decides a training run apart from the data: immutable, validated on construction with a
 * message naming the bad value, and recorded in the model's provenance.
 *
 * @param hidden sizes of the hidden layers, input to output (may be empty: softmax regression)
 * @param batchSize rows per step over all partitions: 1 is online SGD, ≥ the training rows is full batch
 * @param epochs passes over the training rows
 * @param learningRate the schedule as asked for; the trainer resolves it against the run's steps ({@link LearningRate#resolve})
 * @param seed seeds the initial weights and every epoch's row order
 * @param aggregationDepth levels of the sum over partitions, the driver's included ({@link StepEngine})
 * @param precision float width of the cached inputs, shipped weights and kernel
 * @param optimizer the update rule ({@link Optimizer#sgd()} by default: plain SGD)
 * @param lrWarmupEpochs epochs of linear warmup to the initial rate (0: none); the trainer turns them into
 *                       round(E · steps per epoch) steps
 * @param lrWarmupSteps steps of linear warmup (0: none); at most one of the two warmups is given
 * @param clipNorm the global gradient norm above which the mean gradient is scaled down to it (0: no clipping)
 * @param earlyStopping patience and metric ({@link EarlyStopping#off()} by default)
 * @param blas where the kernel's BLAS comes from ({@link Blas.Mode#AUTO} by default; {@link Blas.Mode#PORTABLE}:
 *             the same bits on any machine and any mix of executors). The trainer hands it to every kernel
 *             inside the architecture that travels with each task ({@code Architecture.withBlas})
 */
public record TrainingConfig(int[] hidden, Activation activation, Loss loss, int batchSize, int epochs,
                             LearningRate learningRate, long seed, int aggregationDepth, Precision precision,
                             Optimizer optimizer, double lrWarmupEpochs, long lrWarmupSteps, double clipNorm,
                             EarlyStopping earlyStopping, Blas.Mode blas) {

    /**
     * Plain SGD without warmup, clipping or early stopping, and netlib's own BLAS: the configuration before
     * optimisers were pluggable.
     */
    public TrainingConfig(int[] hidden, Activation activation, Loss loss, int batchSize, int epochs,
                          LearningRate learningRate, long seed, int aggregationDepth, Precision precision) {
        this(hidden, activation, loss, batchSize, epochs, learningRate, seed, aggregationDepth, precision,
                Optimizer.sgd(), 0.0, 0, 0.0, EarlyStopping.off(), Blas.Mode.AUTO);
    }

    public TrainingConfig {
        hidden = hidden.clone();
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("hidden layer sizes must be positive, got " + Arrays.toString(hidden));
            }
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (aggregationDepth < 1) {
            throw new IllegalArgumentException("aggregation depth must be at least 1, got " + aggregationDepth);
        }
        if (precision == null) {
            throw new IllegalArgumentException("precision must not be null");
        }
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer must not be null");
        }
        if (!(lrWarmupEpochs >= 0.0) || !Double.isFinite(lrWarmupEpochs)) {
            throw new IllegalArgumentException("learning-rate warmup must be ≥ 0 epochs, got " + lrWarmupEpochs);
        }
        if (lrWarmupSteps < 0) {
            throw new IllegalArgumentException("learning-rate warmup must be ≥ 0 steps, got " + lrWarmupSteps);
        }
        if (lrWarmupEpochs > 0.0 && lrWarmupSteps > 0) {
            throw new IllegalArgumentException("give the learning-rate warmup in epochs (" + lrWarmupEpochs
                    + ") or in steps (" + lrWarmupSteps + "), not both");
        }
        if (!(clipNorm >= 0.0) || !Double.isFinite(clipNorm)) {
            throw new IllegalArgumentException("clip norm must be ≥ 0 (0: no clipping), got " + clipNorm);
        }
        if (earlyStopping == null) {
            throw new IllegalArgumentException("early stopping must not be null (EarlyStopping.off() for none)");
        }
        if (blas == null) {
            throw new IllegalArgumentException("BLAS mode must not be null (Blas.Mode.AUTO for netlib's own choice)");
        }
    }

    /** This configuration with another update rule. */
    public TrainingConfig withOptimizer(Optimizer rule) {
        return new TrainingConfig(hidden, activation, loss, batchSize, epochs, learningRate, seed, aggregationDepth,
                precision, rule, lrWarmupEpochs, lrWarmupSteps, clipNorm, earlyStopping, blas);
    }

    /** This configuration with a linear warmup of {@code epochs} epochs or {@code steps} steps (0 and 0: none). */
    public TrainingConfig withLrWarmup(double warmupEpochs, long warmupSteps) {
        return new TrainingConfig(hidden, activation, loss, batchSize, epochs, learningRate, seed, aggregationDepth,
                precision, optimizer, warmupEpochs, warmupSteps, clipNorm, earlyStopping, blas);
    }

    /** This configuration with global gradient-norm clipping at {@code c} (0: none). */
    public TrainingConfig withClipNorm(double c) {
        return new TrainingConfig(hidden, activation, loss, batchSize, epochs, learningRate, seed, aggregationDepth,
                precision, optimizer, lrWarmupEpochs, lrWarmupSteps, c, earlyStopping, blas);
    }

    /** This configuration with early stopping. */
    public TrainingConfig withEarlyStopping(EarlyStopping stopping) {
        return new TrainingConfig(hidden, activation, loss, batchSize, epochs, learningRate, seed, aggregationDepth,
                precision, optimizer, lrWarmupEpochs, lrWarmupSteps, clipNorm, stopping, blas);
    }

    /** This configuration with the kernel's BLAS from {@code mode}. */
    public TrainingConfig withBlas(Blas.Mode mode) {
        return new TrainingConfig(hidden, activation, loss, batchSize, epochs, learningRate, seed, aggregationDepth,
                precision, optimizer, lrWarmupEpochs, lrWarmupSteps, clipNorm, earlyStopping, mode);
    }

    /** The warmup in steps for a run of {@code stepsPerEpoch} steps per epoch. */
    public long warmupSteps(long stepsPerEpoch) {
        return lrWarmupSteps > 0 ? lrWarmupSteps : Math.round(lrWarmupEpochs * stepsPerEpoch);
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    /** Layer sizes for {@code inputs} inputs and {@code classes} classes. */
    public int[] layerSizes(int inputs, int classes) {
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = inputs;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = classes;
        return sizes;
    }

    /** The configuration as plain values, for provenance and summary files. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hidden", Arrays.stream(hidden).boxed().toList());
        m.put("activation", activation.id());
        m.put("loss", loss.id());
        m.put("batch_size", batchSize);
        m.put("epochs", epochs);
        m.put("lr", learningRate.initial());
        m.put("lr_schedule", learningRate.schedule().id());
        m.put("lr_decay", learningRate.decay());
        m.put("lr_step_epochs", learningRate.stepEpochs());
        m.put("seed", seed);
        m.put("aggregation_depth", aggregationDepth);
        m.put("precision", precision.id());
        m.putAll(optimizer.describe());
        m.put("lr_warmup_epochs", lrWarmupEpochs);
        m.put("lr_warmup_steps", lrWarmupSteps);
        m.put("clip_norm", clipNorm);
        m.put("early_stop_patience", earlyStopping.patience());
        m.put("early_stop_metric", earlyStopping.metric().id());
        m.put("blas", blas.id());
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingConfig c && Arrays.equals(hidden, c.hidden) && activation == c.activation
                && loss == c.loss && batchSize == c.batchSize && epochs == c.epochs
                && learningRate.equals(c.learningRate) && seed == c.seed && aggregationDepth == c.aggregationDepth
                && precision == c.precision && optimizer.equals(c.optimizer)
                && Double.compare(lrWarmupEpochs, c.lrWarmupEpochs) == 0 && lrWarmupSteps == c.lrWarmupSteps
                && Double.compare(clipNorm, c.clipNorm) == 0 && earlyStopping.equals(c.earlyStopping) && blas == c.blas;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hidden) * 31 + describe().hashCode();
    }

    @Override
    public String toString() {
        return describe().toString();
    }
}
