package org.sparkmlp.data;

import java.io.Serializable;
import java.util.List;
import org.sparkmlp.nn.BlockedRows;
import org.sparkmlp.nn.Precision;

/**
 * A bounded run of packed rows, the unit of the cache: inputs as a column-major features × rows matrix (row
 * r's features at {@code x[r·features …]}) in doubles or floats, labels as class indices. A partition caches
 * a list of blocks in which every block but the last holds the same number of rows ({@link #rowsFor}), so
 * the step reads them in place through {@link #view}. {@link #index} is the partition this block belongs to.
 */
public final class Block implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Values per block at most: 2²² − 16, so no array nears 2³¹ and a full block's array, its 16-byte header
     * included, fits one 16 MiB G1 region of floats (two of doubles), the region size the scripts give the JVMs
     * ({@code -XX:G1HeapRegionSize=16m}). At 2²² floats each full block was a humongous object of two regions,
     * nearly twice its size in heap (224 MB more than Spark's estimate over 14 blocks at 10 million rows).
     */
    public static final int MAX_VALUES = (1 << 22) - 16;

    private int index;
    private int features;
    private int rows;
    private double[] x;
    private float[] xFloat;
    private int[] y;

    /** For Kryo. */
    Block() {
    }

    public Block(int index, int features, int rows, double[] x, int[] y) {
        this(index, features, rows, x, null, y);
    }

    public Block(int index, int features, int rows, float[] x, int[] y) {
        this(index, features, rows, null, x, y);
    }

    private Block(int index, int features, int rows, double[] x, float[] xFloat, int[] y) {
        long length = x != null ? x.length : xFloat.length;
        if ((long) features * rows > length || rows > y.length) {
            throw new IllegalArgumentException("block of " + rows + " rows × " + features
                    + " features does not fit arrays of " + length + " and " + y.length);
        }
        this.index = index;
        this.features = features;
        this.rows = rows;
        this.x = x;
        this.xFloat = xFloat;
        this.y = y;
    }

    /** Rows per block (all but a partition's last) for {@code features} inputs: at least one. */
    public static int rowsFor(int features) {
        return Math.max(1, MAX_VALUES / Math.max(1, features));
    }

    /** The kernel's view of one partition's blocks, in order; no arrays are copied. */
    public static BlockedRows view(List<Block> blocks, int features, Precision precision) {
        int n = blocks.size();
        int[] blockRows = new int[n];
        int[][] y = new int[n][];
        for (int b = 0; b < n; b++) {
            Block block = blocks.get(b);
            if (block.precision() != precision) {
                throw new IllegalArgumentException("block " + b + " holds " + block.precision().id() + ", expected "
                        + precision.id());
            }
            blockRows[b] = block.rows;
            y[b] = block.y;
        }
        if (precision == Precision.FLOAT32) {
            float[][] x = new float[n][];
            for (int b = 0; b < n; b++) {
                x[b] = blocks.get(b).xFloat;
            }
            return BlockedRows.ofFloats(features, blockRows, x, y);
        }
        double[][] x = new double[n][];
        for (int b = 0; b < n; b++) {
            x[b] = blocks.get(b).x;
        }
        return BlockedRows.ofDoubles(features, blockRows, x, y);
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

    public Precision precision() {
        return x != null ? Precision.FLOAT64 : Precision.FLOAT32;
    }

    /** Column-major inputs in doubles, null for a float block; read-only by convention (shared with the cache). */
    public double[] x() {
        return x;
    }

    /** Column-major inputs in floats, null for a double block; read-only by convention. */
    public float[] xFloat() {
        return xFloat;
    }

    /** Class indices; read-only by convention. */
    public int[] y() {
        return y;
    }

    /** The same rows under another partition index. */
    public Block withIndex(int newIndex) {
        return new Block(newIndex, features, rows, x, xFloat, y);
    }
}
