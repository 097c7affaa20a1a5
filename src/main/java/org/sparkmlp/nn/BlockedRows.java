package org.sparkmlp.nn;

/**
 * The rows of one partition as the kernel reads them: a list of bounded blocks, each a column-major
 * features × rows matrix (row r's features at {@code x[r·features …]}) in one precision, with class indices.
 * Every block but the last holds exactly {@link #rowsPerBlock()} rows, so row r of the partition is row
 * r mod R of block r / R — no index to build or store. Bounded blocks keep every array far below Java's
 * 2³¹-element limit and let the packing stream, whatever the partition's size.
 *
 * <p>A view: it holds the blocks' own arrays (never copies) and is cheap to build for every task.
 */
public final class BlockedRows {
    private final Precision precision;
    private final int features;
    private final int rowsPerBlock;
    private final int rows;
    private final double[][] x64;
    private final float[][] x32;
    private final int[][] y;

    private BlockedRows(Precision precision, int features, int[] blockRows, double[][] x64, float[][] x32, int[][] y) {
        this.precision = precision;
        this.features = features;
        this.x64 = x64;
        this.x32 = x32;
        this.y = y;
        int total = 0;
        int first = blockRows.length == 0 ? 1 : Math.max(1, blockRows[0]);
        for (int b = 0; b < blockRows.length; b++) {
            boolean last = b == blockRows.length - 1;
            if (last ? blockRows[b] > first : blockRows[b] != first) {
                throw new IllegalArgumentException("block " + b + " of " + blockRows.length + " has " + blockRows[b]
                        + " rows; every block but the last must have " + first + ", the last at most as many");
            }
            if (blockRows[b] > y[b].length || (long) blockRows[b] * features > inputLength(b)) {
                throw new IllegalArgumentException("block " + b + " of " + blockRows[b] + " rows × " + features
                        + " features does not fit its arrays");
            }
            total = Math.addExact(total, blockRows[b]);
        }
        this.rowsPerBlock = first;
        this.rows = total;
    }

    /** Double blocks: {@code x[b]} and {@code y[b]} hold {@code blockRows[b]} rows. */
    public static BlockedRows ofDoubles(int features, int[] blockRows, double[][] x, int[][] y) {
        return new BlockedRows(Precision.FLOAT64, features, blockRows, x, null, y);
    }

    /** Float blocks: {@code x[b]} and {@code y[b]} hold {@code blockRows[b]} rows. */
    public static BlockedRows ofFloats(int features, int[] blockRows, float[][] x, int[][] y) {
        return new BlockedRows(Precision.FLOAT32, features, blockRows, null, x, y);
    }

    /** One block of doubles. */
    public static BlockedRows of(int features, int rows, double[] x, int[] y) {
        return ofDoubles(features, new int[] {rows}, new double[][] {x}, new int[][] {y});
    }

    /** One block of floats. */
    public static BlockedRows of(int features, int rows, float[] x, int[] y) {
        return ofFloats(features, new int[] {rows}, new float[][] {x}, new int[][] {y});
    }

    private long inputLength(int b) {
        return x64 != null ? x64[b].length : x32[b].length;
    }

    public Precision precision() {
        return precision;
    }

    public int features() {
        return features;
    }

    /** Rows in all blocks. */
    public int rows() {
        return rows;
    }

    /** Rows of every block but the last. */
    public int rowsPerBlock() {
        return rowsPerBlock;
    }

    /** The block holding row r. */
    int block(int r) {
        return r / rowsPerBlock;
    }

    /** Row r's position inside its block. */
    int rowInBlock(int r) {
        return r % rowsPerBlock;
    }

    double[] doubles(int block) {
        return x64[block];
    }

    float[] floats(int block) {
        return x32[block];
    }

    int[] labels(int block) {
        return y[block];
    }
}
