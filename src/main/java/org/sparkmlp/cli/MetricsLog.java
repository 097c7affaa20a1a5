package org.sparkmlp.cli;

import java.nio.DoubleBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkmlp.train.EpochMetrics;
import org.sparkmlp.train.StepMetrics;
import org.sparkmlp.train.TrainingListener;

/**
 * metrics.jsonl: a line per epoch ({@code "event": "epoch"}) and, with {@code --log-every N}, a line every N
 * steps ({@code "event": "step"}). Step lines wait in memory for their epoch's end, when the file is rewritten
 * whole once: never a partial line, and no file write per step.
 */
final class MetricsLog implements TrainingListener {
    private final Outputs outputs;
    private final long every;

    /** {@code every} 0: epochs only. */
    MetricsLog(Outputs outputs, long every) {
        this.outputs = outputs;
        this.every = every;
    }

    @Override
    public void stepEnded(StepMetrics m, DoubleBuffer parameters) {
        if (every > 0 && m.step() % every == 0) {
            outputs.addMetric(m.toMap());
        }
    }

    @Override
    public void epochEnded(EpochMetrics m) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "epoch");
        line.putAll(m.toMap());
        outputs.addMetric(line);
        outputs.flushMetrics();
    }
}
