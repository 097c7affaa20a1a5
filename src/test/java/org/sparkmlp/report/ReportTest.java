package org.sparkmlp.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report against the files it is built from: a real run's output (src/test/resources/report/digits-run:
 * the bundled digits, hidden 8, 5 epochs, written by the train command) is copied to a temporary directory, the
 * report is built there, and the page is parsed back with a few regular expressions — the values it holds are
 * compared with those read from the run files by Jackson, not with anything the report code computed.
 */
class ReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FIELDS = List.of("steps", "lr", "train_loss", "train_accuracy", "val_loss",
            "val_accuracy", "seconds", "gc_seconds");

    @TempDir
    Path dir;

    /** The fixture run's files, copied into {@code dir}. */
    private void copyRun(String... names) throws IOException {
        for (String name : names) {
            try (InputStream in = ReportTest.class.getResourceAsStream("/report/digits-run/" + name)) {
                assertNotNull(in, name);
                Files.copy(in, dir.resolve(name));
            }
        }
    }

    private String html() throws IOException {
        return Files.readString(dir.resolve(Report.HTML), StandardCharsets.UTF_8);
    }

    @Test
    void pageHoldsEveryEpochsNumbersAsMetricsJsonlHasThem() throws IOException {
        copyRun("metrics.jsonl", "summary.json", "model.json");
        Report.write(dir);
        Map<Integer, Map<String, String>> rows = epochRows(html());
        List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
        assertEquals(5, lines.size());
        assertEquals(lines.size(), rows.size());
        for (String line : lines) {
            JsonNode expected = JSON.readTree(line);
            Map<String, String> row = rows.get(expected.get("epoch").asInt());
            assertNotNull(row, "no row for " + line);
            for (String field : FIELDS) {
                JsonNode v = expected.get(field);
                String cell = row.get(field);
                assertNotNull(cell, field);
                if (v.isNull()) {
                    assertEquals("", cell, field);
                } else {
                    assertEquals(v.doubleValue(), Double.parseDouble(cell), 0.0, "epoch " + expected.get("epoch") + " " + field);
                }
            }
        }
    }

    @Test
    void pageHoldsTheTestConfusionMatrixAndPerClassFiguresOfSummaryJson() throws IOException {
        copyRun("metrics.jsonl", "summary.json", "model.json");
        Report.write(dir);
        String html = html();
        JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
        List<String> classes = new ArrayList<>();
        summary.get("classes").forEach(c -> classes.add(c.asText()));

        Map<String, List<Long>> confusion = confusionRows(table(html, "confusion"));
        assertEquals(classes, new ArrayList<>(confusion.keySet()));
        long total = 0;
        for (int t = 0; t < classes.size(); t++) {
            List<Long> expected = new ArrayList<>();
            summary.get("test_confusion").get(t).forEach(n -> expected.add(n.asLong()));
            assertEquals(expected, confusion.get(classes.get(t)), "row of class " + classes.get(t));
            total += expected.stream().mapToLong(Long::longValue).sum();
        }
        assertEquals(summary.get("rows").get("test").asLong(), total, "the matrix counts every test row");

        Matcher row = Pattern.compile("<tr><th>([^<]*)</th>(.*?)</tr>").matcher(body(table(html, "per-class")));
        int c = 0;
        for (; row.find(); c++) {
            JsonNode expected = summary.get("test_per_class").get(c);
            assertEquals(expected.get("class").asText(), unescape(row.group(1)));
            Map<String, String> cells = cells(row.group(2));
            for (String field : List.of("precision", "recall", "support")) {
                assertEquals(expected.get(field).doubleValue(), Double.parseDouble(cells.get(field)), 0.0,
                        "class " + expected.get("class") + " " + field);
            }
        }
        assertEquals(classes.size(), c);
        assertTrue(html.contains(String.format("%.4f", summary.get("test_accuracy").asDouble())), "test accuracy shown");
        assertTrue(html.contains("Finished"), "status");
    }

    @Test
    void chartsAreDecodablePngsOfTheStatedSizeBesideThePageAndEmbeddedInIt() throws IOException {
        copyRun("metrics.jsonl", "summary.json", "model.json");
        List<Path> written = Report.write(dir);
        assertEquals(List.of(Report.LOSS_PNG, Report.ACCURACY_PNG, Report.LEARNING_RATE_PNG, Report.HTML),
                written.stream().map(p -> p.getFileName().toString()).toList(), "the charts, then the page");
        List<byte[]> embedded = new ArrayList<>();
        Matcher uri = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html());
        while (uri.find()) {
            embedded.add(Base64.getDecoder().decode(uri.group(1)));
        }
        assertEquals(3, embedded.size());
        for (int i = 0; i < 3; i++) {
            byte[] file = Files.readAllBytes(written.get(i));
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(file));
            assertNotNull(image, written.get(i) + " is not an image ImageIO reads");
            assertEquals(Charts.WIDTH, image.getWidth());
            assertEquals(Charts.HEIGHT, image.getHeight());
            assertTrue(colours(image) > 4, written.get(i) + " has curves, not a blank");
            assertArrayEquals(file, embedded.get(i), "the embedded chart is the file beside the page");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("accuracy.png", "learning-rate.png", "loss.png", "metrics.jsonl", "model.json",
                    "report.html", "summary.json"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary file left");
        }
    }

    @Test
    void pageIsSelfContainedWithoutScriptOrAnythingFetched() throws IOException {
        copyRun("metrics.jsonl", "summary.json", "model.json");
        Report.write(dir);
        String html = html();
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.contains("<link"), "no stylesheet to fetch");
        assertFalse(Pattern.compile("(src|href)=\"(https?:|//)").matcher(html).find(), "nothing from the network");
        assertFalse(html.contains("url("), "no CSS resource");
    }

    @Test
    void interruptedRunWithMetricsOnlyStillGetsItsCurvesAndTable() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/report/digits-run/metrics.jsonl"));
        Files.write(dir.resolve("metrics.jsonl"), lines.subList(0, 2));
        Report.write(dir);
        String html = html();
        assertEquals(2, epochRows(html).size());
        assertTrue(html.contains("Not finished"), "says the run did not finish");
        assertFalse(html.contains("id=\"confusion\""), "no test results to show");
        for (String png : List.of(Report.LOSS_PNG, Report.ACCURACY_PNG, Report.LEARNING_RATE_PNG)) {
            assertNotNull(ImageIO.read(dir.resolve(png).toFile()), png);
        }
    }

    @Test
    void stepLinesOfLogEveryAreLeftOutOfTheEpochTable() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/report/digits-run/metrics.jsonl"));
        List<String> mixed = new java.util.ArrayList<>();
        for (String line : lines.subList(0, 3)) {
            mixed.add("{\"event\":\"step\",\"epoch\":1,\"step_in_epoch\":10,\"step\":10,\"rows\":32,\"lr\":0.2,"
                    + "\"loss\":1.5,\"running_loss\":1.7,\"seconds\":0.5}");
            mixed.add(line.replaceFirst("\\{", "{\"event\":\"epoch\","));
        }
        Files.write(dir.resolve("metrics.jsonl"), mixed);
        Report.write(dir);
        assertEquals(3, epochRows(html()).size());
    }

    @Test
    void runWithoutValidationSetShowsGapsNotZeros() throws IOException {
        Files.writeString(dir.resolve("metrics.jsonl"),
                "{\"epoch\":1,\"steps\":10,\"lr\":0.1,\"train_loss\":0.9,\"train_accuracy\":0.6,\"val_loss\":null,"
                        + "\"val_accuracy\":null,\"seconds\":1.5,\"gc_seconds\":0.0}\n"
                        + "{\"epoch\":2,\"steps\":20,\"lr\":0.1,\"train_loss\":0.5,\"train_accuracy\":0.8,\"val_loss\":null,"
                        + "\"val_accuracy\":null,\"seconds\":1.25,\"gc_seconds\":0.0,\"a_field_from_later\":1}\n");
        Report.write(dir);
        Map<String, String> second = epochRows(html()).get(2);
        assertEquals("", second.get("val_loss"));
        assertEquals("0.5", second.get("train_loss"));
    }

    @Test
    void noEpochYetOrOneEpochWithAConstantRateStillGiveChartsOfTheStatedSize() throws IOException {
        Files.writeString(dir.resolve("metrics.jsonl"), "");
        Report.write(dir);
        assertTrue(html().contains("No epoch has ended yet"), "says why the charts are empty");
        Files.writeString(dir.resolve("metrics.jsonl"), "{\"epoch\":1,\"steps\":3,\"lr\":0.1,\"train_loss\":0.7,"
                + "\"train_accuracy\":0.5,\"val_loss\":0.6,\"val_accuracy\":0.5,\"seconds\":1.0,\"gc_seconds\":0.0}\n");
        Report.write(dir);
        assertEquals(1, epochRows(html()).size());
        for (String png : List.of(Report.LOSS_PNG, Report.ACCURACY_PNG, Report.LEARNING_RATE_PNG)) {
            BufferedImage image = ImageIO.read(dir.resolve(png).toFile());
            assertEquals(Charts.WIDTH, image.getWidth(), png);
            assertEquals(Charts.HEIGHT, image.getHeight(), png);
        }
    }

    @Test
    void everyTextFromTheRunFilesIsEscaped() throws IOException {
        String evil = "</td><script>alert('x')</script><b a=\"1\">&amp;";
        Files.writeString(dir.resolve("summary.json"), "{\"epochs\": 0, \"test_accuracy\": 0.5, \"test_loss\": 1.0,"
                + " \"classes\": [\"<i>\", \"a&b\"], \"test_confusion\": [[1, 1], [0, 2]],"
                + " \"options\": {\"data\": " + JSON.writeValueAsString(evil) + "},"
                + " \"config\": {\"hidden\": [3]}}");
        Report.write(dir);
        String html = html();
        assertFalse(html.contains("<script"), html);
        assertFalse(html.contains("<i>"), html);
        assertTrue(html.contains("&lt;/td&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;b a=&quot;1&quot;&gt;&amp;amp;"));
        Map<String, List<Long>> confusion = confusionRows(table(html, "confusion"));
        assertEquals(List.of("<i>", "a&b"), new ArrayList<>(confusion.keySet()));
        assertEquals(List.of(0L, 2L), confusion.get("a&b"));
    }

    @Test
    void classesWithCommasQuotesBlanksOrLineBreaksKeepTheirTextAndReadAsOneItemInAList() throws IOException {
        List<String> classes = List.of("north, east", "say \"hi\"", "two\nlines", "  leading", "Zürich", "naïve café");
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("epochs", 0);
        summary.put("test_accuracy", 0.5);
        summary.put("classes", classes);
        List<List<Integer>> confusion = new ArrayList<>();
        for (int t = 0; t < classes.size(); t++) {
            List<Integer> row = new ArrayList<>();
            for (int p = 0; p < classes.size(); p++) {
                row.add(t == p ? 1 : 0);
            }
            confusion.add(row);
        }
        summary.put("test_confusion", confusion);
        Files.writeString(dir.resolve("summary.json"), JSON.writeValueAsString(summary));
        Report.write(dir);
        String html = html();
        assertEquals(classes, new ArrayList<>(confusionRows(table(html, "confusion")).keySet()));
        // In the list of classes, an item that holds the separator, a quote, a line break or blanks at an end is
        // its JSON string.
        assertTrue(html.contains("<tr><th>classes</th><td>&quot;north, east&quot;, &quot;say \\&quot;hi\\&quot;&quot;,"
                + " &quot;two\\nlines&quot;, &quot;  leading&quot;, Zürich, naïve café</td></tr>"), html);
    }

    @Test
    void refusesADirectoryWithoutARunAndAMalformedFileNamingFileAndLine() throws IOException {
        Path missing = dir.resolve("nope");
        RunFilesException none = assertThrows(RunFilesException.class, () -> Report.write(missing));
        assertEquals(missing + ": no such directory", none.getMessage());
        RunFilesException empty = assertThrows(RunFilesException.class, () -> Report.write(dir));
        assertTrue(empty.getMessage().startsWith(dir + ": no metrics.jsonl, summary.json or model.json"), empty.getMessage());
        Files.writeString(dir.resolve("metrics.jsonl"), "{\"epoch\":1,\"lr\":0.1}\n{\"epoch\":2,\"lr\":\"fast\"}\n");
        RunFilesException bad = assertThrows(RunFilesException.class, () -> Report.write(dir));
        assertEquals(dir.resolve("metrics.jsonl") + ": line 2: field 'lr' is not a number: \"fast\"", bad.getMessage());
        assertFalse(Files.exists(dir.resolve(Report.HTML)), "nothing written from a bad run");
    }

    @Test
    void modelHeaderIsReadWithoutItsWeights() throws IOException {
        copyRun("model.json");
        RunFiles run = RunFiles.read(dir);
        assertFalse(run.complete());
        assertEquals(List.of("model.json"), run.found());
        assertFalse(run.model().has("weights"));
        assertEquals("tanh", run.model().get("activation").asText());
        assertTrue(run.model().get("provenance").has("blas"));
        Report.write(dir);
        assertTrue(html().contains("64, 8, 10"), "the model's layers among the provenance");
    }

    // A tiny reader of the page's tables.

    private static Map<Integer, Map<String, String>> epochRows(String html) {
        Map<Integer, Map<String, String>> rows = new LinkedHashMap<>();
        Matcher row = Pattern.compile("<tr data-epoch=\"(\\d+)\">(.*?)</tr>").matcher(html);
        while (row.find()) {
            rows.put(Integer.parseInt(row.group(1)), cells(row.group(2)));
        }
        return rows;
    }

    private static Map<String, String> cells(String row) {
        Map<String, String> cells = new LinkedHashMap<>();
        Matcher cell = Pattern.compile("<td data-field=\"([a-z_]+)\" data-value=\"([^\"]*)\">").matcher(row);
        while (cell.find()) {
            cells.put(cell.group(1), unescape(cell.group(2)));
        }
        return cells;
    }

    private static String table(String html, String id) {
        int start = html.indexOf("<table id=\"" + id + "\"");
        assertTrue(start >= 0, "no table " + id);
        return html.substring(start, html.indexOf("</table>", start));
    }

    private static String body(String table) {
        return table.substring(table.indexOf("<tbody>"));
    }

    private static Map<String, List<Long>> confusionRows(String table) {
        Map<String, List<Long>> rows = new LinkedHashMap<>();
        Matcher row = Pattern.compile("<tr><th>([^<]*)</th>(.*?)</tr>").matcher(body(table));
        while (row.find()) {
            List<Long> counts = new ArrayList<>();
            Matcher cell = Pattern.compile("<td[^>]*>(\\d+)</td>").matcher(row.group(2));
            while (cell.find()) {
                counts.add(Long.parseLong(cell.group(1)));
            }
            rows.put(unescape(row.group(1)), counts);
        }
        return rows;
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    }

    private static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen.size();
    }
}
