package org.sparkmlp.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkmlp.io.AtomicFiles;

/**
 * Builds {@value #HTML} and its charts ({@value #LOSS_PNG}, {@value #ACCURACY_PNG}, {@value #LEARNING_RATE_PNG})
 * in an output directory from the run files there ({@link RunFiles}): at the end of training, or later, again,
 * for a run that finished, was interrupted or is still going.
 *
 * <p>Call order is free and nothing is kept between calls; {@link #write} may run while training appends to
 * metrics.jsonl, since every file it reads was itself written whole and renamed into place, and every file it
 * writes is written the same way ({@link AtomicFiles}): the charts first, the page last, so a reader never
 * sees a half-written file.
 */
public final class Report {
    public static final String HTML = "report.html";
    public static final String LOSS_PNG = "loss.png";
    public static final String ACCURACY_PNG = "accuracy.png";
    public static final String LEARNING_RATE_PNG = "learning-rate.png";

    private Report() {
    }

    /**
     * Reads the run in {@code dir} and writes the report and its charts there.
     *
     * @return the files written, the page last
     * @throws RunFilesException    when {@code dir} holds no run or a run file cannot be read
     * @throws ReportWriteException naming the file that could not be written
     */
    public static List<Path> write(Path dir) throws ReportWriteException {
        Map<String, byte[]> files = build(RunFiles.read(dir), Instant.now());
        List<Path> written = new ArrayList<>(files.size());
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path target = dir.resolve(f.getKey());
            byte[] bytes = f.getValue();
            try {
                AtomicFiles.write(target, out -> out.write(bytes));
            } catch (IOException e) {
                throw new ReportWriteException(target, e);
            }
            written.add(target);
        }
        return written;
    }

    /** The report's files, name → content, in the order to write them: the charts, then the page. */
    public static Map<String, byte[]> build(RunFiles run, Instant built) {
        double testLoss = Double.NaN;
        double testAccuracy = Double.NaN;
        if (run.summary() != null) {
            testLoss = run.summary().path("test_loss").isNumber() ? run.summary().get("test_loss").doubleValue() : Double.NaN;
            testAccuracy = run.summary().path("test_accuracy").isNumber()
                    ? run.summary().get("test_accuracy").doubleValue() : Double.NaN;
        }
        Map<String, byte[]> charts = new LinkedHashMap<>();
        charts.put(LOSS_PNG, Charts.loss(run.epochs(), testLoss));
        charts.put(ACCURACY_PNG, Charts.accuracy(run.epochs(), testAccuracy));
        charts.put(LEARNING_RATE_PNG, Charts.learningRate(run.epochs()));
        Map<String, byte[]> files = new LinkedHashMap<>(charts);
        files.put(HTML, ReportPage.html(run, charts, built).getBytes(StandardCharsets.UTF_8));
        return files;
    }
}
