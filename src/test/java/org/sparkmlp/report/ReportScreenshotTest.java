package org.sparkmlp.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html as a browser shows it: headless Chromium (Debian's {@code chromium} package, {@code apt-get install
 * -y chromium}) renders the report of the fixture run to a screenshot, which must not be blank and must show the
 * charts. Skipped when Chromium is not installed.
 */
@Tag("integration")
class ReportScreenshotTest {
    private static final int WIDTH = 1200;
    private static final int HEIGHT = 2000;

    @TempDir
    Path dir;

    @Test
    void chromiumRendersTheReportWithItsCharts() throws Exception {
        Path chromium = List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser")).stream()
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(chromium != null, "Chromium is not installed (apt-get install -y chromium)");
        Path run = dir.resolve("run");
        Files.createDirectories(run);
        for (String name : List.of("metrics.jsonl", "summary.json", "model.json")) {
            try (InputStream in = ReportScreenshotTest.class.getResourceAsStream("/report/digits-run/" + name)) {
                Files.copy(in, run.resolve(name));
            }
        }
        Report.write(run);
        Path shot = dir.resolve("screenshot.png");
        Path log = dir.resolve("chromium.log");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--user-data-dir=" + dir.resolve("profile"), "--screenshot=" + shot,
                "--window-size=" + WIDTH + "," + HEIGHT, run.resolve(Report.HTML).toUri().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Chromium took over 180 s: " + tail(log));
        }
        assertTrue(Files.isRegularFile(shot), "no screenshot; Chromium exited with " + p.exitValue() + ": " + tail(log));

        BufferedImage image = ImageIO.read(shot.toFile());
        assertNotNull(image, "the screenshot is not a PNG");
        assertEquals(WIDTH, image.getWidth());
        assertEquals(HEIGHT, image.getHeight());
        Set<Integer> colours = new HashSet<>();
        long nonWhite = 0;
        long chartBlue = 0;
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                nonWhite += rgb != 0xffffff ? 1 : 0;
                // The charts' training curve (#1f77b4): only the embedded PNGs draw it.
                chartBlue += near(rgb, 0x1f77b4) ? 1 : 0;
            }
        }
        assertTrue(colours.size() >= 32, "only " + colours.size() + " colours: a blank page?");
        assertTrue(nonWhite > WIDTH * HEIGHT / 50, "only " + nonWhite + " non-white pixels: a blank page?");
        assertTrue(chartBlue > 200, "only " + chartBlue + " pixels of the training curve's blue: charts not shown?");
    }

    private static boolean near(int rgb, int target) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((rgb >> shift) & 0xff) - ((target >> shift) & 0xff)) > 12) {
                return false;
            }
        }
        return true;
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no output)";
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
    }
}
