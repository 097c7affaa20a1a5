package org.sparkmlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of bad inputs (CSV, LIBSVM, JSON, Parquet; train, evaluate, predict; options), generated here, run through the command line as a user would: each must end with its
 * exit code and one line on stderr that names the file, the record and the problem; no stack trace on stderr or
 * in Spark's log (no executor failure, no task re-run: tasks run with up to 4 attempts here), and nothing
 * written to --out.
 */
class BadInputTest {
    @TempDir
    static Path dir;
    /** Spark's log events during a case that carry a stack trace or report a lost task. */
    private static final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private static AbstractAppender capture;

    /** One bad input: the command line (without --out and --master), the exit code and the texts of its line. */
    private record Case(String name, List<String> args, ExitCode code, List<String> message) {
    }

    @BeforeAll
    static void listen() {
        // SparkConf reads spark.* system properties: no web UI for these short runs.
        System.setProperty("spark.ui.enabled", "false");
        capture = new AbstractAppender("bad-input-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                String text = event.getMessage().getFormattedMessage();
                if (event.getThrown() != null || text.contains("Lost task") || text.contains("Exception in task")) {
                    failures.add(event.getLoggerName() + ": " + text
                            + (event.getThrown() == null ? "" : " [" + event.getThrown() + "]"));
                }
            }
        };
        capture.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(capture, Level.WARN, null);
        context.updateLoggers();
    }

    @AfterAll
    static void stopListening() {
        System.clearProperty("spark.ui.enabled");
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(capture.getName());
        context.updateLoggers();
        capture.stop();
    }

    private static String write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file.toString();
    }

    private static String writeBytes(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file.toString();
    }

    /** The first half of a gzip file of many good records: the first record reads, a later one does not. */
    private static byte[] truncatedGzip() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bytes)) {
            java.util.SplittableRandom random = new java.util.SplittableRandom(3);
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 20000; i++) {
                text.append(random.nextInt(1000)).append(',').append(random.nextInt(1000)).append(',')
                        .append(i % 2 == 0 ? "a" : "b").append('\n');
            }
            gz.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }
        byte[] all = bytes.toByteArray();
        return java.util.Arrays.copyOf(all, all.length / 2);
    }

    /** A model of 2 inputs, classes "a" and "b", no hidden layer. */
    private static String model() throws IOException {
        return write("model.json", "{\"format\": \"spark-mlp-model\", \"version\": 1, \"layers\": [2, 2],"
                + " \"activation\": \"tanh\", \"loss\": \"cross_entropy\","
                + " \"weights\": [{\"W\": [[1.0, -1.0], [-1.0, 1.0]], \"b\": [0.0, 0.0]}],"
                + " \"scaling\": {\"kind\": \"none\", \"shift\": [0.0, 0.0], \"factor\": [1.0, 1.0]},"
                + " \"classes\": [\"a\", \"b\"]}");
    }

    private static Case train(String name, String data, List<String> more, ExitCode code, String... message) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data, "--epochs", "1", "--hidden", "2"));
        args.addAll(more);
        return new Case(name, args, code, List.of(message));
    }

    private static Case use(String command, String name, String data, List<String> more, String... message)
            throws IOException {
        List<String> args = new ArrayList<>(List.of(command, "--model", model(), "--data", data));
        args.addAll(more);
        return new Case(name, args, ExitCode.DATA, List.of(message));
    }

    private static List<Case> corpus() throws IOException {
        String good = write("good.csv", "1,2,a\n3,4,b\n5,6,a\n7,8,b\n9,10,a\n11,12,b\n");
        List<Case> cases = new ArrayList<>();
        ExitCode data = ExitCode.DATA;
        cases.add(train("ragged row", write("ragged.csv", "1,2,a\n3,4,b\n5,b\n"), List.of(), data,
                "ragged.csv: line 3: expected 3 fields, found 2"));
        cases.add(train("not a number", write("word.csv", "x,y,label\n1,2,a\n3,four,b\n"), List.of(), data,
                "word.csv: line 3: field 2 'four' is not a number"));
        cases.add(train("infinite", write("inf.csv", "1,2,a\n3,Infinity,b\n"), List.of(), data,
                "inf.csv: line 2: field 2 'Infinity' is not a finite number"));
        cases.add(train("empty label", write("nolabel.csv", "1,2,a\n3,4,\n"), List.of(), data,
                "nolabel.csv: line 2: the label (field 3) is empty"));
        cases.add(train("label column out of range", write("narrow.csv", "1,2,a\n3,4,b\n"),
                List.of("--label-column", "5"), data, "narrow.csv", "--label-column 5 is past the last of the 3 fields"));
        cases.add(train("label name not in the header", write("named.csv", "x,y,label\n1,2,a\n3,4,b\n"),
                List.of("--label-column", "class"), data, "named.csv: line 1: the header has no column 'class'"));
        cases.add(train("header only", write("header.csv", "x,y,label\n"), List.of(), data,
                "header.csv", "has a header line but no records"));
        cases.add(train("empty file", write("empty.csv", ""), List.of(), data, "empty.csv", "holds no records"));
        cases.add(train("unclosed quote", write("quote.csv", "1,2,a\n3,\"4,b\n"), List.of(), data,
                "quote.csv: line 2: a quoted field is not closed"));
        cases.add(train("one class", write("single.csv", "1,2,a\n3,4,a\n"), List.of(), data,
                "single.csv", "1 class(es)"));
        cases.add(train("missing file", dir.resolve("nowhere.csv").toString(), List.of(), data,
                "nowhere.csv", "no such file or directory"));
        cases.add(train("corrupt gzip", writeBytes("broken.csv.gz", new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), List.of(),
                data, "broken.csv.gz", "cannot be read"));
        cases.add(train("truncated gzip", writeBytes("cut.csv.gz", truncatedGzip()), List.of(), data, "cut.csv.gz",
                "cannot be read", "corrupt or truncated"));
        cases.add(train("test set of another width", good, List.of("--test", write("wide.csv", "1,2,3,a\n4,5,6,b\n"),
                "--test-fraction", "0"), data, "wide.csv", "has 3 input features but the training data has 2"));

        String svm = "--format";
        cases.add(train("libsvm index zero", write("zero.svm", "1 1:2\n0 0:1 2:3\n"), List.of(svm, "libsvm"), data,
                "zero.svm: line 2: index 0 is not positive"));
        cases.add(train("libsvm negative index", write("negative.svm", "1 1:2\n0 -2:1\n"), List.of(svm, "libsvm"),
                data, "negative.svm: line 2: index -2 is not positive"));
        cases.add(train("libsvm unsorted", write("unsorted.svm", "1 3:1 2:1\n"), List.of(svm, "libsvm"), data,
                "unsorted.svm: line 1: index 2 follows index 3"));
        cases.add(train("libsvm duplicate", write("twice.svm", "1 1:1\n0 2:1 2:3\n"), List.of(svm, "libsvm"), data,
                "twice.svm: line 2: index 2 appears twice"));
        cases.add(train("libsvm beyond --features", write("beyond.svm", "1 1:1\n0 2:1 5:3\n"),
                List.of(svm, "libsvm", "--features", "4"), data, "beyond.svm: line 2: index 5 is beyond --features 4"));
        cases.add(train("libsvm missing label", write("unlabelled.svm", "1 1:1\n2:1 3:3\n"), List.of(svm, "libsvm"),
                data, "unlabelled.svm: line 2: the label is empty"));
        cases.add(train("libsvm value", write("value.svm", "1 1:1\n0 2:abc\n"), List.of(svm, "libsvm"), data,
                "value.svm: line 2: value 'abc' of index 2 is not a number"));

        String json = "{\"a\": 1.5, \"b\": 2, \"label\": \"x\"}\n";
        cases.add(train("json null input", write("nulls.json", json + json + "{\"a\": null, \"b\": 2, \"label\": \"y\"}\n"),
                List.of(svm, "json", "--label-column", "label"), data, "nulls.json", "row 3", "input column 'a' is null"));
        cases.add(train("json text input", write("text.json", "{\"a\": \"one\", \"b\": 2, \"label\": \"x\"}\n"),
                List.of(svm, "json", "--label-column", "label"), data, "text.json", "input column 'a' holds string"));
        cases.add(train("json label column missing", write("nolabelcol.json", json),
                List.of(svm, "json", "--label-column", "class"), data, "nolabelcol.json", "has no column 'class'"));
        cases.add(train("json feature column missing", write("nofeature.json", json),
                List.of(svm, "json", "--label-column", "label", "--feature-columns", "a,c"), data, "nofeature.json",
                "has no column 'c' for --feature-columns"));

        cases.add(train("json line that is not json", write("broken.json", json + "{\"a\": 1, \"b\"\n" + json),
                List.of(svm, "json", "--label-column", "label"), data, "broken.json", "row 2", "cannot be parsed"));
        cases.add(train("not parquet", write("table.parquet", "a,b,label\n1,2,x\n"), List.of(svm, "parquet"), data,
                "table.parquet", "is not a parquet file"));

        cases.add(use("evaluate", "evaluate: other width", write("three.csv", "1,2,3,a\n4,5,6,b\n"), List.of(),
                "three.csv", "has 4 fields but the model takes 2 inputs"));
        cases.add(use("evaluate", "evaluate: unknown label", write("unknown.csv", "1,2,a\n3,4,b\n5,6,c\n"), List.of(),
                "unknown.csv: line 3: label 'c' is not one of the model's classes"));
        cases.add(use("evaluate", "evaluate: libsvm index beyond the model", write("wide.svm", "a 1:1\n"),
                List.of(svm, "libsvm"), "wide.svm: line 1", "label 'a' is not a number"));
        cases.add(use("predict", "predict: libsvm index beyond the model", write("beyond-model.svm", "1 1:1 3:2\n"),
                List.of(svm, "libsvm"), "beyond-model.svm: line 1: index 3 is beyond the model's 2 inputs"));
        cases.add(use("predict", "predict: --features against the model", good, List.of(svm, "libsvm", "--features",
                "3"), "--features 3 differs from the 2 inputs the model takes"));

        ExitCode usage = ExitCode.USAGE;
        cases.add(train("--features 0", good, List.of("--features", "0"), usage, "--features must be at least 1"));
        cases.add(train("unknown format", good, List.of("--format", "xls"), usage, "--format", "unknown format 'xls'"));
        cases.add(train("empty feature column", good, List.of("--feature-columns", "a,,b"), usage,
                "--feature-columns must be column names"));
        cases.add(train("training without labels", good, List.of("--label-column", "none"), usage,
                "train needs labels"));
        return cases;
    }

    @Test
    void everyBadInputEndsWithItsCodeAndOneLineNamingFileRecordAndProblem() throws IOException {
        List<String> problems = new ArrayList<>();
        int n = 0;
        for (Case c : corpus()) {
            Path out = dir.resolve("out-" + n++);
            List<String> args = new ArrayList<>(c.args());
            args.addAll(List.of("--out", out.toString()));
            if (!args.contains("--master")) {
                // Up to 4 attempts per task: a data error must still be reported once, without a re-run.
                args.addAll(List.of("--master", "local[2,4]"));
            }
            failures.clear();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            ExitCode code = Main.run(args.toArray(new String[0]), new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String text = err.toString(StandardCharsets.UTF_8);
            List<String> wrong = new ArrayList<>();
            if (code != c.code()) {
                wrong.add("exit code " + code + ", expected " + c.code());
            }
            if (text.strip().lines().count() != 1 || !text.startsWith("spark-mlp: ")) {
                wrong.add("not one line");
            }
            for (String part : c.message()) {
                if (!text.contains(part)) {
                    wrong.add("no '" + part + "'");
                }
            }
            if (!failures.isEmpty()) {
                wrong.add("Spark logged " + failures);
            }
            if (Files.exists(out)) {
                try (Stream<Path> files = Files.list(out)) {
                    List<String> written = files.map(p -> p.getFileName().toString()).toList();
                    if (!written.isEmpty()) {
                        wrong.add("wrote " + written);
                    }
                }
            }
            if (!wrong.isEmpty()) {
                problems.add(c.name() + ": " + String.join("; ", wrong) + "\n    stderr: " + text.strip());
            }
        }
        assertTrue(problems.isEmpty(), problems.size() + " case(s) failed:\n" + String.join("\n", problems));
        assertFalse(n < 36, "the corpus has " + n + " cases");
        assertEquals(List.of(), List.copyOf(failures));
    }
}
