package org.sparkmlp.optim;

import java.util.Arrays;
import java.util.Objects;

/**
 * Everything a run carries from one step to the next, as plain arrays and numbers, so that a checkpoint can save
 * it and a run restored from it continues to the bit: the weights, the optimiser's state, the steps taken so far
 * (the learning-rate schedule and warmup are functions of the step and epoch, so they need nothing else), the
 * epochs completed, the {@link Position} inside the next epoch, early stopping's progress and the best epoch's
 * weights (null while early stopping is off or before its first epoch). Immutable: arrays are copied in and out.
 *
 * <table>
 *   <caption>Fields, as a checkpoint would store them</caption>
 *   <tr><th>field</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>weights</td><td>double[P]</td><td>the flat parameter vector after {@code step} updates</td></tr>
 *   <tr><td>optimizer.kind, updates, slots</td><td>string, long, double[k][P]</td><td>{@link OptimizerState}</td></tr>
 *   <tr><td>step</td><td>long</td><td>updates applied so far, over all epochs</td></tr>
 *   <tr><td>epoch</td><td>int</td><td>epochs completed (the next epoch's row order is drawn from it)</td></tr>
 *   <tr><td>position</td><td>{@link Position}</td><td>steps taken inside the next epoch and its running sums</td></tr>
 *   <tr><td>best_epoch, best_value, epochs_since_best</td><td>int, double, int</td><td>{@link EarlyStopping.Progress}</td></tr>
 *   <tr><td>best_weights</td><td>double[P] or absent</td><td>the best epoch's weights, kept when early stopping is on</td></tr>
 * </table>
 */
public final class TrainingState {
    /**
     * How far the run is inside epoch {@code epoch + 1}: the steps taken in it (the epoch's batch plan replays
     * them, since it depends only on partition sizes and batch size) and the running sums its metrics line is
     * made of, so a run resumed mid-epoch reports the same epoch as one that was not interrupted.
     *
     * @param steps steps of the epoch taken; 0 at an epoch boundary
     * @param lossSum the summed training loss of the epoch's rows so far
     * @param correct rows so far that the model classified correctly before its update
     * @param rows rows so far
     * @param seconds wall-clock seconds spent in the epoch so far
     * @param gcSeconds garbage-collection seconds during the epoch so far
     */
    public record Position(long steps, double lossSum, long correct, long rows, double seconds, double gcSeconds) {
        /** The start of an epoch. */
        public static final Position START = new Position(0, 0.0, 0, 0, 0.0, 0.0);

        public Position {
            if (steps < 0 || correct < 0 || rows < 0 || correct > rows) {
                throw new IllegalArgumentException("position inside the epoch: " + steps + " steps, " + correct
                        + " correct of " + rows + " rows");
            }
            if (steps == 0 && (rows != 0 || lossSum != 0.0)) {
                throw new IllegalArgumentException("position inside the epoch: no steps but " + rows + " rows");
            }
        }

        /** Whether this is an epoch's start (a checkpoint at an epoch's end). */
        public boolean atStart() {
            return steps == 0;
        }
    }

    private final double[] weights;
    private final OptimizerState optimizer;
    private final long step;
    private final int epoch;
    private final Position position;
    private final EarlyStopping.Progress progress;
    private final double[] bestWeights;

    /** A state at an epoch's boundary: {@code epoch} epochs completed, none of the next begun. */
    public TrainingState(double[] weights, OptimizerState optimizer, long step, int epoch,
                         EarlyStopping.Progress progress, double[] bestWeights) {
        this(weights, optimizer, step, epoch, Position.START, progress, bestWeights);
    }

    public TrainingState(double[] weights, OptimizerState optimizer, long step, int epoch, Position position,
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
        this.position = Objects.requireNonNull(position, "position");
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

    /** Where the run is inside epoch {@code epoch() + 1}. */
    public Position position() {
        return position;
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
                && step == s.step && epoch == s.epoch && position.equals(s.position) && progress.equals(s.progress)
                && Arrays.equals(bestWeights, s.bestWeights);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(weights) * 31 + optimizer.hashCode() + Long.hashCode(step) + epoch;
    }

    @Override
    public String toString() {
        return "training state after epoch " + epoch + (position.atStart() ? "" : " and " + position.steps()
                + " steps of the next") + ", step " + step + " (" + optimizer + ", best epoch " + progress.bestEpoch()
                + ")";
    }
}
