package org.sparkmlp.train;

import org.sparkmlp.optim.TrainingState;

/**
 * Hears about a run as it goes, on the driver thread, between steps: {@link #started} once, then
 * {@link #epochEnded} and {@link #stateAfterEpoch} after each epoch's validation. Slow listeners slow training;
 * none is called per step.
 */
public interface TrainingListener {
    /** Before the first step, with what the run will do. */
    default void started(String architecture, long trainRows, long stepsPerEpoch, int epochs) {
    }

    void epochEnded(EpochMetrics metrics);

    /**
     * After {@link #epochEnded}, the state the run would continue from ({@link Trainer#train(org.sparkmlp.data.Dataset,
     * org.sparkmlp.nn.Architecture, TrainingState, TrainingListener)}): what a checkpoint saves. It is a copy; keep it.
     */
    default void stateAfterEpoch(TrainingState state) {
    }

    TrainingListener NONE = metrics -> { };
}
