package org.sparkmlp.optim;

import java.util.Arrays;

/**
 * Everything a run carries from one epoch to the next, as plain arrays and numbers, so that a checkpoint can save
 * it and a run restored from it continues to the bit: the weights, the optimiser's state, the steps taken so far
 * (the learning-rate schedule and warmup are functions of the step and epoch, so they need nothing else), the
 * epochs completed, early stopping's progress and the best epoch's weights (null while early stopping is off or
 * before its first epoch). Immutable: arrays are copied in and out.
 *
 * <table>
 *   <caption>Fields, as a checkpoint would store them</caption>
 *   <tr><th>field</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>weights</td><td>double[P]</td><td>the flat parameter vector after {@code step} updates</td></tr>
 *   <tr><td>optimizer.kind, updates, slots</td><td>string, long, double[k][P]</td><td>{@link OptimizerState}</td></tr>
 *   <tr><td>step</td><td>long</td><td>updates applied so far, over all epochs</td></tr>
 *   <tr><td>epoch</td><td>int</td><td>epochs completed (the next epoch's row order is drawn from it)</td></tr>
 *   <tr><td>best_epoch, best_value, epochs_since_best</td><td>int, double, int</td><td>{@link EarlyStopping.Progress}</td></tr>
 *   <tr><td>best_weights</td><td>double[P] or absent</td><td>the best epoch's weights, kept when early stopping is on</td></tr>
 * </table>
 */
public final class TrainingState {
    private final double[] weights;
    private final OptimizerState optimizer;
    private final long step;
    private final int epoch;
    private final EarlyStopping.Progress progress;
    private final double[] bestWeights;

    public TrainingState(double[] weights, OptimizerState optimizer, long step, int epoch,
                         EarlyStopping.Progress progress, double[] bestWeights) {
        if (step < 0 || epoch < 0) {
            throw new IllegalArgumentException("training state: step " + step + " and epoch " + epoch + " must be ≥ 0");
        }
        if (bestWeights != null && bestWeights.length != weights.length) {
            throw new IllegalArgumentException("training state: best weights have " + bestWeights.length
                    + " numbers, weights " + weights.length);
        }
        if (optimizer.slotCount() > 0 && optimizer.slot(0).length != weights.length) {
            throw new IllegalArgumentException("training state: the optimizer's state is for " + optimizer.slot(0).length
                    + " parameters, the weights have " + weights.length);
        }
        this.weights = weights.clone();
        this.optimizer = optimizer;
        this.step = step;
        this.epoch = epoch;
        this.progress = progress;
        this.bestWeights = bestWeights == null ? null : bestWeights.clone();
    }

    /** A run about to start from {@code initial} weights. */
    public static TrainingState start(double[] initial, Optimizer optimizer, EarlyStopping stopping) {
        return new TrainingState(initial, OptimizerState.initial(optimizer.kind(), initial.length), 0, 0,
                stopping.start(), null);
    }

    public double[] weights() {
        return weights.clone();
    }

    public OptimizerState optimizer() {
        return optimizer;
    }

    public long step() {
        return step;
    }

    public int epoch() {
        return epoch;
    }

    public EarlyStopping.Progress progress() {
        return progress;
    }

    /** A copy of the best epoch's weights, or null when none are kept. */
    public double[] bestWeights() {
        return bestWeights == null ? null : bestWeights.clone();
    }

    public int parameterCount() {
        return weights.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingState s && Arrays.equals(weights, s.weights) && optimizer.equals(s.optimizer)
                && step == s.step && epoch == s.epoch && progress.equals(s.progress)
                && Arrays.equals(bestWeights, s.bestWeights);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(weights) * 31 + optimizer.hashCode() + Long.hashCode(step) + epoch;
    }

    @Override
    public String toString() {
        return "training state after epoch " + epoch + ", step " + step + " (" + optimizer + ", best epoch "
                + progress.bestEpoch() + ")";
    }
}
