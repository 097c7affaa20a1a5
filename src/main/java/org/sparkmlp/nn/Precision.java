package org.sparkmlp.nn;

import java.util.Locale;

/**
 * The floating-point width of the step path: the cached inputs, the weights shipped to executors and the
 * kernel's BLAS calls ({@code sgemm} or {@code dgemm}). Whatever the width, gradients are summed across chunks
 * and partitions in double, the driver keeps the master weights in double, and model files hold doubles.
 */
public enum Precision {
    /** Floats on the step path: half the memory and about twice the BLAS rate; accumulated in double. */
    FLOAT32(Float.BYTES),
    /** Doubles everywhere: exact enough for gradient checks against finite differences. */
    FLOAT64(Double.BYTES);

    private final int bytes;

    Precision(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per stored value. */
    public int bytes() {
        return bytes;
    }

    /** The name used on the command line and in summaries ("float32", "float64"). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "float32" or "float64"; the message lists the choices. */
    public static Precision fromId(String id) {
        for (Precision p : values()) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + id + "' (expected float32 or float64)");
    }
}
