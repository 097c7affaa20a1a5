package org.sparkmlp.nn;

/** Which rows of a block a pass reads: the k-th row of the pass is row {@code row(k)} of the block. */
@FunctionalInterface
public interface RowSelection {
    int row(int k);

    /** Rows from, from+1, …: the kernel reads these in place, without copying. */
    static RowSelection contiguous(int from) {
        return new Contiguous(from);
    }

    /** Marks a selection whose rows are consecutive, so the kernel can skip the gather. */
    record Contiguous(int from) implements RowSelection {
        @Override
        public int row(int k) {
            return from + k;
        }
    }
}
