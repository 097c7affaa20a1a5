package org.sparkmlp.nn;

import dev.ludovic.netlib.blas.BLAS;

/**
 * The one BLAS the process uses. netlib picks it at first use: the system's native {@code libblas.so.3}
 * (OpenBLAS on Debian with {@code libopenblas0-pthread}), else the Vector API implementation when the JVM has
 * {@code --add-modules=jdk.incubator.vector}, else plain Java. Since netlib 3.2 a failed native load prints
 * only a bare line, so callers log {@link #implementation()} once.
 */
public final class Blas {
    private static final BLAS INSTANCE = BLAS.getInstance();

    private Blas() {
    }

    public static BLAS get() {
        return INSTANCE;
    }

    /** The implementation's simple class name: JNIBLAS, VectorBLAS or Java11BLAS (or Java8BLAS). */
    public static String implementation() {
        return INSTANCE.getClass().getSimpleName();
    }
}
