package org.sparkmlp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.Kernel64;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.RowSelection;

class PartitionSumsTest {
    private static final Architecture ARCH = new Architecture(new int[] {4, 5, 3}, Activation.TANH);

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 7, 8, 13})
    void totalIsBitIdenticalWhateverTheMergeOrder(int partitions) {
        double[] reference = null;
        for (int trial = 0; trial < 20; trial++) {
            Random random = new Random(trial);
            // Tasks finish in any order and treeAggregate groups them in any way: emulate both.
            List<PartitionSums> pending = new ArrayList<>();
            List<Integer> order = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                order.add(p);
            }
            Collections.shuffle(order, random);
            for (int p : order) {
                pending.add(new PartitionSums(partitions).add(p, partitionSum(p)));
            }
            while (pending.size() > 1) {
                int i = random.nextInt(pending.size());
                PartitionSums a = pending.remove(i);
                int j = random.nextInt(pending.size());
                PartitionSums b = pending.remove(j);
                pending.add(random.nextBoolean() ? a.merge(b) : b.merge(a));
            }
            GradientSum total = pending.get(0).total();
            if (reference == null) {
                reference = total.gradient().clone();
            } else {
                assertArrayEquals(reference, total.gradient(), 0.0, "trial " + trial);
            }
            assertEquals(partitions * 3L, total.rows());
        }
    }

    @org.junit.jupiter.api.Test
    void incompleteSumsCannotBeRead() {
        PartitionSums s = new PartitionSums(3).add(0, partitionSum(0));
        assertFalse(s.complete());
        assertThrows(IllegalStateException.class, s::total);
        s.add(2, GradientSum.empty()).add(1, partitionSum(1));
        assertTrue(s.complete());
    }

    /** A partition's gradient over 3 random rows: values with different rounding behaviour per partition. */
    private static GradientSum partitionSum(int p) {
        Random r = new Random(1000 + p);
        double[] params = new double[ARCH.parameterCount()];
        for (int i = 0; i < params.length; i++) {
            params[i] = r.nextGaussian();
        }
        double[] x = new double[4 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian() * 1e3;
        }
        GradientSum s = GradientSum.empty();
        new Kernel64(ARCH, Loss.CROSS_ENTROPY).accumulate(params, x, new int[] {0, 1, 2}, RowSelection.contiguous(0), 3, s);
        return s;
    }
}
