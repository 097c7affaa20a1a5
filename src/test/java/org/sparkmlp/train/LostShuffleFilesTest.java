package org.sparkmlp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import org.apache.spark.Dependency;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.RDDBlockId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkmlp.data.Block;
import org.sparkmlp.data.BuildOptions;
import org.sparkmlp.data.CsvReader;
import org.sparkmlp.data.DataSource;
import org.sparkmlp.data.CachedSets;
import org.sparkmlp.data.DatasetBuilder;
import org.sparkmlp.data.LabelColumn;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.testing.SparkTests;

/**
 * A cached training block lost together with the packing shuffle's files. In local mode the step's tasks read the
 * blocks through {@link LocalBlocks}, whose reader ships no lineage; the scheduler still knows the view's lineage,
 * so the tasks' fetch failure makes it rerun the shuffle's map stage: the step gives the same bits, and the
 * SparkContext lives on. Spark answers a fetch failure by forgetting the block manager it fetched from (in local
 * mode, the driver's own), so each case gets a SparkContext of its own.
 */
class LostShuffleFilesTest {
    @TempDir
    Path dir;
    private JavaSparkContext sc;

    @BeforeEach
    void start() {
        sc = SparkTests.start("local[2]");
    }

    @AfterEach
    void stop() {
        sc.close();
    }

    @ParameterizedTest(name = "layout shift {0}")
    @ValueSource(ints = {0, 30})
    void aStepRecomputesTheShuffleAndTheBlocksWithTheSameBits(int layout) throws Exception {
        Path csv = dir.resolve("circles.csv");
        Files.writeString(csv, SparkTests.csv(SparkTests.circles(301, 0.05, 9)));
        DataSource source = new DataSource(csv.toString(), DataSource.Format.CSV, LabelColumn.LAST,
                CsvReader.Header.AUTO);
        CachedSets d = DatasetBuilder.build(sc, source.loadForTraining(sc, 3, false).data(), null, new BuildOptions(3,
                new DatasetBuilder.Split(0.0, 0.0, 1), Precision.FLOAT64, null, null, Scaling.Kind.STANDARD, "circles",
                0));
        Architecture arch = new Architecture(new int[] {d.features(), 6, d.classes().size()}, Activation.TANH);
        double[] params = arch.glorotUniform(8);
        RDD<Block> blocks = d.train().rdd();
        StepEngine engine = new StepEngine(sc.sc(), blocks, arch, Loss.CROSS_ENTROPY, Precision.FLOAT64, 13, 1,
                new StepEngine.Tuning(StepEngine.TREE_THRESHOLD, layout));
        assertTrue(engine.inPlace(), "local mode reads the blocks through LocalBlocks");
        BatchPlan plan = new BatchPlan(engine.partitionSizes(), 50);
        plan.nextStep();
        // A copy: the engine's next step writes into the sums it returned.
        GradientSum before = GradientSum.empty().merge(engine.gradient(params, 1, plan.from(), plan.to()));
        for (int p = 0; p < blocks.getNumPartitions(); p++) {
            sc.sc().env().blockManager().removeBlock(RDDBlockId.apply(blocks.id(), p), true);
        }
        sc.sc().env().shuffleManager().unregisterShuffle(nearestShuffle(blocks).shuffleId()); // deletes its files

        GradientSum after = engine.gradient(params, 1, plan.from(), plan.to());

        assertFalse(sc.sc().isStopped(), "the scheduler survived the fetch failure");
        assertEquals(before.rows(), after.rows());
        assertEquals(Double.doubleToLongBits(before.loss()), Double.doubleToLongBits(after.loss()), "loss bits");
        assertArrayEquals(before.gradient(), after.gradient(), 0.0, "gradient bits");
        d.release();
    }

    /** The shuffle nearest to {@code rdd} in its lineage. */
    private static ShuffleDependency<?, ?, ?> nearestShuffle(RDD<?> rdd) {
        ArrayDeque<RDD<?>> todo = new ArrayDeque<>(List.of(rdd));
        while (!todo.isEmpty()) {
            // Through an iterator: dependencies() is an immutable Seq in Spark 4, a collection.Seq in Spark 3.5.
            scala.collection.Iterator<Dependency<?>> deps = todo.poll().dependencies().iterator();
            while (deps.hasNext()) {
                Dependency<?> dep = deps.next();
                if (dep instanceof ShuffleDependency<?, ?, ?> shuffle) {
                    return shuffle;
                }
                todo.add(dep.rdd());
            }
        }
        throw new AssertionError("no shuffle in the lineage of " + rdd);
    }
}
