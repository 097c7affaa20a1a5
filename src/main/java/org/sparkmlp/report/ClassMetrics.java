package org.sparkmlp.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Precision, recall and support of one class, from a confusion matrix whose rows are true classes and columns
 * predicted ones: precision = C[c][c] / Σ_t C[t][c] (of the rows predicted as c, the share that are c), recall =
 * C[c][c] / Σ_p C[c][p] (of the rows of class c, the share found), support = Σ_p C[c][p]. A share of nothing —
 * no row predicted as c, or no row of class c — is NaN, written as null.
 */
public record ClassMetrics(double precision, double recall, long support) {

    /**
     * One entry per class, in class order, from {@code confusion[t·k + p]}, the count of rows of true class t
     * predicted as p (the layout of {@code train.Evaluation}).
     */
    public static List<ClassMetrics> of(long[] confusion, int k) {
        if (k < 1 || confusion.length != (long) k * k) {
            throw new IllegalArgumentException("confusion matrix of " + confusion.length + " counts for " + k + " classes");
        }
        List<ClassMetrics> out = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            long predicted = 0;
            long actual = 0;
            for (int i = 0; i < k; i++) {
                predicted += confusion[i * k + c];
                actual += confusion[c * k + i];
            }
            long hit = confusion[c * k + c];
            out.add(new ClassMetrics(share(hit, predicted), share(hit, actual), actual));
        }
        return out;
    }

    /** summary.json's {@code test_per_class}: {@code [{"class", "precision", "recall", "support"}, ...]}. */
    public static List<Map<String, Object>> toJson(List<String> classes, List<ClassMetrics> metrics) {
        List<Map<String, Object>> out = new ArrayList<>(metrics.size());
        for (int c = 0; c < metrics.size(); c++) {
            ClassMetrics m = metrics.get(c);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("class", classes.get(c));
            entry.put("precision", Double.isNaN(m.precision) ? null : m.precision);
            entry.put("recall", Double.isNaN(m.recall) ? null : m.recall);
            entry.put("support", m.support);
            out.add(entry);
        }
        return out;
    }

    /** The matrix as rows (true class) of columns (predicted), as summary.json's {@code test_confusion} holds it. */
    public static List<List<Long>> rows(long[] confusion, int k) {
        List<List<Long>> rows = new ArrayList<>(k);
        for (int t = 0; t < k; t++) {
            List<Long> row = new ArrayList<>(k);
            for (int p = 0; p < k; p++) {
                row.add(confusion[t * k + p]);
            }
            rows.add(row);
        }
        return rows;
    }

    private static double share(long part, long whole) {
        return whole == 0 ? Double.NaN : (double) part / whole;
    }
}
