package org.sparkmlp.nn;

import dev.ludovic.netlib.blas.BLAS;

/**
 * Forward and backward passes of the network over rows of a {@link BlockedRows}, with one BLAS {@code gemm}
 * per matrix product. Rows are columns of a column-major n_0 × m matrix, so a layer is one product
 * Z = W·A + b·1ᵀ over up to {@link #CHUNK} rows at a time. {@link Kernel64} computes in double
 * ({@code dgemm}), {@link Kernel32} in float ({@code sgemm}); both sum gradients into a double
 * {@link GradientSum}.
 *
 * <p>Backward, per layer from the top: δ_L = dL/dỹ (from {@link Loss}); ∇W_l += δ_{l+1}·h_lᵀ;
 * ∇b_l += δ_{l+1}·1; δ_l = f'(h̃_l) ⊙ (W_lᵀ δ_{l+1}). Gradients are <em>summed</em> over rows, so chunks and
 * partitions add up to the same total.
 *
 * <p>This class walks a selection of rows chunk by chunk: a run of consecutive rows inside one block is read
 * in place, any other selection is gathered row by row into a buffer. A kernel owns its buffers, sized once
 * for {@link #CHUNK} rows, so a pass allocates nothing. One kernel serves one thread; {@link #forThread}
 * keeps one per thread for executor tasks.
 *
 * <p>The architecture's {@link Blas.Mode} chooses the BLAS ({@link Blas#get(Blas.Mode)}) and, in
 * {@link Blas.Mode#PORTABLE}, {@link StrictMath}'s exp and log for the activations and the softmax. Everything
 * else a kernel computes is Java arithmetic, strict IEEE 754 on every JVM and CPU since Java 17, in an order fixed
 * by the rows and the chunking, so a portable kernel gives the same bits for the same inputs on any machine.
 */
public abstract sealed class Kernel permits Kernel64, Kernel32 {
    /** Rows per BLAS pass: large enough for efficient gemm, small enough to stay in cache. */
    public static final int CHUNK = 256;

    /** Each thread's one kernel, of either width ({@link Kernel32#forThread}, {@link Kernel64#forThread}). */
    static final ThreadLocal<Kernel> PER_THREAD = new ThreadLocal<>();

    protected final Architecture arch;
    protected final Loss loss;
    protected final BLAS blas;
    /** {@link StrictMath}'s exp and log instead of {@link Math}'s intrinsics: the portable mode. */
    protected final boolean strict;
    /** The class of every row of the current chunk. */
    protected final int[] labels = new int[CHUNK];
    /** Logits → ŷ and δ_L of one chunk in double, for {@link Loss}: K × CHUNK numbers each. */
    protected final double[] lossOut;
    protected final double[] lossDelta;
    /** Correct predictions and summed loss of the last chunk. */
    private long correct;
    private double lossSum;

    Kernel(Architecture arch, Loss loss) {
        this.arch = arch;
        this.loss = loss;
        this.blas = Blas.get(arch.blas());
        this.strict = arch.blas() == Blas.Mode.PORTABLE;
        this.lossOut = new double[arch.classes() * CHUNK];
        this.lossDelta = new double[arch.classes() * CHUNK];
    }

    /**
     * This thread's kernel for (arch, loss, precision), created at first use and kept while they stay the same
     * (the architecture's BLAS mode included).
     */
    public static Kernel forThread(Architecture arch, Loss loss, Precision precision) {
        return precision == Precision.FLOAT32 ? Kernel32.forThread(arch, loss) : Kernel64.forThread(arch, loss);
    }

    /** Whether this kernel computes for (arch, loss): a thread's kernel is kept while they stay the same. */
    final boolean serves(Architecture arch, Loss loss) {
        return this.loss == loss && this.arch.equals(arch);
    }

    public Architecture architecture() {
        return arch;
    }

    public Loss loss() {
        return loss;
    }

    public abstract Precision precision();

    /** Index of the largest of k numbers from off; the first one wins a tie. */
    public static int argmax(double[] v, int off, int k) {
        int best = 0;
        for (int i = 1; i < k; i++) {
            if (v[off + i] > v[off + best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Runs {@code count} rows of {@code selection} through the network chunk by chunk, adding loss and counts
     * into {@code into}, the gradient too when {@code gradient}, and the confusion counts
     * (confusion[true·K + predicted]) when {@code confusion} is not null.
     */
    final void run(BlockedRows rows, RowSelection selection, int count, GradientSum into, boolean gradient,
                   long[] confusion) {
        if (rows.precision() != precision() && precision() == Precision.FLOAT32) {
            throw new IllegalArgumentException("a float32 kernel cannot read " + rows.precision().id() + " rows");
        }
        if (count == 0) {
            return;
        }
        double[] grad = null;
        int n0 = arch.inputs();
        int done = 0;
        while (done < count) {
            int m;
            if (selection instanceof RowSelection.Contiguous c) {
                // Consecutive rows inside one block: read in place.
                int r = c.from() + done;
                int b = rows.block(r);
                int inBlock = rows.rowInBlock(r);
                m = Math.min(Math.min(CHUNK, count - done), rows.rowsPerBlock() - inBlock);
                System.arraycopy(rows.labels(b), inBlock, labels, 0, m);
                readInPlace(rows, b, inBlock * n0, m);
            } else {
                m = Math.min(CHUNK, count - done);
                for (int j = 0; j < m; j++) {
                    int r = selection.row(done + j);
                    int b = rows.block(r);
                    int inBlock = rows.rowInBlock(r);
                    gatherRow(rows, b, inBlock * n0, j * n0);
                    labels[j] = rows.labels(b)[inBlock];
                }
                readGathered();
            }
            forward(m);
            lossAndDelta(m, gradient);
            into.addRows(m, lossSum, correct);
            if (confusion != null) {
                int k = arch.classes();
                for (int j = 0; j < m; j++) {
                    confusion[labels[j] * k + argmax(lossOut, j * k, k)]++;
                }
            }
            if (gradient) {
                // A call of one chunk into a sum without a gradient may leave the chunk's gradient as it is.
                boolean whole = done == 0 && m == count && !into.hasGradient();
                if (!(whole && backwardExact(m, into))) {
                    if (grad == null) {
                        grad = into.gradientBuffer(arch.parameterCount());
                    }
                    backward(m, grad);
                }
            }
            done += m;
        }
    }

    /** The chunk's inputs are block b's m rows from offset {@code at} (read in place where the widths agree). */
    abstract void readInPlace(BlockedRows rows, int b, int at, int m);

    /** Copies n_0 inputs from block b at {@code from} into the gather buffer at {@code to}. */
    abstract void gatherRow(BlockedRows rows, int b, int from, int to);

    /** The chunk's inputs are the gather buffer's. */
    abstract void readGathered();

    /** h_{l+1} = f(W_l h_l + b_l) for every layer on m rows; the logits are left in {@link #lossOut}. */
    abstract void forward(int m);

    /** Adds ∇W, ∇b of every layer for m rows into grad; δ_L is in {@link #lossDelta}. */
    abstract void backward(int m, double[] grad);

    /**
     * The backward pass of a call that is a single chunk, into {@code into}, which holds no gradient yet: a kernel
     * whose chunk gradient is exactly representable as it is (float32) writes it into the sum whole and returns
     * true; the others return false and get {@link #backward}.
     */
    boolean backwardExact(int m, GradientSum into) {
        return false;
    }

    /** Softmax, loss and (if wanted) δ_L of m rows in {@link #lossOut}; sets {@link #lossSum}, {@link #correct}. */
    private void lossAndDelta(int m, boolean wantDelta) {
        int k = arch.classes();
        double sum = 0.0;
        long right = 0;
        for (int j = 0; j < m; j++) {
            int off = j * k;
            int label = labels[j];
            // z → ŷ in place; argmax of ŷ equals argmax of z, so take it afterwards.
            sum += loss.softmaxLossAndDelta(lossOut, off, k, label, wantDelta ? lossDelta : null, off, strict);
            if (argmax(lossOut, off, k) == label) {
                right++;
            }
        }
        lossSum = sum;
        correct = right;
    }
}
