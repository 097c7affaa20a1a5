package org.sparkmlp.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
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
import org.sparkmlp.optim.EarlyStopping;
import org.sparkmlp.optim.Optimizer;
import org.sparkmlp.optim.TrainingState;
import org.sparkmlp.io.CheckpointFile;
import org.sparkmlp.testing.SparkTests;

/** The update rules, warmup, clipping and early stopping inside the Spark trainer (local[2], tiny data). */
class OptimizerTrainingTest {
    private static JavaSparkContext sc;
    private static CachedSets data;
    private static CachedSets noValidation;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        sc = SparkTests.start("local[2]");
        Path file = dir.resolve("noisy-blobs.csv");
        SplittableRandom r = new SplittableRandom(9);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            int c = i % 3;
            for (int f = 0; f < 4; f++) {
                b.append(c * (f % 2 == 0 ? 0.6 : -0.4) + r.nextDouble(-1, 1)).append(',');
            }
            b.append(c).append('\n');
        }
        Files.writeString(file, b.toString());
        DataSource source = new DataSource(file.toString(), DataSource.Format.CSV, LabelColumn.LAST, CsvReader.Header.AUTO);
        data = DatasetBuilder.build(sc, source.loadForTraining(sc, 2, false).data(), null,
                new BuildOptions(2, new DatasetBuilder.Split(0.2, 0.1, 4), Precision.FLOAT32, null, null, Scaling.Kind.STANDARD, "noisy blobs", 0));
        noValidation = DatasetBuilder.build(sc, source.loadForTraining(sc, 2, false).data(), null,
                new BuildOptions(2, new DatasetBuilder.Split(0.0, 0.1, 4), Precision.FLOAT32, null, null, Scaling.Kind.STANDARD, "noisy blobs", 0));
    }

    @AfterAll
    static void stop() {
        data.release();
        noValidation.release();
        sc.close();
    }

    private static TrainingConfig config(int epochs, LearningRate rate) {
        return new TrainingConfig(new int[] {12}, Activation.TANH, Loss.CROSS_ENTROPY, 16, epochs, rate, 4, 2,
                Precision.FLOAT32);
    }

    private static Architecture arch() {
        return new Architecture(new int[] {4, 12, 3}, Activation.TANH);
    }

    private static Trainer.Result train(TrainingConfig config, TrainingListener listener) {
        return new Trainer(sc, config).train(data, arch(), arch().glorotUniform(4), listener);
    }

    private static List<TrainingConfig> everyRule() {
        TrainingConfig base = config(2, LearningRate.inverseTime(0.05, 1e-3));
        return List.of(base.withOptimizer(Optimizer.sgd().withWeightDecay(1e-3)),
                base.withOptimizer(Optimizer.momentum(0.9)).withLrWarmup(1.0, 0),
                base.withOptimizer(Optimizer.nesterov(0.9).withWeightDecay(1e-4)).withLrWarmup(0, 5).withClipNorm(0.5),
                base.withOptimizer(Optimizer.adam().withWeightDecay(1e-2)).withClipNorm(1.0));
    }

    @Test
    void everyRuleGivesBitIdenticalRerunsAndItsOwnWeights() {
        List<double[]> models = new ArrayList<>();
        for (TrainingConfig c : everyRule()) {
            Trainer.Result first = train(c, TrainingListener.NONE);
            Trainer.Result second = train(c, TrainingListener.NONE);
            assertArrayEquals(first.parameters(), second.parameters(), 0.0, c.optimizer().kind().id());
            assertEquals(first.finalState(), second.finalState(), c.optimizer().kind().id());
            assertTrue(first.test().accuracy() > 0.5, c.optimizer().kind().id() + " learned: " + first.test().accuracy());
            models.add(first.parameters());
        }
        for (int i = 0; i < models.size(); i++) {
            for (int j = i + 1; j < models.size(); j++) {
                assertFalse(Arrays.equals(models.get(i), models.get(j)), "rules " + i + " and " + j + " gave the same model");
            }
        }
    }

    @Test
    void aRunResumedFromItsStateAfterAnEpochEndsWithTheSameBits() {
        TrainingConfig c = config(4, new LearningRate(LearningRate.Schedule.COSINE, 0.01, 0.0, 1))
                .withOptimizer(Optimizer.adam()).withLrWarmup(1.0, 0).withClipNorm(2.0)
                .withEarlyStopping(EarlyStopping.onValidationLoss(10));
        List<TrainingState> states = new ArrayList<>();
        Trainer.Result straight = train(c, new TrainingListener() {
            @Override
            public void epochEnded(EpochMetrics metrics) {
            }

            @Override
            public void stateAfterEpoch(TrainingState state) {
                states.add(state);
            }
        });
        assertEquals(4, states.size());
        TrainingState afterTwo = states.get(1);
        assertEquals(2, afterTwo.epoch());
        Trainer.Result resumed = new Trainer(sc, c).train(data, arch(), afterTwo, TrainingListener.NONE);
        assertEquals(2, resumed.epochs().size());
        assertEquals(straight.finalState(), resumed.finalState());
        assertArrayEquals(straight.parameters(), resumed.parameters(), 0.0);
        assertEquals(straight.steps(), resumed.steps());
        assertEquals(straight.bestEpoch(), resumed.bestEpoch());
    }

    @Test
    void everyRuleResumesThroughACheckpointFileToTheSameBits() throws Exception {
        CheckpointFile.Fingerprint fingerprint = DataFingerprint.of(data);
        assertEquals(fingerprint, DataFingerprint.of(data), "the fingerprint is a function of the cached blocks");
        for (TrainingConfig c : everyRule()) {
            List<TrainingState> states = new ArrayList<>();
            Trainer.Result straight = train(c, new TrainingListener() {
                @Override
                public void epochEnded(EpochMetrics metrics) {
                }

                @Override
                public void stateAfterEpoch(TrainingState state) {
                    states.add(state);
                }
            });
            byte[] file = CheckpointFile.toBytes(new CheckpointFile.Content(states.get(0), c.describe(), fingerprint), "test");
            CheckpointFile.Content read = CheckpointFile.fromBytes(file, "checkpoint");
            assertNull(CheckpointFile.configDifference(read.config(), c.describe()));
            Trainer.Result resumed = new Trainer(sc, c).train(data, arch(), read.state(), TrainingListener.NONE);
            String rule = c.optimizer().kind().id();
            assertArrayEquals(straight.parameters(), resumed.parameters(), 0.0, rule);
            assertEquals(straight.finalState(), resumed.finalState(), rule);
        }
    }

    @Test
    void everyRuleResumesFromACheckpointInsideAnEpochToTheSameBitsAndEpochLine() throws Exception {
        CheckpointFile.Fingerprint fingerprint = DataFingerprint.of(data);
        for (TrainingConfig c : everyRule()) {
            String rule = c.optimizer().kind().id();
            List<TrainingState> inEpoch = new ArrayList<>();
            List<EpochMetrics> epochs = new ArrayList<>();
            Trainer.Result straight = train(c, new TrainingListener() {
                @Override
                public boolean wantsStateAfterStep(long step) {
                    return step % 9 == 0;
                }

                @Override
                public void stateInEpoch(TrainingState state) {
                    inEpoch.add(state);
                }

                @Override
                public void epochEnded(EpochMetrics metrics) {
                    epochs.add(metrics);
                }
            });
            long stepsPerEpoch = straight.steps() / 2;
            assertEquals(14, stepsPerEpoch, "210 training rows in batches of 16");
            // Steps 9 (epoch 1), 18 and 27 (epoch 2); 14 and 28 end epochs, where stateAfterEpoch serves.
            assertEquals(List.of(9L, 18L, 27L), inEpoch.stream().map(TrainingState::step).toList(), rule);
            for (TrainingState state : inEpoch) {
                assertEquals(state.step() - stepsPerEpoch * state.epoch(), state.position().steps(), rule);
                byte[] file = CheckpointFile.toBytes(new CheckpointFile.Content(state, c.describe(), fingerprint), "test");
                TrainingState read = CheckpointFile.fromBytes(file, "checkpoint").state();
                assertEquals(state, read, rule + ": the position survives the file");
                Trainer.Result resumed = new Trainer(sc, c).train(data, arch(), read, TrainingListener.NONE);
                assertArrayEquals(straight.parameters(), resumed.parameters(), 0.0, rule + " from step " + state.step());
                assertEquals(straight.finalState(), resumed.finalState(), rule + " from step " + state.step());
                EpochMetrics was = epochs.get(state.epoch());
                EpochMetrics now = resumed.epochs().get(0);
                assertEquals(was.epoch(), now.epoch(), rule);
                assertEquals(was.steps(), now.steps(), rule);
                assertEquals(was.trainLoss(), now.trainLoss(), 0.0, rule + ": the interrupted epoch's training loss");
                assertEquals(was.trainAccuracy(), now.trainAccuracy(), 0.0, rule);
                assertEquals(was.validationLoss(), now.validationLoss(), 0.0, rule);
                assertEquals(was.learningRate(), now.learningRate(), 0.0, rule);
                assertTrue(now.seconds() >= state.position().seconds(), "the epoch's seconds count the time before");
            }
        }
    }

    @Test
    void aStateInsideAnEpochMustFitTheEpoch() {
        TrainingConfig c = config(2, LearningRate.inverseTime(0.05, 1e-3));
        TrainingState start = TrainingState.start(arch().glorotUniform(4), c.optimizer(), c.earlyStopping());
        TrainingState beyond = new TrainingState(start.weights(), start.optimizer(), 14, 0,
                new TrainingState.Position(14, 1.0, 1, 16, 0.1, 0.0), start.progress(), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(sc, c).train(data, arch(), beyond, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("14 steps into an epoch of 14 steps"), e.getMessage());
    }

    @Test
    void aStateSavedWhenEarlyStoppingStoppedDoesNotTrainOn() {
        TrainingConfig c = config(3, LearningRate.constant(0.05)).withEarlyStopping(EarlyStopping.onValidationLoss(1));
        TrainingState state = TrainingState.start(arch().glorotUniform(4), c.optimizer(), c.earlyStopping());
        TrainingState stopped = new TrainingState(state.weights(), state.optimizer(), 10, 2,
                new EarlyStopping.Progress(1, 0.5, 1), state.weights());
        Trainer.Result r = new Trainer(sc, c).train(data, arch(), stopped, TrainingListener.NONE);
        assertEquals(Trainer.Status.EARLY_STOPPED, r.status());
        assertEquals(0, r.epochs().size());
        assertEquals(10, r.steps());
    }

    @Test
    void earlyStoppingKeepsTheBestEpochsWeightsAndSaysWhyItStopped() {
        // Adam at a high rate on 210 noisy rows overfits: the validation loss turns up after a few epochs.
        TrainingConfig c = config(30, LearningRate.constant(0.05)).withOptimizer(Optimizer.adam())
                .withEarlyStopping(EarlyStopping.onValidationLoss(3));
        List<EpochMetrics> metrics = new ArrayList<>();
        List<TrainingState> states = new ArrayList<>();
        Trainer.Result r = train(c, new TrainingListener() {
            @Override
            public void epochEnded(EpochMetrics m) {
                metrics.add(m);
            }

            @Override
            public void stateAfterEpoch(TrainingState state) {
                states.add(state);
            }
        });
        int best = 1;
        for (int e = 2; e <= metrics.size(); e++) {
            if (metrics.get(e - 1).validationLoss() < metrics.get(best - 1).validationLoss()) {
                best = e;
            }
        }
        assertEquals(Trainer.Status.EARLY_STOPPED, r.status(), r.reason());
        assertEquals(best, r.bestEpoch());
        assertEquals(best, r.modelEpoch());
        assertEquals(best + 3, metrics.size(), "stopped three epochs after the best");
        assertArrayEquals(states.get(best - 1).weights(), r.parameters(), 0.0);
        assertEquals(metrics.get(best - 1).validationLoss(), r.validation().loss(), 0.0);
        assertTrue(r.reason().startsWith("val_loss did not improve for 3 epochs after epoch " + best), r.reason());
        // The final state is the last epoch's, to continue from; the model is the best epoch's.
        assertEquals(best + 3, r.finalState().epoch());
        assertArrayEquals(states.get(best - 1).weights(), r.finalState().bestWeights(), 0.0);
    }

    @Test
    void withoutEarlyStoppingTheLastEpochIsKeptAndTheRunFinishes() {
        Trainer.Result r = train(config(3, LearningRate.constant(0.05)).withOptimizer(Optimizer.nesterov(0.9)),
                TrainingListener.NONE);
        assertEquals(Trainer.Status.FINISHED, r.status());
        assertEquals("ran all 3 epochs", r.reason());
        assertEquals(3, r.modelEpoch());
        assertArrayEquals(r.finalState().weights(), r.parameters(), 0.0);
        assertTrue(r.bestEpoch() >= 1 && r.bestEpoch() <= 3);
    }

    @Test
    void earlyStoppingNeedsAValidationSet() {
        TrainingConfig c = config(3, LearningRate.constant(0.05)).withEarlyStopping(EarlyStopping.onValidationAccuracy(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(sc, c).train(noValidation, arch(), arch().glorotUniform(4), TrainingListener.NONE));
        assertEquals("early stopping watches val_accuracy, but there is no validation set (give a validation fraction"
                + " above 0)", e.getMessage());
    }

    @Test
    void warmupAndClippingShowInTheRatesAndSteps() {
        // 210 training rows in batches of 16: 14 steps an epoch; warmup of 7 steps reaches η0 mid-epoch 1.
        List<EpochMetrics> metrics = new ArrayList<>();
        train(config(2, LearningRate.constant(0.04)).withLrWarmup(0.5, 0), metrics::add);
        assertEquals(14, metrics.get(0).steps());
        assertEquals(0.04, metrics.get(0).learningRate(), 0.0);
        TrainingConfig bad = config(2, LearningRate.constant(0.04));
        assertThrows(IllegalArgumentException.class, () -> bad.withLrWarmup(1.0, 5));
        assertThrows(IllegalArgumentException.class, () -> bad.withClipNorm(-1));
    }
}
