package org.sparkmlp.train;

import java.nio.DoubleBuffer;
import java.util.List;
import org.sparkmlp.optim.TrainingState;

/**
 * Hears about a run as it goes, on the driver thread, between steps: {@link #started} once, {@link #stepEnded}
 * after every step's update, {@link #stateInEpoch} after a step inside an epoch that {@link #wantsStateAfterStep}
 * asked for, {@link #epochEnded} and {@link #stateAfterEpoch} after each epoch's validation.
 * Training waits for a listener, so a listener does little per step (the console redraws a few times a second,
 * not per step).
 */
public interface TrainingListener {
    /** Before the first step, with what the run will do. */
    default void started(String architecture, long trainRows, long stepsPerEpoch, int epochs) {
    }

    /**
     * After a step's update, with the parameters it produced: a read-only view of the driver's array, valid
     * only during the call (the next step overwrites that array); copy what you keep.
     */
    default void stepEnded(StepMetrics metrics, DoubleBuffer parameters) {
    }

    /**
     * Whether to hand the listener the whole state after global step {@code step} (counted from 1) when that step
     * does not end an epoch: a copy of the weights and the optimiser's slots, so asked for only now and then.
     */
    default boolean wantsStateAfterStep(long step) {
        return false;
    }

    /**
     * After a step {@link #wantsStateAfterStep} asked for, and only then: the state a run resumed mid-epoch
     * continues from. It is a copy; keep it.
     */
    default void stateInEpoch(TrainingState state) {
    }

    void epochEnded(EpochMetrics metrics);

    /**
     * After {@link #epochEnded}, the state the run would continue from ({@link Trainer#train(org.sparkmlp.data.CachedSets,
     * org.sparkmlp.nn.Architecture, TrainingState, TrainingListener)}): what a checkpoint saves. It is a copy; keep it.
     */
    default void stateAfterEpoch(TrainingState state) {
    }

    /** Before training, when the run continues from {@code state} (a checkpoint): what a log keeps up to it. */
    default void resumed(TrainingState state) {
    }

    /**
     * Before a checkpoint of {@code state} is written: what must be on disk before it (a metrics file flushed,
     * so that a run resumed from the checkpoint finds every line up to it).
     */
    default void beforeCheckpoint(TrainingState state) {
    }

    /**
     * After a checkpoint of {@code state} was written, with its cost; {@code epochEnd}: the checkpoint of an
     * epoch's end (after {@link #stateAfterEpoch}), else one inside an epoch.
     */
    default void checkpointSaved(TrainingState state, boolean epochEnd, double seconds) {
    }

    TrainingListener NONE = metrics -> { };

    /** Every listener of {@code listeners}, told in their order. */
    static TrainingListener all(TrainingListener... listeners) {
        List<TrainingListener> list = List.of(listeners);
        return new TrainingListener() {
            @Override
            public void started(String architecture, long trainRows, long stepsPerEpoch, int epochs) {
                list.forEach(l -> l.started(architecture, trainRows, stepsPerEpoch, epochs));
            }

            @Override
            public void stepEnded(StepMetrics metrics, DoubleBuffer parameters) {
                for (TrainingListener l : list) {
                    l.stepEnded(metrics, parameters);
                }
            }

            @Override
            public boolean wantsStateAfterStep(long step) {
                for (TrainingListener l : list) {
                    if (l.wantsStateAfterStep(step)) {
                        return true;
                    }
                }
                return false;
            }

            /** Only to the listeners that asked for this step's state: the others never expect one. */
            @Override
            public void stateInEpoch(TrainingState state) {
                for (TrainingListener l : list) {
                    if (l.wantsStateAfterStep(state.step())) {
                        l.stateInEpoch(state);
                    }
                }
            }

            @Override
            public void epochEnded(EpochMetrics metrics) {
                list.forEach(l -> l.epochEnded(metrics));
            }

            @Override
            public void stateAfterEpoch(TrainingState state) {
                list.forEach(l -> l.stateAfterEpoch(state));
            }

            @Override
            public void resumed(TrainingState state) {
                list.forEach(l -> l.resumed(state));
            }

            @Override
            public void beforeCheckpoint(TrainingState state) {
                list.forEach(l -> l.beforeCheckpoint(state));
            }

            @Override
            public void checkpointSaved(TrainingState state, boolean epochEnd, double seconds) {
                list.forEach(l -> l.checkpointSaved(state, epochEnd, seconds));
            }
        };
    }
}
