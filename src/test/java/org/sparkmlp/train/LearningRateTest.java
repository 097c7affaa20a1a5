package org.sparkmlp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LearningRateTest {
    @Test
    void schedulesFollowTheirFormulas() {
        assertEquals(0.1, LearningRate.constant(0.1).resolve(1, 0, 1).at(1000, 9), 0.0);
        assertEquals(0.1 / (1 + 1e-4 * 500), LearningRate.inverseTime(0.1, 1e-4).resolve(1, 0, 1).at(500, 1), 1e-17);
        LearningRate.Resolved exp = new LearningRate(LearningRate.Schedule.EXPONENTIAL, 0.2, 0.5, 1).resolve(100, 0, 1);
        assertEquals(0.2 * 0.125, exp.at(77, 3), 1e-17);
        LearningRate.Resolved step = new LearningRate(LearningRate.Schedule.STEP, 0.2, 0.5, 10).resolve(100, 0, 1);
        assertEquals(0.2, step.at(0, 9), 0.0);
        assertEquals(0.1, step.at(0, 10), 0.0);
        LearningRate.Resolved cos = new LearningRate(LearningRate.Schedule.COSINE, 1.0, 0.0, 1).resolve(100, 0, 1);
        assertEquals(1.0, cos.at(0, 0), 0.0);
        assertEquals(0.5, cos.at(50, 0), 1e-15);
        assertEquals(0.0, cos.at(100, 0), 1e-15);
    }

    @Test
    void rejectsImpossibleSettingsNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearningRate.constant(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new LearningRate(LearningRate.Schedule.EXPONENTIAL, 0.1, 2.0, 1).resolve(1, 0, 1));
        assertTrue(e.getMessage().contains("2.0"), e.getMessage());
        assertEquals(LearningRate.Schedule.INVERSE_TIME, LearningRate.Schedule.fromId("inverse-time"));
    }

    @Test
    void warmupRisesLinearlyToTheInitialRateAtItsLastStep() {
        // W = 4: η0/4, η0/2, 3η0/4, η0; then the schedule from its own step 0.
        LearningRate.Resolved r = LearningRate.inverseTime(0.8, 0.5).resolve(100, 4, 10);
        assertEquals(0.2, r.at(0, 0), 0.0);
        assertEquals(0.4, r.at(1, 0), 0.0);
        assertEquals(0.6000000000000001, r.at(2, 0), 0.0);
        assertEquals(0.8, r.at(3, 0), 0.0);
        assertEquals(0.8, r.at(4, 0), 0.0);
        assertEquals(0.8 / 1.5, r.at(5, 0), 0.0);
    }

    @Test
    void afterWarmupEachScheduleRunsAsIfTheRunStartedThere() {
        // 10 steps an epoch, warmup of 15 steps (1.5 epochs), 100 steps in all.
        LearningRate.Resolved exp = new LearningRate(LearningRate.Schedule.EXPONENTIAL, 0.2, 0.5, 1).resolve(100, 15, 10);
        assertEquals(0.2, exp.at(15, 1), 0.0);
        assertEquals(0.2, exp.at(24, 2), 0.0, "9 steps after warmup: still its first epoch");
        assertEquals(0.1, exp.at(25, 2), 0.0, "10 steps after warmup: its second epoch");
        LearningRate.Resolved step = new LearningRate(LearningRate.Schedule.STEP, 0.2, 0.5, 2).resolve(100, 15, 10);
        assertEquals(0.2, step.at(34, 3), 0.0);
        assertEquals(0.1, step.at(35, 3), 0.0);
        LearningRate.Resolved cos = new LearningRate(LearningRate.Schedule.COSINE, 1.0, 0.0, 1).resolve(100, 20, 10);
        assertEquals(1.0, cos.at(19, 1), 0.0);
        assertEquals(1.0, cos.at(20, 2), 0.0);
        assertEquals(0.5, cos.at(60, 6), 1e-15, "half way through the 80 steps after warmup");
        assertEquals(0.0, cos.at(100, 9), 1e-15);
        assertEquals(0.3, LearningRate.constant(0.3).resolve(100, 3, 10).at(50, 5), 0.0);
        assertEquals(0.1, LearningRate.constant(0.3).resolve(100, 3, 10).at(0, 0), 1e-16);
    }

    @Test
    void noWarmupIsThePlainScheduleToTheBit() {
        for (LearningRate.Schedule s : LearningRate.Schedule.values()) {
            LearningRate asked = new LearningRate(s, 0.37, 0.9, 3);
            LearningRate.Resolved plain = asked.resolve(1234, 0, 1);
            LearningRate.Resolved none = asked.resolve(1234, 0, 41);
            for (long t = 0; t < 1300; t += 7) {
                assertEquals(plain.at(t, (int) (t / 41)), none.at(t, (int) (t / 41)), 0.0, s.id() + " at " + t);
            }
        }
        // The formulas as the trainer had them before warmup existed.
        LearningRate.Resolved cos = new LearningRate(LearningRate.Schedule.COSINE, 0.37, 0.0, 1).resolve(1234, 0, 1);
        assertEquals(0.37 * 0.5 * (1.0 + Math.cos(Math.PI * 500 / 1234)), cos.at(500, 4), 0.0);
        assertEquals(0.37 / (1.0 + 1e-4 * 500), LearningRate.inverseTime(0.37, 1e-4).resolve(1, 0, 1).at(500, 4), 0.0);
    }
}
