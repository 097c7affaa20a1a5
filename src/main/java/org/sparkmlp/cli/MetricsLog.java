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
    /** Saves a checkpoint of a state and returns the seconds it took. */
    interface Checkpointer {
        double save(TrainingState state);
    }

    private final Outputs outputs;
    private final long logEvery;
    private final Checkpointer checkpointer;
    private final long checkpointEvery;
    private Map<String, Object> lastEpoch;

    /**
     * {@code logEvery} 0: epochs only; {@code checkpointer} null: no checkpoints, else one at every epoch's end and,
     * when {@code checkpointEvery} is above 0, after every step number divisible by it.
     */
    MetricsLog(Outputs outputs, long logEvery, Checkpointer checkpointer, long checkpointEvery) {
        this.outputs = outputs;
        this.logEvery = logEvery;
        this.checkpointer = checkpointer;
        this.checkpointEvery = checkpointEvery;
    }

    @Override
    public void stepEnded(StepMetrics m, DoubleBuffer parameters) {
        if (logEvery > 0 && m.step() % logEvery == 0) {
            outputs.addMetric(m.toMap());
        }
    }

    @Override
    public boolean wantsStateAfterStep(long step) {
        return checkpointer != null && checkpointEvery > 0 && step % checkpointEvery == 0;
    }

    @Override
    public void stateInEpoch(TrainingState state) {
        outputs.flushMetrics();
        double seconds = checkpointer.save(state);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "checkpoint");
        line.put("epoch", state.epoch() + 1);
        line.put("step_in_epoch", state.position().steps());
        line.put("step", state.step());
        line.put("seconds", seconds);
        outputs.addMetric(line); // on disk with the next flush: a line lost to a kill only loses its cost
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
}
