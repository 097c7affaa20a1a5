package org.sparkmlp.cli;

import java.nio.DoubleBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkmlp.optim.TrainingState;
import org.sparkmlp.train.EpochMetrics;
import org.sparkmlp.train.StepMetrics;
import org.sparkmlp.train.TrainingListener;

/**
 * metrics.jsonl and the checkpoints, which must agree: a line per epoch ({@code "event": "epoch"}), with
 * {@code --log-every N} a line every N steps ({@code "event": "step"}), and with {@code --checkpoint-every N} a line
 * per checkpoint taken inside an epoch ({@code "event": "checkpoint"}, its cost in seconds; an epoch's own
 * checkpoint adds {@code checkpoint_seconds} to the epoch's line). Lines wait in memory and the file is rewritten
 * whole at an epoch's end and before each checkpoint: never a partial line, no file write per step, and every line
 * up to a checkpoint's step is on disk before the checkpoint is, so a resumed run keeps them and goes on.
 */
final class MetricsLog implements TrainingListener {
    private final Outputs outputs;
    private final long logEvery;
    private Map<String, Object> lastEpoch;

    /** {@code logEvery} 0: epochs only. */
    MetricsLog(Outputs outputs, long logEvery) {
        this.outputs = outputs;
        this.logEvery = logEvery;
    }

    /** A resumed run keeps the lines up to its checkpoint and drops those of the steps it will run again. */
    @Override
    public void resumed(TrainingState state) {
        outputs.keepMetricsUpTo(state.epoch(), state.step());
    }

    @Override
    public void stepEnded(StepMetrics m, DoubleBuffer parameters) {
        if (logEvery > 0 && m.step() % logEvery == 0) {
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

    /** Every line up to the checkpoint's step is on disk before the checkpoint is. */
    @Override
    public void beforeCheckpoint(TrainingState state) {
        outputs.flushMetrics();
    }

    /**
     * Inside an epoch, a line of its own with the checkpoint's cost (on disk with the next flush: a line lost to
     * a kill only loses its cost); at an epoch's end, the cost is added to the epoch's line.
     */
    @Override
    public void checkpointSaved(TrainingState state, boolean epochEnd, double seconds) {
        if (epochEnd && lastEpoch != null) {
            lastEpoch.put("checkpoint_seconds", seconds);
            outputs.replaceLastMetric(lastEpoch);
            outputs.flushMetrics();
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "checkpoint");
        line.put("epoch", state.epoch() + 1);
        line.put("step_in_epoch", state.position().steps());
        line.put("step", state.step());
        line.put("seconds", seconds);
        outputs.addMetric(line);
    }
}
