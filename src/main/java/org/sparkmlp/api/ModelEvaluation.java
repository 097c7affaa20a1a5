package org.sparkmlp.api;

import java.util.ArrayList;
import java.util.List;

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
        int k = classes.size();
        List<List<Long>> out = new ArrayList<>(k);
        for (int t = 0; t < k; t++) {
            List<Long> row = new ArrayList<>(k);
            for (int p = 0; p < k; p++) {
                row.add(confusion[t * k + p]);
            }
            out.add(row);
        }
        return out;
    }
}
