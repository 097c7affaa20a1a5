package org.sparkmlp.nn;

import dev.ludovic.netlib.blas.BLAS;

/**
 * Forward and backward passes of the network on a dense block of rows, with BLAS {@code dgemm} for every
 * matrix product. Rows are columns of a column-major n_0 × m matrix, so a layer is one product
 * Z = W·A + b·1ᵀ over up to {@link #CHUNK} rows at a time.
 *
 * <p>Backward, per layer from the top: δ_L = dL/dỹ (from {@link Loss}); ∇W_l += δ_{l+1}·h_lᵀ;
 * ∇b_l += δ_{l+1}·1; δ_l = f'(h̃_l) ⊙ (W_lᵀ δ_{l+1}). Gradients are <em>summed</em> over rows into a
 * {@link GradientSum} (BLAS β = 1), so chunks and partitions add up to the same total.
 *
 * <p>A kernel owns its buffers, sized once for {@link #CHUNK} rows: the passes allocate nothing. One kernel
 * serves one thread; {@link #forThread} keeps one per thread for executor tasks.
 */
public final class Kernel {
    /** Rows per BLAS pass: large enough for efficient gemm, small enough to stay in cache. */
    public static final int CHUNK = 256;

    private static final ThreadLocal<Kernel> PER_THREAD = new ThreadLocal<>();

    private final Architecture arch;
    private final Loss loss;
    private final BLAS blas = Blas.get();
    /** act[l] holds h_l for l ≥ 1 (act[L] the softmax output); act[0] is the gather buffer for inputs. */
    private final double[][] act;
    private double[] delta;
    private double[] deltaBelow;
    private final int[] labels = new int[CHUNK];
    /** Where the current chunk's inputs start in the array {@link #gatherInput} returned. */
    private int inputOffset;
    /** {loss sum, correct count} of the last forward pass: a field, so the pass allocates nothing. */
    private final double[] stats = new double[2];

    public Kernel(Architecture arch, Loss loss) {
        this.arch = arch;
        this.loss = loss;
        int layers = arch.layerCount();
        this.act = new double[layers + 1][];
        for (int l = 0; l <= layers; l++) {
            act[l] = new double[arch.size(l) * CHUNK];
        }
        this.delta = new double[arch.widest() * CHUNK];
        this.deltaBelow = new double[arch.widest() * CHUNK];
    }

    /** This thread's kernel for (arch, loss), created at first use and kept while they stay the same. */
    public static Kernel forThread(Architecture arch, Loss loss) {
        Kernel k = PER_THREAD.get();
        if (k == null || k.loss != loss || !k.arch.equals(arch)) {
            k = new Kernel(arch, loss);
            PER_THREAD.set(k);
        }
        return k;
    }

    public Architecture architecture() {
        return arch;
    }

    public Loss loss() {
        return loss;
    }

    /**
     * Adds the gradient of the summed loss over {@code count} rows into {@code into}, with loss and
     * correct-prediction counts.
     *
     * @param params flat parameters in {@link Architecture}'s layout
     * @param x the block's inputs, n_0 × rows column-major
     * @param y the block's class indices
     * @param rows which rows of the block, in which order
     * @param count how many rows
     */
    public void accumulate(double[] params, double[] x, int[] y, RowSelection rows, int count, GradientSum into) {
        if (count == 0) {
            return;
        }
        double[] grad = into.gradientBuffer(arch.parameterCount());
        for (int done = 0; done < count; done += CHUNK) {
            int m = Math.min(CHUNK, count - done);
            double[] input = gatherInput(x, y, rows, done, m);
            double[] stats = forward(params, input, inputOffset, m, true);
            into.addRows(m, stats[0], (long) stats[1]);
            backward(params, input, inputOffset, m, grad);
        }
    }

    /**
     * Adds loss and correct counts of rows [from, to) into {@code into} (no gradient), and if
     * {@code confusion} is not null counts confusion[true·K + predicted].
     */
    public void evaluate(double[] params, double[] x, int[] y, int from, int to, GradientSum into,
                         long[] confusion) {
        RowSelection rows = RowSelection.contiguous(from);
        int k = arch.classes();
        for (int done = 0; done < to - from; done += CHUNK) {
            int m = Math.min(CHUNK, to - from - done);
            double[] input = gatherInput(x, y, rows, done, m);
            double[] stats = forward(params, input, inputOffset, m, false);
            into.addRows(m, stats[0], (long) stats[1]);
            if (confusion != null) {
                double[] probs = act[arch.layerCount()];
                for (int j = 0; j < m; j++) {
                    confusion[labels[j] * k + argmax(probs, j * k, k)]++;
                }
            }
        }
    }

    /**
     * Class probabilities of rows [from, to) of {@code x}, written column by column (K numbers per row)
     * into {@code out} from {@code outOffset}.
     */
    public void predict(double[] params, double[] x, int from, int to, double[] out, int outOffset) {
        int k = arch.classes();
        int n0 = arch.inputs();
        for (int done = 0; done < to - from; done += CHUNK) {
            int m = Math.min(CHUNK, to - from - done);
            propagate(params, x, (from + done) * n0, m);
            double[] logits = act[arch.layerCount()];
            for (int j = 0; j < m; j++) {
                Loss.softmaxInPlace(logits, j * k, k);
            }
            System.arraycopy(logits, 0, out, outOffset + done * k, m * k);
        }
    }

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
     * Copies the labels of the chunk, and its inputs too unless the rows are consecutive: those are read in
     * place from {@link #inputOffset}.
     */
    private double[] gatherInput(double[] x, int[] y, RowSelection rows, int done, int m) {
        int n0 = arch.inputs();
        if (rows instanceof RowSelection.Contiguous c) {
            System.arraycopy(y, c.from() + done, labels, 0, m);
            inputOffset = (c.from() + done) * n0;
            return x;
        }
        inputOffset = 0;
        double[] buffer = act[0];
        for (int j = 0; j < m; j++) {
            int r = rows.row(done + j);
            System.arraycopy(x, r * n0, buffer, j * n0, n0);
            labels[j] = y[r];
        }
        return buffer;
    }

    /** Forward pass, then softmax, loss and (if wanted) δ_L. Returns {loss sum, correct count}. */
    private double[] forward(double[] params, double[] input, int inputOffset, int m, boolean wantDelta) {
        propagate(params, input, inputOffset, m);
        int k = arch.classes();
        double[] out = act[arch.layerCount()];
        double lossSum = 0.0;
        long correct = 0;
        for (int j = 0; j < m; j++) {
            int off = j * k;
            int label = labels[j];
            // z → ŷ in place; argmax of ŷ equals argmax of z, so take it afterwards.
            lossSum += loss.softmaxLossAndDelta(out, off, k, label, wantDelta ? delta : null, off);
            if (argmax(out, off, k) == label) {
                correct++;
            }
        }
        stats[0] = lossSum;
        stats[1] = correct;
        return stats;
    }

    /** h_{l+1} = f(W_l h_l + b_l) for every layer; the last layer is left as logits. */
    private void propagate(double[] params, double[] input, int inputOffset, int m) {
        int layers = arch.layerCount();
        double[] in = input;
        int inOff = inputOffset;
        for (int l = 0; l < layers; l++) {
            int rows = arch.size(l + 1);
            int cols = arch.size(l);
            double[] out = act[l + 1];
            int wOff = arch.weightOffset(l);
            int bOff = arch.biasOffset(l);
            // Z = b·1ᵀ, then Z += W·A (β = 1): the bias costs one copy per column instead of a pass over Z.
            for (int j = 0; j < m; j++) {
                System.arraycopy(params, bOff, out, j * rows, rows);
            }
            blas.dgemm("N", "N", rows, m, cols, 1.0, params, wOff, rows, in, inOff, cols, 1.0, out, 0, rows);
            if (l < layers - 1) {
                arch.activation().apply(out, 0, rows * m);
            }
            in = out;
            inOff = 0;
        }
    }

    /** Adds ∇W, ∇b of every layer into grad; δ_L is already in {@code delta}. */
    private void backward(double[] params, double[] input, int inputOffset, int m, double[] grad) {
        for (int l = arch.layerCount() - 1; l >= 0; l--) {
            int rows = arch.size(l + 1);
            int cols = arch.size(l);
            double[] below = l == 0 ? input : act[l];
            int belowOff = l == 0 ? inputOffset : 0;
            int wOff = arch.weightOffset(l);
            int bOff = arch.biasOffset(l);
            // ∇W_l += δ_{l+1} · h_lᵀ
            blas.dgemm("N", "T", rows, cols, m, 1.0, delta, 0, rows, below, belowOff, cols, 1.0, grad, wOff, rows);
            // ∇b_l += δ_{l+1} · 1
            for (int j = 0; j < m; j++) {
                int off = j * rows;
                for (int i = 0; i < rows; i++) {
                    grad[bOff + i] += delta[off + i];
                }
            }
            if (l > 0) {
                // δ_l = f'(h̃_l) ⊙ (W_lᵀ δ_{l+1})
                blas.dgemm("T", "N", cols, m, rows, 1.0, params, wOff, rows, delta, 0, rows, 0.0, deltaBelow, 0, cols);
                arch.activation().multiplyByDerivative(act[l], deltaBelow, cols * m);
                double[] t = delta;
                delta = deltaBelow;
                deltaBelow = t;
            }
        }
    }
}
