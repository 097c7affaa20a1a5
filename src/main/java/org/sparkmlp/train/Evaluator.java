package org.sparkmlp.train;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.sparkmlp.data.Block;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.Kernel;
import org.sparkmlp.nn.Loss;

/**
 * Forward passes over a cached set: each partition returns its loss sum and counts, and the driver adds them
 * in partition order (so reported figures are reproducible to the bit, like the model).
 */
public final class Evaluator {
    private Evaluator() {
    }

    /** Evaluates the broadcast weights on every row of {@code blocks}. */
    public static Evaluation evaluate(JavaRDD<Block> blocks, Broadcast<double[]> weights, Architecture arch, Loss loss) {
        int k = arch.classes();
        List<PartResult> parts = blocks.map(b -> {
            GradientSum sum = GradientSum.empty();
            PartResult part = new PartResult();
            part.confusion = new long[k * k];
            Kernel.forThread(arch, loss).evaluate(weights.value(), b.x(), b.y(), 0, b.rows(), sum, part.confusion);
            part.loss = sum.loss();
            part.correct = sum.correct();
            part.rows = sum.rows();
            return part;
        }).collect();
        double lossSum = 0.0;
        long correct = 0;
        long rows = 0;
        long[] confusion = new long[k * k];
        for (PartResult part : parts) {
            lossSum += part.loss;
            correct += part.correct;
            rows += part.rows;
            for (int i = 0; i < confusion.length; i++) {
                confusion[i] += part.confusion[i];
            }
        }
        return new Evaluation(rows == 0 ? Double.NaN : lossSum / rows, rows == 0 ? Double.NaN : (double) correct / rows,
                rows, correct, confusion);
    }

    /** One partition's sums. */
    static final class PartResult implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        double loss;
        long correct;
        long rows;
        long[] confusion;
    }
}
