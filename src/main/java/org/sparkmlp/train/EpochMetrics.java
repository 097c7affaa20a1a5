package org.sparkmlp.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one epoch did. {@code trainLoss} is the mean loss of the epoch's rows as each step saw them (before its
 * update), as most frameworks report it; validation figures are NaN when there is no validation set.
 * {@code seconds} is the epoch's wall time with its validation pass, {@code trainSeconds} without it (the steps
 * alone: what a framework's "time per epoch" usually means). {@code gcSeconds} is the JVM's garbage-collection
 * time during the epoch (the driver's; in local mode the executors' too).
 */
public record EpochMetrics(int epoch, long steps, double learningRate, double trainLoss, double trainAccuracy,
                           double validationLoss, double validationAccuracy, double seconds, double trainSeconds,
                           double gcSeconds) {

    /** One line of metrics.jsonl; NaN becomes null. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("steps", steps);
        m.put("lr", learningRate);
        m.put("train_loss", finiteOrNull(trainLoss));
        m.put("train_accuracy", finiteOrNull(trainAccuracy));
        m.put("val_loss", finiteOrNull(validationLoss));
        m.put("val_accuracy", finiteOrNull(validationAccuracy));
        m.put("seconds", seconds);
        m.put("train_seconds", finiteOrNull(trainSeconds));
        m.put("gc_seconds", gcSeconds);
        return m;
    }

    static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
