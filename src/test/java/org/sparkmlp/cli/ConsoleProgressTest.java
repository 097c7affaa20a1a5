package org.sparkmlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.sparkmlp.train.EpochMetrics;
import org.sparkmlp.train.StepMetrics;

/** The console's progress line: redrawn in place on a terminal, plain epoch lines otherwise. */
class ConsoleProgressTest {
    private static StepMetrics step(long k, long of) {
        return new StepMetrics(2, 5, k, of, 100 + k, 128, 0.1, 0.5, 0.25, 128 * k, 0.01 * k);
    }

    private static final EpochMetrics EPOCH = new EpochMetrics(2, 200, 0.1, 0.25, 0.9, 0.3, 0.88, 2.0, 1.8, 0.01);

    @Test
    void onATerminalTheLineIsRedrawnInPlaceAtMostAFewTimesASecondAndTheEpochLineStays() {
        StringWriter text = new StringWriter();
        ConsoleProgress console = new ConsoleProgress(new PrintWriter(text), true);
        for (long k = 1; k <= 100; k++) {
            console.stepEnded(step(k, 100), null);
        }
        console.epochEnded(EPOCH);
        String out = text.toString();
        long redraws = out.split("\r\033\\[K", -1).length - 1;
        // The first step and the last are drawn; in between, far fewer than 100 (the loop takes microseconds).
        assertTrue(redraws >= 3 && redraws < 10, redraws + " redraws: " + out);
        assertTrue(out.contains("epoch 2/5  step 100/100  12,800 rows/s  ETA 0.0 s  lr 0.10000  loss 0.2500"), out);
        assertTrue(out.endsWith("\r\033[K" + ConsoleProgress.epochLine(EPOCH) + System.lineSeparator()), out);
    }

    @Test
    void withoutATerminalOnlyTheEpochLinesArePrinted() {
        StringWriter text = new StringWriter();
        ConsoleProgress console = new ConsoleProgress(new PrintWriter(text), false);
        for (long k = 1; k <= 100; k++) {
            console.stepEnded(step(k, 100), null);
        }
        console.epochEnded(EPOCH);
        String out = text.toString();
        assertFalse(out.contains("\r"), out);
        assertEquals(ConsoleProgress.epochLine(EPOCH) + System.lineSeparator(), out);
    }

    @Test
    void progressLineReportsRateAndEta() {
        // 40 of 100 steps in 0.4 s: 5,120 rows in 0.4 s, 60 steps to go at 10 ms each.
        String line = ConsoleProgress.progressLine(step(40, 100));
        assertEquals("epoch 2/5  step 40/100  12,800 rows/s  ETA 0.6 s  lr 0.10000  loss 0.2500", line);
    }
}
