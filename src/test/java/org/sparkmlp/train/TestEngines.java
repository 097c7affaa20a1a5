package org.sparkmlp.train;

import org.apache.spark.rdd.RDD;
import org.sparkmlp.data.Block;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Precision;

/**
 * Step engines for tests and benchmarks on a backend named explicitly: a cluster's in local mode too, to compare
 * the two.
 */
public final class TestEngines {
    private TestEngines() {
    }

    /** An engine on local mode's backend: weights, blocks and sums in place. */
    public static StepEngine local(RDD<Block> train, Architecture arch, Loss loss, Precision precision, long seed,
                                   int aggregationDepth, StepEngine.Tuning tuning) {
        return new StepEngine(StepBackend.Kind.LOCAL, train, arch, loss, precision, seed, aggregationDepth, tuning);
    }

    /** An engine on a cluster's backend, in local mode too: weights shipped, lineage in the task, sums returned. */
    public static StepEngine cluster(RDD<Block> train, Architecture arch, Loss loss, Precision precision, long seed,
                                     int aggregationDepth, StepEngine.Tuning tuning) {
        return new StepEngine(StepBackend.Kind.CLUSTER, train, arch, loss, precision, seed, aggregationDepth, tuning);
    }
}
