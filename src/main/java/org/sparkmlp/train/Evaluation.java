package org.sparkmlp.train;

import java.util.Arrays;
import java.util.Objects;

/**
 * Loss, accuracy and confusion counts of a model on a set. {@code confusion[t·K + p]} counts rows of true
 * class t predicted as p.
 */
public record Evaluation(double loss, double accuracy, long rows, long correct, long[] confusion) {
    public Evaluation {
        confusion = confusion.clone();
    }

    /** A copy: the record's array stays its own. */
    @Override
    public long[] confusion() {
        return confusion.clone();
    }

    /** Equal figures and confusion counts (the array by its content, not its identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Evaluation e && Double.compare(loss, e.loss) == 0 && Double.compare(accuracy, e.accuracy) == 0
                && rows == e.rows && correct == e.correct && Arrays.equals(confusion, e.confusion);
    }

    @Override
    public int hashCode() {
        return Objects.hash(loss, accuracy, rows, correct) * 31 + Arrays.hashCode(confusion);
    }
}
