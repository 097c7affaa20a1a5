package org.sparkmlp.cli;

import com.fasterxml.jackson.databind.node.TextNode;
import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkmlp.api.DataSpec;
import org.sparkmlp.api.ModelEvaluation;
import org.sparkmlp.api.TrainedModel;
import org.sparkmlp.api.UnlabelledDataException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import scala.Tuple2;

/** {@code evaluate} and {@code predict}: a model file applied to raw data, with the model's own scaling. */
abstract class UseModelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "The model file to use.")
    String modelFile;

    @Mixin
    DataOptions input;

    @Option(names = "--blas", paramLabel = "auto|portable", completionCandidates = Choices.BlasIds.class,
            description = "The kernel's BLAS: auto (netlib's fastest, bits depend on the CPU) or portable (the same"
                    + " bits on any machine). Default: ${DEFAULT-VALUE}.")
    String blas;

    @Mixin
    SparkOptions spark;

    PrintWriter out;

    @Override
    public Integer call() throws IOException {
        out = Main.console(spec);
        run();
        return ExitCode.OK.code();
    }

    abstract void run() throws IOException;

    @Command(name = "evaluate", sortOptions = false, mixinStandardHelpOptions = true,
            description = "Loss, accuracy and confusion matrix of a model on labelled data; evaluation.json when --out is given.")
    static final class Evaluate extends UseModelCommand {
        @Option(names = "--out", paramLabel = "DIR", description = "Write evaluation.json here (only when given).")
        String outDir;

        @Override
        void run() throws IOException {
            evaluate(Commands.isExplicit(spec, "out") ? outDir : null);
        }
    }

    @Command(name = "predict", sortOptions = false, mixinStandardHelpOptions = true,
            description = "Writes predictions.csv to --out: the predicted class and every class's probability per row.")
    static final class Predict extends UseModelCommand {
        @Option(names = "--out", paramLabel = "DIR", defaultValue = "out", description = "Output directory for"
                + " predictions.csv. Default: ${DEFAULT-VALUE}.")
        String outDir;

        @Override
        void run() throws IOException {
            predict(Commands.need(outDir, "out"));
        }
    }

    /** Loss, accuracy and confusion matrix; also evaluation.json when --out is given. */
    void evaluate(String outDir) throws IOException {
        TrainedModel model = TrainedModel.read(modelFile);
        DataSpec data = input.spec();
        var mode = TrainedModel.blas(Commands.need(blas, "blas"));
        Outputs outputs = outDir != null ? new Outputs(outDir).prepare() : null;
        try (JavaSparkContext sc = spark.start("evaluate", spec)) {
            ModelEvaluation e;
            try {
                e = model.evaluate(sc, data, mode, input.partitions(sc.defaultParallelism()));
            } catch (UnlabelledDataException notLabelled) {
                throw new UsageException(notLabelled.getMessage());
            }
            out.printf("rows %,d  loss %.6f  accuracy %.4f%n", e.rows(), e.loss(), e.accuracy());
            out.print(confusionTable(e));
            if (outputs != null) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("model", modelFile);
                json.put("data", e.data());
                json.put("rows", e.rows());
                json.put("loss", e.loss());
                json.put("accuracy", e.accuracy());
                json.put("classes", e.classes());
                json.put("confusion", e.confusionRows());
                outputs.writeJson("evaluation.json", json);
                outputs.commit();
                out.println("wrote " + outputs.path("evaluation.json"));
            }
        }
    }

    /**
     * predictions.csv in --out: a header, then one line per input row, in input order: the predicted class and
     * the probability of every class. Every line goes through {@link #csvWriter}, so a class holding a comma, a
     * quote or a line break is quoted as RFC 4180 says and the header has as many fields as every row.
     */
    void predict(String outDir) throws IOException {
        TrainedModel model = TrainedModel.read(modelFile);
        DataSpec data = input.spec();
        var mode = TrainedModel.blas(Commands.need(blas, "blas"));
        Outputs outputs = new Outputs(outDir).prepare();
        try (JavaSparkContext sc = spark.start("predict", spec)) {
            JavaRDD<double[]> probabilities = model.probabilities(sc, data, mode,
                    input.partitions(sc.defaultParallelism()));
            List<String> classes = model.classes();
            int k = classes.size();
            String[] header = new String[k + 1];
            header[0] = "predicted";
            for (int c = 0; c < k; c++) {
                header[c + 1] = "p_" + classes.get(c);
            }
            // The writer quotes by column: when a class has blanks at an end, every predicted class is quoted.
            int[] quotedInRows = classes.stream().anyMatch(UseModelCommand::blankAtAnEnd) ? new int[] {0} : new int[0];
            // One text chunk per block, with its row count (a quoted class may hold line breaks): the blocks of a
            // partition come in row order.
            JavaRDD<Tuple2<Integer, String>> chunks = probabilities.map(probs -> {
                int rows = probs.length / k;
                StringWriter text = new StringWriter();
                CsvWriter csv = csvWriter(text, quotedInRows);
                String[] fields = new String[k + 1];
                for (int r = 0; r < rows; r++) {
                    fields[0] = classes.get(TrainedModel.mostProbable(probs, r, k));
                    for (int c = 0; c < k; c++) {
                        fields[c + 1] = Double.toString(probs[r * k + c]);
                    }
                    csv.writeRow(fields);
                }
                csv.close();
                return new Tuple2<>(rows, text.toString());
            });
            String target = outputs.path("predictions.csv");
            long[] rows = {0};
            outputs.write("predictions.csv", stream -> {
                BufferedWriter w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
                StringWriter headerLine = new StringWriter();
                CsvWriter csv = csvWriter(headerLine, IntStream.range(0, header.length)
                        .filter(i -> blankAtAnEnd(header[i])).toArray());
                csv.writeRow(header);
                csv.close();
                w.write(headerLine.toString());
                // Partition by partition, in order: the driver holds one partition's lines at a time.
                for (Iterator<Tuple2<Integer, String>> it = chunks.toLocalIterator(); it.hasNext(); ) {
                    Tuple2<Integer, String> chunk = it.next();
                    w.write(chunk._2());
                    rows[0] += chunk._1();
                }
                w.flush();
            });
            outputs.commit();
            out.printf("wrote %s (%,d rows)%n", target, rows[0]);
        }
    }

    /**
     * A CSV writer to {@code out} by univocity, the RFC 4180 library {@link org.sparkmlp.data.CsvReader} parses
     * with (it ships with Spark SQL): fields separated by commas, lines ended by {@code \n}; a field holding a
     * comma, a quote (doubled inside) or a line break is quoted, and so is every field of the columns
     * {@code quoted}; text is written as it is (blanks kept, line breaks inside quotes not rewritten).
     */
    static CsvWriter csvWriter(Writer out, int... quoted) {
        CsvWriterSettings s = new CsvWriterSettings();
        s.getFormat().setDelimiter(',');
        s.getFormat().setQuote('"');
        s.getFormat().setQuoteEscape('"');
        s.getFormat().setLineSeparator("\n");
        s.setQuoteEscapingEnabled(true);
        s.setIgnoreLeadingWhitespaces(false);
        s.setIgnoreTrailingWhitespaces(false);
        s.setNormalizeLineEndingsWithinQuotes(false);
        if (quoted.length > 0) {
            s.quoteIndexes(Arrays.stream(quoted).boxed().toArray(Integer[]::new));
        }
        return new CsvWriter(out, s);
    }

    /**
     * Whether a field starts or ends with a blank: RFC 4180 keeps such blanks, but many readers (CsvReader among
     * them) drop them around a field that is not quoted, so such a field is written quoted.
     */
    static boolean blankAtAnEnd(String field) {
        return !field.isEmpty() && (field.charAt(0) <= ' ' || field.charAt(field.length() - 1) <= ' ');
    }

    /**
     * The confusion matrix for the console, one line per true class, columns right-aligned; each class as
     * {@link #shown} shows it, so that every cell is one token on one line.
     */
    static String confusionTable(ModelEvaluation e) {
        List<String> classes = e.classes();
        int k = classes.size();
        List<String> names = classes.stream().map(UseModelCommand::shown).toList();
        int width = 6;
        for (String c : names) {
            width = Math.max(width, c.codePointCount(0, c.length()) + 1);
        }
        for (List<Long> row : e.confusionRows()) {
            for (long v : row) {
                width = Math.max(width, Long.toString(v).length() + 1);
            }
        }
        StringBuilder b = new StringBuilder("confusion matrix (rows: true class, columns: predicted)\n");
        b.append(padded("", width));
        for (String c : names) {
            b.append(padded(c, width));
        }
        b.append('\n');
        for (int t = 0; t < k; t++) {
            b.append(padded(names.get(t), width));
            for (int p = 0; p < k; p++) {
                b.append(padded(Long.toString(e.confusion(t, p)), width));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * A class as the console shows it: as it is when it is one plain token, else quoted and escaped as a JSON
     * string ({@code "north, east"}, {@code "say \"hi\""}, {@code "two\nlines"}, {@code "  leading"}), so that
     * blanks, quotes and line breaks in it are seen and cannot break the table's lines or columns.
     */
    static String shown(String label) {
        boolean plain = !label.isEmpty() && label.codePoints().noneMatch(c -> c <= ' ' || c == '"'
                || Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c));
        return plain ? label : TextNode.valueOf(label).toString();
    }

    /** {@code text} right-aligned in {@code width} characters (counted as code points). */
    private static String padded(String text, int width) {
        int n = text.codePointCount(0, text.length());
        return n >= width ? text : " ".repeat(width - n) + text;
    }
}
