package org.sparkmlp.train;

import java.io.Serializable;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.sparkmlp.data.Block;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Precision;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction2;

/**
 * Step engines and trainers for tests and benchmarks, which the training code does not carry: engines on a
 * backend named explicitly (a cluster's in local mode too, to compare the two), step tasks that fail on their
 * first attempt (Spark's retry must give the same bits) or compute nothing (the floor under a step), and the
 * bare job on the training blocks.
 */
public final class TestEngines {
    private TestEngines() {
    }

    /** An engine on local mode's backend: weights, blocks and sums in place. */
    public static StepEngine local(RDD<Block> train, Architecture arch, Loss loss, Precision precision, long seed,
                                   int aggregationDepth, StepEngine.Tuning tuning) {
        return new StepEngine(StepBackend.Kind.LOCAL, train, arch, loss, precision, seed, aggregationDepth, tuning,
                GradientTask::new);
    }

    /** An engine on a cluster's backend, in local mode too: weights shipped, lineage in the task, sums returned. */
    public static StepEngine cluster(RDD<Block> train, Architecture arch, Loss loss, Precision precision, long seed,
                                     int aggregationDepth, StepEngine.Tuning tuning) {
        return new StepEngine(StepBackend.Kind.CLUSTER, train, arch, loss, precision, seed, aggregationDepth, tuning,
                GradientTask::new);
    }

    /**
     * An engine on the master's backend whose steps ship the weights, read them in each task and make every
     * partition with rows send a gradient-sized sum (written into the driver's in local mode), but compute
     * nothing: Spark's real floor under a step.
     */
    public static StepEngine shipOnly(RDD<Block> train, Architecture arch, Loss loss, Precision precision, long seed,
                                      int aggregationDepth, StepEngine.Tuning tuning) {
        return new StepEngine(StepBackend.Kind.forMaster(train.context()), train, arch, loss, precision, seed,
                aggregationDepth, tuning, ShipOnly::new);
    }

    /** The cheapest job Spark runs on the engine's training blocks: nothing shipped, nothing computed, one number back. */
    public static void bareJob(StepEngine engine) {
        RDD<Block> blocks = engine.backend().blocks();
        Jobs.run(blocks.context(), blocks, new Nothing(), Jobs.all(blocks.getNumPartitions()), Integer.class,
                "bare job", (p, n) -> { });
    }

    /** A trainer on a backend of the given kind, whatever the master. */
    static Trainer trainer(JavaSparkContext sc, TrainingConfig config, StepBackend.Kind kind) {
        return new Trainer(sc, config, kind, GradientTask::new);
    }

    /** A trainer on the master's backend whose step tasks fail on their first attempt in {@code epoch} (from 1). */
    static Trainer failingFirstAttemptsIn(JavaSparkContext sc, TrainingConfig config, int epoch) {
        return new Trainer(sc, config, StepBackend.Kind.forMaster(sc.sc()),
                (weights, arch, loss, precision, from, to, seed, e) ->
                        new FailingFirstAttempt(weights, arch, loss, precision, from, to, seed, e, epoch));
    }

    /** A step task whose first attempt fails in one epoch, on the first partition it reads; a retry computes. */
    private static final class FailingFirstAttempt extends GradientTask {
        private static final long serialVersionUID = 1L;
        private final int failingEpoch;

        FailingFirstAttempt(ShippedWeights weights, Architecture arch, Loss loss, Precision precision, int[] from,
                            int[] to, long seed, int epoch, int failingEpoch) {
            super(weights, arch, loss, precision, from, to, seed, epoch);
            this.failingEpoch = failingEpoch;
        }

        @Override
        GradientSum gradient(int p, Iterator<Block> blocks, GradientSum into) {
            TaskContext context = TaskContext.get();
            if (context != null && context.attemptNumber() == 0 && epoch() + 1 == failingEpoch) {
                throw new IllegalStateException("injected fault: first attempt of partition " + p + " in epoch "
                        + failingEpoch);
            }
            return super.gradient(p, blocks, into);
        }
    }

    /** A step task that reads the weights and returns what a step would send, without computing it. */
    private static final class ShipOnly extends GradientTask {
        private static final long serialVersionUID = 1L;

        ShipOnly(ShippedWeights weights, Architecture arch, Loss loss, Precision precision, int[] from, int[] to,
                 long seed, int epoch) {
            super(weights, arch, loss, precision, from, to, seed, epoch);
        }

        @Override
        GradientSum gradient(int p, Iterator<Block> blocks, GradientSum into) {
            int n = architecture().parameterCount();
            GradientSum sum = into.clear(n);
            if (!hasRows(p)) {
                return sum;
            }
            // Floats in float32, doubles in float64, as a step's partition sends them.
            if (precision() == Precision.FLOAT32) {
                weights().floats();
                sum.exactBuffer(n);
            } else {
                weights().doubles();
                sum.gradientBuffer(n);
            }
            return sum;
        }
    }

    /** Does nothing: the bare job. */
    private static final class Nothing extends AbstractFunction2<TaskContext, Iterator<Block>, Integer>
            implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer apply(TaskContext context, Iterator<Block> blocks) {
            return 0;
        }
    }
}
