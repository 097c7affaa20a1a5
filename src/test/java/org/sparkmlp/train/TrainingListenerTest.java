package org.sparkmlp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkmlp.optim.EarlyStopping;
import org.sparkmlp.optim.Optimizer;
import org.sparkmlp.optim.TrainingState;

/** {@link TrainingListener#all}: a state inside an epoch goes only to the listeners that asked for it. */
class TrainingListenerTest {
    /** Wants the state after every step divisible by {@code every}; records the steps of the states it hears. */
    private static final class Wants implements TrainingListener {
        final long every;
        final List<Long> heard = new ArrayList<>();

        Wants(long every) {
            this.every = every;
        }

        @Override
        public boolean wantsStateAfterStep(long step) {
            return every > 0 && step % every == 0;
        }

        @Override
        public void stateInEpoch(TrainingState state) {
            heard.add(state.step());
        }

        @Override
        public void epochEnded(EpochMetrics metrics) {
        }
    }

    private static TrainingState at(long step) {
        TrainingState s = TrainingState.start(new double[] {1, 2}, Optimizer.sgd(), EarlyStopping.off());
        return new TrainingState(s.weights(), s.optimizer(), step, 0,
                new TrainingState.Position(step, 1.0, 1, 4, 0.1, 0.0), s.progress(), null);
    }

    @Test
    void aStateInsideAnEpochReachesOnlyTheListenersThatAskedForIt() {
        Wants everyTwo = new Wants(2);
        Wants everyThree = new Wants(3);
        Wants never = new Wants(0);
        TrainingListener all = TrainingListener.all(everyTwo, everyThree, never);
        for (long step = 1; step <= 6; step++) {
            if (all.wantsStateAfterStep(step)) {
                all.stateInEpoch(at(step));
            }
        }
        assertEquals(List.of(2L, 4L, 6L), everyTwo.heard);
        assertEquals(List.of(3L, 6L), everyThree.heard);
        assertEquals(List.of(), never.heard);
        assertTrue(all.wantsStateAfterStep(3));
        assertFalse(all.wantsStateAfterStep(5));
    }
}
