package org.sparkmlp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.sparkmlp.data.Block;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.BlockedRows;
import org.sparkmlp.nn.Kernel32;
import org.sparkmlp.nn.Kernel64;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.RowSelection;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.testing.SparkTests;
import scala.reflect.ClassTag$;

/** What travels between executors and driver survives Kryo with registration required. */
class KryoRegistrationTest {
    private final SerializerInstance kryo = new KryoSerializer(SparkTests.conf("local[1]")).newInstance();

    @SuppressWarnings("unchecked")
    private <T> T roundTrip(T value) {
        ByteBuffer bytes = kryo.serialize(value, ClassTag$.MODULE$.apply(Object.class));
        return (T) kryo.deserialize(bytes, ClassTag$.MODULE$.apply(Object.class));
    }

    @Test
    void blocksAndPartitionSumsRoundTrip() {
        Block b = roundTrip(new Block(3, 2, 2, new double[] {1, 2, 3, 4}, new int[] {1, 0}));
        assertEquals(3, b.index());
        assertArrayEquals(new double[] {1, 2, 3, 4}, b.x(), 0.0);
        Block f = roundTrip(new Block(1, 2, 2, new float[] {1.5f, 2, 3, 4}, new int[] {0, 1}));
        assertEquals(org.sparkmlp.nn.Precision.FLOAT32, f.precision());
        assertArrayEquals(new float[] {1.5f, 2, 3, 4}, f.xFloat(), 0.0f);

        Architecture arch = new Architecture(new int[] {2, 3, 2}, Activation.TANH);
        GradientSum g = GradientSum.empty();
        new Kernel64(arch, Loss.CROSS_ENTROPY).accumulate(arch.glorotUniform(1), new double[] {1, 2, 3, 4},
                new int[] {1, 0}, RowSelection.contiguous(0), 2, g);
        PartitionSums sums = roundTrip(new PartitionSums(3).add(1, g));
        sums = sums.merge(new PartitionSums(3).add(0, GradientSum.empty())).merge(new PartitionSums(3).add(2, GradientSum.empty()));
        assertArrayEquals(g.gradient(), sums.total().gradient(), 0.0);
        assertEquals(2, sums.total().rows());
    }

    @Test
    void aSumLeftAsFloatsTravelsInHalfTheBytes() {
        Architecture arch = new Architecture(new int[] {20, 30, 2}, Activation.TANH);
        float[] p = new float[arch.parameterCount()];
        Kernel32.round(arch.glorotUniform(3), p);
        float[] x = new float[4 * 20];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 7 / 7f;
        }
        GradientSum exact = GradientSum.empty();
        Kernel32 kernel = new Kernel32(arch, Loss.CROSS_ENTROPY);
        kernel.accumulate(p, BlockedRows.of(20, 4, x, new int[] {0, 1, 1, 0}), RowSelection.contiguous(0), 4, exact);
        GradientSum doubles = GradientSum.empty();
        doubles.gradientBuffer(arch.parameterCount());
        kernel.accumulate(p, BlockedRows.of(20, 4, x, new int[] {0, 1, 1, 0}), RowSelection.contiguous(0), 4, doubles);

        int exactBytes = kryo.serialize(exact, ClassTag$.MODULE$.apply(Object.class)).remaining();
        int doubleBytes = kryo.serialize(doubles, ClassTag$.MODULE$.apply(Object.class)).remaining();
        assertTrue(exactBytes < doubleBytes * 0.55, exactBytes + " bytes against " + doubleBytes);
        GradientSum back = roundTrip(exact);
        assertArrayEquals(doubles.gradient(), back.gradient(), 0.0);
        assertEquals(4, back.rows());
    }

    @Test
    void theBroadcastScalingRoundTrips() {
        Scaling s = roundTrip(Scaling.standard(new double[] {1, 2}, new double[] {3, 4}));
        assertEquals(Scaling.Kind.STANDARD, s.kind());
        assertArrayEquals(new double[] {1, 2}, s.shift(), 0.0);
        assertArrayEquals(new double[] {1.0 / 3, 0.25}, s.factor(), 0.0);
    }
}
