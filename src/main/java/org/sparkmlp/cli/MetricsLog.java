package org.sparkmlp.cli;

import java.nio.DoubleBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkmlp.optim.TrainingState;
import org.sparkmlp.train.EpochMetrics;
import org.sparkmlp.train.StepMetrics;
import org.sparkmlp.train.TrainingListener;

/**
 * metrics.jsonl: a line per epoch ({@code "event": "epoch"}) and, with {@code --log-every N}, a line every N
 * steps ({@code "event": "step"}). Step lines wait in memory for their epoch's end, when the file is rewritten
 * whole once: never a partial line, and no file write per step.
 */
final class MetricsLog implements TrainingListener {
    /** Saves a checkpoint of a state and returns the seconds it took. */
    interface Checkpointer {
        double save(TrainingState state);
    }

    private final Outputs outputs;
    private final long every;
    private final Checkpointer checkpointer;
    private Map<String, Object> lastEpoch;

    /** {@code every} 0: epochs only; {@code checkpointer} null: no checkpoints. */
    MetricsLog(Outputs outputs, long every, Checkpointer checkpointer) {
        this.outputs = outputs;
        this.every = every;
        this.checkpointer = checkpointer;
    }

    /**
     * The epoch's line is flushed before its checkpoint is written, so a resumed run finds it in metrics.jsonl;
     * the checkpoint's cost is then added to that line.
     */
    @Override
    public void stateAfterEpoch(TrainingState state) {
        if (checkpointer == null) {
            return;
        }
        double seconds = checkpointer.save(state);
        lastEpoch.put("checkpoint_seconds", seconds);
        outputs.replaceLastMetric(lastEpoch);
        outputs.flushMetrics();
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
        lastEpoch = line;
    }
}
