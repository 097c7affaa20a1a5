package org.sparkmlp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkmlp.cli.CliRun;
import org.sparkmlp.cli.ExitCode;
import org.sparkmlp.cli.Main;
import org.sparkmlp.testing.LocalStoreFileSystem;
import org.sparkmlp.testing.SparkTests;

/**
 * The commands with every output and model file on a Hadoop file system that is not the local disk
 * ({@link LocalStoreFileSystem}, registered as spark-submit would: {@code spark.hadoop.fs.mlpstore.impl}), which
 * behaves as an object store: files written in place, {@code _SUCCESS} last.
 */
class HadoopOutputsEndToEndTest {
    private static final String IMPL = "spark.hadoop.fs.mlpstore.impl";

    @TempDir
    Path dir;

    @BeforeAll
    static void register() {
        System.setProperty(IMPL, LocalStoreFileSystem.class.getName());
    }

    @AfterAll
    static void unregister() {
        System.clearProperty(IMPL);
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void trainPredictAndInitModelThroughAnotherFileSystem() throws IOException {
        Path data = dir.resolve("circles.csv");
        Files.writeString(data, "x,y,label\n" + SparkTests.csv(SparkTests.circles(300, 0.05, 5)));
        Path run = dir.resolve("run");
        CliRun train = run("train", "--data", data.toString(), "--hidden", "6", "--epochs", "2", "--batch-size", "16",
                "--master", "local[2]", "--out", LocalStoreFileSystem.location(run));
        assertEquals(ExitCode.OK, train.code(), train.err());
        assertEquals(List.of(OutputDir.SUCCESS, "metrics.jsonl", "model.json", "summary.json"), names(run));
        assertTrue(train.out().contains("wrote " + LocalStoreFileSystem.location(run.resolve("model.json"))), train.out());
        String model = LocalStoreFileSystem.location(run.resolve("model.json"));

        Path predicted = dir.resolve("predicted");
        CliRun predict = run("predict", "--model", model, "--data", data.toString(), "--master", "local[2]",
                "--out", LocalStoreFileSystem.location(predicted));
        assertEquals(ExitCode.OK, predict.code(), predict.err());
        assertEquals(List.of(OutputDir.SUCCESS, "predictions.csv"), names(predicted));
        assertEquals(301, Files.readAllLines(predicted.resolve("predictions.csv")).size());

        Path resumed = dir.resolve("resumed");
        CliRun again = run("train", "--data", data.toString(), "--init-model", model, "--epochs", "1", "--batch-size", "16",
                "--master", "local[2]", "--out", LocalStoreFileSystem.location(resumed));
        assertEquals(ExitCode.OK, again.code(), again.err());
        assertEquals(model, ModelFile.read(resumed.resolve("model.json")).provenance().get("init_model"));

        CliRun missing = run("evaluate", "--model", LocalStoreFileSystem.location(dir.resolve("nope.json")),
                "--data", data.toString());
        assertEquals(ExitCode.MODEL, missing.code(), missing.err());
        assertEquals("spark-mlp: " + LocalStoreFileSystem.location(dir.resolve("nope.json")) + ": no such file",
                missing.err().strip());
        assertArrayEquals(ModelFile.read(run.resolve("model.json")).parameters(),
                ModelFile.read(model, HadoopFiles.configuration()).parameters());
    }

    @Test
    void withoutOutEachRunGetsADirectoryAndLatestIsAPointerFile() throws IOException {
        Path data = dir.resolve("circles.csv");
        Files.writeString(data, "x,y,label\n" + SparkTests.csv(SparkTests.circles(300, 0.05, 5)));
        Path runs = dir.resolve("runs");
        String folder = LocalStoreFileSystem.location(runs);
        List<String> printed = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            CliRun train = run("train", "--data", data.toString(), "--hidden", "6", "--epochs", "1", "--batch-size",
                    "16", "--master", "local[2]", "--runs", folder);
            assertEquals(ExitCode.OK, train.code(), train.err());
            printed.add(train.out());
        }
        List<String> names = RunDirectories.at(folder, HadoopFiles.configuration()).runs();
        assertEquals(2, names.size(), names.toString());
        assertEquals(List.of(names.get(0), names.get(1), RunDirectories.LATEST), names(runs));
        assertFalse(Files.isSymbolicLink(runs.resolve(RunDirectories.LATEST)));
        assertEquals(names.get(1) + "\n", Files.readString(runs.resolve(RunDirectories.LATEST)));
        assertEquals(List.of(OutputDir.SUCCESS, "metrics.jsonl", "model.json", "summary.json"),
                names(runs.resolve(names.get(1))));
        assertTrue(printed.get(1).strip().endsWith("run directory: " + folder + "/" + names.get(1) + " (now " + folder
                + "/latest)"), printed.get(1));
    }
}
