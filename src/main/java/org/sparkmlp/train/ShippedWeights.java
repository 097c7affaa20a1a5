package org.sparkmlp.train;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.spark.SparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkmlp.nn.Kernel32;
import org.sparkmlp.nn.Precision;
import scala.reflect.ClassTag$;

/**
 * The parameters one job ships to its tasks: a float[] in float32 (rounded from the driver's doubles), a
 * double[] in float64.
 *
 * <p>Up to {@link #INLINE_LIMIT} bytes they ride inside the task. Spark broadcasts every job's task binary
 * anyway, so a broadcast of their own is a second one per step, with its own block writes, a synchronous
 * block report to the master and a removal afterwards: measured at about 0.8 ms of a 7–8 ms step floor
 * (BENCHMARKS.md). They are written as one run of little-endian bytes, and each task reads them into
 * buffers kept per thread, because Java serialisation of a float[] converts one number at a time and a
 * fresh array per task would be a parameter-sized allocation per task. Larger parameters get a broadcast:
 * Spark warns of every task binary over 1000 KiB, and at that size the broadcast's fixed cost is small.
 *
 * <p>In local mode the executor is the driver's own JVM, and the tasks read the driver's array itself
 * ({@link #inProcess}), as Spark's broadcast does there (a local broadcast hands tasks the stored object, not a
 * copy), without the block store's bookkeeping. Inline, each step's 310 KiB of float32 weights (784-100-10) sat
 * in the driver's block store twice until a garbage collection let Spark's cleaner remove the task binary:
 * every young collection copied some 50 MB of them, and steps after it ran slower. Shared, the batch-128 epoch
 * took about 15 % less time (BENCHMARKS.md, "Where a training epoch loses against StepBench's steps"). On a cluster,
 * and in local-cluster mode, the weights travel as above ({@link #toExecutors}). Which of the two a job takes is
 * its engine's backend's ({@link StepBackend}), decided once from the master.
 *
 * <p>A task reads them as the array of their precision ({@link #floats}, {@link #doubles}).
 */
abstract sealed class ShippedWeights implements Serializable permits ShippedWeights.Inline, ShippedWeights.Broadcasted,
        ShippedWeights.Shared {
    private static final long serialVersionUID = 1L;

    /** Largest parameter bytes shipped inside the task: below Spark's 1000 KiB warning with room for the rest. */
    static final int INLINE_LIMIT = 768 * 1024;

    /**
     * Ships {@code parameters} in {@code precision} to tasks that run in the driver's JVM (local mode): they read
     * the driver's array itself, or in float32 {@code floats} (reused by the caller from job to job; a new array
     * when it is null), rounded from the parameters. The caller must not change what was shipped until the job is
     * over, and calls {@link #release} then.
     */
    static ShippedWeights inProcess(double[] parameters, Precision precision, float[] floats) {
        return new Shared(inPrecision(parameters, precision, floats));
    }

    /**
     * Ships {@code parameters} in {@code precision} to executors in other JVMs: inside the task up to
     * {@link #INLINE_LIMIT} bytes, else as a broadcast of their own. {@code floats} and the caller's duties as for
     * {@link #inProcess}.
     */
    static ShippedWeights toExecutors(SparkContext sc, double[] parameters, Precision precision, float[] floats) {
        Object value = inPrecision(parameters, precision, floats);
        if (ridesInTask(parameters.length, precision)) {
            return new Inline(value);
        }
        return new Broadcasted(value instanceof float[] f
                ? sc.broadcast(f, ClassTag$.MODULE$.apply(float[].class))
                : sc.broadcast((double[]) value, ClassTag$.MODULE$.apply(double[].class)));
    }

    /** The parameters as shipped: rounded into floats in float32, the driver's doubles themselves in float64. */
    private static Object inPrecision(double[] parameters, Precision precision, float[] floats) {
        if (precision == Precision.FLOAT64) {
            return parameters;
        }
        float[] out = floats != null ? floats : new float[parameters.length];
        Kernel32.round(parameters, out);
        return out;
    }

    /** Whether {@code count} parameters in {@code precision} are shipped inside the task. */
    static boolean ridesInTask(int count, Precision precision) {
        return (long) count * precision.bytes() <= INLINE_LIMIT;
    }

    /**
     * The float32 parameters, on an executor; fails if float64 ones were shipped. An inline one is this thread's
     * buffer, valid until the next task of the thread is deserialised; a shared one is the driver's array. A task
     * uses it only while it runs, and only reads it.
     */
    final float[] floats() {
        if (array() instanceof float[] f) {
            return f;
        }
        throw new IllegalStateException("float64 weights were shipped, a float32 kernel asked for them");
    }

    /** The float64 parameters, on an executor, as {@link #floats} for float32; fails if float32 ones were shipped. */
    final double[] doubles() {
        if (array() instanceof double[] d) {
            return d;
        }
        throw new IllegalStateException("float32 weights were shipped, a float64 kernel asked for them");
    }

    /** The shipped array, a float[] or a double[]: read through {@link #floats} or {@link #doubles}. */
    abstract Object array();

    /** Frees what shipping took, on the driver once the job is over. */
    abstract void release();

    /** Shipped inside the task. */
    static final class Inline extends ShippedWeights {
        private static final long serialVersionUID = 1L;
        private static final ThreadLocal<byte[]> BYTES = new ThreadLocal<>();
        private static final ThreadLocal<float[]> FLOATS = new ThreadLocal<>();
        private static final ThreadLocal<double[]> DOUBLES = new ThreadLocal<>();

        /** float[] or double[]: the driver's array when created, this thread's buffer when deserialised. */
        private transient Object value;

        Inline(Object value) {
            this.value = value;
        }

        @Override
        Object array() {
            return value;
        }

        @Override
        void release() {
            // Nothing of its own: Spark's ContextCleaner removes the task binary.
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            boolean floats = value instanceof float[];
            int length = floats ? ((float[]) value).length : ((double[]) value).length;
            int bytes = length * (floats ? Float.BYTES : Double.BYTES);
            byte[] buffer = buffer(BYTES, bytes);
            ByteBuffer view = ByteBuffer.wrap(buffer, 0, bytes).order(ByteOrder.LITTLE_ENDIAN);
            if (floats) {
                view.asFloatBuffer().put((float[]) value);
            } else {
                view.asDoubleBuffer().put((double[]) value);
            }
            out.defaultWriteObject();
            out.writeBoolean(floats);
            out.writeInt(length);
            out.write(buffer, 0, bytes);
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            boolean floats = in.readBoolean();
            int length = in.readInt();
            int bytes = length * (floats ? Float.BYTES : Double.BYTES);
            byte[] buffer = buffer(BYTES, bytes);
            in.readFully(buffer, 0, bytes);
            ByteBuffer view = ByteBuffer.wrap(buffer, 0, bytes).order(ByteOrder.LITTLE_ENDIAN);
            if (floats) {
                float[] out = FLOATS.get();
                if (out == null || out.length != length) {
                    out = new float[length];
                    FLOATS.set(out);
                }
                view.asFloatBuffer().get(out);
                value = out;
            } else {
                double[] out = DOUBLES.get();
                if (out == null || out.length != length) {
                    out = new double[length];
                    DOUBLES.set(out);
                }
                view.asDoubleBuffer().get(out);
                value = out;
            }
        }

        private static byte[] buffer(ThreadLocal<byte[]> kept, int bytes) {
            byte[] b = kept.get();
            if (b == null || b.length < bytes) {
                b = new byte[bytes];
                kept.set(b);
            }
            return b;
        }
    }

    /**
     * Local mode: the driver's array itself, found by a number that the task carries ({@link InProcess}). Valid
     * while the job runs; the tasks only read it.
     */
    static final class Shared extends ShippedWeights {
        private static final long serialVersionUID = 1L;
        private final long id;

        Shared(Object value) {
            this.id = InProcess.hold(value);
        }

        @Override
        Object array() {
            return InProcess.get(id, "shared weights");
        }

        @Override
        void release() {
            InProcess.release(id);
        }
    }

    /** Shipped as a broadcast of its own. */
    static final class Broadcasted extends ShippedWeights {
        private static final long serialVersionUID = 1L;
        private final Broadcast<?> broadcast;

        Broadcasted(Broadcast<?> broadcast) {
            this.broadcast = broadcast;
        }

        @Override
        Object array() {
            return broadcast.value();
        }

        @Override
        void release() {
            broadcast.destroy();
        }
    }
}
