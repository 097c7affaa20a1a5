package org.sparkmlp.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.Kernel;
import org.sparkmlp.nn.Kernel64;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Scaling;

/**
 * {@link MlpClassificationModel#transform}'s work in a partition: the rows are taken {@link Kernel#CHUNK} at a
 * time, their features stacked into one column-major matrix, scaled, and scored by one forward pass of the
 * float64 kernel (a BLAS {@code gemm} per layer), as the command line's {@code predict} scores its blocks; then
 * each row leaves with its input columns and the asked-for output columns appended. A per-row UDF (Spark's
 * default) would make one matrix–vector product per row and layer, several times slower for wide layers.
 *
 * <p>Nothing is allocated per row beyond the output row and its vectors; the block's buffers are this scorer's
 * and the kernel is the thread's.
 */
final class BlockScorer implements MapPartitionsFunction<Row, Row>, Serializable {
    private static final long serialVersionUID = 1L;

    /** What the model scores with, and which columns it appends. */
    record Plan(Architecture architecture, Loss loss, Scaling scaling, double[] parameters, int[] classIndex,
                int numClasses, double[] thresholds, int featureIndex, String featuresCol, boolean raw,
                boolean probability, boolean prediction) implements Serializable {
    }

    private final Plan plan;

    BlockScorer(Plan plan) {
        this.plan = plan;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return new Scored(rows);
    }

    /** The class chosen from a probability vector: the largest, or the largest p / t under thresholds t. */
    static int choose(double[] p, int from, int k, double[] thresholds) {
        int best = 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            double v = thresholds == null ? p[from + j]
                    : thresholds[j] == 0.0 ? Double.POSITIVE_INFINITY : p[from + j] / thresholds[j];
            if (v > bestValue) {
                best = j;
                bestValue = v;
            }
        }
        return best;
    }

    private final class Scored implements Iterator<Row> {
        private final Iterator<Row> in;
        private final int n0 = plan.architecture.inputs();
        private final int outputs = plan.architecture.classes();
        private final double[] x = new double[n0 * Kernel.CHUNK];
        private final double[] p = new double[outputs * Kernel.CHUNK];
        private final List<Row> block = new ArrayList<>(Kernel.CHUNK);
        private int next;

        Scored(Iterator<Row> in) {
            this.in = in;
        }

        @Override
        public boolean hasNext() {
            if (next < block.size()) {
                return true;
            }
            fill();
            return !block.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return withOutputs(block.get(next), next++);
        }

        private void fill() {
            block.clear();
            next = 0;
            while (block.size() < Kernel.CHUNK && in.hasNext()) {
                Row row = in.next();
                copyFeatures(row, block.size());
                block.add(row);
            }
            int m = block.size();
            if (m > 0) {
                plan.scaling.applyInPlace(x, m);
                Kernel64.forThread(plan.architecture, plan.loss).predict(plan.parameters, x, 0, m, p, 0);
            }
        }

        private void copyFeatures(Row row, int r) {
            Object value = row.get(plan.featureIndex);
            if (!(value instanceof Vector v)) {
                throw new IllegalArgumentException("the features column '" + plan.featuresCol + "' holds "
                        + (value == null ? "null" : "a " + value.getClass().getSimpleName())
                        + " in a row; the model takes vectors of " + n0);
            }
            if (v.size() != n0) {
                throw new IllegalArgumentException("the features column '" + plan.featuresCol + "' holds a vector"
                        + " of " + v.size() + " values; the model takes " + n0);
            }
            int at = r * n0;
            if (v instanceof DenseVector d) {
                System.arraycopy(d.values(), 0, x, at, n0);
            } else {
                SparseVector s = (SparseVector) v;
                Arrays.fill(x, at, at + n0, 0.0);
                int[] indices = s.indices();
                double[] nonZero = s.values();
                for (int i = 0; i < indices.length; i++) {
                    x[at + indices[i]] = nonZero[i];
                }
            }
        }

        private Row withOutputs(Row row, int r) {
            int width = row.length();
            Object[] values = new Object[width + (plan.raw ? 1 : 0) + (plan.probability ? 1 : 0)
                    + (plan.prediction ? 1 : 0)];
            for (int i = 0; i < width; i++) {
                values[i] = row.get(i);
            }
            double[] probabilities = new double[plan.numClasses];
            for (int j = 0; j < outputs; j++) {
                probabilities[plan.classIndex[j]] = p[r * outputs + j];
            }
            int at = width;
            if (plan.raw) {
                values[at++] = Vectors.dense(probabilities); // the encoder copies each column's values
            }
            if (plan.probability) {
                values[at++] = Vectors.dense(probabilities);
            }
            if (plan.prediction) {
                values[at] = (double) choose(probabilities, 0, plan.numClasses, plan.thresholds);
            }
            return RowFactory.create(values);
        }
    }
}
