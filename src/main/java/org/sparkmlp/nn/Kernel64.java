package org.sparkmlp.nn;

/**
 * The kernel in double ({@code dgemm}): exact enough for gradient checks against finite differences, and the
 * gradient is added straight into the double sum (BLAS β = 1). It also reads float rows, widening each chunk as
 * it gathers it, so a model's double weights can be scored on a set cached in float32.
 */
public final class Kernel64 extends Kernel {
    /** act[l] holds h_l for 1 ≤ l &lt; L; act[0] is the gather buffer; act[L] is the base class's lossOut. */
    private final double[][] act;
    private double[] params;
    private final double[] deltaA;
    private final double[] deltaB;
    private double[] input;
    private int inputOffset;

    public Kernel64(Architecture arch, Loss loss) {
        super(arch, loss);
        int layers = arch.layerCount();
        this.act = new double[layers + 1][];
        for (int l = 0; l < layers; l++) {
            act[l] = new double[arch.size(l) * CHUNK];
        }
        act[layers] = lossOut;
        this.deltaA = new double[arch.widest() * CHUNK];
        this.deltaB = new double[arch.widest() * CHUNK];
    }

    /**
     * This thread's double kernel for (arch, loss), created at first use and kept while they stay the same (the
     * architecture's BLAS mode included); it replaces the thread's kernel of another width or network.
     */
    public static Kernel64 forThread(Architecture arch, Loss loss) {
        if (PER_THREAD.get() instanceof Kernel64 k && k.serves(arch, loss)) {
            return k;
        }
        Kernel64 k = new Kernel64(arch, loss);
        PER_THREAD.set(k);
        return k;
    }

    @Override
    public Precision precision() {
        return Precision.FLOAT64;
    }

    /**
     * Adds the gradient of the summed loss over {@code count} rows into {@code into}, with loss and
     * correct-prediction counts.
     *
     * @param params flat parameters in {@link Architecture}'s layout
     * @param rows the partition's rows
     * @param selection which rows, in which order
     * @param count how many rows
     */
    public void accumulate(double[] params, BlockedRows rows, RowSelection selection, int count, GradientSum into) {
        this.params = params;
        run(rows, selection, count, into, true, null);
    }

    /** {@link #accumulate} on one block: inputs n_0 × rows column-major, class indices. */
    public void accumulate(double[] params, double[] x, int[] y, RowSelection selection, int count, GradientSum into) {
        accumulate(params, BlockedRows.of(arch.inputs(), y.length, x, y), selection, count, into);
    }

    /**
     * Adds loss and correct counts of rows [from, to) into {@code into} (no gradient), and if
     * {@code confusion} is not null counts confusion[true·K + predicted].
     */
    public void evaluate(double[] params, BlockedRows rows, int from, int to, GradientSum into, long[] confusion) {
        this.params = params;
        run(rows, RowSelection.contiguous(from), to - from, into, false, confusion);
    }

    /** {@link #evaluate} on one block: inputs n_0 × rows column-major, class indices. */
    public void evaluate(double[] params, double[] x, int[] y, int from, int to, GradientSum into, long[] confusion) {
        evaluate(params, BlockedRows.of(arch.inputs(), y.length, x, y), from, to, into, confusion);
    }

    /**
     * Class probabilities of rows [from, to) of {@code x} (n_0 × rows column-major), written K numbers per row
     * into {@code out} from {@code outOffset}.
     */
    public void predict(double[] params, double[] x, int from, int to, double[] out, int outOffset) {
        this.params = params;
        int k = arch.classes();
        int n0 = arch.inputs();
        for (int done = 0; done < to - from; done += CHUNK) {
            int m = Math.min(CHUNK, to - from - done);
            input = x;
            inputOffset = (from + done) * n0;
            forward(m);
            for (int j = 0; j < m; j++) {
                Loss.softmaxInPlace(lossOut, j * k, k, strict);
            }
            System.arraycopy(lossOut, 0, out, outOffset + done * k, m * k);
        }
    }

    @Override
    void readInPlace(BlockedRows rows, int b, int at, int m) {
        if (rows.precision() == Precision.FLOAT64) {
            input = rows.doubles(b);
            inputOffset = at;
        } else {
            widen(rows.floats(b), at, act[0], 0, m * arch.inputs());
            readGathered();
        }
    }

    @Override
    void gatherRow(BlockedRows rows, int b, int from, int to) {
        if (rows.precision() == Precision.FLOAT64) {
            System.arraycopy(rows.doubles(b), from, act[0], to, arch.inputs());
        } else {
            widen(rows.floats(b), from, act[0], to, arch.inputs());
        }
    }

    private static void widen(float[] from, int at, double[] to, int toAt, int n) {
        for (int i = 0; i < n; i++) {
            to[toAt + i] = from[at + i];
        }
    }

    @Override
    void readGathered() {
        input = act[0];
        inputOffset = 0;
    }

    @Override
    void forward(int m) {
        int layers = arch.layerCount();
        double[] in = input;
        int inOff = inputOffset;
        for (int l = 0; l < layers; l++) {
            int rows = arch.size(l + 1);
            int cols = arch.size(l);
            double[] out = act[l + 1];
            int bOff = arch.biasOffset(l);
            // Z = b·1ᵀ, then Z += W·A (β = 1): the bias costs one copy per column instead of a pass over Z.
            for (int j = 0; j < m; j++) {
                System.arraycopy(params, bOff, out, j * rows, rows);
            }
            blas.dgemm("N", "N", rows, m, cols, 1.0, params, arch.weightOffset(l), rows, in, inOff, cols, 1.0, out, 0,
                    rows);
            if (l < layers - 1) {
                arch.activation().apply(out, 0, rows * m, strict);
            }
            in = out;
            inOff = 0;
        }
    }

    @Override
    void backward(int m, double[] grad) {
        double[] delta = lossDelta;
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
                double[] next = delta == deltaA ? deltaB : deltaA;
                blas.dgemm("T", "N", cols, m, rows, 1.0, params, wOff, rows, delta, 0, rows, 0.0, next, 0, cols);
                arch.activation().multiplyByDerivative(act[l], next, cols * m);
                delta = next;
            }
        }
    }
}
