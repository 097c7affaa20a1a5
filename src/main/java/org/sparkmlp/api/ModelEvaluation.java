package org.sparkmlp.api;

import java.util.List;
import org.sparkmlp.report.ClassMetrics;

/**
 * A model scored on labelled rows: mean loss, accuracy, and the confusion matrix (rows: the true class, columns:
 * the predicted one, both in {@link #classes()}' order).
 */
public final class ModelEvaluation {
    private final String data;
    private final long rows;
    private final double loss;
    private final double accuracy;
    private final List<String> classes;
    private final long[] confusion;

    ModelEvaluation(String data, long rows, double loss, double accuracy, List<String> classes, long[] confusion) {
        this.data = data;
        this.rows = rows;
        this.loss = loss;
        this.accuracy = accuracy;
        this.classes = List.copyOf(classes);
        this.confusion = confusion.clone();
    }

    /** Where the rows came from, in words. */
    public String data() {
        return data;
    }

    public long rows() {
        return rows;
    }

    public double loss() {
        return loss;
    }

    public double accuracy() {
        return accuracy;
    }

    public List<String> classes() {
        return classes;
    }

    /** Rows of true class t predicted as class p. */
    public long confusion(int t, int p) {
        return confusion[t * classes.size() + p];
    }

    /** The confusion matrix, row by row (rows: true class). */
    public List<List<Long>> confusionRows() {
        return ClassMetrics.rows(confusion, classes.size());
    }
}
