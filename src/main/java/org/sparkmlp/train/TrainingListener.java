package org.sparkmlp.train;

/**
 * Hears about a run as it goes, on the driver thread, between steps: {@link #started} once, then
 * {@link #epochEnded} after each epoch's validation. Slow listeners slow training; none is called per step.
 */
public interface TrainingListener {
    /** Before the first step, with what the run will do. */
    default void started(String architecture, long trainRows, long stepsPerEpoch, int epochs) {
    }

    void epochEnded(EpochMetrics metrics);

    TrainingListener NONE = metrics -> { };
}
