package org.sparkmlp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.Success$;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkmlp.data.CsvReader;
import org.sparkmlp.data.DataSource;
import org.sparkmlp.data.BuildOptions;
import org.sparkmlp.data.CachedSets;
import org.sparkmlp.data.DatasetBuilder;
import org.sparkmlp.data.LabelColumn;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.testing.SparkTests;

/**
 * Gradient tasks that fail on their first attempt and succeed when Spark retries them ({@code local[2,4]}: up to
 * 4 attempts per task) give the model of a run without failures, bit for bit.
 */
class TaskRetryTest {
    private static JavaSparkContext sc;
    private static final AtomicInteger FAILED_TASKS = new AtomicInteger();
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        sc = SparkTests.start("local[2,4]");
        sc.sc().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.reason() != Success$.MODULE$) {
                    FAILED_TASKS.incrementAndGet();
                }
            }
        });
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    /** Two epochs; with {@code faulty}, every step task of the first fails on its first attempt. */
    private static double[] train(CachedSets data, Precision precision, boolean faulty) {
        TrainingConfig config = new TrainingConfig(new int[] {8}, Activation.TANH, Loss.CROSS_ENTROPY, 16, 2,
                LearningRate.inverseTime(0.1, 1e-2), 3, 2, precision);
        Architecture arch = new Architecture(config.layerSizes(data.features(), data.classes().size()), Activation.TANH);
        Trainer trainer = faulty ? TestEngines.failingFirstAttemptsIn(sc, config, 1) : new Trainer(sc, config);
        return trainer.train(data, arch, arch.glorotUniform(3), TrainingListener.NONE).parameters();
    }

    @Test
    void tasksFailingOnTheirFirstAttemptGiveTheIdenticalModel() throws Exception {
        Path csv = dir.resolve("circles.csv");
        Files.writeString(csv, SparkTests.csv(SparkTests.circles(240, 0.05, 9)));
        DataSource source = new DataSource(csv.toString(), DataSource.Format.CSV, LabelColumn.LAST, CsvReader.Header.AUTO);
        for (Precision precision : Precision.values()) {
            CachedSets data = DatasetBuilder.build(sc, source.loadForTraining(sc, 3, false).data(), null,
                new BuildOptions(3, new DatasetBuilder.Split(0.1, 0.1, 3), precision, null, null, Scaling.Kind.STANDARD, "circles", 0));
            double[] clean = train(data, precision, false);
            assertEquals(0, FAILED_TASKS.get());

            double[] retried = train(data, precision, true);
            sc.sc().listenerBus().waitUntilEmpty();
            // Epoch 1 has ceil(192 / 16) = 12 steps of up to 3 tasks: every one failed once, and epoch 2 went on
            // from the retried epoch's weights.
            assertTrue(FAILED_TASKS.get() >= 12, precision + ": " + FAILED_TASKS.get() + " failed tasks");
            assertArrayEquals(clean, retried, 0.0, precision + ": retried tasks changed the model");
            FAILED_TASKS.set(0);
            data.release();
        }
    }
}
