package org.sparkmlp.optim;

import java.util.Locale;

/**
 * Stops a run once its validation metric has not improved for {@code patience} epochs in a row, and names the
 * best epoch, whose weights the run keeps. An epoch improves when its value is strictly better than the best so
 * far (lower loss, higher accuracy); a NaN never improves. Patience 0 turns stopping off; the best epoch is
 * still tracked.
 *
 * @param patience epochs without improvement after which the run stops (0: never)
 * @param metric the validation figure watched
 */
public record EarlyStopping(int patience, Metric metric) {

    /** What is watched, and which way is better. */
    public enum Metric {
        VAL_LOSS(false), VAL_ACCURACY(true);

        private final boolean higherIsBetter;

        Metric(boolean higherIsBetter) {
            this.higherIsBetter = higherIsBetter;
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Metric fromId(String id) {
            for (Metric m : values()) {
                if (m.id().equals(id)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown early-stopping metric '" + id + "' (expected val_loss or val_accuracy)");
        }

        /** Whether {@code value} is strictly better than {@code best} (NaN: no). */
        public boolean better(double value, double best) {
            return higherIsBetter ? value > best : value < best;
        }

        /** The value every finite one beats. */
        public double worst() {
            return higherIsBetter ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
    }

    /**
     * Where a run stands: the best epoch so far (from 1; 0 before any), its value, and the epochs since.
     * Plain numbers, part of a {@link TrainingState}.
     */
    public record Progress(int bestEpoch, double bestValue, int epochsSinceBest) {
        public Progress {
            if (bestEpoch < 0 || epochsSinceBest < 0) {
                throw new IllegalArgumentException("early-stopping progress: best epoch " + bestEpoch + " and epochs since "
                        + epochsSinceBest + " must be ≥ 0");
            }
        }
    }

    public EarlyStopping {
        if (patience < 0) {
            throw new IllegalArgumentException("early-stopping patience must be ≥ 0 epochs, got " + patience);
        }
        if (metric == null) {
            throw new IllegalArgumentException("early-stopping metric must not be null");
        }
    }

    /** Never stops; watches the validation loss. */
    public static EarlyStopping off() {
        return new EarlyStopping(0, Metric.VAL_LOSS);
    }

    public static EarlyStopping onValidationLoss(int patience) {
        return new EarlyStopping(patience, Metric.VAL_LOSS);
    }

    public static EarlyStopping onValidationAccuracy(int patience) {
        return new EarlyStopping(patience, Metric.VAL_ACCURACY);
    }

    public boolean enabled() {
        return patience > 0;
    }

    /** Before the first epoch. */
    public Progress start() {
        return new Progress(0, metric.worst(), 0);
    }

    /** The progress after {@code epoch} (from 1) scored {@code value}. */
    public Progress observe(Progress before, int epoch, double value) {
        if (metric.better(value, before.bestValue())) {
            return new Progress(epoch, value, 0);
        }
        return new Progress(before.bestEpoch(), before.bestValue(), before.epochsSinceBest() + 1);
    }

    /** Whether the run should stop now. */
    public boolean shouldStop(Progress progress) {
        return enabled() && progress.epochsSinceBest() >= patience;
    }
}
