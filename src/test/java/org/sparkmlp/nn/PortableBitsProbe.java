package org.sparkmlp.nn;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * The gradients {@link PortableBlasTest} compares between JVMs: every activation, loss and precision, on a network
 * whose first layer's products take Java8BLAS's blocked path (over 100³ multiply-adds) and whose others take its
 * small path, over 300 gathered rows (two chunks, summed in double) and over 40 contiguous rows of a deeper network
 * (one chunk: float32 keeps it as floats). Its main prints one line for another JVM to report:
 * {@code <netlib's own BLAS> <digest in portable mode> <digest in auto mode>}.
 */
public final class PortableBitsProbe {
    private PortableBitsProbe() {
    }

    public static void main(String[] args) {
        System.out.println(line());
    }

    /** netlib's own implementation in this JVM, and the digests of the gradients in both modes. */
    static String line() {
        return Blas.implementation(Blas.Mode.AUTO) + " " + digest(Blas.Mode.PORTABLE) + " " + digest(Blas.Mode.AUTO);
    }

    /** SHA-256 over the bits of every case's gradient, loss and counts, in {@code mode}. */
    static String digest(Blas.Mode mode) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        int[][] shapes = {{120, 100, 10}, {7, 9, 5, 4}};
        int[] rows = {300, 40};
        for (int s = 0; s < shapes.length; s++) {
            for (Activation activation : Activation.values()) {
                for (Loss loss : Loss.values()) {
                    for (Precision precision : Precision.values()) {
                        GradientSum sum = gradient(new Architecture(shapes[s], activation).withBlas(mode), loss,
                                precision, rows[s], s == 0);
                        ByteBuffer b = ByteBuffer.allocate(8 * (sum.gradient().length + 3));
                        for (double g : sum.gradient()) {
                            b.putLong(Double.doubleToRawLongBits(g));
                        }
                        b.putLong(Double.doubleToRawLongBits(sum.loss())).putLong(sum.correct()).putLong(sum.rows());
                        sha.update(b.array());
                    }
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static GradientSum gradient(Architecture arch, Loss loss, Precision precision, int count,
                                        boolean gathered) {
        SplittableRandom rnd = new SplittableRandom(21);
        int n0 = arch.inputs();
        double[] x = ReferenceNet.uniform(rnd, count * n0, -2, 2);
        int[] y = ReferenceNet.labels(rnd, count, arch.classes());
        double[] p = ReferenceNet.uniform(rnd, arch.parameterCount(), -0.5, 0.5);
        RowSelection selection = gathered ? ReferenceNet.gathered(ReferenceNet.permutation(rnd, count))
                : RowSelection.contiguous(0);
        GradientSum sum = GradientSum.empty();
        if (precision == Precision.FLOAT64) {
            new Kernel64(arch, loss).accumulate(p, BlockedRows.of(n0, count, x, y), selection, count, sum);
        } else {
            new Kernel32(arch, loss).accumulate(floats(p), BlockedRows.of(n0, count, floats(x), y), selection, count,
                    sum);
        }
        return sum;
    }

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
