package org.sparkmlp.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.sparkmlp.train.EpochMetrics;

/**
 * report.html's text: one self-contained page (styles inline, charts as {@code data:} URIs, no script, no
 * link outside the file) with the run's status, its headline figures, the charts, every epoch's numbers, the
 * test confusion matrix with per-class precision and recall, the configuration and the provenance.
 *
 * <p>Numbers meant for machines are also in attributes: each epoch row is {@code <tr data-epoch="E">} with
 * cells {@code <td data-field="train_loss" data-value="…">} holding the exact value read from metrics.jsonl
 * ({@link Double#toString}, empty for a missing value), beside a rounded one for people; the confusion matrix
 * is {@code <table id="confusion">} and the per-class figures {@code <table id="per-class">}. Every text from the
 * run files goes through {@link Html#escape}.
 */
final class ReportPage {
    private final RunFiles run;
    private final Map<String, byte[]> charts;
    private final StringBuilder b = new StringBuilder(1 << 16);

    private ReportPage(RunFiles run, Map<String, byte[]> charts) {
        this.run = run;
        this.charts = charts;
    }

    /** The page for {@code run}, embedding {@code charts} (file name → PNG bytes, in display order). */
    static String html(RunFiles run, Map<String, byte[]> charts, Instant built) {
        return new ReportPage(run, charts).build(built);
    }

    private String build(Instant built) {
        String name = run.dir().toAbsolutePath().normalize().getFileName() == null ? run.dir().toString()
                : run.dir().toAbsolutePath().normalize().getFileName().toString();
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>spark-mlp run ").append(Html.escape(name)).append("</title>\n")
                .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        b.append("<h1>spark-mlp run <code>").append(Html.escape(name)).append("</code></h1>\n");
        status();
        figures();
        chartsSection();
        epochTable();
        testSection();
        configuration();
        provenance();
        b.append("<footer><p>Built ").append(Html.escape(built.toString())).append(" by spark-mlp from ")
                .append(Html.escape(String.join(", ", run.found()))).append(" in <code>")
                .append(Html.escape(run.dir().toAbsolutePath().normalize().toString())).append("</code>. The charts are also ")
                .append("beside this file: ").append(Html.escape(String.join(", ", charts.keySet())))
                .append(". Rebuild with <code>spark-mlp report --out DIR</code>.</p></footer>\n");
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    private void status() {
        JsonNode s = run.summary();
        int lines = run.epochs().size();
        b.append("<section id=\"status\">\n");
        if (s != null) {
            b.append("<p class=\"status complete\">Finished: ").append(Html.escape(text(s.get("epochs"))))
                    .append(" epochs, ").append(Html.escape(text(s.get("steps")))).append(" steps in ")
                    .append(Html.escape(fixed(s.get("seconds"), 1))).append(" s.");
            JsonNode acc = s.get("test_accuracy");
            if (acc != null && acc.isNumber()) {
                b.append(" Test accuracy <strong>").append(Html.escape(fixed(acc, 4))).append("</strong>, loss ")
                        .append(Html.escape(fixed(s.get("test_loss"), 4)));
                JsonNode rows = s.path("rows").get("test");
                if (rows != null && rows.isNumber()) {
                    b.append(" on ").append(Html.escape(String.format(Locale.ROOT, "%,d", rows.longValue()))).append(" rows");
                }
                b.append('.');
            } else {
                b.append(" No test set.");
            }
            b.append("</p>\n");
            JsonNode epochs = s.get("epochs");
            if (epochs != null && epochs.canConvertToInt() && epochs.intValue() != lines) {
                b.append("<p class=\"warning\">summary.json counts ").append(epochs.intValue()).append(" epochs but ")
                        .append(RunFiles.METRICS).append(" has ").append(lines)
                        .append(" lines: the files may come from different runs.</p>\n");
            }
        } else {
            b.append("<p class=\"status interrupted\">Not finished: there is no summary.json, so the run was interrupted"
                    + " or is still running; ").append(lines).append(lines == 1 ? " epoch" : " epochs")
                    .append(" in ").append(RunFiles.METRICS).append(". No test results.</p>\n");
        }
        b.append("</section>\n");
    }

    private void figures() {
        JsonNode s = run.summary();
        EpochMetrics last = run.epochs().isEmpty() ? null : run.epochs().get(run.epochs().size() - 1);
        List<String[]> rows = new ArrayList<>();
        if (s != null) {
            addFigure(rows, "test accuracy", fixed(s.get("test_accuracy"), 4));
            addFigure(rows, "test loss", fixed(s.get("test_loss"), 4));
            addFigure(rows, "validation accuracy (last epoch)", fixed(s.get("val_accuracy"), 4));
            addFigure(rows, "validation loss (last epoch)", fixed(s.get("val_loss"), 4));
            addFigure(rows, "training loss (last epoch)", fixed(s.get("train_loss"), 4));
        } else if (last != null) {
            addFigure(rows, "validation accuracy (epoch " + last.epoch() + ")", fixed(last.validationAccuracy(), 4));
            addFigure(rows, "validation loss (epoch " + last.epoch() + ")", fixed(last.validationLoss(), 4));
            addFigure(rows, "training loss (epoch " + last.epoch() + ")", fixed(last.trainLoss(), 4));
        }
        if (rows.isEmpty()) {
            return;
        }
        b.append("<section id=\"figures\">\n<table class=\"figures\">\n");
        for (String[] r : rows) {
            b.append("<tr><th>").append(Html.escape(r[0])).append("</th><td>").append(Html.escape(r[1])).append("</td></tr>\n");
        }
        b.append("</table>\n</section>\n");
    }

    private static void addFigure(List<String[]> rows, String name, String value) {
        if (!value.equals(MISSING)) {
            rows.add(new String[] {name, value});
        }
    }

    private void chartsSection() {
        b.append("<section id=\"charts\">\n<h2>Curves</h2>\n");
        if (run.epochs().isEmpty()) {
            b.append("<p>No epoch has ended yet: ").append(RunFiles.METRICS).append(" has no lines.</p>\n");
        }
        for (Map.Entry<String, byte[]> chart : charts.entrySet()) {
            String file = chart.getKey();
            String caption = caption(file, testShown(file));
            b.append("<figure><img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(chart.getValue()))
                    .append("\" width=\"").append(Charts.WIDTH).append("\" height=\"").append(Charts.HEIGHT)
                    .append("\" alt=\"").append(Html.escape(caption)).append("\">")
                    .append("<figcaption>").append(Html.escape(caption)).append(" (<a href=\"")
                    .append(Html.escape(file)).append("\">").append(Html.escape(file)).append("</a>)</figcaption></figure>\n");
        }
        b.append("</section>\n");
    }

    /** Whether the chart draws the test figure as a level line: when summary.json has it. */
    private boolean testShown(String file) {
        String field = file.equals(Report.LOSS_PNG) ? "test_loss" : file.equals(Report.ACCURACY_PNG) ? "test_accuracy" : null;
        return field != null && run.summary() != null && run.summary().path(field).isNumber();
    }

    private static String caption(String file, boolean testShown) {
        String test = testShown ? ", the test figure as a dashed line" : "";
        return switch (file) {
            case Report.LOSS_PNG -> "Training and validation loss per epoch" + test;
            case Report.ACCURACY_PNG -> "Training and validation accuracy per epoch" + test;
            case Report.LEARNING_RATE_PNG -> "Learning rate of each epoch's last step";
            default -> file;
        };
    }

    private record Column(String field, String heading, ToDoubleFunction<EpochMetrics> value, String format) {
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("steps", "steps", m -> m.steps(), "%,.0f"),
            new Column("lr", "learning rate", EpochMetrics::learningRate, "%.4g"),
            new Column("train_loss", "training loss", EpochMetrics::trainLoss, "%.4f"),
            new Column("train_accuracy", "training accuracy", EpochMetrics::trainAccuracy, "%.4f"),
            new Column("val_loss", "validation loss", EpochMetrics::validationLoss, "%.4f"),
            new Column("val_accuracy", "validation accuracy", EpochMetrics::validationAccuracy, "%.4f"),
            new Column("seconds", "seconds", EpochMetrics::seconds, "%.2f"),
            new Column("gc_seconds", "GC seconds", EpochMetrics::gcSeconds, "%.2f"));

    private void epochTable() {
        b.append("<section id=\"epochs\">\n<h2>Epochs</h2>\n");
        if (run.epochs().isEmpty()) {
            b.append("<p>None yet.</p>\n</section>\n");
            return;
        }
        b.append("<table id=\"epoch-table\" class=\"numbers\">\n<thead><tr><th>epoch</th>");
        for (Column c : COLUMNS) {
            b.append("<th>").append(Html.escape(c.heading)).append("</th>");
        }
        b.append("</tr></thead>\n<tbody>\n");
        for (EpochMetrics m : run.epochs()) {
            b.append("<tr data-epoch=\"").append(m.epoch()).append("\"><th>").append(m.epoch()).append("</th>");
            for (Column c : COLUMNS) {
                double v = c.value.applyAsDouble(m);
                String exact = c.field.equals("steps") ? Long.toString(m.steps()) : Double.isNaN(v) ? "" : Double.toString(v);
                b.append("<td data-field=\"").append(c.field).append("\" data-value=\"").append(Html.escape(exact))
                        .append("\">").append(Html.escape(Double.isNaN(v) ? MISSING : String.format(Locale.ROOT, c.format, v)))
                        .append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n</section>\n");
    }

    private void testSection() {
        b.append("<section id=\"test\">\n<h2>Test set</h2>\n");
        JsonNode s = run.summary();
        if (s == null) {
            b.append("<p>No test results: the run did not finish (no summary.json).</p>\n</section>\n");
            return;
        }
        JsonNode confusion = s.get("test_confusion");
        List<String> classes = strings(s.get("classes"));
        if (confusion == null || !confusion.isArray() || classes.isEmpty() || confusion.size() != classes.size()) {
            b.append("<p>").append(s.path("test_accuracy").isNumber()
                    ? "summary.json has no test confusion matrix (written by an older spark-mlp)."
                    : "This run had no test set.").append("</p>\n</section>\n");
            return;
        }
        int k = classes.size();
        long[] counts = new long[k * k];
        for (int t = 0; t < k; t++) {
            JsonNode row = confusion.get(t);
            if (row == null || !row.isArray() || row.size() != k) {
                b.append("<p class=\"warning\">summary.json's test_confusion row ").append(t).append(" does not have ")
                        .append(k).append(" counts.</p>\n</section>\n");
                return;
            }
            for (int p = 0; p < k; p++) {
                counts[t * k + p] = row.get(p).asLong();
            }
        }
        b.append("<h3>Confusion matrix</h3>\n<p>Rows: true class; columns: predicted class. Shading: the share of"
                + " the row's rows (green on the diagonal, red off it).</p>\n");
        b.append("<table id=\"confusion\" class=\"numbers\">\n<thead><tr><th>true \\ predicted</th>");
        for (String c : classes) {
            b.append("<th>").append(Html.escape(c)).append("</th>");
        }
        b.append("</tr></thead>\n<tbody>\n");
        for (int t = 0; t < k; t++) {
            long total = 0;
            for (int p = 0; p < k; p++) {
                total += counts[t * k + p];
            }
            b.append("<tr><th>").append(Html.escape(classes.get(t))).append("</th>");
            for (int p = 0; p < k; p++) {
                long n = counts[t * k + p];
                double share = total == 0 ? 0 : (double) n / total;
                b.append("<td");
                if (n > 0) {
                    b.append(String.format(Locale.ROOT, " style=\"background:rgba(%s,%.3f)\"",
                            t == p ? "44,160,44" : "214,39,40", 0.08 + 0.6 * share));
                }
                b.append('>').append(n).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n");

        b.append("<h3>Per class</h3>\n<p>Precision: of the rows predicted as the class, the share that are;"
                + " recall: of the rows of the class, the share found; support: the rows of the class.</p>\n");
        b.append("<table id=\"per-class\" class=\"numbers\">\n<thead><tr><th>class</th><th>precision</th>"
                + "<th>recall</th><th>support</th></tr></thead>\n<tbody>\n");
        JsonNode perClass = s.get("test_per_class");
        List<ClassMetrics> computed = ClassMetrics.of(counts, k);
        for (int c = 0; c < k; c++) {
            JsonNode given = perClass != null && perClass.isArray() && perClass.size() == k ? perClass.get(c) : null;
            double precision = given != null ? number(given.get("precision")) : computed.get(c).precision();
            double recall = given != null ? number(given.get("recall")) : computed.get(c).recall();
            long support = given != null && given.path("support").isNumber() ? given.get("support").asLong()
                    : computed.get(c).support();
            b.append("<tr><th>").append(Html.escape(classes.get(c))).append("</th>");
            cell("precision", precision);
            cell("recall", recall);
            b.append("<td data-field=\"support\" data-value=\"").append(support).append("\">").append(support).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n</section>\n");
    }

    private void cell(String field, double v) {
        b.append("<td data-field=\"").append(field).append("\" data-value=\"").append(Double.isNaN(v) ? "" : Double.toString(v))
                .append("\">").append(Html.escape(Double.isNaN(v) ? MISSING : String.format(Locale.ROOT, "%.4f", v))).append("</td>");
    }

    private void configuration() {
        JsonNode s = run.summary();
        JsonNode provenance = run.model() == null ? null : run.model().get("provenance");
        JsonNode config = s != null && s.has("config") ? s.get("config") : provenance != null ? provenance.get("config") : null;
        b.append("<section id=\"configuration\">\n<h2>Configuration</h2>\n");
        if (config == null && (s == null || !s.has("options"))) {
            b.append("<p>Not recorded: there is no summary.json").append(run.model() == null ? " nor model.json" : "")
                    .append(" yet.</p>\n</section>\n");
            return;
        }
        if (config != null) {
            b.append("<h3>Training</h3>\n");
            keyValues("config", config);
        }
        if (s != null && s.has("options")) {
            b.append("<h3>Options in effect</h3>\n");
            keyValues("options", s.get("options"));
        }
        b.append("</section>\n");
    }

    private void provenance() {
        JsonNode s = run.summary();
        JsonNode model = run.model();
        b.append("<section id=\"provenance\">\n<h2>Provenance and timings</h2>\n");
        List<String[]> rows = new ArrayList<>();
        JsonNode p = model == null ? null : model.get("provenance");
        if (p != null && p.isObject()) {
            for (Map.Entry<String, JsonNode> e : p.properties()) {
                if (!e.getKey().equals("config")) {
                    rows.add(new String[] {e.getKey(), text(e.getValue())});
                }
            }
        }
        if (model != null) {
            for (String f : List.of("layers", "activation", "loss")) {
                if (model.has(f)) {
                    rows.add(new String[] {"model " + f, text(model.get(f))});
                }
            }
        }
        if (s != null) {
            for (String f : List.of("rows", "classes", "precision", "blas", "cached_train_bytes", "seconds",
                    "training_seconds", "seconds_per_epoch", "rows_per_second", "gc_seconds_per_epoch")) {
                if (s.has(f) && (p == null || !p.has(f))) {
                    rows.add(new String[] {f, text(s.get(f))});
                }
            }
        }
        if (!run.epochs().isEmpty()) {
            double total = 0;
            for (EpochMetrics m : run.epochs()) {
                total += Double.isNaN(m.seconds()) ? 0 : m.seconds();
            }
            rows.add(new String[] {"epoch seconds, added up from " + RunFiles.METRICS, String.format(Locale.ROOT, "%.2f", total)});
        }
        if (rows.isEmpty()) {
            b.append("<p>Not recorded: there is no summary.json nor model.json yet.</p>\n");
        } else {
            b.append("<table id=\"provenance-table\" class=\"pairs\">\n");
            for (String[] r : rows) {
                b.append("<tr><th>").append(Html.escape(r[0])).append("</th><td>").append(Html.escape(r[1])).append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
        b.append("</section>\n");
    }

    private void keyValues(String id, JsonNode object) {
        b.append("<table id=\"").append(id).append("\" class=\"pairs\">\n");
        if (object.isObject()) {
            for (Map.Entry<String, JsonNode> e : object.properties()) {
                b.append("<tr><th>").append(Html.escape(e.getKey())).append("</th><td>")
                        .append(Html.escape(text(e.getValue()))).append("</td></tr>\n");
            }
        } else {
            b.append("<tr><td>").append(Html.escape(text(object))).append("</td></tr>\n");
        }
        b.append("</table>\n");
    }

    private static final String MISSING = "—";

    /**
     * A JSON value as people read it: text bare, lists comma-separated, objects as "key value" pairs. A text in
     * a list that holds a comma, a quote, a line break or blanks at an end (a class named {@code north, east})
     * is shown as its JSON string, quoted, so that the list still reads as its items.
     */
    static String text(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return MISSING;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(e -> parts.add(e.isTextual() && !plainItem(e.textValue()) ? e.toString() : text(e)));
            return String.join(", ", parts);
        }
        if (v.isObject()) {
            List<String> parts = new ArrayList<>();
            v.properties().forEach(e -> parts.add(e.getKey() + " " + text(e.getValue())));
            return String.join(", ", parts);
        }
        return v.asText();
    }

    /** Whether a text reads as one item of a comma-separated list without quotes. */
    private static boolean plainItem(String t) {
        return !t.isEmpty() && t.charAt(0) > ' ' && t.charAt(t.length() - 1) > ' '
                && t.chars().noneMatch(c -> c == ',' || c == '"' || Character.isISOControl(c));
    }

    private static String fixed(JsonNode v, int digits) {
        return v == null || !v.isNumber() ? MISSING : fixed(v.doubleValue(), digits);
    }

    private static String fixed(double v, int digits) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f", v) : MISSING;
    }

    private static double number(JsonNode v) {
        return v == null || !v.isNumber() ? Double.NaN : v.doubleValue();
    }

    private static List<String> strings(JsonNode v) {
        List<String> out = new ArrayList<>();
        if (v != null && v.isArray()) {
            v.forEach(e -> out.add(e.asText()));
        }
        return out;
    }

    private static final String STYLE = """
            body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; max-width: 1100px;
                   margin: 1.5em auto; padding: 0 1em; line-height: 1.4; }
            h1 { font-size: 1.6em; margin-bottom: 0.3em; }
            h2 { font-size: 1.3em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.6em; }
            h3 { font-size: 1.05em; margin-bottom: 0.4em; }
            code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.95em; }
            .status { font-size: 1.1em; padding: 0.5em 0.8em; border-left: 5px solid; }
            .complete { border-color: #2ca02c; background: #f0f8f0; }
            .interrupted { border-color: #ff7f0e; background: #fff6ec; }
            .warning { color: #a00; }
            table { border-collapse: collapse; margin: 0.5em 0; }
            th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; }
            th { background: #f4f4f4; text-align: left; font-weight: 600; }
            table.numbers td { text-align: right; font-variant-numeric: tabular-nums; }
            #confusion th, #per-class th { white-space: pre-wrap; }
            table.pairs td { font-family: "DejaVu Sans Mono", monospace; font-size: 0.9em; word-break: break-all; }
            table.figures th { background: none; border: none; font-weight: normal; padding-left: 0; }
            table.figures td { border: none; font-weight: 600; font-size: 1.1em; }
            figure { margin: 1em 0; }
            figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
            figcaption { color: #555; font-size: 0.9em; }
            footer { margin-top: 2em; color: #666; font-size: 0.85em; border-top: 1px solid #ccc; }
            """;
}
