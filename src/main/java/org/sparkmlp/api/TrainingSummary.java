package org.sparkmlp.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkmlp.data.CachedSets;
import org.sparkmlp.io.AtomicFiles;
import org.sparkmlp.io.HadoopFiles;
import org.sparkmlp.io.JsonValues;
import org.sparkmlp.report.ClassMetrics;
import org.sparkmlp.train.EpochMetrics;
import org.sparkmlp.train.Evaluation;
import org.sparkmlp.train.Trainer;
import org.sparkmlp.train.TrainingConfig;

/**
 * What a run did: why it stopped, the kept model's validation and test figures, each epoch's metrics, where
 * a step's time went, and the run's sizes. {@link #toJson()} is {@code summary.json}'s content. Immutable.
 */
public final class TrainingSummary {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, Object> json;
    private final List<EpochMetrics> epochs;
    private final Evaluation validation;
    private final Evaluation test;

    private TrainingSummary(Map<String, Object> json, List<EpochMetrics> epochs, Evaluation validation,
                            Evaluation test) {
        this.json = Collections.unmodifiableMap(json);
        this.epochs = List.copyOf(epochs);
        this.validation = validation;
        this.test = test;
    }

    static TrainingSummary of(TrainingSettings settings, TrainingConfig config, CachedSets data, Trainer.Result result,
                              BlasReport blas, long[] cachedBytes, double seconds) {
        List<EpochMetrics> epochs = result.epochs();
        // A run resumed from its last epoch's checkpoint trains no epoch here: its figures are in its metrics log.
        EpochMetrics last = epochs.isEmpty() ? new EpochMetrics(result.finalState().epoch(), result.steps(), Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0, 0) : epochs.get(epochs.size() - 1);
        Evaluation test = result.test();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("status", result.status().id());
        s.put("stop_reason", result.reason());
        s.put("best_epoch", result.bestEpoch() == 0 ? null : result.bestEpoch());
        s.put("model_epoch", result.modelEpoch());
        s.put("train_loss", last.trainLoss());
        // The kept model's validation figures: the best epoch's when early stopping chose it.
        Evaluation validation = result.validation();
        s.put("val_loss", validation == null ? null : validation.loss());
        s.put("val_accuracy", validation == null ? null : validation.accuracy());
        s.put("test_loss", test == null ? null : test.loss());
        s.put("test_accuracy", test == null ? null : test.accuracy());
        if (test != null) {
            int k = data.classes().size();
            s.put("test_confusion", ClassMetrics.rows(test.confusion(), k));
            s.put("test_per_class", ClassMetrics.toJson(data.classes(), ClassMetrics.of(test.confusion(), k)));
        }
        s.put("epochs", result.finalState().epoch());
        s.put("steps", result.steps());
        s.put("seconds", seconds);
        s.put("training_seconds", result.trainingSeconds());
        s.put("seconds_per_epoch", result.trainingSeconds() / epochs.size());
        s.put("rows_per_second", data.trainRows() * (double) epochs.size() / result.trainingSeconds());
        s.put("gc_seconds_per_epoch", epochs.stream().map(EpochMetrics::gcSeconds).toList());
        s.put("precision", config.precision().id());
        // Which task layout the step engine chose: partitions per task → steps of this process.
        Map<String, Long> layouts = new LinkedHashMap<>();
        result.stepsByPartitionsPerTask().forEach((perTask, steps) -> layouts.put(Integer.toString(perTask), steps));
        s.put("steps_by_partitions_per_task", layouts);
        s.put("step_breakdown", result.stepBreakdown());
        s.put("cached_train_bytes", cachedBytes[0]);
        // All three sets, as Spark's storage holds them: what a larger run must find room for.
        s.put("cached_memory_bytes", cachedBytes[1]);
        s.put("cached_disk_bytes", cachedBytes[2]);
        s.put("input_passes", data.preparation().inputPasses());
        s.put("preparation_seconds", data.preparation().seconds());
        s.put("driver_heap_bytes", data.preparation().driverHeapBytes());
        s.put("rows", rowsBySet(data));
        s.put("classes", data.classes());
        s.put("config", config.describe());
        s.put("settings", settings.asMap());
        s.put("blas", blas.toJson());
        return new TrainingSummary(s, epochs, validation, test);
    }

    /** Rows of each set, in a fixed order: Map.of's order changes from JVM to JVM, and so would the files'. */
    static Map<String, Long> rowsBySet(CachedSets data) {
        Map<String, Long> rows = new LinkedHashMap<>();
        rows.put("train", data.trainRows());
        rows.put("validation", data.validationRows());
        rows.put("test", data.testRows());
        return rows;
    }

    /**
     * Writes the summary as JSON (what the command line's summary.json holds, without its options; NaN and
     * infinities as null) to
     * {@code location} on any Hadoop file system: to a temporary name first, then renamed into place.
     */
    public void write(String location) throws IOException {
        AtomicFiles.writeString(location, HadoopFiles.configuration(),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JsonValues.finite(json)) + "\n");
    }

    /** summary.json's content: names and values as written there (docs/data.md, "Files a run writes"). */
    public Map<String, Object> toJson() {
        return json;
    }

    /** "finished" or "early-stopped". */
    public String status() {
        return (String) json.get("status");
    }

    public String stopReason() {
        return (String) json.get("stop_reason");
    }

    /** The epoch (from 1) with the best validation metric; 0 without a validation set. */
    public int bestEpoch() {
        Object best = json.get("best_epoch");
        return best == null ? 0 : (Integer) best;
    }

    /** The test set's accuracy under the kept weights (float64), NaN without a test set. */
    public double testAccuracy() {
        return test == null ? Double.NaN : test.accuracy();
    }

    public double testLoss() {
        return test == null ? Double.NaN : test.loss();
    }

    /** The kept weights' validation accuracy, NaN without a validation set. */
    public double validationAccuracy() {
        return validation == null ? Double.NaN : validation.accuracy();
    }

    public double validationLoss() {
        return validation == null ? Double.NaN : validation.loss();
    }

    /** Rows of the test set that were scored, 0 without one. */
    public long testRows() {
        return test == null ? 0 : test.rows();
    }

    /** Each epoch this run trained, in order (a resumed run: only those after the checkpoint). */
    public List<EpochMetrics> epochs() {
        return epochs;
    }

    /** Medians of where a step's time went, in milliseconds (summary.json's step_breakdown). */
    @SuppressWarnings("unchecked")
    public Map<String, Double> stepBreakdown() {
        return (Map<String, Double>) json.get("step_breakdown");
    }

    @Override
    public String toString() {
        return "TrainingSummary" + json;
    }
}
