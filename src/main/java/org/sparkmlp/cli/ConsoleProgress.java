package org.sparkmlp.cli;

import java.io.PrintWriter;
import java.nio.DoubleBuffer;
import java.util.Locale;
import org.sparkmlp.train.EpochMetrics;
import org.sparkmlp.train.StepMetrics;
import org.sparkmlp.train.TrainingListener;

/**
 * The console's view of a run. On a terminal, one line per epoch rewritten in place while it runs (step / steps,
 * rows per second, ETA, learning rate, running loss), at most a few times a second; its final form stays. Not on
 * a terminal (a cron log, a pipe), only that final line, once per epoch.
 */
final class ConsoleProgress implements TrainingListener {
    /** Rewrites at most this often: a terminal redrawn per step would cost more than the step. */
    private static final long REDRAW_NANOS = 200_000_000L;
    /** Carriage return, then erase to the end of the line (ANSI): the next text replaces the line. */
    private static final String REWRITE = "\r\033[K";

    private final PrintWriter out;
    private final boolean terminal;
    private long lastDraw;
    private boolean drawn;

    ConsoleProgress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Whether standard output is a terminal (Java 17: a console exists only when stdin and stdout are ttys). */
    static boolean stdoutIsTerminal() {
        return System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }

    @Override
    public void started(String architecture, long trainRows, long stepsPerEpoch, int epochs) {
        out.printf(Locale.ROOT, "training %s: %,d rows, %,d steps per epoch, %d epochs%n", architecture, trainRows,
                stepsPerEpoch, epochs);
    }

    @Override
    public void stepEnded(StepMetrics m, DoubleBuffer parameters) {
        if (!terminal) {
            return;
        }
        long now = System.nanoTime();
        if (drawn && now - lastDraw < REDRAW_NANOS && m.stepInEpoch() < m.stepsPerEpoch()) {
            return;
        }
        lastDraw = now;
        drawn = true;
        out.print(REWRITE + progressLine(m));
        out.flush();
    }

    /** "epoch 3/15  step 120/422  5,310 rows/s  ETA 4.1 s  lr 0.19  loss 0.4312". */
    static String progressLine(StepMetrics m) {
        double rate = m.epochSeconds() > 0 ? m.epochRows() / m.epochSeconds() : 0;
        double eta = m.stepInEpoch() > 0 ? m.epochSeconds() / m.stepInEpoch() * (m.stepsPerEpoch() - m.stepInEpoch()) : 0;
        return String.format(Locale.ROOT, "epoch %d/%d  step %d/%d  %,.0f rows/s  ETA %.1f s  lr %.5g  loss %.4f",
                m.epoch(), m.epochs(), m.stepInEpoch(), m.stepsPerEpoch(), rate, eta, m.learningRate(), m.runningLoss());
    }

    @Override
    public void epochEnded(EpochMetrics m) {
        if (terminal && drawn) {
            out.print(REWRITE);
        }
        drawn = false;
        out.println(epochLine(m));
        out.flush();
    }

    static String epochLine(EpochMetrics m) {
        return String.format(Locale.ROOT, "epoch %3d  steps %7d  lr %.5g  train_loss %.4f  val_loss %s  val_acc %s  %.2f s",
                m.epoch(), m.steps(), m.learningRate(), m.trainLoss(), fmt(m.validationLoss()),
                fmt(m.validationAccuracy()), m.seconds());
    }

    private static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "-";
    }
}
