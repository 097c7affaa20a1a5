package org.sparkmlp.nn;

/**
 * The kernel in float ({@code sgemm}): half the bytes to cache and ship and about twice the BLAS rate. Each
 * chunk's gradient is computed in float (its sums run over at most {@link #CHUNK} rows) and then added into
 * the double {@link GradientSum}, so partitions and steps accumulate in double; a call of a single chunk (a
 * partition's share of a small batch) leaves its float gradient in the sum as it is, which the sum widens to
 * the same doubles where they are added. Softmax and loss run in double on the chunk's logits (K numbers a
 * row), so the loss keeps its log-sum-exp safeguards.
 */
public final class Kernel32 extends Kernel {
    /** act[l] holds h_l for 1 ≤ l ≤ L (act[L] the logits); act[0] is the gather buffer. */
    private final float[][] act;
    private final float[] deltaA;
    private final float[] deltaB;
    /** One chunk's gradient in float, in {@link Architecture}'s layout. */
    private final float[] chunkGradient;
    private float[] params;
    private float[] input;
    private int inputOffset;

    public Kernel32(Architecture arch, Loss loss) {
        super(arch, loss);
        int layers = arch.layerCount();
        this.act = new float[layers + 1][];
        for (int l = 0; l <= layers; l++) {
            act[l] = new float[arch.size(l) * CHUNK];
        }
        this.deltaA = new float[arch.widest() * CHUNK];
        this.deltaB = new float[arch.widest() * CHUNK];
        this.chunkGradient = new float[arch.parameterCount()];
    }

    /**
     * This thread's float kernel for (arch, loss), created at first use and kept while they stay the same (the
     * architecture's BLAS mode included); it replaces the thread's kernel of another width or network.
     */
    public static Kernel32 forThread(Architecture arch, Loss loss) {
        if (PER_THREAD.get() instanceof Kernel32 k && k.serves(arch, loss)) {
            return k;
        }
        Kernel32 k = new Kernel32(arch, loss);
        PER_THREAD.set(k);
        return k;
    }

    @Override
    public Precision precision() {
        return Precision.FLOAT32;
    }

    /**
     * Adds the gradient of the summed loss over {@code count} rows into {@code into}, with loss and
     * correct-prediction counts.
     *
     * @param params flat parameters in {@link Architecture}'s layout, as floats
     * @param rows the partition's rows, as floats
     * @param selection which rows, in which order
     * @param count how many rows
     */
    public void accumulate(float[] params, BlockedRows rows, RowSelection selection, int count, GradientSum into) {
        this.params = params;
        run(rows, selection, count, into, true, null);
    }

    /**
     * Adds loss and correct counts of rows [from, to) into {@code into} (no gradient), and if
     * {@code confusion} is not null counts confusion[true·K + predicted].
     */
    public void evaluate(float[] params, BlockedRows rows, int from, int to, GradientSum into, long[] confusion) {
        this.params = params;
        run(rows, RowSelection.contiguous(from), to - from, into, false, confusion);
    }

    /** The parameters rounded to float, written into {@code out} (the array shipped to executors). */
    public static void round(double[] parameters, float[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) parameters[i];
        }
    }

    @Override
    void readInPlace(BlockedRows rows, int b, int at, int m) {
        input = rows.floats(b);
        inputOffset = at;
    }

    @Override
    void gatherRow(BlockedRows rows, int b, int from, int to) {
        System.arraycopy(rows.floats(b), from, act[0], to, arch.inputs());
    }

    @Override
    void readGathered() {
        input = act[0];
        inputOffset = 0;
    }

    @Override
    void forward(int m) {
        int layers = arch.layerCount();
        float[] in = input;
        int inOff = inputOffset;
        for (int l = 0; l < layers; l++) {
            int rows = arch.size(l + 1);
            int cols = arch.size(l);
            float[] out = act[l + 1];
            int bOff = arch.biasOffset(l);
            for (int j = 0; j < m; j++) {
                System.arraycopy(params, bOff, out, j * rows, rows);
            }
            blas.sgemm("N", "N", rows, m, cols, 1.0f, params, arch.weightOffset(l), rows, in, inOff, cols, 1.0f, out, 0,
                    rows);
            if (l < layers - 1) {
                arch.activation().apply(out, 0, rows * m, strict);
            }
            in = out;
            inOff = 0;
        }
        float[] logits = act[layers];
        for (int i = 0, n = arch.classes() * m; i < n; i++) {
            lossOut[i] = logits[i];
        }
    }

    @Override
    void backward(int m, double[] grad) {
        float[] g = chunkGradient(m);
        for (int i = 0; i < g.length; i++) {
            grad[i] += g[i];
        }
    }

    /** A single chunk's float gradient is the sum as it is: sent as floats, widened on the driver. */
    @Override
    boolean backwardExact(int m, GradientSum into) {
        float[] g = chunkGradient(m);
        System.arraycopy(g, 0, into.exactBuffer(g.length), 0, g.length);
        return true;
    }

    /** The gradient of the chunk's m rows, in float, into {@link #chunkGradient}. */
    private float[] chunkGradient(int m) {
        int layers = arch.layerCount();
        float[] delta = act[layers]; // the logits are spent: δ_L takes their place
        for (int i = 0, n = arch.classes() * m; i < n; i++) {
            delta[i] = (float) lossDelta[i];
        }
        float[] g = chunkGradient;
        for (int l = layers - 1; l >= 0; l--) {
            int rows = arch.size(l + 1);
            int cols = arch.size(l);
            float[] below = l == 0 ? input : act[l];
            int belowOff = l == 0 ? inputOffset : 0;
            int wOff = arch.weightOffset(l);
            int bOff = arch.biasOffset(l);
            // ∇W_l = δ_{l+1} · h_lᵀ over this chunk (β = 0: the chunk's own gradient)
            blas.sgemm("N", "T", rows, cols, m, 1.0f, delta, 0, rows, below, belowOff, cols, 0.0f, g, wOff, rows);
            // ∇b_l = δ_{l+1} · 1
            for (int i = 0; i < rows; i++) {
                g[bOff + i] = 0.0f;
            }
            for (int j = 0; j < m; j++) {
                int off = j * rows;
                for (int i = 0; i < rows; i++) {
                    g[bOff + i] += delta[off + i];
                }
            }
            if (l > 0) {
                // δ_l = f'(h̃_l) ⊙ (W_lᵀ δ_{l+1})
                float[] next = delta == deltaA ? deltaB : deltaA;
                blas.sgemm("T", "N", cols, m, rows, 1.0f, params, wOff, rows, delta, 0, rows, 0.0f, next, 0, cols);
                arch.activation().multiplyByDerivative(act[l], next, cols * m);
                delta = next;
            }
        }
        return g;
    }
}
