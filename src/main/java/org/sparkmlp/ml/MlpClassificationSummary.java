package org.sparkmlp.ml;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.mllib.evaluation.MulticlassMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * A model's figures on labelled rows, as {@link MlpClassificationModel#evaluate} gives them: MLlib's
 * classification summary under MLlib's names ({@code accuracy}, {@code weightedPrecision},
 * {@code weightedRecall}, {@code weightedFMeasure}, per-label rates), computed by MLlib's own
 * {@link MulticlassMetrics} from the prediction and label columns, plus its confusion matrix.
 *
 * <p>Why not MLlib's {@code MultilayerPerceptronClassificationSummary}: it is a sealed Scala trait whose one
 * implementation is private to Spark, and the trait it extends ({@code ClassificationSummary}) keeps its
 * metrics in a private field that only Scala's trait initialisation sets, so a Java class cannot be one
 * without depending on how the Scala compiler lays traits out. The methods here have the same names and
 * meanings, so code written against MLlib's summary reads the same.
 *
 * <p>The metrics are computed on first use (one Spark job over the predictions) and kept. Thread-safe.
 */
public final class MlpClassificationSummary {
    private final Dataset<Row> predictions;
    private final String predictionCol;
    private final String labelCol;
    private MulticlassMetrics metrics;

    MlpClassificationSummary(Dataset<Row> predictions, String predictionCol, String labelCol) {
        this.predictions = predictions;
        this.predictionCol = predictionCol;
        this.labelCol = labelCol;
    }

    /** The rows with the model's output columns, as its {@code transform} gave them. */
    public Dataset<Row> predictions() {
        return predictions;
    }

    public String predictionCol() {
        return predictionCol;
    }

    public String labelCol() {
        return labelCol;
    }

    private synchronized MulticlassMetrics metrics() {
        if (metrics == null) {
            metrics = new MulticlassMetrics(predictions.select(col(predictionCol), col(labelCol).cast("double"))
                    .javaRDD().map(r -> new Tuple2<Object, Object>(r.getDouble(0), r.getDouble(1))).rdd());
        }
        return metrics;
    }

    /** The labels present in the prediction or label column, ascending. */
    public double[] labels() {
        return metrics().labels();
    }

    /** The fraction of rows predicted correctly. */
    public double accuracy() {
        return metrics().accuracy();
    }

    public double weightedPrecision() {
        return metrics().weightedPrecision();
    }

    public double weightedRecall() {
        return metrics().weightedRecall();
    }

    public double weightedFMeasure() {
        return metrics().weightedFMeasure();
    }

    public double weightedTruePositiveRate() {
        return metrics().weightedTruePositiveRate();
    }

    public double weightedFalsePositiveRate() {
        return metrics().weightedFalsePositiveRate();
    }

    /** Per label, in {@link #labels()}' order. */
    public double[] precisionByLabel() {
        return byLabel(Metric.PRECISION);
    }

    public double[] recallByLabel() {
        return byLabel(Metric.RECALL);
    }

    public double[] fMeasureByLabel() {
        return byLabel(Metric.F_MEASURE);
    }

    public double[] truePositiveRateByLabel() {
        return byLabel(Metric.TRUE_POSITIVE_RATE);
    }

    public double[] falsePositiveRateByLabel() {
        return byLabel(Metric.FALSE_POSITIVE_RATE);
    }

    /**
     * Rows of true label i predicted as label j at (i, j), both in {@link #labels()}' order (MLlib's
     * {@code MulticlassMetrics.confusionMatrix}).
     */
    public Matrix confusionMatrix() {
        return metrics().confusionMatrix().asML();
    }

    private enum Metric { PRECISION, RECALL, F_MEASURE, TRUE_POSITIVE_RATE, FALSE_POSITIVE_RATE }

    private double[] byLabel(Metric metric) {
        MulticlassMetrics m = metrics();
        double[] labels = m.labels();
        double[] out = new double[labels.length];
        for (int i = 0; i < labels.length; i++) {
            out[i] = switch (metric) {
                case PRECISION -> m.precision(labels[i]);
                case RECALL -> m.recall(labels[i]);
                case F_MEASURE -> m.fMeasure(labels[i]);
                case TRUE_POSITIVE_RATE -> m.truePositiveRate(labels[i]);
                case FALSE_POSITIVE_RATE -> m.falsePositiveRate(labels[i]);
            };
        }
        return out;
    }
}
