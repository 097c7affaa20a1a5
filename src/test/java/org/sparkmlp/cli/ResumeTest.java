package org.sparkmlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkmlp.io.CheckpointFile;
import org.sparkmlp.testing.SparkTests;

/**
 * A scheduler's view of checkpoints: the driver JVM killed with SIGKILL after its first checkpoint, then the same
 * command with --resume, ends with the bits of an uninterrupted run; a planted truncated checkpoint is skipped; a
 * changed --lr, --blas or data is refused with exit code 2, a checkpoint from before --blas resumes as auto; a
 * finished --out is refused without --overwrite.
 */
class ResumeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Run(ExitCode code, String out) {
    }

    private static Run run(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        ExitCode code = Main.run(args.toArray(new String[0]), print, print);
        return new Run(code, out.toString(StandardCharsets.UTF_8));
    }

    private List<String> train(Path data, Path out, String... more) {
        return trainLr(data, out, "0.01", more);
    }

    private List<String> trainLr(Path data, Path out, String lr, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--epochs", "5",
                "--batch-size", "16", "--hidden", "8", "--optimizer", "adam", "--lr", lr, "--master", "local[2]",
                "--checkpoint-every", "10", "--out", out.toString()));
        args.addAll(Arrays.asList(more));
        return args;
    }

    @Test
    void aKilledDriverResumesToTheBitsOfAnUninterruptedRun() throws Exception {
        Path data = dir.resolve("circles.csv");
        String csv = "x,y,label\n" + SparkTests.csv(SparkTests.circles(300, 0.05, 5));
        Files.writeString(data, csv);
        Path whole = dir.resolve("whole");
        Path killed = dir.resolve("killed");

        Run reference = run(train(data, whole));
        assertEquals(ExitCode.OK, reference.code(), reference.out());

        Process p = new ProcessBuilder(ChildJvm.command(train(data, killed))).redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed.log").toFile()).start();
        Path checkpoints = killed.resolve("checkpoints");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!hasCheckpoint(checkpoints) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
        p.waitFor(30, TimeUnit.SECONDS);
        assertTrue(hasCheckpoint(checkpoints), Files.readString(dir.resolve("killed.log")));
        assertFalse(Files.exists(killed.resolve("summary.json")), "the run ended before it was killed");

        // A truncated file with a higher step, as a crash inside a non-atomic copy would leave.
        Path newest;
        try (Stream<Path> files = Files.list(checkpoints)) {
            newest = files.filter(f -> f.getFileName().toString().endsWith(".ckpt")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(newest);
        Path planted = checkpoints.resolve("checkpoint-999999999.ckpt");
        Files.write(planted, Arrays.copyOf(bytes, bytes.length - 100));

        Run again = run(train(data, killed));
        assertEquals(ExitCode.USAGE, again.code(), again.out());
        assertTrue(again.out().contains("--resume"), again.out());

        Run otherLr = run(trainLr(data, killed, "0.02", "--resume"));
        assertEquals(ExitCode.USAGE, otherLr.code(), otherLr.out());
        assertTrue(otherLr.out().contains("lr 0.02 differs from the checkpoint's 0.01"), otherLr.out());

        Run otherBlas = run(train(data, killed, "--blas", "portable", "--resume"));
        assertEquals(ExitCode.USAGE, otherBlas.code(), otherBlas.out());
        assertTrue(otherBlas.out().contains("blas \"portable\" differs from the checkpoint's \"auto\""), otherBlas.out());

        Path changed = dir.resolve("changed.csv");
        String[] lines = csv.split("\n");
        for (int i = 1; i < lines.length; i++) { // every row a little, so the training split surely changes
            lines[i] = lines[i].replaceFirst(",", "1,");
        }
        Files.writeString(changed, String.join("\n", lines) + "\n");
        Run otherData = run(train(changed, killed, "--resume"));
        assertEquals(ExitCode.USAGE, otherData.code(), otherData.out());
        assertTrue(otherData.out().contains("the data's"), otherData.out());
        // Checkpoints written before the blas setting existed have no "blas": they were auto, and resume as such.
        try (Stream<Path> files = Files.list(checkpoints)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".ckpt")).toList()) {
                if (f.equals(planted)) {
                    continue;
                }
                CheckpointFile.Content c = CheckpointFile.fromBytes(Files.readAllBytes(f), f.toString());
                Map<String, Object> config = new LinkedHashMap<>(c.config());
                assertEquals("auto", JSON.valueToTree(config.remove("blas")).asText());
                Files.write(f, CheckpointFile.toBytes(new CheckpointFile.Content(c.state(), config, c.data()), "test"));
            }
        }
        Run resumed = run(train(data, killed, "--resume"));
        assertEquals(ExitCode.OK, resumed.code(), resumed.out());
        assertTrue(resumed.out().contains("skipping checkpoint checkpoint-999999999.ckpt"), resumed.out());
        assertTrue(resumed.out().contains("--resume: continuing from checkpoint-"), resumed.out());

        assertEquals(JSON.readTree(whole.resolve("model.json").toFile()).get("weights"),
                JSON.readTree(killed.resolve("model.json").toFile()).get("weights"));
        List<Integer> epochs = new ArrayList<>();
        List<String> losses = new ArrayList<>();
        for (String line : Files.readAllLines(killed.resolve("metrics.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            if (n.path("event").asText().equals("epoch")) {
                epochs.add(n.get("epoch").asInt());
                losses.add(n.get("train_loss") + " " + n.get("train_accuracy") + " " + n.get("val_loss"));
                // The epoch's line is written before its checkpoint, then again with the checkpoint's cost: a
                // kill in between leaves it without checkpoint_seconds, so only the resumed epochs must have it.
                assertTrue(n.get("epoch").asInt() <= 2 || n.has("checkpoint_seconds"), line);
            }
        }
        assertEquals(List.of(1, 2, 3, 4, 5), epochs);
        // Each epoch's figures as the uninterrupted run's, also for an epoch the kill cut in two.
        List<String> wholeLosses = new ArrayList<>();
        for (String line : Files.readAllLines(whole.resolve("metrics.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            if (n.path("event").asText().equals("epoch")) {
                wholeLosses.add(n.get("train_loss") + " " + n.get("train_accuracy") + " " + n.get("val_loss"));
            }
        }
        assertEquals(wholeLosses, losses);

        Run finished = run(train(data, killed));
        assertEquals(ExitCode.USAGE, finished.code(), finished.out());
        assertTrue(finished.out().contains("--overwrite"), finished.out());
    }

    private static boolean hasCheckpoint(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().matches("checkpoint-\\d+\\.ckpt"));
        }
    }

}
