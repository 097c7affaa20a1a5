package org.sparkmlp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BatchPlanTest {

    @ParameterizedTest(name = "sizes {0}, batch {1}")
    @CsvSource({"'10', 3", "'5 7 11', 1", "'5 7 11', 4", "'5 7 11', 23", "'5 7 11', 1000", "'0 9 0 4', 5",
            "'100 100', 32", "'1 1 1 1 1 1 1', 2", "'1000 17 333', 128"})
    void everyRowOnceAndEveryStepExactlyBatchSizeSharedInProportion(String sizeText, int batch) {
        long[] sizes = java.util.Arrays.stream(sizeText.split(" ")).mapToLong(Long::parseLong).toArray();
        long total = java.util.Arrays.stream(sizes).sum();
        BatchPlan plan = new BatchPlan(sizes, batch);
        assertEquals((total + batch - 1) / batch, plan.stepsPerEpoch());
        for (int epoch = 0; epoch < 2; epoch++) {
            plan.startEpoch();
            long[] taken = new long[sizes.length];
            long cumulative = 0;
            int steps = 0;
            while (plan.hasNextStep()) {
                plan.nextStep();
                steps++;
                long inStep = 0;
                for (int p = 0; p < sizes.length; p++) {
                    assertEquals(taken[p], plan.from()[p], "steps are contiguous in each partition's order");
                    assertTrue(plan.to()[p] >= plan.from()[p]);
                    inStep += plan.to()[p] - plan.from()[p];
                    taken[p] = plan.to()[p];
                }
                cumulative += inStep;
                assertEquals(Math.min(batch, total - (cumulative - inStep)), inStep, "rows in step " + steps);
                for (int p = 0; p < sizes.length; p++) {
                    // Webster apportionment: within one row of the exact proportional share.
                    double share = (double) cumulative * sizes[p] / total;
                    assertTrue(Math.abs(taken[p] - share) <= 1.0 + 1e-9,
                            "partition " + p + " took " + taken[p] + " rows, its share is " + share);
                }
            }
            assertEquals(plan.stepsPerEpoch(), steps);
            for (int p = 0; p < sizes.length; p++) {
                assertEquals(sizes[p], taken[p], "partition " + p + " gives every row once per epoch");
            }
            assertFalse(plan.hasNextStep());
        }
    }

    @org.junit.jupiter.api.Test
    void onlineSgdTakesOneRowPerStepAndFullBatchOneStepPerEpoch() {
        BatchPlan online = new BatchPlan(new long[] {3, 4}, 1);
        assertEquals(7, online.stepsPerEpoch());
        BatchPlan full = new BatchPlan(new long[] {3, 4}, 7);
        assertEquals(1, full.stepsPerEpoch());
        full.nextStep();
        assertEquals(3, full.to()[0]);
        assertEquals(4, full.to()[1]);
    }
}
