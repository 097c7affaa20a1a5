package org.sparkmlp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.sparkmlp.nn.Precision;

/** The weights a task carries, through Java serialisation as Spark's task binary takes them. */
class ShippedWeightsTest {
    private static double[] parameters(int n) {
        SplittableRandom r = new SplittableRandom(7);
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(-30, 30));
        }
        p[0] = Double.NaN;
        p[1] = -0.0;
        p[2] = Double.MIN_VALUE;
        return p;
    }

    private static long[] bits(double[] v) {
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Double.doubleToRawLongBits(v[i]);
        }
        return b;
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    private static ShippedWeights roundTrip(ShippedWeights w) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(w);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (ShippedWeights) in.readObject();
        }
    }

    @Test
    void doublesArriveBitForBit() throws Exception {
        double[] p = parameters(1001);
        double[] before = p.clone();
        ShippedWeights shipped = ShippedWeights.toExecutors(null, p, Precision.FLOAT64, null);
        assertTrue(shipped instanceof ShippedWeights.Inline);
        assertArrayEquals(bits(before), bits(roundTrip(shipped).doubles()), "NaN, -0.0 and all");
        assertArrayEquals(bits(before), bits(p), "the driver's parameters are only read");
    }

    @Test
    void floatsArriveAsTheDriverRoundedThem() throws Exception {
        double[] p = parameters(1001);
        float[] reused = new float[p.length];
        ShippedWeights shipped = ShippedWeights.toExecutors(null, p, Precision.FLOAT32, reused);
        float[] expected = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            expected[i] = (float) p[i];
        }
        assertArrayEquals(bits(expected), bits(reused), "rounded into the caller's array");
        assertArrayEquals(bits(expected), bits(roundTrip(shipped).floats()));
    }

    @Test
    void aThreadReusesItsBufferAndThreadsDoNotShareOne() throws Exception {
        ShippedWeights first = roundTrip(ShippedWeights.toExecutors(null, parameters(64), Precision.FLOAT32, null));
        float[] buffer = first.floats();
        double[] other = parameters(64);
        other[5] = 42.0;
        ShippedWeights second = roundTrip(ShippedWeights.toExecutors(null, other, Precision.FLOAT32, null));
        assertSame(buffer, second.floats(), "the next task of a thread reads into the same buffer");
        assertEquals(42.0f, second.floats()[5]);

        AtomicReference<float[]> elsewhere = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                elsewhere.set(roundTrip(ShippedWeights.toExecutors(null, other, Precision.FLOAT32, null)).floats());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        assertEquals(null, failure.get());
        assertNotSame(buffer, elsewhere.get());
        assertArrayEquals(second.floats(), elsewhere.get(), 0.0f);
    }

    @Test
    void inProcessTasksReadTheDriversArrayUntilTheJobIsOver() {
        double[] p = parameters(64);
        ShippedWeights doubles = ShippedWeights.inProcess(p, Precision.FLOAT64, null);
        float[] reused = new float[p.length];
        ShippedWeights floats = ShippedWeights.inProcess(p, Precision.FLOAT32, reused);
        assertSame(p, doubles.doubles(), "the driver's own array, not a copy");
        assertSame(reused, floats.floats(), "rounded into the caller's array");
        doubles.release();
        floats.release();
        assertThrows(IllegalStateException.class, doubles::doubles, "released once the job is over");
    }

    @Test
    void weightsAreReadOnlyInThePrecisionTheyWereShippedIn() throws Exception {
        ShippedWeights floats = roundTrip(ShippedWeights.toExecutors(null, parameters(8), Precision.FLOAT32, null));
        ShippedWeights doubles = roundTrip(ShippedWeights.toExecutors(null, parameters(8), Precision.FLOAT64, null));
        assertEquals("float32 weights were shipped, a float64 kernel asked for them",
                assertThrows(IllegalStateException.class, floats::doubles).getMessage());
        assertEquals("float64 weights were shipped, a float32 kernel asked for them",
                assertThrows(IllegalStateException.class, doubles::floats).getMessage());
    }

    /** The limit counts bytes in the shipped precision (the broadcast path itself: DistributedTrainingTest). */
    @Test
    void theInlineLimitCountsBytesOfThePrecision() {
        int limitInDoubles = ShippedWeights.INLINE_LIMIT / Double.BYTES;
        assertTrue(ShippedWeights.ridesInTask(limitInDoubles, Precision.FLOAT64));
        assertFalse(ShippedWeights.ridesInTask(limitInDoubles + 1, Precision.FLOAT64));
        assertTrue(ShippedWeights.ridesInTask(limitInDoubles + 1, Precision.FLOAT32), "floats take half the bytes");
        assertFalse(ShippedWeights.ridesInTask(2 * limitInDoubles + 1, Precision.FLOAT32));
    }
}
