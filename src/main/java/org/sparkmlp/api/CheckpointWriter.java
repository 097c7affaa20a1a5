package org.sparkmlp.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.DoubleBuffer;
import org.sparkmlp.io.CheckpointFile;
import org.sparkmlp.io.Checkpoints;
import org.sparkmlp.optim.TrainingState;
import org.sparkmlp.train.EpochMetrics;
import org.sparkmlp.train.StepMetrics;
import org.sparkmlp.train.TrainingConfig;
import org.sparkmlp.train.TrainingListener;

/**
 * Saves the run's state at every epoch's end and, when asked, after every N-th step, around the listeners it
 * passes everything on to: they hear {@link TrainingListener#beforeCheckpoint} first (to flush what must precede
 * the checkpoint on disk), then {@link TrainingListener#checkpointSaved} with its cost.
 */
final class CheckpointWriter implements TrainingListener {
    private final Checkpoints checkpoints;
    private final long everySteps;
    private final TrainingConfig config;
    private final CheckpointFile.Fingerprint fingerprint;
    private final TrainingListener inner;

    CheckpointWriter(Checkpoints checkpoints, long everySteps, TrainingConfig config,
                     CheckpointFile.Fingerprint fingerprint, TrainingListener inner) {
        this.checkpoints = checkpoints;
        this.everySteps = everySteps;
        this.config = config;
        this.fingerprint = fingerprint;
        this.inner = inner;
    }

    @Override
    public void started(String architecture, long trainRows, long stepsPerEpoch, int epochs) {
        inner.started(architecture, trainRows, stepsPerEpoch, epochs);
    }

    @Override
    public void stepEnded(StepMetrics metrics, DoubleBuffer parameters) {
        inner.stepEnded(metrics, parameters);
    }

    @Override
    public boolean wantsStateAfterStep(long step) {
        return (everySteps > 0 && step % everySteps == 0) || inner.wantsStateAfterStep(step);
    }

    @Override
    public void stateInEpoch(TrainingState state) {
        if (inner.wantsStateAfterStep(state.step())) {
            inner.stateInEpoch(state);
        }
        if (everySteps > 0 && state.step() % everySteps == 0) {
            save(state, false);
        }
    }

    @Override
    public void epochEnded(EpochMetrics metrics) {
        inner.epochEnded(metrics);
    }

    @Override
    public void stateAfterEpoch(TrainingState state) {
        inner.stateAfterEpoch(state);
        save(state, true);
    }

    @Override
    public void resumed(TrainingState state) {
        inner.resumed(state);
    }

    private void save(TrainingState state, boolean epochEnd) {
        inner.beforeCheckpoint(state);
        long t0 = System.nanoTime();
        try {
            checkpoints.save(new CheckpointFile.Content(state, config.describe(), fingerprint), MlpTrainer.library());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + checkpoints.location() + "/"
                    + Checkpoints.name(state.step()) + ": " + e.getMessage(), e);
        }
        inner.checkpointSaved(state, epochEnd, (System.nanoTime() - t0) / 1e9);
    }
}
