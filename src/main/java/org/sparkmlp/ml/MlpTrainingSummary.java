package org.sparkmlp.ml;

import java.util.List;
import org.sparkmlp.api.TrainingSummary;
import org.sparkmlp.train.EpochMetrics;

/**
 * What a fit did, under MLlib's names: {@link #objectiveHistory()} (the training loss per epoch, as MLlib's
 * training summaries name the objective per iteration; an iteration is an epoch here, as {@code maxIter} is)
 * and {@link #totalIterations()}, with what MLlib's summaries lack: each epoch's validation loss and accuracy,
 * the best epoch and why training stopped. {@link #run()} is the training API's summary, with times and sizes.
 *
 * <p>Not MLlib's {@code MultilayerPerceptronClassificationTrainingSummary}: that type is a sealed Scala trait,
 * which no class outside Spark may implement, and it holds the model's predictions on the training rows, which
 * would cost a pass over them at every fit; {@code model.evaluate(rows)} gives those figures when wanted.
 * Immutable.
 */
public final class MlpTrainingSummary {
    private final TrainingSummary run;
    private final double[] trainLoss;
    private final double[] validationLoss;
    private final double[] validationAccuracy;
    private final int bestEpoch;
    private final String status;
    private final String stopReason;

    MlpTrainingSummary(TrainingSummary run) {
        this.run = run;
        List<EpochMetrics> epochs = run.epochs();
        trainLoss = epochs.stream().mapToDouble(EpochMetrics::trainLoss).toArray();
        validationLoss = epochs.stream().mapToDouble(EpochMetrics::validationLoss).toArray();
        validationAccuracy = epochs.stream().mapToDouble(EpochMetrics::validationAccuracy).toArray();
        bestEpoch = run.bestEpoch();
        status = run.status();
        stopReason = run.stopReason();
    }

    /** Each epoch's mean training loss, as the steps saw it (MLlib's name for the objective per iteration). */
    public double[] objectiveHistory() {
        return trainLoss.clone();
    }

    /** The epochs trained (MLlib's name). */
    public int totalIterations() {
        return trainLoss.length;
    }

    /** Each epoch's loss on the validation rows; NaN without validation rows. */
    public double[] validationLossHistory() {
        return validationLoss.clone();
    }

    /** Each epoch's accuracy on the validation rows; NaN without validation rows. */
    public double[] validationAccuracyHistory() {
        return validationAccuracy.clone();
    }

    /** The epoch (from 1) with the best validation metric, whose weights the model keeps; 0 without validation. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** "finished" or "early-stopped". */
    public String status() {
        return status;
    }

    /** Why training stopped, in words. */
    public String stopReason() {
        return stopReason;
    }

    /** The training API's summary: times, rows, the kept weights' validation figures, the step breakdown. */
    public TrainingSummary run() {
        return run;
    }

    @Override
    public String toString() {
        return "MlpTrainingSummary(" + totalIterations() + " epochs, " + status + ": " + stopReason + ", best epoch "
                + bestEpoch + ")";
    }
}
