package org.sparkmlp.data;

import com.univocity.parsers.common.TextParsingException;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * Reads delimited text: one record per line; a line with a comma is parsed as RFC 4180 CSV (fields may be
 * quoted with {@code "}, a quote inside a quoted field doubled, blanks around fields ignored, blanks inside the
 * quotes kept) by univocity's parser, which ships with Spark SQL; a line without one is split on runs of spaces
 * and tabs. The label is in the column {@link LabelColumn} names (by position, or by a header name); an
 * optional header line; plain or compressed (.gz, .bz2) files, a directory of them, or a glob. Every record is
 * checked while it is packed: field count, numbers that parse and are finite, a label that is not empty; the
 * first bad record ends the read with its file and line. A quoted field cannot span lines: files are split by
 * lines for parallel reading.
 */
public final class CsvReader {
    /** Whether the first line of each file is a header: yes, no, or when none of its inputs is a number. */
    public enum Header { AUTO, TRUE, FALSE }

    private CsvReader() {
    }

    /**
     * What the driver learns from the first file with a record: its width, and the header's names (null when
     * that file has no header line).
     */
    public record Layout(List<String> files, int width, String firstFile, List<String> names) {
        public Layout(List<String> files, int width, String firstFile) {
            this(files, width, firstFile, null);
        }
    }

    /**
     * Lists the files and reads the first record on the driver, so that every executor checks records
     * against the same width.
     */
    public static Layout layout(JavaSparkContext sc, String path, Header header) {
        Configuration conf = sc.hadoopConfiguration();
        List<String> files = TextFiles.listFiles(conf, path);
        CsvParser parser = parser(1 << 16);
        String headerOnly = null;
        for (String file : files) {
            List<String> names = null;
            try (BufferedReader in = TextFiles.open(conf, file)) {
                String line;
                long lineNumber = 0;
                while ((line = in.readLine()) != null) {
                    lineNumber++;
                    line = withoutByteOrderMark(line, lineNumber);
                    if (line.isBlank()) {
                        continue;
                    }
                    String[] fields = split(parser, line, TextFiles.displayName(file), lineNumber);
                    if (lineNumber == 1 && isHeader(fields, header, -1)) {
                        names = Arrays.stream(fields).map(String::trim).toList();
                        headerOnly = file;
                        continue;
                    }
                    return new Layout(files, fields.length, file, names);
                }
            } catch (IOException e) {
                throw new DataFormatException(TextFiles.displayName(file), null, "cannot be read: " + e.getMessage());
            }
        }
        if (files.size() == 1 && headerOnly != null) {
            throw new DataFormatException(TextFiles.displayName(headerOnly), null, "has a header line but no records");
        }
        throw new DataFormatException(files.size() == 1 ? TextFiles.displayName(files.get(0)) : path, null,
                "holds no records");
    }

    /**
     * Reads every file into packed raw blocks: each input split as a sequence of blocks of at most
     * {@link Block#rowsFor} rows, parsed as they are asked for.
     *
     * @param label the label's column by position ({@link LabelColumn#byName} resolved first), or none
     * @param features how many input fields a record must have (its width less the label, if any)
     */
    public static JavaRDD<RawBlock> read(JavaSparkContext sc, Layout layout, LabelColumn label, Header header,
                                         int features, int minPartitions) {
        return read(sc, layout, label, header, features, minPartitions, Block.rowsFor(features));
    }

    static JavaRDD<RawBlock> read(JavaSparkContext sc, Layout layout, LabelColumn label, Header header,
                                  int features, int minPartitions, int rowsPerBlock) {
        int width = features + (label.present() ? 1 : 0);
        int labelIndex = label.resolve(width);
        if (labelIndex >= width) {
            throw new DataFormatException(TextFiles.displayName(layout.firstFile()), null, "{label-column} "
                    + labelIndex + " is past the last of the " + width + " fields (columns count from 0)");
        }
        return TextFiles.read(sc, layout.files(), minPartitions,
                name -> lines -> pack(name, lines, width, labelIndex, header, rowsPerBlock));
    }

    /**
     * Packs one split's lines (numbered from 0, in order) into raw blocks of at most {@code rowsPerBlock} rows,
     * each parsed when it is asked for; a split without records gives one empty block.
     */
    static Iterator<RawBlock> pack(String file, Iterator<Tuple2<String, Long>> lines, int width, int labelIndex,
                                   Header header, int rowsPerBlock) {
        int features = labelIndex >= 0 ? width - 1 : width;
        CsvParser parser = parser(width);
        return RowPacker.blocks(lines::hasNext, () -> fill(file, parser, lines, width, labelIndex, header,
                new RowPacker(file, "line", features, rowsPerBlock)));
    }

    /** Parses lines until the packer is full or the lines end. */
    private static RowPacker fill(String file, CsvParser parser, Iterator<Tuple2<String, Long>> lines, int width,
                                  int labelIndex, Header header, RowPacker packer) {
        while (!packer.full() && lines.hasNext()) {
            Tuple2<String, Long> t = lines.next();
            long lineNumber = t._2() + 1;
            String line = withoutByteOrderMark(t._1(), lineNumber);
            if (line.isBlank()) {
                continue;
            }
            String[] fields = split(parser, line, file, lineNumber);
            if (lineNumber == 1 && isHeader(fields, header, labelIndex)) {
                continue;
            }
            if (fields.length != width) {
                throw new DataFormatException(file, "line " + lineNumber, "expected " + width + " fields, found "
                        + fields.length);
            }
            double[] row = packer.nextRow(lineNumber);
            int column = 0;
            for (int f = 0; f < width; f++) {
                if (f == labelIndex) {
                    // As the parser gives it: blanks around a field are gone, blanks inside quotes kept.
                    String labelText = fields[f];
                    if (labelText.trim().isEmpty()) {
                        throw new DataFormatException(file, "line " + lineNumber, "the label (field " + (f + 1)
                                + ") is empty");
                    }
                    packer.label(labelText);
                } else {
                    row[packer.offset() + column++] = parse(fields[f], file, lineNumber, f);
                }
            }
        }
        return packer;
    }

    private static double parse(String field, String file, long line, int f) {
        String s = field.trim();
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new DataFormatException(file, "line " + line, "field " + (f + 1) + " '" + abbreviate(s)
                    + "' is not a number");
        }
        if (!Double.isFinite(v)) {
            throw new DataFormatException(file, "line " + line, "field " + (f + 1) + " '" + abbreviate(s)
                    + "' is not a finite number");
        }
        return v;
    }

    /** A parser for lines of up to about {@code width} fields (more are reported, not parsed). */
    private static CsvParser parser(int width) {
        CsvParserSettings s = new CsvParserSettings();
        s.getFormat().setDelimiter(',');
        s.getFormat().setQuote('"');
        s.getFormat().setQuoteEscape('"');
        s.getFormat().setLineSeparator("\n");
        s.setIgnoreLeadingWhitespaces(true);
        s.setIgnoreTrailingWhitespaces(true);
        s.setNullValue("");
        s.setEmptyValue("");
        s.setMaxColumns(2 * width + 16);
        s.setMaxCharsPerColumn(-1);
        s.setCommentProcessingEnabled(false);
        s.setSkipEmptyLines(false);
        return new CsvParser(s);
    }

    /**
     * A line's fields: RFC 4180 when it has a comma, else runs of blanks; an unbalanced quote is an error (a
     * quoted field would continue on the next line).
     */
    static String[] split(CsvParser parser, String line, String file, long lineNumber) {
        if (line.indexOf(',') < 0) {
            return line.trim().split("[ \t]+");
        }
        if (line.indexOf('"') >= 0 && line.chars().filter(c -> c == '"').count() % 2 != 0) {
            throw new DataFormatException(file, "line " + lineNumber, "a quoted field is not closed on its line"
                    + " (fields cannot span lines)");
        }
        try {
            String[] fields = parser.parseLine(line);
            return fields == null ? new String[] {""} : fields;
        } catch (TextParsingException e) {
            throw new DataFormatException(file, "line " + lineNumber, "cannot be parsed as CSV: "
                    + TextFiles.firstLine(e.getMessage()));
        }
    }

    /** A UTF-8 byte-order mark, which some tools write at the start of a file, is not part of the first field. */
    private static String withoutByteOrderMark(String line, long lineNumber) {
        return lineNumber == 1 && line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    private static boolean isHeader(String[] fields, Header header, int labelIndex) {
        if (header != Header.AUTO) {
            return header == Header.TRUE;
        }
        for (int f = 0; f < fields.length; f++) {
            if (f == labelIndex) {
                continue;
            }
            try {
                Double.parseDouble(fields[f].trim());
                return false;
            } catch (NumberFormatException e) {
                // not a number: still a header candidate
            }
        }
        return true;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /** A file as users typed it: local paths without the file: scheme. */
    static String displayName(String file) {
        return TextFiles.displayName(file);
    }
}
