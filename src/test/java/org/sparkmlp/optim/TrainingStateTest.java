package org.sparkmlp.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrainingStateTest {
    private static final List<Optimizer> RULES = List.of(Optimizer.sgd().withWeightDecay(1e-3), Optimizer.momentum(0.9),
            Optimizer.nesterov(0.8).withWeightDecay(1e-4), Optimizer.adam(), Optimizer.adam().withWeightDecay(0.01));

    /** g(w) = w³ − 0.3 + noise: a gradient that depends on the weights in no simple way. */
    private static double[] gradient(double[] w, SplittableRandom r) {
        double[] g = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            g[i] = w[i] * w[i] * w[i] - 0.3 + r.nextDouble(-0.1, 0.1);
        }
        return g;
    }

    private static double[] run(Updater u, double[] w, int updates, SplittableRandom r) {
        for (int t = 0; t < updates; t++) {
            double[] next = new double[w.length];
            u.update(w, gradient(w, r), 0.05, next);
            w = next;
        }
        return w;
    }

    @Test
    void resumingFromASavedStateContinuesToTheBit() {
        for (Optimizer rule : RULES) {
            double[] w0 = {0.5, -1.0, 2.0, 0.0};
            double[] straight = run(rule.start(4), w0, 8, new SplittableRandom(1));

            SplittableRandom r = new SplittableRandom(1);
            Updater first = rule.start(4);
            double[] half = run(first, w0, 5, r);
            // The state goes through plain arrays and numbers, as a checkpoint would store it.
            OptimizerState saved = first.state();
            double[][] slots = new double[saved.slotCount()][];
            for (int s = 0; s < slots.length; s++) {
                slots[s] = saved.slot(s);
            }
            OptimizerState restored = new OptimizerState(Optimizer.Kind.fromId(saved.kind().id()), saved.updates(), slots);
            assertEquals(saved, restored);
            double[] resumed = run(rule.resume(restored), half, 3, r);
            assertArrayEquals(straight, resumed, 0.0, rule.kind().id());
        }
    }

    @Test
    void aSnapshotDoesNotChangeWithLaterUpdatesAndACopyRunsIndependently() {
        Updater u = Optimizer.adam().start(2);
        double[] next = new double[2];
        u.update(new double[] {1, 2}, new double[] {0.5, 0.5}, 0.1, next);
        OptimizerState snapshot = u.state();
        Updater copy = u.copy();
        u.update(next, new double[] {0.5, 0.5}, 0.1, new double[2]);
        assertEquals(1, snapshot.updates());
        assertEquals(copy.state(), snapshot);
        assertEquals(2, u.state().updates());
    }

    @Test
    void theStateCopiesItsArraysInAndOut() {
        double[] w = {1.0, 2.0};
        TrainingState s = TrainingState.start(w, Optimizer.momentum(0.9), EarlyStopping.off());
        w[0] = 99;
        assertEquals(1.0, s.weights()[0], 0.0);
        assertNotSame(s.weights(), s.weights());
        s.weights()[1] = 99;
        assertEquals(2.0, s.weights()[1], 0.0);
        assertEquals(0, s.step());
        assertEquals(0, s.epoch());
    }

    @Test
    void mismatchedSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TrainingState(new double[3],
                OptimizerState.initial(Optimizer.Kind.ADAM, 4), 0, 0, EarlyStopping.off().start(), null));
        assertThrows(IllegalArgumentException.class, () -> Optimizer.adam().resume(OptimizerState.initial(Optimizer.Kind.SGD, 4)));
    }
}
