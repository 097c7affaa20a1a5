package org.sparkmlp.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EarlyStoppingTest {

    @Test
    void stopsAfterPatienceEpochsWithoutStrictImprovementAndNamesTheBest() {
        EarlyStopping s = EarlyStopping.onValidationLoss(2);
        double[] losses = {0.9, 0.5, 0.6, 0.5, 0.7};
        EarlyStopping.Progress p = s.start();
        int stoppedAt = 0;
        for (int e = 1; e <= losses.length; e++) {
            p = s.observe(p, e, losses[e - 1]);
            if (s.shouldStop(p)) {
                stoppedAt = e;
                break;
            }
        }
        // Epoch 4 equals the best (0.5) but does not beat it: two epochs without improvement after epoch 2.
        assertEquals(4, stoppedAt);
        assertEquals(2, p.bestEpoch());
        assertEquals(0.5, p.bestValue(), 0.0);
    }

    @Test
    void accuracyIsBetterHigher() {
        EarlyStopping s = EarlyStopping.onValidationAccuracy(1);
        EarlyStopping.Progress p = s.observe(s.start(), 1, 0.80);
        p = s.observe(p, 2, 0.85);
        assertFalse(s.shouldStop(p));
        p = s.observe(p, 3, 0.84);
        assertTrue(s.shouldStop(p));
        assertEquals(2, p.bestEpoch());
    }

    @Test
    void offNeverStopsButStillTracksTheBest() {
        EarlyStopping s = EarlyStopping.off();
        EarlyStopping.Progress p = s.start();
        for (int e = 1; e <= 20; e++) {
            p = s.observe(p, e, e == 3 ? 0.1 : 1.0);
            assertFalse(s.shouldStop(p));
        }
        assertEquals(3, p.bestEpoch());
    }

    @Test
    void nanNeverImproves() {
        EarlyStopping s = EarlyStopping.onValidationLoss(1);
        EarlyStopping.Progress p = s.observe(s.start(), 1, Double.NaN);
        assertEquals(0, p.bestEpoch());
        assertTrue(s.shouldStop(p));
    }
}
