package org.sparkmlp.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * Packs parsed rows of any format into one bounded {@link RawBlock}: inputs as doubles, row-major in one array
 * that grows by doubling up to the bound, labels as indices into the block's own label names, and each row's
 * record number for messages. Every text and table reader fills its rows through this class, so every format
 * reaches {@link BlockPacker} in the same shape; the only per-row state is a few numbers in these arrays.
 *
 * <p>Call order: {@link #nextRow} (write the row's inputs into the returned array from {@link #offset}), then
 * {@link #label} unless the data is unlabelled; repeat until {@link #full}; then {@link #finish}.
 */
public final class RowPacker {
    private final String source;
    private final String recordKind;
    private final int features;
    private final int capacity;
    private final Map<String, Integer> labelIds = new HashMap<>();
    private final List<String> labelNames = new ArrayList<>();
    private double[] x;
    private int[] labels;
    private long[] records;
    private int rows;

    /**
     * A packer of at most {@code capacity} rows.
     *
     * @param source the file, as named in messages
     * @param recordKind how records are named in messages: "line" (text, from 1), "row" (tables, from 1)
     */
    public RowPacker(String source, String recordKind, int features, int capacity) {
        this.source = source;
        this.recordKind = recordKind;
        this.features = features;
        this.capacity = Math.max(1, capacity);
        int initial = Math.min(64, this.capacity);
        this.x = new double[features * initial];
        this.labels = new int[initial];
        this.records = new long[initial];
    }

    public String source() {
        return source;
    }

    public boolean full() {
        return rows == capacity;
    }

    public int rows() {
        return rows;
    }

    /** Starts a row and returns the array to write its features into, from {@link #offset()}. */
    public double[] nextRow(long record) {
        if (full()) {
            throw new IllegalStateException(source + ": a raw block holds at most " + capacity + " rows");
        }
        if (rows == labels.length) {
            int grown = (int) Math.min(capacity, rows * 2L);
            x = Arrays.copyOf(x, grown * features);
            labels = Arrays.copyOf(labels, grown);
            records = Arrays.copyOf(records, grown);
        }
        labels[rows] = -1;
        records[rows] = record;
        rows++;
        return x;
    }

    /** Where the current row's inputs start in the array {@link #nextRow} returned. */
    public int offset() {
        return (rows - 1) * features;
    }

    /** The current row's label. */
    public void label(String name) {
        Integer id = labelIds.get(name);
        if (id == null) {
            id = labelNames.size();
            labelIds.put(name, id);
            labelNames.add(name);
        }
        labels[rows - 1] = id;
    }

    /** The packed rows; arrays are trimmed only when not full. */
    public RawBlock finish() {
        boolean exact = labels.length == rows;
        return new RawBlock(source, recordKind, features, rows, exact ? x : Arrays.copyOf(x, rows * features),
                exact ? labels : Arrays.copyOf(labels, rows), labelNames.toArray(new String[0]),
                exact ? records : Arrays.copyOf(records, rows));
    }

    /**
     * A split's raw blocks, each packed when it is asked for: {@code fill} reads input into a new packer until
     * the packer is full or the input ends (or a reader starts a new block for a new file), and returns it;
     * {@code more} says whether input is left. A split without rows gives one empty block, so that every
     * partition is represented in the {@link LabelCensus}.
     */
    static Iterator<RawBlock> blocks(Supplier<Boolean> more, Supplier<RowPacker> fill) {
        return new Iterator<>() {
            private RawBlock ready;
            private boolean emitted;

            @Override
            public boolean hasNext() {
                while (ready == null && (more.get() || !emitted)) {
                    RawBlock b = fill.get().finish();
                    if (b.rows() > 0 || !emitted) {
                        ready = b;
                        emitted = true;
                    }
                }
                return ready != null;
            }

            @Override
            public RawBlock next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                RawBlock b = ready;
                ready = null;
                return b;
            }
        };
    }
}
