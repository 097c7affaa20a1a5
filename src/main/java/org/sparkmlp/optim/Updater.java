package org.sparkmlp.optim;

/**
 * An {@link Optimizer} at work: it owns the optimiser's state and applies one update per step. Call order:
 * {@link Optimizer#start} (or {@link Optimizer#resume} from a saved {@link OptimizerState}), then
 * {@link #update} once per step, {@link #state()} whenever a snapshot is wanted. Not thread-safe; {@link #copy()}
 * gives an independent updater in the same state.
 */
public interface Updater {
    /**
     * Writes the updated weights into {@code out} and advances the state. {@code weights} and {@code gradient} (the
     * step's mean gradient, already clipped if clipping is on) are only read; {@code out} must be a third array of
     * the same length. Returns whether every updated weight is a finite number.
     */
    boolean update(double[] weights, double[] gradient, double learningRate, double[] out);

    /** A snapshot of the state: later updates do not change it. */
    OptimizerState state();

    /** An independent updater in the same state. */
    Updater copy();

    Optimizer optimizer();
}
