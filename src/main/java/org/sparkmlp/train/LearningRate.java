package org.sparkmlp.train;

import java.io.Serializable;
import java.util.Locale;

/**
 * A learning-rate schedule η(t, e) of the step t (counted from 0 over the whole run) and the epoch e (from 0).
 * Immutable; built by the named factories or {@link #of}.
 */
public record LearningRate(Schedule schedule, double initial, double decay, int stepEpochs, long totalSteps)
        implements Serializable {

    /** The shapes of schedule; {@code decay} means k below. */
    public enum Schedule {
        /** η0. */
        CONSTANT,
        /** η0 / (1 + k·t). */
        INVERSE_TIME,
        /** η0 · k^e. */
        EXPONENTIAL,
        /** η0 · k^⌊e / stepEpochs⌋. */
        STEP,
        /** η0 · ½(1 + cos(π·t / T)) over the run's T steps. */
        COSINE;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Schedule fromId(String id) {
            for (Schedule s : values()) {
                if (s.id().equals(id)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown learning-rate schedule '" + id
                    + "' (expected constant, inverse-time, exponential, step or cosine)");
        }
    }

    public LearningRate {
        if (!(initial > 0.0) || !Double.isFinite(initial)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + initial);
        }
        if (!(decay >= 0.0) || !Double.isFinite(decay)) {
            throw new IllegalArgumentException("learning-rate decay must be ≥ 0, got " + decay);
        }
        if ((schedule == Schedule.EXPONENTIAL || schedule == Schedule.STEP) && !(decay > 0.0 && decay <= 1.0)) {
            throw new IllegalArgumentException("the " + schedule.id() + " schedule multiplies by its decay, which must be"
                    + " in (0, 1], got " + decay);
        }
        if (stepEpochs < 1) {
            throw new IllegalArgumentException("learning-rate step must be at least 1 epoch, got " + stepEpochs);
        }
    }

    public static LearningRate constant(double initial) {
        return new LearningRate(Schedule.CONSTANT, initial, 0.0, 1, 1);
    }

    public static LearningRate inverseTime(double initial, double k) {
        return new LearningRate(Schedule.INVERSE_TIME, initial, k, 1, 1);
    }

    /** A schedule of the given shape; {@code totalSteps} matters only to cosine. */
    public static LearningRate of(Schedule schedule, double initial, double decay, int stepEpochs, long totalSteps) {
        return new LearningRate(schedule, initial, decay, stepEpochs, Math.max(1, totalSteps));
    }

    /** η at global step t (from 0) in epoch e (from 0). */
    public double at(long step, int epoch) {
        return switch (schedule) {
            case CONSTANT -> initial;
            case INVERSE_TIME -> initial / (1.0 + decay * step);
            case EXPONENTIAL -> initial * Math.pow(decay, epoch);
            case STEP -> initial * Math.pow(decay, epoch / stepEpochs);
            case COSINE -> initial * 0.5 * (1.0 + Math.cos(Math.PI * Math.min(step, totalSteps) / totalSteps));
        };
    }
}
