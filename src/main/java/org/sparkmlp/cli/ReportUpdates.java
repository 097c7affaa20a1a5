package org.sparkmlp.cli;

import java.io.PrintWriter;
import org.sparkmlp.train.EpochMetrics;
import org.sparkmlp.train.TrainingListener;

/**
 * report.html as a listener: rebuilt after an epoch when {@link #EVERY_NANOS} have passed since the last build, so
 * the page of a long run shows where it is; built once more at the end, with summary.json. A failure to update it
 * during the run is reported once and does not stop training; the final build's failure is the run's.
 */
final class ReportUpdates implements TrainingListener {
    /** A build takes about a second (charts): once a minute keeps it under 2 % of a long run. */
    static final long EVERY_NANOS = 60_000_000_000L;

    private final Outputs outputs;
    private final PrintWriter err;
    private final long everyNanos;
    private long last = System.nanoTime();
    private boolean failed;

    ReportUpdates(Outputs outputs, PrintWriter err, long everyNanos) {
        this.outputs = outputs;
        this.err = err;
        this.everyNanos = everyNanos;
    }

    @Override
    public void epochEnded(EpochMetrics metrics) {
        if (failed || System.nanoTime() - last < everyNanos) {
            return;
        }
        try {
            outputs.writeReport();
        } catch (RuntimeException e) {
            failed = true;
            err.println("spark-mlp: warning: report.html not updated during the run: " + e.getMessage());
        }
        last = System.nanoTime();
    }

    /** The final report, after summary.json; false when the directory is not local (see {@link Outputs#writeReport}). */
    boolean finish() {
        return outputs.writeReport();
    }
}
