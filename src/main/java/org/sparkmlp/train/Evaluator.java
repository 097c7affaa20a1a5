package org.sparkmlp.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.sparkmlp.data.Block;
import org.sparkmlp.data.PartitionGroups;
import org.sparkmlp.data.TaskSlots;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.BlockedRows;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.Kernel32;
import org.sparkmlp.nn.Kernel64;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Precision;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction2;

/**
 * Forward passes over a cached set, one Spark job: each partition returns its loss sum and counts (a task
 * reads a run of partitions when there are more than task slots), and the driver adds them in partition order
 * (so reported figures are reproducible to the bit, like the model, whatever the grouping).
 * Submitted like a training step ({@link Jobs}), with named functions that the closure cleaner need not scan;
 * a training run's evaluations ship their weights through its engine's backend ({@link StepEngine#evaluate}).
 */
public final class Evaluator {
    private Evaluator() {
    }

    /**
     * Evaluates {@code parameters} on every row of {@code blocks}, cached in {@code data}'s width, with the
     * kernel (and the weights shipped) in {@code precision}: float64 scores the double weights as a model file
     * holds them, on any cached width. Without a step engine to ship them, the weights go where {@code sc}'s
     * master runs the tasks: the driver's array itself in local mode, inside the task or in a broadcast on a
     * cluster ({@link ShippedWeights}).
     */
    public static Evaluation evaluate(SparkContext sc, RDD<Block> blocks, double[] parameters, Architecture arch,
                                      Loss loss, Precision data, Precision precision) {
        ShippedWeights weights = sc.isLocal() ? ShippedWeights.inProcess(parameters, precision, null)
                : ShippedWeights.toExecutors(sc, parameters, precision, null);
        try {
            return evaluate(sc, blocks, weights, arch, loss, data, precision);
        } finally {
            weights.release();
        }
    }

    /**
     * Evaluates the weights shipped in {@code precision} on every row of {@code blocks}, cached in {@code data}'s
     * width; the caller releases the weights.
     */
    static Evaluation evaluate(SparkContext sc, RDD<Block> blocks, ShippedWeights weights, Architecture arch,
                               Loss loss, Precision data, Precision precision) {
        int partitions = blocks.getNumPartitions();
        Part[] parts = new Part[partitions];
        Task task = new Task(weights, arch, loss, data, precision);
        // No more tasks than slots, as for the steps: a task per run of partitions, a Part per partition.
        int shift = PartitionGroups.shiftFor(partitions, TaskSlots.of(sc));
        if (shift == 0) {
            Jobs.run(sc, blocks, task, Jobs.all(partitions), Part.class, "evaluate", (p, part) -> parts[p] = part);
        } else {
            Jobs.run(sc, new PartitionGroups(blocks, shift), new GroupTask(task),
                    Jobs.all(PartitionGroups.groups(partitions, shift)), Part[].class, "evaluate",
                    (g, each) -> System.arraycopy(each, 0, parts, g << shift, each.length));
        }
        int k = arch.classes();
        double lossSum = 0.0;
        long correct = 0;
        long rows = 0;
        long[] confusion = new long[k * k];
        for (Part part : parts) {
            lossSum += part.loss;
            correct += part.correct;
            rows += part.rows;
            for (int i = 0; i < confusion.length; i++) {
                confusion[i] += part.confusion[i];
            }
        }
        return new Evaluation(rows == 0 ? Double.NaN : lossSum / rows,
                rows == 0 ? Double.NaN : (double) correct / rows, rows, correct, confusion);
    }

    /** One partition's sums. */
    static final class Part implements Serializable {
        private static final long serialVersionUID = 1L;
        double loss;
        long correct;
        long rows;
        long[] confusion;
    }

    /** The executor side for a run of partitions: each member's Part, in partition order. */
    static final class GroupTask extends AbstractFunction2<TaskContext, Iterator<PartitionGroups.Member>, Part[]>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Task task;

        GroupTask(Task task) {
            this.task = task;
        }

        @Override
        public Part[] apply(TaskContext context, Iterator<PartitionGroups.Member> members) {
            List<Part> parts = new ArrayList<>();
            while (members.hasNext()) {
                parts.add(task.apply(context, members.next().blocks(true)));
            }
            return parts.toArray(new Part[0]);
        }
    }

    /** The executor side: forward passes over all of a partition's rows. */
    static final class Task extends AbstractFunction2<TaskContext, Iterator<Block>, Part> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final ShippedWeights weights;
        private final Architecture arch;
        private final Loss loss;
        private final Precision data;
        private final Precision precision;

        Task(ShippedWeights weights, Architecture arch, Loss loss, Precision data, Precision precision) {
            this.weights = weights;
            this.arch = arch;
            this.loss = loss;
            this.data = data;
            this.precision = precision;
        }

        @Override
        public Part apply(TaskContext context, Iterator<Block> blocks) {
            BlockedRows rows = GradientTask.view(blocks, arch, data);
            GradientSum sum = GradientSum.empty();
            Part part = new Part();
            part.confusion = new long[arch.classes() * arch.classes()];
            if (precision == Precision.FLOAT32) {
                Kernel32.forThread(arch, loss).evaluate(weights.floats(), rows, 0, rows.rows(), sum, part.confusion);
            } else {
                Kernel64.forThread(arch, loss).evaluate(weights.doubles(), rows, 0, rows.rows(), sum, part.confusion);
            }
            part.loss = sum.loss();
            part.correct = sum.correct();
            part.rows = sum.rows();
            return part;
        }
    }
}
