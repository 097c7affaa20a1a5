package org.sparkmlp.api;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.sparkmlp.data.TableReader;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.Kernel;
import org.sparkmlp.nn.Kernel64;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Scaling;

/**
 * The executor side of {@link TrainedModel#predict}: reads a partition's rows {@link Kernel#CHUNK} at a time into
 * one reused column-major block, scales it, runs the forward pass in float64 and appends the predicted label and
 * the probabilities to each row, keeping every column it had.
 */
final class RowPredictor implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Broadcast<double[]> weights;
    private final Architecture arch;
    private final Loss loss;
    private final Scaling scaling;
    private final List<String> classes;
    private final int[] inputColumns;
    private final boolean vector;

    RowPredictor(Broadcast<double[]> weights, Architecture arch, Loss loss, Scaling scaling, List<String> classes,
                 int[] inputColumns, boolean vector) {
        this.weights = weights;
        this.arch = arch;
        this.loss = loss;
        this.scaling = scaling;
        this.classes = List.copyOf(classes);
        this.inputColumns = inputColumns.clone();
        this.vector = vector;
    }

    Iterator<Row> apply(Iterator<Row> rows) {
        int n = arch.inputs();
        int k = arch.classes();
        double[] x = new double[n * Kernel.CHUNK];
        double[] probabilities = new double[k * Kernel.CHUNK];
        List<Row> chunk = new ArrayList<>(Kernel.CHUNK);
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < chunk.size() || rows.hasNext();
            }

            @Override
            public Row next() {
                if (next == chunk.size()) {
                    if (!rows.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    fill();
                }
                Row r = chunk.get(next);
                int j = next++;
                Object[] values = new Object[r.length() + 2];
                for (int c = 0; c < r.length(); c++) {
                    values[c] = r.get(c);
                }
                values[r.length()] = classes.get(Kernel.argmax(probabilities, j * k, k));
                double[] p = new double[k];
                System.arraycopy(probabilities, j * k, p, 0, k);
                values[r.length() + 1] = p;
                return RowFactory.create(values);
            }

            private void fill() {
                chunk.clear();
                next = 0;
                while (chunk.size() < Kernel.CHUNK && rows.hasNext()) {
                    Row r = rows.next();
                    read(r, x, chunk.size() * n);
                    chunk.add(r);
                }
                scaling.applyInPlace(x, chunk.size());
                Kernel64.forThread(arch, loss).predict(weights.value(), x, 0,
                        chunk.size(), probabilities, 0);
            }
        };
    }

    private void read(Row r, double[] x, int at) {
        int n = arch.inputs();
        if (vector) {
            if (r.isNullAt(inputColumns[0])) {
                throw new IllegalArgumentException("input column " + r.schema().fieldNames()[inputColumns[0]]
                        + " is null in a row");
            }
            double[] v = TableReader.toArray(r.get(inputColumns[0]));
            if (v.length != n) {
                throw new IllegalArgumentException("a row's vector has " + v.length + " values; the model takes " + n);
            }
            for (int f = 0; f < n; f++) {
                x[at + f] = finite(v[f], r, inputColumns[0]);
            }
            return;
        }
        for (int f = 0; f < n; f++) {
            int c = inputColumns[f];
            if (r.isNullAt(c)) {
                throw new IllegalArgumentException("input column " + r.schema().fieldNames()[c] + " is null in a row");
            }
            x[at + f] = finite(((Number) r.get(c)).doubleValue(), r, c);
        }
    }

    /** An input as it is, or an error naming the column: NaN would predict the first class without a word. */
    private static double finite(double v, Row r, int column) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("input column " + r.schema().fieldNames()[column] + " holds " + v
                    + " in a row; inputs must be finite numbers");
        }
        return v;
    }
}
