package org.sparkmlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkmlp.io.RunDirectories;
import org.sparkmlp.testing.SparkTests;

/**
 * train without --out, as a scheduler runs README's main job again and again: every run gets its own directory
 * under --runs, latest names the run that finished last, --resume continues the newest run only when it is
 * unfinished, and --overwrite is refused.
 */
class RunsFolderTest {
    @TempDir
    Path dir;

    private Path data;
    private Path runs;

    @BeforeEach
    void writeData() throws IOException {
        data = dir.resolve("circles.csv");
        Files.writeString(data, "x,y,label\n" + SparkTests.csv(SparkTests.circles(300, 0.05, 5)));
        runs = dir.resolve("runs");
    }

    private CliRun train(String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--epochs", "2",
                "--batch-size", "16", "--hidden", "6", "--master", "local[2]", "--runs", runs.toString()));
        args.addAll(Arrays.asList(more));
        return CliRun.of(args.toArray(new String[0]));
    }

    private RunDirectories folder() {
        return RunDirectories.at(runs.toString(), new Configuration());
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static List<String> linesStarting(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).toList();
    }

    @Test
    void twoRunsGetTwoDirectoriesAndLatestNamesTheSecond() throws IOException {
        CliRun first = train();
        assertEquals(ExitCode.OK, first.code(), first.err());
        CliRun second = train();
        assertEquals(ExitCode.OK, second.code(), second.err());

        List<String> names = folder().runs();
        assertEquals(2, names.size(), names.toString());
        assertEquals(names.get(1), folder().latest());
        assertTrue(Files.isSymbolicLink(runs.resolve("latest")));
        for (String name : names) {
            assertTrue(Files.exists(runs.resolve(name).resolve("summary.json")), name);
            assertTrue(Files.exists(runs.resolve(name).resolve("model.json")), name);
        }
        assertEquals("run directory: " + runs.resolve(names.get(0)) + " (now " + runs.resolve("latest") + ")",
                lastLine(first.out()));
        assertEquals("run directory: " + runs.resolve(names.get(1)) + " (now " + runs.resolve("latest") + ")",
                lastLine(second.out()));
        assertTrue(second.out().contains("wrote " + runs.resolve(names.get(1)).resolve("model.json")), second.out());

        // report without --out rebuilds the latest run's report.
        Files.delete(runs.resolve(names.get(1)).resolve("report.html"));
        CliRun report = CliRun.of("report", "--runs", runs.toString());
        assertEquals(ExitCode.OK, report.code(), report.err());
        assertTrue(Files.exists(runs.resolve(names.get(1)).resolve("report.html")));

        // evaluate reads the latest model through the link.
        CliRun evaluate = CliRun.of("evaluate", "--model", runs.resolve("latest/model.json").toString(),
                "--data", data.toString(), "--master", "local[2]");
        assertEquals(ExitCode.OK, evaluate.code(), evaluate.err());
    }

    @Test
    void overwriteWithoutOutIsAUsageErrorThatCreatesNothing() {
        CliRun run = train("--overwrite");
        assertEquals(ExitCode.USAGE, run.code(), run.out());
        assertTrue(run.err().contains("--overwrite replaces the run in an explicit --out; without --out every run"
                + " gets a new directory under --runs " + runs), run.err());
        assertFalse(Files.exists(runs));
    }

    @Test
    void aRunThatFailsOnItsDataLeavesNoDirectoryBehind() throws IOException {
        Files.writeString(data, "x,y,label\n0.1,0.2,a\n0.3,oops,b\n");
        CliRun run = train();
        assertEquals(ExitCode.DATA, run.code(), run.err());
        assertTrue(folder().runs().isEmpty(), "runs left: " + folder().runs());
    }

    @Test
    void reportWithoutOutAndWithoutAFinishedRunIsBadInput() {
        CliRun report = CliRun.of("report", "--runs", runs.toString());
        assertEquals(ExitCode.DATA, report.code(), report.err());
        assertTrue(report.err().contains("no finished run in " + runs), report.err());
    }

    @Test
    void resumeContinuesTheNewestRunOnlyWhenItIsUnfinished() throws IOException {
        // No run yet: a new one, said in one line.
        CliRun none = train("--checkpoint-every", "1", "--resume");
        assertEquals(ExitCode.OK, none.code(), none.err());
        String first = folder().newest();
        assertEquals(List.of("--resume: no run in " + runs + "; starting a new run in " + runs.resolve(first)),
                linesStarting(none.out(), "--resume"));

        // The newest is finished: a new one.
        CliRun finished = train("--checkpoint-every", "1", "--resume");
        assertEquals(ExitCode.OK, finished.code(), finished.err());
        String second = folder().newest();
        assertEquals(List.of("--resume: the newest run, " + runs.resolve(first) + ", is finished; starting a new run in "
                + runs.resolve(second)), linesStarting(finished.out(), "--resume"));
        assertEquals(List.of(first, second), folder().runs());

        // The newest interrupted after its first epoch's checkpoint (summary, model and the later checkpoint gone),
        // and latest still naming the first run, as it would then: it is continued in place.
        Path run = runs.resolve(second);
        Files.delete(run.resolve("summary.json"));
        Files.delete(run.resolve("model.json"));
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            Files.delete(s.map(Path::toString).sorted().reduce((a, b) -> b).map(Path::of).orElseThrow());
        }
        folder().pointLatest(first);
        CliRun resumed = train("--checkpoint-every", "1", "--resume");
        assertEquals(ExitCode.OK, resumed.code(), resumed.err());
        List<String> said = linesStarting(resumed.out(), "--resume");
        assertEquals("--resume: continuing the unfinished run in " + run, said.get(0));
        assertTrue(said.get(1).startsWith("--resume: continuing from checkpoint-"), said.toString());
        assertEquals(List.of(first, second), folder().runs());
        assertEquals(second, folder().latest());
        assertTrue(Files.exists(run.resolve("summary.json")));
    }
}
