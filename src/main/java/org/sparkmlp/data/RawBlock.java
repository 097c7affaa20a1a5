package org.sparkmlp.data;

import java.io.Serializable;

/**
 * A bounded run of rows of one input partition as read, before the split: inputs packed column-major (row
 * r's features at {@code r·features …}), labels as indices into this block's own {@link #labelNames}
 * (the global class list is known only once every block is read), and the record number of every row so
 * that later checks can still name the record. An input partition is read as a sequence of raw blocks of at
 * most {@link Block#rowsFor} rows each, so no array grows with the partition.
 *
 * <p>Inputs are held as read: doubles for text, or the unsigned bytes of IDX pixels (an eighth of the memory
 * of doubles, and of the shuffle). {@link #value} and {@link #copyRow} read either as doubles.
 */
public final class RawBlock implements Serializable {
    private static final long serialVersionUID = 1L;

    private String source;
    private String recordKind;
    private int features;
    private int rows;
    private double[] x;
    private byte[] pixels;
    private int[] labels;
    private String[] labelNames;
    private long[] records;
    /** A data error met while reading, as a value: the one-line message; null for a block of rows. */
    private String error;

    /** For Kryo. */
    RawBlock() {
    }

    /**
     * Inputs as doubles.
     *
     * @param source the file, as named in messages
     * @param recordKind how records are counted in messages: "line" (CSV, from 1) or "item" (IDX, from 0)
     * @param labels per row, an index into {@code labelNames}; all −1 when the data has no label column
     */
    public RawBlock(String source, String recordKind, int features, int rows, double[] x, int[] labels,
                    String[] labelNames, long[] records) {
        this(source, recordKind, features, rows, x, null, labels, labelNames, records);
    }

    private RawBlock(String source, String recordKind, int features, int rows, double[] x, byte[] pixels,
                     int[] labels, String[] labelNames, long[] records) {
        this.source = source;
        this.recordKind = recordKind;
        this.features = features;
        this.rows = rows;
        this.x = x;
        this.pixels = pixels;
        this.labels = labels;
        this.labelNames = labelNames;
        this.records = records;
    }

    /**
     * The error that ended a read, carried as a value instead of a failed task: a deterministic data error
     * would fail every retry of the task, and print the executor's stack trace each time. The block holds no
     * rows; {@link LabelCensus} reports the first such block on the driver.
     */
    static RawBlock failure(DataFormatException e) {
        RawBlock b = new RawBlock("", "", 0, 0, new double[0], null, new int[0], new String[0], new long[0]);
        b.error = e.template();
        return b;
    }

    /** The message of a {@link #failure} block, or null. */
    String error() {
        return error;
    }

    /** Inputs as unsigned bytes (IDX pixels, 0 … 255). */
    public static RawBlock ofPixels(String source, String recordKind, int features, int rows, byte[] pixels,
                                    int[] labels, String[] labelNames, long[] records) {
        return new RawBlock(source, recordKind, features, rows, null, pixels, labels, labelNames, records);
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

    /** Feature f of row r. */
    public double value(int r, int f) {
        int i = r * features + f;
        return x != null ? x[i] : pixels[i] & 0xff;
    }

    /** Row r's inputs as doubles into {@code into} from {@code offset}. */
    public void copyRow(int r, double[] into, int offset) {
        int from = r * features;
        if (x != null) {
            System.arraycopy(x, from, into, offset, features);
        } else {
            for (int f = 0; f < features; f++) {
                into[offset + f] = pixels[from + f] & 0xff;
            }
        }
    }

    /** Whether inputs are held as unsigned bytes. */
    boolean holdsPixels() {
        return pixels != null;
    }

    /** The stored inputs: the double array, or null for pixels. */
    double[] doubles() {
        return x;
    }

    /** The stored pixels, or null for doubles. */
    byte[] pixels() {
        return pixels;
    }

    /** How many inputs the storage array holds (rows × features once packed). */
    int storedValues() {
        return x != null ? x.length : pixels.length;
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
