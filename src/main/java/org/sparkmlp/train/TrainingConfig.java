package org.sparkmlp.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Precision;

/**
 * Everything that decides a training run apart from the data: immutable, validated on construction with a
 * message naming the bad value, and recorded in the model's provenance.
 *
 * @param hidden sizes of the hidden layers, input to output (may be empty: softmax regression)
 * @param batchSize rows per step over all partitions: 1 is online SGD, ≥ the training rows is full batch
 * @param epochs passes over the training rows
 * @param learningRate initial rate and schedule (its total steps are filled in by the trainer for cosine)
 * @param seed seeds the initial weights and every epoch's row order
 * @param aggregationDepth levels of the sum over partitions, the driver's included ({@link StepEngine})
 * @param precision float width of the cached inputs, shipped weights and kernel
 */
public record TrainingConfig(int[] hidden, Activation activation, Loss loss, int batchSize, int epochs,
                             LearningRate learningRate, long seed, int aggregationDepth, Precision precision) {

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
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingConfig c && Arrays.equals(hidden, c.hidden) && activation == c.activation
                && loss == c.loss && batchSize == c.batchSize && epochs == c.epochs
                && learningRate.equals(c.learningRate) && seed == c.seed && aggregationDepth == c.aggregationDepth
                && precision == c.precision;
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
