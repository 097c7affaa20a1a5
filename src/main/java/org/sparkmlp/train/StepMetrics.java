package org.sparkmlp.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one step did, as a listener hears it after the update: where the run is ({@code epoch} and
 * {@code stepInEpoch} count from 1, {@code step} is the run's total so far), the step's rows, rate and mean loss,
 * and the epoch's running mean loss and elapsed seconds up to this step.
 */
public record StepMetrics(int epoch, int epochs, long stepInEpoch, long stepsPerEpoch, long step, long rows,
                          double learningRate, double loss, double runningLoss, long epochRows, double epochSeconds) {

    /** One per-step line of metrics.jsonl ({@code "event": "step"}; an epoch's line has {@code "event": "epoch"}). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "step");
        m.put("epoch", epoch);
        m.put("step_in_epoch", stepInEpoch);
        m.put("step", step);
        m.put("rows", rows);
        m.put("lr", learningRate);
        m.put("loss", EpochMetrics.finiteOrNull(loss));
        m.put("running_loss", EpochMetrics.finiteOrNull(runningLoss));
        m.put("seconds", epochSeconds);
        return m;
    }
}
