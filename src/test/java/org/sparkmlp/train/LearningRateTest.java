package org.sparkmlp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LearningRateTest {
    @Test
    void schedulesFollowTheirFormulas() {
        assertEquals(0.1, LearningRate.constant(0.1).at(1000, 9), 0.0);
        assertEquals(0.1 / (1 + 1e-4 * 500), LearningRate.inverseTime(0.1, 1e-4).at(500, 1), 1e-17);
        LearningRate exp = LearningRate.of(LearningRate.Schedule.EXPONENTIAL, 0.2, 0.5, 1, 100);
        assertEquals(0.2 * 0.125, exp.at(77, 3), 1e-17);
        LearningRate step = LearningRate.of(LearningRate.Schedule.STEP, 0.2, 0.5, 10, 100);
        assertEquals(0.2, step.at(0, 9), 0.0);
        assertEquals(0.1, step.at(0, 10), 0.0);
        LearningRate cos = LearningRate.of(LearningRate.Schedule.COSINE, 1.0, 0.0, 1, 100);
        assertEquals(1.0, cos.at(0, 0), 0.0);
        assertEquals(0.5, cos.at(50, 0), 1e-15);
        assertEquals(0.0, cos.at(100, 0), 1e-15);
    }

    @Test
    void rejectsImpossibleSettingsNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearningRate.constant(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LearningRate.of(LearningRate.Schedule.EXPONENTIAL, 0.1, 2.0, 1, 1));
        assertTrue(e.getMessage().contains("2.0"), e.getMessage());
        assertEquals(LearningRate.Schedule.INVERSE_TIME, LearningRate.Schedule.fromId("inverse-time"));
    }
}
