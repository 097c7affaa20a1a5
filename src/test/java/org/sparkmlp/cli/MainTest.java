package org.sparkmlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkmlp.api.CapacityException;
import org.sparkmlp.io.ModelFile;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.Kernel64;
import org.sparkmlp.nn.Network;
import org.sparkmlp.nn.RowSelection;
import org.sparkmlp.testing.SparkTests;

/** The command line as users and schedulers see it: outputs, messages and exit codes. */
class MainTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private Path circles() throws IOException {
        Path file = dir.resolve("circles.csv");
        Files.writeString(file, "x,y,label\n" + SparkTests.csv(SparkTests.circles(400, 0.05, 5)));
        return file;
    }

    @Test
    void everyCommandsHelpDocumentsEachOfItsOptionsWithItsDefaultAndTheExitCodes() {
        picocli.CommandLine cl = Main.commandLine(new String[0], System.out, System.err);
        CliRun top = run("--help");
        assertEquals(ExitCode.OK, top.code());
        for (String command : List.of("train", "evaluate", "predict", "report", "completion")) {
            assertTrue(top.out().contains(command), "top-level help lacks " + command);
            CliRun r = run(command, "--help");
            assertEquals(ExitCode.OK, r.code(), r.err());
            for (picocli.CommandLine.Model.OptionSpec o : cl.getSubcommands().get(command).getCommandSpec().options()) {
                assertTrue(r.out().contains(o.longestName()), command + " help lacks " + o.longestName());
            }
            for (ExitCode c : ExitCode.values()) {
                assertTrue(r.out().replaceAll("\\s+", " ").contains(c.meaning()), command + " help lacks exit code " + c.code());
            }
        }
        // Defaults come from conf/spark-mlp.properties (the copy in the jar) and show in the help.
        assertTrue(run("train", "--help").out().replaceAll("\\s+", " ").contains("Default: inverse-time"));
        // Not honoured as another option's value.
        CliRun asValue = run("train", "--out", "--help");
        assertEquals(ExitCode.USAGE, asValue.code(), asValue.out());
    }

    /**
     * docs/cli.md documents the options in tables whose rows start with the option (or a few options of one
     * kind) and name, in the next cell, the commands that take it. Per command, those rows must list exactly the
     * declared options: an undocumented option, one documented but not declared, or one documented under the
     * wrong command fails.
     */
    @Test
    void cliDocsOptionTablesListExactlyEachCommandsDeclaredOptions() throws IOException {
        Path doc = Path.of("docs", "cli.md");
        picocli.CommandLine cl = Main.commandLine(new String[0], System.out, System.err);
        Map<String, Set<String>> declared = new TreeMap<>();
        Map<String, Set<String>> documented = new TreeMap<>();
        cl.getSubcommands().forEach((command, sub) -> {
            Set<String> options = new TreeSet<>();
            for (picocli.CommandLine.Model.OptionSpec o : sub.getCommandSpec().options()) {
                if (!o.usageHelp() && !o.versionHelp()) {
                    options.add(o.longestName());
                }
            }
            declared.put(command, options);
            documented.put(command, new TreeSet<>());
        });
        Matcher row = Pattern.compile("(?m)^\\| (`--.*?) \\| (.*?) \\| ").matcher(Files.readString(doc));
        int rows = 0;
        while (row.find()) {
            rows++;
            for (String command : row.group(2).split(",")) {
                Set<String> options = documented.get(command.strip());
                assertTrue(options != null, doc + ": the row of " + row.group(1) + " names '" + command.strip()
                        + "', which is not a command " + declared.keySet());
                Matcher m = Pattern.compile("`(--[a-z0-9-]+)").matcher(row.group(1));
                while (m.find()) {
                    options.add(m.group(1));
                }
            }
        }
        assertTrue(rows > 0, doc + " has no option table rows");
        assertEquals(declared, documented, doc + "'s option tables against each command's declared options");
    }

    @Test
    void defaultsFileAndPresetAreOverlaidAndTheCommandLineWins() throws IOException {
        Path defaults = dir.resolve("my.properties");
        Files.writeString(defaults, "epochs=7\nbatch-size=16\n");
        Files.writeString(dir.resolve("preset-tiny.properties"), "batch-size=64\nlr=0.05\n");
        picocli.CommandLine cl = Main.commandLine(new String[] {"--defaults", defaults.toString(), "--preset", "tiny"},
                System.out, System.err);
        cl.parseArgs("train", "--defaults", defaults.toString(), "--preset", "tiny", "--lr", "0.3");
        TrainCommand train = cl.getSubcommands().get("train").getCommand();
        assertEquals(7, train.epochs);          // the defaults file over the jar's 15
        assertEquals(64, train.batchSize);      // the preset over the defaults file
        assertEquals(0.3, train.lr);            // the command line over the preset
        assertEquals("cross-entropy", train.loss);  // the jar's default, untouched

        Files.writeString(defaults, "epochs=7\nbatchsize=16\n");
        CliRun typo = run("train", "--defaults", defaults.toString());
        assertEquals(ExitCode.USAGE, typo.code(), typo.err());
        assertTrue(typo.err().contains("unknown key 'batchsize'"), typo.err());
        CliRun noPreset = run("train", "--preset", "nope");
        assertEquals(ExitCode.USAGE, noPreset.code(), noPreset.err());
        assertTrue(noPreset.err().contains("preset-nope.properties"), noPreset.err());
    }

    @Test
    void completionScriptCoversCommandsOptionsAndChoices() {
        CliRun r = run("completion");
        assertEquals(ExitCode.OK, r.code(), r.err());
        for (String word : List.of("train", "evaluate", "predict", "--batch-size", "--lr-schedule", "inverse-time", "float32")) {
            assertTrue(r.out().contains(word), "completion script lacks " + word);
        }
    }

    @Test
    void badOptionsFailWithOneLineAndExitCode2() {
        for (String[] args : List.of(new String[] {"train", "--no-such-option", "1"},
                new String[] {"train", "--batch-size", "0"}, new String[] {"train", "--lr", "fast"},
                new String[] {"train", "--lr-schedule", "sometimes"}, new String[] {"train", "--hidden", "10,-3"},
                new String[] {"train", "--epochs"}, new String[] {"fit"}, new String[] {"predict", "--epochs", "3"},
                new String[] {"train", "--activation", "softplus"}, new String[] {"train", "--val-fraction", "1.5"},
                new String[] {"train", "--header", "maybe"}, new String[] {"evaluate", "--hidden", "3"},
                new String[] {"train", "--blas", "native"})) {
            CliRun r = run(args);
            assertEquals(ExitCode.USAGE, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("spark-mlp: "), r.err());
        }
    }

    @Test
    void missingOrMalformedDataFailsWithExitCode3NamingFileAndLine() throws IOException {
        CliRun missing = run("train", "--data", dir.resolve("nope.csv").toString(), "--out", dir.resolve("o").toString());
        assertEquals(ExitCode.DATA, missing.code(), missing.err());
        assertTrue(missing.err().contains("nope.csv"), missing.err());

        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "1,2,0\n3,4,1\n5,x,0\n");
        CliRun r = run("train", "--data", bad.toString(), "--master", "local[2]", "--out", dir.resolve("o2").toString());
        assertEquals(ExitCode.DATA, r.code(), r.err());
        assertTrue(r.err().contains("bad.csv: line 3: field 2 'x' is not a number"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(!Files.exists(dir.resolve("o2").resolve("model.json")));
    }

    @Test
    void badModelFileFailsWithExitCode4() throws IOException {
        Path model = dir.resolve("model.json");
        Files.writeString(model, "{\"format\":\"something-else\"}");
        CliRun r = run("evaluate", "--model", model.toString(), "--data", circles().toString());
        assertEquals(ExitCode.MODEL, r.code(), r.err());
        assertTrue(r.err().contains("model.json"), r.err());
    }

    @Test
    void missingModelFileFailsWithExitCode4InOneLine() throws IOException {
        CliRun r = run("evaluate", "--model", dir.resolve("nope.json").toString(), "--data", circles().toString());
        assertEquals(ExitCode.MODEL, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("nope.json: no such file"), r.err());
    }

    /** One line naming every remedy, and exit code 8. */
    private static void assertOutOfMemoryReport(ExitCode code, String err) {
        assertEquals(ExitCode.OUT_OF_MEMORY, code, err);
        assertEquals(1, err.strip().lines().count(), "one line: " + err);
        assertTrue(err.startsWith("spark-mlp: out of memory ("), err);
        for (String remedy : List.of("--partitions", "SPARK_MLP_JAVA_OPTS=-Xmx", "--driver-memory", "--executor-memory",
                "--precision float32")) {
            assertTrue(err.contains(remedy), "names " + remedy + ": " + err);
        }
    }

    private static String report(Throwable t, ExitCode[] code) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        code[0] = Main.fail(t, new PrintStream(err, true, StandardCharsets.UTF_8));
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void outOfMemoryAnywhereInSparksCauseChainExitsWith8AndNamesTheRemedies() {
        ExitCode[] code = new ExitCode[1];
        // As Spark reports a task's error: a SparkException whose cause chain holds the OutOfMemoryError.
        Throwable task = new org.apache.spark.SparkException("Job aborted due to stage failure: Task 1 in stage 5.0"
                + " failed 1 times, most recent failure: Lost task 1.0 in stage 5.0 (TID 11) (localhost executor"
                + " driver): java.lang.OutOfMemoryError: Java heap space\n\tat java.base/...",
                new RuntimeException("wrapped", new OutOfMemoryError("Java heap space")));
        String err = report(task, code);
        assertOutOfMemoryReport(code[0], err);
        assertTrue(err.contains("(Java heap space)"), err);
        // Only the text names it when the error object did not travel (e.g. it could not be serialized).
        Throwable textOnly = new org.apache.spark.SparkException("Job aborted due to stage failure: Lost task 0.0"
                + " (TID 3): java.lang.OutOfMemoryError: GC overhead limit exceeded\n\tat x.y(Z.java:1)");
        err = report(textOnly, code);
        assertOutOfMemoryReport(code[0], err);
        assertTrue(err.contains("(GC overhead limit exceeded)"), err);
        // A cluster executor that died of it exits with Spark's code 52.
        err = report(new org.apache.spark.SparkException("Job aborted due to stage failure: ExecutorLostFailure"
                + " (executor 1 exited caused by one of the running tasks) Reason: Command exited with code 52"), code);
        assertOutOfMemoryReport(code[0], err);
        // On the driver the error itself arrives.
        assertOutOfMemoryReport(Main.classify(new OutOfMemoryError("Java heap space")),
                report(new OutOfMemoryError("Java heap space"), code));
        // Other Spark failures keep their code.
        assertEquals(ExitCode.SPARK, Main.classify(new org.apache.spark.SparkException(
                "Job aborted due to stage failure: ExecutorLostFailure Reason: Command exited with code 137")));
    }

    @Test
    void aTaskOutOfMemoryInLocalModeFailsTheJobInsteadOfEndingTheJvm() {
        // Without SparkSetup's setting Spark's handler would call System.exit(52) here and end the test run.
        try (org.apache.spark.api.java.JavaSparkContext sc = SparkSetup.start("train", "local[2]", true, false)) {
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                    () -> sc.parallelize(List.of(1, 2), 2).map(i -> {
                        if (i == 2) {
                            throw new OutOfMemoryError("Java heap space");
                        }
                        return i;
                    }).collect());
            ExitCode[] code = new ExitCode[1];
            String err = report(e, code);
            assertOutOfMemoryReport(code[0], err);
            assertTrue(err.contains("(Java heap space)"), err);
            // The context still works: the JVM was not taken down.
            assertEquals(3, sc.parallelize(List.of(1, 2), 2).reduce(Integer::sum));
        }
    }

    @Test
    void aModelTooLargeForTheDriversHeapStopsBeforeTrainingWithExitCode9InOneLine() throws IOException {
        // 900 million weights (7.2 GB, and a gradient per task: 2 on local[2]) cannot fit in the tests' 3 GB heap: the run
        // stops once the rows are counted, before the model is allocated or any block packed (it ended out of
        // memory, exit code 8, when the weights were allocated).
        CliRun r = run("train", "--data", circles().toString(), "--hidden", "30000,30000", "--epochs", "1",
                "--master", "local[2]", "--out", dir.resolve("oom").toString());
        assertEquals(ExitCode.CAPACITY, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("spark-mlp: the driver's heap is too small:"), r.err());
        for (String named : List.of("900180002 parameters in 10 copies", "spark.driver.memory")) {
            assertTrue(r.err().contains(named), "names " + named + ": " + r.err());
        }
        assertTrue(!Files.exists(dir.resolve("oom").resolve("model.json")));
    }

    @Test
    void dataThatCannotBeCachedEvenOnDiskExitsWith9NamingTheRemedies() {
        ExitCode[] code = new ExitCode[1];
        String err = report(new SparkException("job aborted", new CapacityException(CapacityException.Kind.CACHE, "the data cannot be cached even on disk: …; cache"
                + " {precision} float32")), code);
        assertEquals(ExitCode.CAPACITY, code[0]);
        assertEquals("spark-mlp: the data cannot be cached even on disk: …; cache --precision float32", err.strip());
    }

    @Test
    void exponentialScheduleWithoutItsOwnDecayIsAUsageError() {
        CliRun r = run("train", "--lr-schedule", "exponential", "--out", dir.resolve("o").toString());
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("--lr-decay"), r.err());
    }

    @Test
    void fractionsLeavingNoTrainingRowsAreAUsageErrorBeforeSpark() {
        CliRun r = run("train", "--val-fraction", "0.9", "--test-fraction", "0.2", "--out", dir.resolve("o").toString());
        assertEquals(ExitCode.USAGE, r.code(), r.err());
    }

    @Test
    void trainEvaluatePredictEndToEnd() throws IOException {
        Path data = circles();
        Path out = dir.resolve("run");
        CliRun train = run("train", "--data", data.toString(), "--hidden", "12", "--epochs", "3", "--batch-size", "16",
                "--master", "local[2]", "--out", out.toString());
        assertEquals(ExitCode.OK, train.code(), train.err());
        assertTrue(train.out().contains("epoch   3"), train.out());

        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(3, lines.size());
        for (String key : List.of("epoch", "steps", "lr", "train_loss", "val_loss", "val_accuracy", "seconds",
                "train_seconds")) {
            assertTrue(json.readTree(lines.get(2)).has(key), "metrics line lacks " + key);
        }
        for (String line : lines) {
            // The steps alone, without the validation pass: positive and within the epoch's time.
            double steps = json.readTree(line).get("train_seconds").asDouble();
            double epoch = json.readTree(line).get("seconds").asDouble();
            assertTrue(steps > 0 && steps < epoch, line);
        }
        JsonNode summary = json.readTree(out.resolve("summary.json").toFile());
        for (String key : List.of("train_loss", "val_loss", "val_accuracy", "test_loss", "test_accuracy", "epochs",
                "steps", "seconds", "rows_per_second", "config", "blas")) {
            assertTrue(summary.has(key), "summary lacks " + key);
        }
        assertEquals(3, summary.get("epochs").asInt());
        // The BLAS of the driver and of every executor (here the driver's JVM), and what decides its rounding.
        JsonNode blas = summary.get("blas");
        assertEquals("auto", blas.get("mode").asText());
        assertEquals("auto", summary.get("config").get("blas").asText());
        assertEquals(org.sparkmlp.nn.Blas.implementation(org.sparkmlp.nn.Blas.Mode.AUTO), blas.get("driver").get("implementation").asText());
        assertTrue(blas.get("driver").has("cpu"), blas.toString());
        assertEquals("driver", blas.get("executors").get(0).get("executor").asText(), blas.toString());
        assertTrue(blas.get("executors_agree").asBoolean(), blas.toString());
        assertEquals(blas, json.readTree(out.resolve("model.json").toFile()).get("provenance").get("blas"));
        long testRows = summary.get("rows").get("test").asLong();
        // Fixed key order, so that two runs with the same seed write the same files (the creation time aside).
        assertEquals(List.of("train", "validation", "test"), fieldNames(summary.get("rows")));
        assertEquals(List.of("train", "validation", "test"),
                fieldNames(json.readTree(out.resolve("model.json").toFile()).get("provenance").get("rows")));
        long counted = 0;
        for (JsonNode row : summary.get("test_confusion")) {
            for (JsonNode n : row) {
                counted += n.asLong();
            }
        }
        assertEquals(testRows, counted, "test_confusion counts every test row");
        assertEquals(2, summary.get("test_per_class").size());
        assertEquals(summary.get("test_confusion").get(1).get(0).asLong() + summary.get("test_confusion").get(1).get(1).asLong(),
                summary.get("test_per_class").get(1).get("support").asLong());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("accuracy.png", "learning-rate.png", "loss.png", "metrics.jsonl", "model.json",
                    "report.html", "summary.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary files left");
        }
        Network model = ModelFile.read(out.resolve("model.json"));
        assertEquals(List.of("0", "1"), model.classes());

        CliRun evaluate = run("evaluate", "--model", out.resolve("model.json").toString(), "--data", data.toString(),
                "--master", "local[2]", "--out", out.toString());
        assertEquals(ExitCode.OK, evaluate.code(), evaluate.err());
        assertTrue(evaluate.out().contains("confusion matrix"), evaluate.out());
        assertTrue(json.readTree(out.resolve("evaluation.json").toFile()).get("rows").asInt() == 400);

        CliRun predict = run("predict", "--model", out.resolve("model.json").toString(), "--data", data.toString(),
                "--master", "local[2]", "--out", out.toString());
        assertEquals(ExitCode.OK, predict.code(), predict.err());
        List<String> predictions = Files.readAllLines(out.resolve("predictions.csv"));
        assertEquals("predicted,p_0,p_1", predictions.get(0));
        assertEquals(401, predictions.size());
        String[] first = predictions.get(1).split(",");
        assertEquals(1.0, Double.parseDouble(first[1]) + Double.parseDouble(first[2]), 1e-12);

        // The portable kernel predicts the same probabilities to within rounding.
        Path portableOut = dir.resolve("portable-predictions");
        CliRun portable = run("predict", "--model", out.resolve("model.json").toString(), "--data", data.toString(),
                "--master", "local[2]", "--out", portableOut.toString(), "--blas", "portable");
        assertEquals(ExitCode.OK, portable.code(), portable.err());
        List<String> portablePredictions = Files.readAllLines(portableOut.resolve("predictions.csv"));
        assertEquals(predictions.size(), portablePredictions.size());
        for (int i = 1; i < predictions.size(); i++) {
            String[] a = predictions.get(i).split(",");
            String[] b = portablePredictions.get(i).split(",");
            assertEquals(a[0], b[0], "row " + i);
            for (int c = 1; c < a.length; c++) {
                assertEquals(Double.parseDouble(a[c]), Double.parseDouble(b[c]), 1e-12, "row " + i);
            }
        }
    }

    @Test
    void portableTrainingSaysSoAndRecordsJava8BlasEverywhere() throws IOException {
        Path out = dir.resolve("portable");
        CliRun train = run("train", "--data", circles().toString(), "--hidden", "6", "--epochs", "1",
                "--master", "local[2]", "--out", out.toString(), "--blas", "portable");
        assertEquals(ExitCode.OK, train.code(), train.err());
        assertTrue(train.out().contains("BLAS: portable: driver Java8BLAS, executors Java8BLAS"), train.out());
        assertTrue(train.out().contains("(tanh, portable BLAS)"), train.out());
        ObjectMapper json = new ObjectMapper();
        JsonNode provenance = json.readTree(out.resolve("model.json").toFile()).get("provenance");
        assertEquals("portable", provenance.get("config").get("blas").asText());
        JsonNode blas = provenance.get("blas");
        assertEquals("portable", blas.get("mode").asText());
        assertEquals("Java8BLAS", blas.get("driver").get("implementation").asText());
        for (JsonNode e : blas.get("executors")) {
            assertEquals("Java8BLAS", e.get("implementation").asText(), blas.toString());
        }
        assertTrue(blas.get("executors_agree").asBoolean());
    }

    @Test
    void trainingSaysWhereAStepsTimeWentFromSparksTaskMetrics() throws IOException {
        Path out = dir.resolve("breakdown");
        CliRun train = run("train", "--data", circles().toString(), "--hidden", "6", "--epochs", "3",
                "--partitions", "8", "--master", "local[2]", "--out", out.toString());
        assertEquals(ExitCode.OK, train.code(), train.err());
        assertTrue(train.out().contains("step: "), train.out());
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        JsonNode b = summary.get("step_breakdown");
        assertEquals(summary.get("steps").asDouble(), b.get("steps_measured").asDouble(), b.toString());
        // 8 partitions on local[2]: never more than two tasks a step, whichever layout the engine timed.
        assertTrue(b.get("tasks_per_step").asDouble() >= 1 && b.get("tasks_per_step").asDouble() <= 2, b.toString());
        assertTrue(b.get("job_ms").asDouble() > 0 && b.get("task_ms").asDouble() >= 0, b.toString());
        assertTrue(b.get("job_ms").asDouble() >= b.get("driver_merge_ms").asDouble(), b.toString());
    }

    @Test
    void oneFullBatchStepFromAnInitModelIsTheTextbookUpdate() throws IOException {
        Path data = dir.resolve("tiny.csv");
        Files.writeString(data, "0.5,-1.0,2.0,0\n1.5,0.25,-0.5,1\n-0.75,2.0,1.0,2\n0.1,0.2,0.3,1\n");
        Path first = dir.resolve("first");
        CliRun init = run("train", "--data", data.toString(), "--hidden", "4", "--epochs", "1", "--batch-size", "1",
                "--val-fraction", "0", "--test-fraction", "0", "--scale", "none", "--master", "local[2]",
                "--out", first.toString());
        assertEquals(ExitCode.OK, init.code(), init.err());
        Network start = ModelFile.read(first.resolve("model.json"));

        Path second = dir.resolve("second");
        CliRun step = run("train", "--data", data.toString(), "--init-model", first.resolve("model.json").toString(),
                "--epochs", "1", "--batch-size", "100", "--lr", "0.7", "--lr-schedule", "constant", "--val-fraction", "0",
                "--test-fraction", "0", "--precision", "float64", "--master", "local[2]", "--out", second.toString());
        assertEquals(ExitCode.OK, step.code(), step.err());
        Network end = ModelFile.read(second.resolve("model.json"));
        // The same step in float32: weights shipped and gradient computed in float, the update in double.
        Path third = dir.resolve("third");
        CliRun step32 = run("train", "--data", data.toString(), "--init-model", first.resolve("model.json").toString(),
                "--epochs", "1", "--batch-size", "100", "--lr", "0.7", "--lr-schedule", "constant", "--val-fraction", "0",
                "--test-fraction", "0", "--precision", "float32", "--master", "local[2]", "--out", third.toString());
        assertEquals(ExitCode.OK, step32.code(), step32.err());
        Network end32 = ModelFile.read(third.resolve("model.json"));

        double[] x = {0.5, -1.0, 2.0, 1.5, 0.25, -0.5, -0.75, 2.0, 1.0, 0.1, 0.2, 0.3};
        GradientSum g = GradientSum.empty();
        new Kernel64(start.architecture(), start.loss()).accumulate(start.parameters(), x, new int[] {0, 1, 2, 1},
                RowSelection.contiguous(0), 4, g);
        double[] p = start.parameters();
        for (int i = 0; i < p.length; i++) {
            double expected = p[i] - 0.7 * g.gradient()[i] / 4;
            assertEquals(expected, end.parameters()[i], 1e-12 * Math.max(1, Math.abs(expected)), "parameter " + i);
            assertEquals(expected, end32.parameters()[i], 1e-5 * Math.max(1, Math.abs(expected)), "float32 parameter " + i);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
