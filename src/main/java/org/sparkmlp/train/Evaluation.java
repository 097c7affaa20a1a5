package org.sparkmlp.train;

/**
 * Loss, accuracy and confusion counts of a model on a set. {@code confusion[t·K + p]} counts rows of true
 * class t predicted as p.
 */
public record Evaluation(double loss, double accuracy, long rows, long correct, long[] confusion) {
}
