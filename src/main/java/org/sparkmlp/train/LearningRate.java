package org.sparkmlp.train;

import java.io.Serializable;
import java.util.Locale;

/**
 * The learning-rate schedule a user asks for: its shape, η0, the decay k and the epochs between a step schedule's
 * decays. Immutable and checked on construction. What it needs from the run (its steps in all, the warmup in
 * steps, the steps per epoch) is only known when training starts: {@link #resolve} gives the schedule η(t, e)
 * the trainer follows.
 */
public record LearningRate(Schedule schedule, double initial, double decay, int stepEpochs) implements Serializable {

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
        if (schedule == null) {
            throw new IllegalArgumentException("the learning-rate schedule must be given");
        }
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
        return new LearningRate(Schedule.CONSTANT, initial, 0.0, 1);
    }

    public static LearningRate inverseTime(double initial, double k) {
        return new LearningRate(Schedule.INVERSE_TIME, initial, k, 1);
    }

    /**
     * The schedule of a run of {@code totalSteps} steps in all (cosine's T), {@code stepsPerEpoch} steps an epoch,
     * after a linear warmup of {@code warmupSteps} steps (0: none).
     */
    public Resolved resolve(long totalSteps, long warmupSteps, long stepsPerEpoch) {
        return new Resolved(this, Math.max(1, totalSteps), warmupSteps, Math.max(1, stepsPerEpoch));
    }

    /**
     * A schedule η(t, e) of the step t (counted from 0 over the whole run) and the epoch e (from 0), resolved
     * against the run's steps.
     *
     * <p>Warmup (Goyal et al. 2017, "Accurate, Large Minibatch SGD"): for the first W steps the rate rises linearly,
     * η0·(t+1)/W, so that the first step already moves and step W−1 runs at η0; from step W on the decay schedule
     * runs as if the run had started there: it sees the step t − W, the epoch ⌊(t − W)/S⌋ with S steps per epoch,
     * and cosine spreads over the T − W steps left. Without warmup (W = 0) the schedule is the plain one, to the bit.
     *
     * @param totalSteps the run's steps T (cosine only)
     * @param warmupSteps W, 0 for none
     * @param stepsPerEpoch S, used only after a warmup
     */
    public record Resolved(LearningRate asked, long totalSteps, long warmupSteps, long stepsPerEpoch) {
        public Resolved {
            if (warmupSteps < 0) {
                throw new IllegalArgumentException("learning-rate warmup must be ≥ 0 steps, got " + warmupSteps);
            }
            if (stepsPerEpoch < 1) {
                throw new IllegalArgumentException("steps per epoch must be at least 1, got " + stepsPerEpoch);
            }
        }

        /** η at global step t (from 0) in epoch e (from 0). */
        public double at(long step, int epoch) {
            if (warmupSteps == 0) {
                return decayed(step, epoch, totalSteps);
            }
            if (step < warmupSteps) {
                return asked.initial * ((double) (step + 1) / warmupSteps);
            }
            long after = step - warmupSteps;
            return decayed(after, (int) (after / stepsPerEpoch), Math.max(1, totalSteps - warmupSteps));
        }

        private double decayed(long step, int epoch, long total) {
            double initial = asked.initial;
            double decay = asked.decay;
            return switch (asked.schedule) {
                case CONSTANT -> initial;
                case INVERSE_TIME -> initial / (1.0 + decay * step);
                case EXPONENTIAL -> initial * Math.pow(decay, epoch);
                case STEP -> initial * Math.pow(decay, epoch / asked.stepEpochs);
                case COSINE -> initial * 0.5 * (1.0 + Math.cos(Math.PI * Math.min(step, total) / total));
            };
        }
    }
}
