package org.sparkmlp.data;

import java.io.Serializable;

/**
 * One input partition as read, before the split: inputs packed column-major, labels as indices into this
 * partition's own {@link #labelNames} (the global class list is known only once every partition is read),
 * and the record number of every row so that later checks can still name the record.
 */
public final class RawBlock implements Serializable {
    private static final long serialVersionUID = 1L;

    private String source;
    private String recordKind;
    private int features;
    private int rows;
    private double[] x;
    private int[] labels;
    private String[] labelNames;
    private long[] records;

    /** For Kryo. */
    RawBlock() {
    }

    /**
     * @param source the file, as named in messages
     * @param recordKind how records are counted in messages: "line" (CSV, from 1) or "item" (IDX, from 0)
     * @param labels per row, an index into {@code labelNames}; all −1 when the data has no label column
     */
    public RawBlock(String source, String recordKind, int features, int rows, double[] x, int[] labels,
                    String[] labelNames, long[] records) {
        this.source = source;
        this.recordKind = recordKind;
        this.features = features;
        this.rows = rows;
        this.x = x;
        this.labels = labels;
        this.labelNames = labelNames;
        this.records = records;
    }

    public String source() {
        return source;
    }

    public int features() {
        return features;
    }

    public int rows() {
        return rows;
    }

    public double[] x() {
        return x;
    }

    public int[] labels() {
        return labels;
    }

    public String[] labelNames() {
        return labelNames;
    }

    /** "line 17" or "item 3": the record of row r, for messages. */
    public String record(int r) {
        return recordKind + " " + records[r];
    }
}
