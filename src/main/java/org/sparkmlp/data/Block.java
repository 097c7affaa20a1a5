package org.sparkmlp.data;

import java.io.Serializable;

/**
 * The rows of one partition, packed: inputs as a column-major features × rows matrix (row r's features at
 * {@code x[r·features …]}), labels as class indices. One block per partition is cached and every training
 * step reads it in place. {@link #index} is the partition this block belongs to (or, for a piece in the
 * shuffle, the partition it came from, which fixes the order of concatenation).
 */
public final class Block implements Serializable {
    private static final long serialVersionUID = 1L;

    private int index;
    private int features;
    private int rows;
    private double[] x;
    private int[] y;

    /** For Kryo. */
    Block() {
    }

    public Block(int index, int features, int rows, double[] x, int[] y) {
        if ((long) features * rows > x.length || rows > y.length) {
            throw new IllegalArgumentException("block of " + rows + " rows × " + features
                    + " features does not fit arrays of " + x.length + " and " + y.length);
        }
        this.index = index;
        this.features = features;
        this.rows = rows;
        this.x = x;
        this.y = y;
    }

    public int index() {
        return index;
    }

    public int features() {
        return features;
    }

    public int rows() {
        return rows;
    }

    /** Column-major inputs; read-only by convention (shared with the cache). */
    public double[] x() {
        return x;
    }

    /** Class indices; read-only by convention. */
    public int[] y() {
        return y;
    }

    /** The same rows under another partition index. */
    public Block withIndex(int newIndex) {
        return new Block(newIndex, features, rows, x, y);
    }
}
