package org.sparkmlp.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * Reads the LIBSVM text format (Spark ML's sample format): one record per line, {@code label index:value
 * index:value …}, indices counting from 1 and strictly ascending, absent indices meaning 0; anything after a
 * {@code #} is a comment; blank lines are skipped. The label is a number: an integral one is named as an
 * integer ("3" for 3, 3.0 or +3), so LIBSVM files exported with labels like 3.0 give the same classes as CSV.
 *
 * <p>The number of inputs is given ({@code --features N}, or a model's inputs), so that a training and a test
 * file agree whatever indices they happen to use; without it, a first pass finds the largest index. Every
 * record is checked: an index that is not a positive whole number, not above its predecessor, or beyond the
 * number of inputs; a value that is not a finite number; a missing or non-numeric label.
 */
public final class LibsvmReader {
    private LibsvmReader() {
    }

    /**
     * The largest index in the files: one pass over the lines that returns each split's largest index and
     * the first data error, as values. Throws that error, naming file and line, on the driver.
     */
    public static int dimension(JavaSparkContext sc, List<String> files, int minPartitions) {
        int perFile = Math.max(1, minPartitions / files.size());
        int max = 0;
        for (String file : files) {
            String name = TextFiles.displayName(file);
            List<Object> parts = sc.textFile(file, perFile).zipWithIndex().mapPartitions(lines -> {
                List<Object> out = new ArrayList<>();
                int largest = 0;
                try {
                    while (lines.hasNext()) {
                        Tuple2<String, Long> t = lines.next();
                        Record r = parseLine(name, t._1(), t._2() + 1, Integer.MAX_VALUE);
                        if (r != null && r.indices.length > 0) {
                            largest = Math.max(largest, r.indices[r.indices.length - 1]);
                        }
                    }
                } catch (Exception e) {
                    DataFormatException data = ReadGuard.dataError(e, name);
                    if (data == null) {
                        throw e;
                    }
                    out.add(data.template());
                }
                out.add(largest);
                return out.iterator();
            }).collect();
            for (Object o : parts) {
                if (o instanceof String message) {
                    throw new DataFormatException(message);
                }
                max = Math.max(max, (Integer) o);
            }
        }
        if (max == 0) {
            throw new DataFormatException(TextFiles.displayName(files.get(0)), null,
                    "holds no records with an index:value pair, so the number of inputs is unknown (give {features} N)");
        }
        return max;
    }

    /** Reads every file into raw blocks of {@code features} inputs; see {@link CsvReader#read} for the splits. */
    /**
     * Reads every file into raw blocks of {@code features} inputs, split as text files are ({@link TextFiles}).
     *
     * @param limit what fixed the number of inputs, for messages: "--features 64", "the model's 64 inputs"
     */
    public static JavaRDD<RawBlock> read(JavaSparkContext sc, List<String> files, int features, String limit,
                                         int minPartitions) {
        int rowsPerBlock = Block.rowsFor(features);
        return TextFiles.read(sc, files, minPartitions,
                name -> lines -> pack(name, lines, features, limit, rowsPerBlock));
    }

    static Iterator<RawBlock> pack(String file, Iterator<Tuple2<String, Long>> lines, int features, String limit,
                                   int rowsPerBlock) {
        return RowPacker.blocks(lines::hasNext, () -> {
            RowPacker packer = new RowPacker(file, "line", features, rowsPerBlock);
            while (!packer.full() && lines.hasNext()) {
                Tuple2<String, Long> t = lines.next();
                long lineNumber = t._2() + 1;
                Record r = parseLine(file, t._1(), lineNumber, Integer.MAX_VALUE);
                if (r == null) {
                    continue;
                }
                double[] row = packer.nextRow(lineNumber);
                int at = packer.offset();
                for (int k = 0; k < r.indices.length; k++) {
                    int index = r.indices[k];
                    if (index > features) {
                        throw new DataFormatException(file, "line " + lineNumber, "index " + index + " is beyond " + limit
                                + " (indices count from 1)");
                    }
                    row[at + index - 1] = r.values[k];
                }
                packer.label(r.label);
            }
            return packer;
        });
    }

    /** One parsed record. */
    private record Record(String label, int[] indices, double[] values) {
    }

    /** Parses a line; null for a blank or comment-only line. */
    private static Record parseLine(String file, String text, long lineNumber, int limit) {
        int hash = text.indexOf('#');
        String line = (hash >= 0 ? text.substring(0, hash) : text).trim();
        if (line.isEmpty()) {
            return null;
        }
        String record = "line " + lineNumber;
        String[] tokens = line.split("[ \t]+");
        String labelText = tokens[0];
        if (labelText.indexOf(':') >= 0) {
            throw new DataFormatException(file, record, "the label is empty (the line starts with '"
                    + abbreviate(labelText) + "')");
        }
        double label;
        try {
            label = Double.parseDouble(labelText);
        } catch (NumberFormatException e) {
            throw new DataFormatException(file, record, "label '" + abbreviate(labelText) + "' is not a number");
        }
        if (!Double.isFinite(label)) {
            throw new DataFormatException(file, record, "label '" + abbreviate(labelText) + "' is not a finite number");
        }
        int[] indices = new int[tokens.length - 1];
        double[] values = new double[tokens.length - 1];
        for (int k = 1; k < tokens.length; k++) {
            String token = tokens[k];
            int colon = token.indexOf(':');
            if (colon < 0) {
                throw new DataFormatException(file, record, "'" + abbreviate(token) + "' is not index:value");
            }
            String indexText = token.substring(0, colon);
            long index;
            try {
                index = Long.parseLong(indexText);
            } catch (NumberFormatException e) {
                throw new DataFormatException(file, record, "index '" + abbreviate(indexText)
                        + "' is not a whole number");
            }
            if (index <= 0) {
                throw new DataFormatException(file, record, "index " + index + " is not positive (indices count"
                        + " from 1)");
            }
            if (index > limit) {
                throw new DataFormatException(file, record, "index " + index + " is too large");
            }
            if (k > 1 && index <= indices[k - 2]) {
                throw new DataFormatException(file, record, index == indices[k - 2]
                        ? "index " + index + " appears twice"
                        : "index " + index + " follows index " + indices[k - 2] + " (indices must be ascending)");
            }
            String valueText = token.substring(colon + 1);
            double value;
            try {
                value = Double.parseDouble(valueText);
            } catch (NumberFormatException e) {
                throw new DataFormatException(file, record, "value '" + abbreviate(valueText) + "' of index "
                        + index + " is not a number");
            }
            if (!Double.isFinite(value)) {
                throw new DataFormatException(file, record, "value '" + abbreviate(valueText) + "' of index "
                        + index + " is not a finite number");
            }
            indices[k - 1] = (int) index;
            values[k - 1] = value;
        }
        return new Record(labelName(label), indices, values);
    }

    /** An integral label as an integer ("3"), any other as Java prints the double. */
    static String labelName(double label) {
        if (label == Math.rint(label) && Math.abs(label) < 1e18) {
            return Long.toString((long) label);
        }
        return Double.toString(label);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
