package org.sparkmlp.bench;

import dev.ludovic.netlib.blas.BLAS;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The BLAS {@code gemm} rate for exactly the five products of one forward + backward pass of 784-100-10 over
 * a batch of m rows (rows are columns, column-major, as in the kernel):
 * forward W1·X (100×m×784) and W2·H (10×m×100); backward δ2·Hᵀ (10×100×m), W2ᵀ·δ2 (100×m×10) and
 * δ1·Xᵀ (100×784×m). One invocation runs all five; GFLOP/s = {@link #flops}(m) / time. Run it with
 * OPENBLAS_NUM_THREADS=1 (one thread, as each Spark task gets).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBench {
    static final int N0 = 784;
    static final int N1 = 100;
    static final int N2 = 10;

    @Param({"64", "128", "256", "1024", "4096"})
    public int m;

    private final BLAS blas = BLAS.getInstance();

    private double[] w1, w2, x, h, z2, d2, d1, g1, g2;
    private float[] w1f, w2f, xf, hf, z2f, d2f, d1f, g1f, g2f;

    /** 2·Σ M·N·K of the five products: the flop count of one forward + backward pass over m rows. */
    public static double flops(int m) {
        return 2.0 * ((long) N1 * m * N0 + (long) N2 * m * N1 + (long) N2 * N1 * m + (long) N1 * m * N2
                + (long) N1 * N0 * m);
    }

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom r = new SplittableRandom(42);
        w1 = random(r, N1 * N0, 0.08);
        w2 = random(r, N2 * N1, 0.2);
        x = random(r, N0 * m, 1.0);
        h = random(r, N1 * m, 1.0);
        z2 = new double[N2 * m];
        d2 = random(r, N2 * m, 0.1);
        d1 = new double[N1 * m];
        g1 = new double[N1 * N0];
        g2 = new double[N2 * N1];
        w1f = toFloat(w1);
        w2f = toFloat(w2);
        xf = toFloat(x);
        hf = toFloat(h);
        z2f = new float[N2 * m];
        d2f = toFloat(d2);
        d1f = new float[N1 * m];
        g1f = new float[N1 * N0];
        g2f = new float[N2 * N1];
        System.out.println("# BLAS: " + blas.getClass().getSimpleName());
    }

    /** The five products in double; β as the kernel uses them (1 where it accumulates, 0 for W2ᵀ·δ2). */
    @Benchmark
    public double dgemm() {
        blas.dgemm("N", "N", N1, m, N0, 1.0, w1, 0, N1, x, 0, N0, 1.0, h, 0, N1);
        blas.dgemm("N", "N", N2, m, N1, 1.0, w2, 0, N2, h, 0, N1, 1.0, z2, 0, N2);
        blas.dgemm("N", "T", N2, N1, m, 1.0, d2, 0, N2, h, 0, N1, 1.0, g2, 0, N2);
        blas.dgemm("T", "N", N1, m, N2, 1.0, w2, 0, N2, d2, 0, N2, 0.0, d1, 0, N1);
        blas.dgemm("N", "T", N1, N0, m, 1.0, d1, 0, N1, x, 0, N0, 1.0, g1, 0, N1);
        return g1[0] + g2[0];
    }

    /** The same five products in float. */
    @Benchmark
    public float sgemm() {
        blas.sgemm("N", "N", N1, m, N0, 1.0f, w1f, 0, N1, xf, 0, N0, 1.0f, hf, 0, N1);
        blas.sgemm("N", "N", N2, m, N1, 1.0f, w2f, 0, N2, hf, 0, N1, 1.0f, z2f, 0, N2);
        blas.sgemm("N", "T", N2, N1, m, 1.0f, d2f, 0, N2, hf, 0, N1, 1.0f, g2f, 0, N2);
        blas.sgemm("T", "N", N1, m, N2, 1.0f, w2f, 0, N2, d2f, 0, N2, 0.0f, d1f, 0, N1);
        blas.sgemm("N", "T", N1, N0, m, 1.0f, d1f, 0, N1, xf, 0, N0, 1.0f, g1f, 0, N1);
        return g1f[0] + g2f[0];
    }

    static double[] random(SplittableRandom r, int n, double scale) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = scale * (2 * r.nextDouble() - 1);
        }
        return a;
    }

    static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }
}
