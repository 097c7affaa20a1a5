package org.sparkmlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import com.univocity.parsers.csv.UnescapedQuoteHandling;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkmlp.io.ModelFile;

/**
 * Class labels that RFC 4180 CSV and JSON allow but naive writers break — commas, quotes, line breaks, blanks at
 * either end, letters beyond ASCII, HTML's special characters — go through train → evaluate → predict and come
 * back unchanged from every file a run writes: predictions.csv read by a strict CSV parser, model.json,
 * summary.json, metrics.jsonl and evaluation.json by a strict JSON parser, report.html with every label
 * HTML-escaped, and the console's confusion table one line per class.
 *
 * <p>A CSV input cannot hold a line break inside a field (its files are split by lines to be read in parallel,
 * see data.CsvReader), so line breaks come in through a JSON table; a table's text labels are trimmed
 * (data.TableReader), so blanks at the ends come in through CSV.
 */
class AwkwardLabelsRoundTripTest {
    private static final int ROWS_PER_CLASS = 40;

    /** Duplicate keys and trailing content are errors, as they should be for files we write. */
    private static final ObjectMapper STRICT_JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    @TempDir
    Path dir;

    @Test
    void csvLabelsWithCommasQuotesBlanksAndAccentsComeBackFromEveryFile() throws IOException {
        // Each label with its RFC 4180 field as the input file holds it.
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("north, east", "\"north, east\"");
        fields.put("say \"hi\"", "\"say \"\"hi\"\"\"");
        fields.put("  leading", "\"  leading\"");
        fields.put("trailing ", "\"trailing \"");
        fields.put("Zürich", "Zürich");
        fields.put("naïve café", "naïve café");
        fields.put("a<b & 'c'", "a<b & 'c'");
        List<String> labels = new ArrayList<>(fields.keySet());
        StringBuilder csv = new StringBuilder("x,y,label\n");
        for (double[] row : blobs(labels.size())) {
            csv.append(row[0]).append(',').append(row[1]).append(',').append(fields.get(labels.get((int) row[2])))
                    .append('\n');
        }
        Path data = dir.resolve("awkward.csv");
        Files.writeString(data, csv, StandardCharsets.UTF_8);
        roundTrip(data, labels);
    }

    @Test
    void tableLabelsWithLineBreaksComeBackFromEveryFile() throws IOException {
        List<String> labels = List.of("two\nlines", "cr\r\nlf", "north, east", "say \"hi\"", "Zürich",
                "tab\there");
        StringBuilder json = new StringBuilder();
        for (double[] row : blobs(labels.size())) {
            ObjectNode line = STRICT_JSON.createObjectNode();
            line.put("x", row[0]);
            line.put("y", row[1]);
            line.put("label", labels.get((int) row[2]));
            json.append(STRICT_JSON.writeValueAsString(line)).append('\n');
        }
        Path data = dir.resolve("awkward.jsonl");
        Files.writeString(data, json, StandardCharsets.UTF_8);
        roundTrip(data, labels, "--label-column", "label");
    }

    /** Trains on {@code data}, evaluates and predicts with the model, and checks every file against {@code labels}. */
    private void roundTrip(Path data, List<String> labels, String... dataOptions) throws IOException {
        int rows = labels.size() * ROWS_PER_CLASS;
        Path run = dir.resolve("run");
        CliRun train = CliRun.of(args(data, dataOptions, "train", "--hidden", "8", "--epochs", "2", "--batch-size",
                "8", "--lr", "1", "--lr-schedule", "constant", "--master", "local[2]", "--out", run.toString()));
        assertEquals(ExitCode.OK, train.code(), train.err());

        // model.json: the classes, every one exactly as in the data.
        List<String> classes = ModelFile.read(run.resolve("model.json")).classes();
        assertEquals(new HashSet<>(labels), new HashSet<>(classes));
        assertEquals(labels.size(), classes.size());
        JsonNode model = STRICT_JSON.readTree(run.resolve("model.json").toFile());
        assertEquals(classes, strings(model.get("classes")));

        // summary.json: the classes, and the test set's per-class figures named by them.
        JsonNode summary = STRICT_JSON.readTree(run.resolve("summary.json").toFile());
        assertEquals(classes, strings(summary.get("classes")));
        List<String> perClass = new ArrayList<>();
        summary.get("test_per_class").forEach(c -> perClass.add(c.get("class").textValue()));
        assertEquals(classes, perClass);

        // metrics.jsonl: one JSON object per line (it names no class).
        List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"), StandardCharsets.UTF_8);
        assertEquals(2, metrics.size());
        for (String line : metrics) {
            assertTrue(STRICT_JSON.readTree(line).isObject(), line);
        }

        // report.html: each class HTML-escaped in the confusion and per-class tables, and quoted in the list.
        String html = Files.readString(run.resolve("report.html"), StandardCharsets.UTF_8);
        for (String c : classes) {
            assertTrue(html.contains("<th>" + escape(c) + "</th>"), "report.html lacks the escaped class " + c);
        }
        assertFalse(html.contains("a<b"), "a class in report.html unescaped");
        assertEquals(classes, headings(table(html, "confusion").substring(0, table(html, "confusion").indexOf("<tbody>")))
                .subList(1, classes.size() + 1));
        assertEquals(classes, rowHeadings(table(html, "confusion")));
        assertEquals(classes, rowHeadings(table(html, "per-class")));
        for (String c : classes) {
            if (c.contains(",") || c.contains("\"") || c.contains("\n") || !c.equals(c.strip())) {
                assertTrue(html.contains(escape(STRICT_JSON.writeValueAsString(c))),
                        "the classes' list in report.html does not quote " + c);
            }
        }

        // evaluate: the console's table keeps one line per class; evaluation.json names the classes.
        Path evaluated = dir.resolve("evaluated");
        CliRun evaluate = CliRun.of(args(data, dataOptions, "evaluate", "--model", run.resolve("model.json").toString(),
                "--master", "local[2]", "--out", evaluated.toString()));
        assertEquals(ExitCode.OK, evaluate.code(), evaluate.err());
        String table = evaluate.out().substring(evaluate.out().indexOf("confusion matrix"),
                evaluate.out().indexOf("wrote "));
        List<String> tableLines = table.lines().toList();
        assertEquals(classes.size() + 2, tableLines.size(), table);
        for (int t = 0; t < classes.size(); t++) {
            String shown = UseModelCommand.shown(classes.get(t));
            assertTrue(tableLines.get(1).contains(shown), "column " + shown + " in " + table);
            assertTrue(tableLines.get(t + 2).strip().startsWith(shown), "row " + shown + " in " + table);
        }
        JsonNode evaluation = STRICT_JSON.readTree(evaluated.resolve("evaluation.json").toFile());
        assertEquals(classes, strings(evaluation.get("classes")));
        assertEquals(rows, evaluation.get("rows").asInt());

        // predict: predictions.csv read back by a strict RFC 4180 parser.
        Path predicted = dir.resolve("predicted");
        CliRun predict = CliRun.of(args(data, dataOptions, "predict", "--model", run.resolve("model.json").toString(),
                "--master", "local[2]", "--out", predicted.toString()));
        assertEquals(ExitCode.OK, predict.code(), predict.err());
        assertTrue(predict.out().contains("(" + rows + " rows)"), predict.out());
        List<String[]> records = strictCsv(predicted.resolve("predictions.csv"));
        List<String> header = new ArrayList<>(List.of("predicted"));
        classes.forEach(c -> header.add("p_" + c));
        assertEquals(header, List.of(records.get(0)));
        assertEquals(rows + 1, records.size(), "a header and a record per input row");
        Map<String, Long> predictedCounts = new HashMap<>();
        for (String[] record : records.subList(1, records.size())) {
            assertEquals(header.size(), record.length, () -> "fields of " + List.of(record));
            assertTrue(classes.contains(record[0]), () -> "predicted class '" + record[0] + "' is not a class");
            double sum = 0;
            for (int c = 1; c < record.length; c++) {
                sum += Double.parseDouble(record[c]);
            }
            assertEquals(1.0, sum, 1e-9);
            predictedCounts.merge(record[0], 1L, Long::sum);
        }
        assertEquals(new HashSet<>(classes), predictedCounts.keySet(), "every class is predicted somewhere");
        // The same model on the same rows: evaluate's predicted columns count what predict wrote.
        for (int p = 0; p < classes.size(); p++) {
            long column = 0;
            for (JsonNode row : evaluation.get("confusion")) {
                column += row.get(p).asLong();
            }
            assertEquals(column, predictedCounts.getOrDefault(classes.get(p), 0L), "predicted as " + classes.get(p));
        }
    }

    private static String[] args(Path data, String[] dataOptions, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.add("--data");
        args.add(data.toString());
        args.addAll(List.of(dataOptions));
        return args.toArray(String[]::new);
    }

    /** Rows of {@code (x, y, class)}: {@code k} well separated Gaussian blobs on a circle, classes interleaved. */
    private static List<double[]> blobs(int k) {
        Random random = new Random(42);
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < ROWS_PER_CLASS; i++) {
            for (int c = 0; c < k; c++) {
                double angle = 2 * Math.PI * c / k;
                rows.add(new double[] {3 * Math.cos(angle) + 0.3 * random.nextGaussian(),
                        3 * Math.sin(angle) + 0.3 * random.nextGaussian(), c});
            }
        }
        return rows;
    }

    /**
     * Every record of an RFC 4180 file, parsed strictly by univocity: nothing trimmed or normalised, a stray
     * quote in a quoted field is an error, every record has as many fields as the header, and — what parsers
     * let pass — a field that holds a comma, a quote or a line break, or has blanks at an end, must be quoted.
     */
    private static List<String[]> strictCsv(Path file) throws IOException {
        CsvParserSettings s = new CsvParserSettings();
        s.getFormat().setDelimiter(',');
        s.getFormat().setQuote('"');
        s.getFormat().setQuoteEscape('"');
        s.getFormat().setLineSeparator("\n");
        s.setLineSeparatorDetectionEnabled(false);
        s.setUnescapedQuoteHandling(UnescapedQuoteHandling.RAISE_ERROR);
        s.setIgnoreLeadingWhitespaces(false);
        s.setIgnoreTrailingWhitespaces(false);
        s.setIgnoreLeadingWhitespacesInQuotes(false);
        s.setIgnoreTrailingWhitespacesInQuotes(false);
        s.setNormalizeLineEndingsWithinQuotes(false);
        s.setCommentProcessingEnabled(false);
        s.setSkipEmptyLines(false);
        s.setKeepQuotes(true); // a quoted field comes with its quotes (and its inner quotes unescaped)
        s.setMaxCharsPerColumn(-1);
        s.setNullValue("");
        s.setEmptyValue("");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\n"), "the last record ends with a line break");
        List<String[]> records;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            records = new CsvParser(s).parseAll(in);
        }
        for (String[] r : records) {
            assertEquals(records.get(0).length, r.length, () -> "a record of another width: " + List.of(r));
            for (int f = 0; f < r.length; f++) {
                String field = r[f];
                if (field.length() >= 2 && field.startsWith("\"") && field.endsWith("\"")) {
                    r[f] = field.substring(1, field.length() - 1);
                } else {
                    assertFalse(field.matches("(?s).*[\",\r\n].*") || !field.equals(field.trim()),
                            () -> "field '" + field + "' is not quoted");
                }
            }
        }
        return records;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> {
            assertTrue(e.isTextual(), e.toString());
            out.add(e.textValue());
        });
        return out;
    }

    /** HTML escaping as report.html's: the five special characters as references. */
    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&amp;", "&");
    }

    private static String table(String html, String id) {
        int start = html.indexOf("<table id=\"" + id + "\"");
        assertTrue(start >= 0, "no table " + id);
        return html.substring(start, html.indexOf("</table>", start));
    }

    /** The text of every {@code <th>} cell, unescaped. */
    private static List<String> headings(String html) {
        List<String> out = new ArrayList<>();
        Matcher th = Pattern.compile("<th>([^<]*)</th>").matcher(html);
        while (th.find()) {
            out.add(unescape(th.group(1)));
        }
        return out;
    }

    /** The heading of each body row. */
    private static List<String> rowHeadings(String table) {
        List<String> out = new ArrayList<>();
        Matcher row = Pattern.compile("<tr><th>([^<]*)</th>").matcher(table.substring(table.indexOf("<tbody>")));
        while (row.find()) {
            out.add(unescape(row.group(1)));
        }
        return out;
    }
}
