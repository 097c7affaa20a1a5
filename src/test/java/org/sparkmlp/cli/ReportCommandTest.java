package org.sparkmlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report}: rebuilds the report from an output directory, without Spark; its messages and exit codes. */
class ReportCommandTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private void copyRun(String... names) throws IOException {
        for (String name : names) {
            try (InputStream in = ReportCommandTest.class.getResourceAsStream("/report/digits-run/" + name)) {
                Files.copy(in, dir.resolve(name));
            }
        }
    }

    @Test
    void rebuildsTheReportAndChartsOfARun() throws IOException {
        copyRun("metrics.jsonl", "summary.json", "model.json");
        CliRun r = run("report", "--out", dir.toString());
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(r.out().contains(dir.resolve("report.html").toString()), r.out());
        for (String file : new String[] {"report.html", "loss.png", "accuracy.png", "learning-rate.png"}) {
            assertTrue(Files.size(dir.resolve(file)) > 1000, file);
        }
    }

    @Test
    void rebuildsTheReportOfAnInterruptedRun() throws IOException {
        copyRun("metrics.jsonl");
        CliRun r = run("report", "--out", dir.toString());
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(Files.readString(dir.resolve("report.html")).contains("Not finished"));
    }

    @Test
    void missingOrEmptyDirectoryOrMalformedRunFileIsBadInputExit3() throws IOException {
        Path missing = dir.resolve("nope");
        CliRun none = run("report", "--out", missing.toString());
        assertEquals(ExitCode.DATA, none.code(), none.err());
        assertEquals("spark-mlp: " + missing + ": no such directory", none.err().strip());

        CliRun empty = run("report", "--out", dir.toString());
        assertEquals(ExitCode.DATA, empty.code(), empty.err());
        assertEquals(1, empty.err().strip().lines().count(), empty.err());
        assertTrue(empty.err().contains(dir + ": no metrics.jsonl, summary.json or model.json"), empty.err());

        Files.writeString(dir.resolve("summary.json"), "{\"epochs\": ");
        CliRun bad = run("report", "--out", dir.toString());
        assertEquals(ExitCode.DATA, bad.code(), bad.err());
        assertTrue(bad.err().startsWith("spark-mlp: " + dir.resolve("summary.json") + ": not JSON"), bad.err());
    }

    @Test
    void reportThatCannotBeWrittenIsOutputExit6() throws IOException {
        copyRun("metrics.jsonl");
        // A non-empty directory where the page goes: no rename can replace it (root ignores file permissions).
        Files.createDirectories(dir.resolve("report.html").resolve("in-the-way"));
        CliRun r = run("report", "--out", dir.toString());
        assertEquals(ExitCode.OUTPUT, r.code(), r.err());
        assertTrue(r.err().startsWith("spark-mlp: cannot write " + dir.resolve("report.html")), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void withoutOutItRebuildsTheLatestRunOfTheDefaultRunsFolder() {
        // The rebuilding itself: RunsFolderTest.
        CliRun help = run("report", "--help");
        assertEquals(ExitCode.OK, help.code(), help.err());
        String text = help.out().replaceAll("\\s+", " ");
        assertTrue(text.contains("Default: the run that finished last, <runs>/latest."), help.out());
        assertTrue(text.contains("Default: runs."), help.out());
    }
}
