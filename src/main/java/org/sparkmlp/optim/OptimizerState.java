package org.sparkmlp.optim;

import java.util.Arrays;

/**
 * An optimiser's state as plain numbers: which optimiser it belongs to, how many updates it has applied
 * (PyTorch's {@code step}, from which Adam's bias correction is computed), and its slots — one array per kind of
 * per-parameter state, each as long as the parameters: none for sgd, the velocity (PyTorch's
 * {@code momentum_buffer}) for momentum and nesterov, the first and second moments ({@code exp_avg},
 * {@code exp_avg_sq}) for adam, in that order. Immutable: arrays are copied in and out.
 *
 * <p>A momentum buffer that does not exist yet (no update applied) is an array of zeros with {@code updates == 0};
 * the first update then sets it to the gradient, as PyTorch does.
 */
public final class OptimizerState {
    private final Optimizer.Kind kind;
    private final long updates;
    private final double[][] slots;

    public OptimizerState(Optimizer.Kind kind, long updates, double[][] slots) {
        if (kind == null) {
            throw new IllegalArgumentException("optimizer state: the optimizer must not be null");
        }
        if (updates < 0) {
            throw new IllegalArgumentException("optimizer state: updates must be ≥ 0, got " + updates);
        }
        if (slots.length != kind.slots()) {
            throw new IllegalArgumentException("optimizer state: " + kind.id() + " keeps " + kind.slots()
                    + " arrays per parameter, got " + slots.length);
        }
        for (int s = 1; s < slots.length; s++) {
            if (slots[s].length != slots[0].length) {
                throw new IllegalArgumentException("optimizer state: slot " + s + " has " + slots[s].length
                        + " numbers, slot 0 has " + slots[0].length);
            }
        }
        this.kind = kind;
        this.updates = updates;
        this.slots = deepCopy(slots);
    }

    /** The state before the first update, for {@code parameterCount} parameters. */
    public static OptimizerState initial(Optimizer.Kind kind, int parameterCount) {
        return new OptimizerState(kind, 0, new double[kind.slots()][parameterCount]);
    }

    public Optimizer.Kind kind() {
        return kind;
    }

    public long updates() {
        return updates;
    }

    public int slotCount() {
        return slots.length;
    }

    /** A copy of slot s. */
    public double[] slot(int s) {
        return slots[s].clone();
    }

    /** The slots themselves, for the updater that resumes from this state (which copies them). */
    double[][] slotsView() {
        return slots;
    }

    static double[][] deepCopy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OptimizerState s && kind == s.kind && updates == s.updates
                && Arrays.deepEquals(slots, s.slots);
    }

    @Override
    public int hashCode() {
        return (kind.hashCode() * 31 + Long.hashCode(updates)) * 31 + Arrays.deepHashCode(slots);
    }

    @Override
    public String toString() {
        return kind.id() + " after " + updates + " updates, " + slots.length + " slots";
    }
}
