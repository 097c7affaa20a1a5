package org.sparkmlp.nn;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Layer sizes n_0 (inputs), n_1 … n_{L−1} (hidden), n_L (classes), the hidden activation, and the layout of
 * every weight and bias in one flat parameter vector.
 *
 * <p>Layout, layer by layer for l = 0 … L−1: W_l as an n_{l+1} × n_l matrix in column-major order (BLAS's
 * native order, leading dimension n_{l+1}), then b_l (n_{l+1} numbers). Row i of W_l holds the weights of
 * output unit i, so h_{l+1} = f(W_l h_l + b_l). Immutable and cheap to serialise: it travels with every task.
 *
 * <p>It also carries the {@link Blas.Mode} its kernels compute with ({@link #withBlas}; {@code AUTO} unless set).
 * That is a setting of the computation, not of the network (model files do not hold it), but every kernel is made
 * from an architecture that came with its task ({@link Kernel#forThread}), so carried here the mode reaches every
 * executor with the work itself: no executor can compute in another mode than the driver chose, whatever its JVM
 * options, and no code between the trainer and the kernel has to pass it on. Two architectures that differ only
 * in the mode are not {@link #equals equal}: a thread keeps its kernel only for an equal one.
 */
public final class Architecture implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] sizes;
    private final Activation activation;
    private final int[] weightOffsets;
    private final int[] biasOffsets;
    private final int parameterCount;
    private final int widest;
    private final Blas.Mode blas;

    /**
     * @param sizes layer sizes from inputs to classes: at least two, every one positive, at least two classes
     * @param activation the activation of every hidden layer
     */
    public Architecture(int[] sizes, Activation activation) {
        this(sizes, activation, Blas.Mode.AUTO);
    }

    private Architecture(int[] sizes, Activation activation, Blas.Mode blas) {
        if (sizes == null || sizes.length < 2) {
            throw new IllegalArgumentException("a network needs at least an input and an output layer, got "
                    + Arrays.toString(sizes));
        }
        for (int l = 0; l < sizes.length; l++) {
            if (sizes[l] <= 0) {
                throw new IllegalArgumentException("layer " + l + " has " + sizes[l]
                        + " units; every layer needs at least one (sizes " + Arrays.toString(sizes) + ")");
            }
        }
        if (sizes[sizes.length - 1] < 2) {
            throw new IllegalArgumentException("the softmax output needs at least 2 classes, got "
                    + sizes[sizes.length - 1]);
        }
        if (activation == null) {
            throw new IllegalArgumentException("activation must not be null");
        }
        if (blas == null) {
            throw new IllegalArgumentException("BLAS mode must not be null");
        }
        this.blas = blas;
        this.sizes = sizes.clone();
        this.activation = activation;
        int layers = sizes.length - 1;
        this.weightOffsets = new int[layers];
        this.biasOffsets = new int[layers];
        long offset = 0;
        int max = 0;
        for (int l = 0; l < layers; l++) {
            weightOffsets[l] = (int) offset;
            offset += (long) sizes[l + 1] * sizes[l];
            biasOffsets[l] = (int) offset;
            offset += sizes[l + 1];
            if (offset > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("network " + Arrays.toString(sizes)
                        + " has more than 2^31 parameters");
            }
        }
        for (int s : sizes) {
            max = Math.max(max, s);
        }
        this.parameterCount = (int) offset;
        this.widest = max;
    }

    /** The number of weight layers L (hidden layers + 1). */
    public int layerCount() {
        return sizes.length - 1;
    }

    /** n_l for l = 0 (inputs) … L (classes). */
    public int size(int l) {
        return sizes[l];
    }

    /** A copy of all layer sizes. */
    public int[] sizes() {
        return sizes.clone();
    }

    public int inputs() {
        return sizes[0];
    }

    public int classes() {
        return sizes[sizes.length - 1];
    }

    /** The widest layer, inputs included: the height of the kernel's largest buffer. */
    public int widest() {
        return widest;
    }

    public Activation activation() {
        return activation;
    }

    /** The BLAS mode of this architecture's kernels. */
    public Blas.Mode blas() {
        return blas;
    }

    /** This network, computed by kernels in {@code mode}. */
    public Architecture withBlas(Blas.Mode mode) {
        return mode == blas ? this : new Architecture(sizes, activation, mode);
    }

    /** Offset of W_l (n_{l+1} × n_l, column-major) in the parameter vector. */
    public int weightOffset(int l) {
        return weightOffsets[l];
    }

    /** Offset of b_l (n_{l+1} numbers) in the parameter vector. */
    public int biasOffset(int l) {
        return biasOffsets[l];
    }

    /** Length of the flat parameter vector. */
    public int parameterCount() {
        return parameterCount;
    }

    /**
     * Glorot-uniform weights, W_l ~ U(−r, r) with r = sqrt(6 / (n_l + n_{l+1})), and zero biases, drawn from
     * {@code seed} in layout order, so the same seed always gives the same network.
     */
    public double[] glorotUniform(long seed) {
        double[] p = new double[parameterCount];
        SplittableRandom random = new SplittableRandom(seed);
        for (int l = 0; l < layerCount(); l++) {
            double r = Math.sqrt(6.0 / (sizes[l] + sizes[l + 1]));
            int from = weightOffsets[l];
            int to = from + sizes[l + 1] * sizes[l];
            for (int i = from; i < to; i++) {
                p[i] = random.nextDouble(-r, r);
            }
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Architecture a && Arrays.equals(sizes, a.sizes) && activation == a.activation
                && blas == a.blas;
    }

    @Override
    public int hashCode() {
        return (31 * Arrays.hashCode(sizes) + activation.hashCode()) * 31 + blas.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int l = 0; l < sizes.length; l++) {
            b.append(l == 0 ? "" : "-").append(sizes[l]);
        }
        b.append(" (").append(activation.id());
        if (blas != Blas.Mode.AUTO) {
            b.append(", ").append(blas.id()).append(" BLAS");
        }
        return b.append(")").toString();
    }
}
