package org.sparkmlp.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.optim.Optimizer;
import org.sparkmlp.train.LearningRate;

/** Settings: defaults from the one file, presets beneath what is given, and every refusal naming its setting. */
class TrainingSettingsTest {

    @Test
    void theDefaultsAreConfsFileAndEveryKeyHasOne() throws IOException {
        Properties conf = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("conf", TrainingSettings.DEFAULTS_FILE), StandardCharsets.UTF_8)) {
            conf.load(r);
        }
        TrainingSettings defaults = TrainingSettings.defaults();
        for (String key : TrainingSettings.KEYS) {
            assertTrue(conf.containsKey(key), "conf/" + TrainingSettings.DEFAULTS_FILE + " lacks " + key);
            // Read back through the builder, the file's text gives the same value as the defaults.
            assertEquals(TrainingSettings.builder().set(key, conf.getProperty(key)).build(), defaults, key);
            assertFalse(defaults.isGiven(key), key);
        }
        assertArrayEquals(new int[] {Integer.parseInt(conf.getProperty("hidden"))}, defaults.hidden());
        assertEquals(Integer.parseInt(conf.getProperty("batch-size")), defaults.batchSize());
        assertEquals(Precision.fromId(conf.getProperty("precision")), defaults.precision());
    }

    @Test
    void aPresetChangesDefaultsButNeverWhatWasGiven() {
        TrainingSettings fast = TrainingSettings.builder().preset("fast").build();
        assertEquals(1024, fast.batchSize());
        assertEquals(Optimizer.Kind.NESTEROV, fast.optimizer().kind());
        TrainingSettings mine = TrainingSettings.builder().batchSize(256).preset("fast").build();
        assertEquals(256, mine.batchSize());
        assertTrue(mine.isGiven("batch-size"));
        assertFalse(mine.isGiven("optimizer"));
        // The preset warms up in epochs; warmup steps given by the caller take their place.
        TrainingSettings steps = TrainingSettings.builder().preset("fast").warmupSteps(10).build();
        assertEquals("0.0", steps.asMap().get("lr-warmup-epochs"));
        assertEquals("10", steps.asMap().get("lr-warmup-steps"));
        SettingException e = assertThrows(SettingException.class, () -> TrainingSettings.builder().preset("nope"));
        assertEquals("preset", e.setting());
    }

    @Test
    void valuesRoundTripThroughTheirTextAndCompareByValue() {
        TrainingSettings s = TrainingSettings.builder().hidden(32, 16).activation(Activation.RELU).learningRate(0.05)
                .schedule(LearningRate.Schedule.STEP).decay(0.5).stepEpochs(3).build();
        TrainingSettings.Builder b = TrainingSettings.builder();
        s.asMap().forEach(b::set);
        assertEquals(s, b.build());
        assertEquals(s.hashCode(), b.build().hashCode());
        assertNotEquals(s, s.toBuilder().seed(1).build());
        assertEquals("32,16", s.asMap().get("hidden"));
        assertArrayEquals(new int[0], TrainingSettings.builder().set("hidden", "0").build().hidden());
    }

    @Test
    void everyRefusalNamesItsSettingAndTheCallerChoosesHowToShowIt() {
        Map<String, String> bad = Map.of("batch-size", "0", "lr", "-1", "epochs", "x", "activation", "softplus",
                "val-fraction", "1.5", "clip-norm", "-2", "early-stop-patience", "-1", "momentum", "1.5",
                "aggregation-depth", "0", "lr-step-epochs", "0");
        bad.forEach((key, value) -> {
            SettingException e = assertThrows(SettingException.class,
                    () -> TrainingSettings.builder().set(key, value).build(), key);
            String expected = key.equals("momentum") ? "optimizer" : key;
            assertEquals(expected, e.setting(), key + ": " + e.getMessage());
            assertTrue(e.message(k -> "--" + k).startsWith("--" + expected + " "), e.getMessage());
        });
        SettingException decay = assertThrows(SettingException.class,
                () -> TrainingSettings.builder().schedule(LearningRate.Schedule.EXPONENTIAL).build());
        assertEquals("lr-schedule exponential multiplies the rate by lr-decay; give it explicitly, e.g. lr-decay 0.9",
                decay.getMessage());
        assertEquals("--lr-schedule exponential multiplies the rate by --lr-decay; give it explicitly, e.g."
                + " --lr-decay 0.9", decay.message(k -> "--" + k));
        SettingException unknown = assertThrows(SettingException.class,
                () -> TrainingSettings.builder().set("batchsize", "3"));
        assertTrue(unknown.getMessage().contains("batch-size"), unknown.getMessage());
        SettingException both = assertThrows(SettingException.class,
                () -> TrainingSettings.builder().warmupEpochs(1).warmupSteps(5).build());
        assertEquals("lr-warmup-epochs", both.setting());
    }

    /** The fractions must leave training rows only for the sets the split makes: a set given apart takes none. */
    @Test
    void fractionsAddUpOnlyForTheSetsTheSplitMakesAndAreCheckedBeforeSpark() {
        TrainingSettings s = TrainingSettings.builder().validationFraction(0.85).build(); // test-fraction 0.2
        SettingException e = assertThrows(SettingException.class,
                () -> MlpTrainer.check(s, null, DataSpec.bundledDigits()));
        assertEquals("val-fraction", e.setting());
        assertTrue(e.message(k -> "--" + k).contains("--test-fraction"), e.getMessage());
        DataSpec withTest = DataSpec.bundledDigits().withTest(DataSpec.path("test.csv"));
        assertEquals(s, MlpTrainer.check(s, null, withTest));
        SettingException given = assertThrows(SettingException.class, () -> MlpTrainer.check(
                TrainingSettings.builder().testFraction(0.3).build(), null, withTest));
        assertEquals("test-fraction", given.setting());
        SettingException unlabelled = assertThrows(SettingException.class, () -> MlpTrainer.check(
                TrainingSettings.defaults(), null, DataSpec.bundledDigits().withLabelColumn("none")));
        assertEquals("label-column", unlabelled.setting());
    }
}
