package org.sparkmlp.bench;

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
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.BlockedRows;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.Kernel32;
import org.sparkmlp.nn.Kernel64;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.RowSelection;

/**
 * Our kernel alone: one forward + backward pass of 784-100-10 (tanh, softmax cross-entropy) over a block of
 * m rows, as one task computes its share of a step: into a per-thread {@link GradientSum} that is cleared
 * first and keeps its arrays (as {@code GradientTask} does), so a share of one chunk leaves its float gradient
 * as it is and a larger share adds its chunks in double.
 * Everything the kernel does counts — bias, activation, softmax, gradient accumulation — but the rate is
 * reported with {@link GemmBench}'s flop count of the five products, so kernel and gemm GFLOP/s compare
 * directly: their ratio is the share of the time the kernel spends in BLAS at gemm's own speed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KernelBench {
    @Param({"64", "128", "256", "1024", "4096"})
    public int m;

    private final Architecture arch = new Architecture(new int[] {GemmBench.N0, GemmBench.N1, GemmBench.N2},
            Activation.TANH);
    private final RowSelection all = RowSelection.contiguous(0);
    private Kernel64 kernel64;
    private Kernel32 kernel32;
    private double[] params64;
    private float[] params32;
    private BlockedRows rows64;
    private BlockedRows rows32;
    private GradientSum sum64;
    private GradientSum sum32;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom r = new SplittableRandom(42);
        double[] x = new double[GemmBench.N0 * m];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(256) / 255.0; // pixels / 255, as the Fashion-MNIST run feeds them
        }
        int[] y = new int[m];
        for (int i = 0; i < m; i++) {
            y[i] = r.nextInt(GemmBench.N2);
        }
        params64 = arch.glorotUniform(42);
        params32 = GemmBench.toFloat(params64);
        rows64 = BlockedRows.of(GemmBench.N0, m, x, y);
        rows32 = BlockedRows.of(GemmBench.N0, m, GemmBench.toFloat(x), y);
        kernel64 = new Kernel64(arch, Loss.CROSS_ENTROPY);
        kernel32 = new Kernel32(arch, Loss.CROSS_ENTROPY);
        sum64 = GradientSum.empty();
        sum32 = GradientSum.empty();
    }

    @Benchmark
    public long float64() {
        kernel64.accumulate(params64, rows64, all, m, sum64.clear(params64.length));
        return sum64.rows();
    }

    @Benchmark
    public long float32() {
        kernel32.accumulate(params32, rows32, all, m, sum32.clear(params32.length));
        return sum32.rows();
    }
}
