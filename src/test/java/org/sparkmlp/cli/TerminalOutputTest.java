package org.sparkmlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkmlp.testing.SparkTests;

/**
 * The console as a user and a cron log see it, from a real process: in a pseudo-terminal (util-linux
 * {@code script}) the progress line is redrawn in place; with stdout redirected, one plain line per epoch.
 */
class TerminalOutputTest {
    @TempDir
    Path dir;

    @Test
    void progressIsRedrawnInATerminalAndPlainWithoutOne() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script is not installed");
        Path data = dir.resolve("circles.csv");
        Files.writeString(data, "x,y,label\n" + SparkTests.csv(SparkTests.circles(400, 0.05, 5)));
        List<String> train = ChildJvm.command(List.of("train", "--data", data.toString(), "--epochs", "2", "--batch-size", "8",
                "--master", "local[2]", "--out", dir.resolve("out").toString(), "--overwrite"));

        String plain = run(train);
        assertFalse(plain.contains("\r"), plain);
        assertTrue(plain.contains("epoch   1  steps"), plain);
        assertTrue(plain.contains("epoch   2  steps"), plain);
        assertFalse(plain.contains("step 1/"), plain);

        List<String> inTerminal = List.of("/usr/bin/script", "-qec", String.join(" ", train.stream().map(TerminalOutputTest::quote).toList()),
                "/dev/null");
        String tty = run(inTerminal);
        assertTrue(tty.contains("\r\033[Kepoch 1/2  step "), tty);
        assertTrue(tty.contains("\r\033[Kepoch   1  steps"), "the epoch's line replaces the progress line: " + tty);
        assertTrue(tty.contains("epoch   2  steps"), tty);
    }


    private static String run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().putIfAbsent("TERM", "xterm");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run did not end");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
