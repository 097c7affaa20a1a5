package org.sparkmlp.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Blas;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.optim.EarlyStopping;
import org.sparkmlp.optim.Optimizer;
import org.sparkmlp.train.LearningRate;
import org.sparkmlp.train.TrainingConfig;

/**
 * Every setting of a training run, checked and immutable: the network, the loss, the optimiser and its
 * learning-rate schedule as the user asked for it, the split of the data, the input scaling and where the
 * arithmetic runs. Build one with {@link #builder()}; {@link #defaults()} is the builder's starting point.
 *
 * <p>Each setting has a key, the same word the command line uses as its flag ({@code batch-size} is
 * {@code --batch-size}) and the Spark ML estimator as its param. Its default is defined once, in the properties
 * file {@value #DEFAULTS_FILE} packed in the jar (the project's {@code conf/} holds the editable copy), which the
 * API, the command line's help and the command line's defaults all read. A preset ({@link Builder#preset}) is a
 * named set of settings in {@code preset-NAME.properties} beside it.
 *
 * <pre>{@code
 * TrainingSettings s = TrainingSettings.builder().preset("fast").hidden(256, 128).epochs(20).build();
 * }</pre>
 *
 * <p>Every check is made in {@link Builder#build()}: a bad value is a {@link SettingException} naming the
 * setting's key and the value, never a half-valid object.
 */
public final class TrainingSettings {
    /** The packed defaults, a resource of this package. */
    public static final String DEFAULTS_FILE = "spark-mlp.properties";

    /** The keys of the settings this class holds, in the order a summary lists them. */
    public static final Set<String> KEYS = Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(
            "hidden", "activation", "loss", "batch-size", "epochs", "lr", "lr-schedule", "lr-decay", "lr-step-epochs",
            "lr-warmup-epochs", "lr-warmup-steps", "optimizer", "momentum", "beta1", "beta2", "epsilon",
            "weight-decay", "clip-norm", "early-stop-patience", "early-stop-metric", "seed", "aggregation-depth",
            "precision", "blas", "val-fraction", "test-fraction", "scale")));

    /** Input scaling as chosen: a kind, or {@link #AUTO}: pixels / 255 for IDX images, min-max otherwise. */
    public enum ScalingChoice {
        AUTO, NONE, PIXEL, MINMAX, STANDARD;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static ScalingChoice fromId(String id) {
            for (ScalingChoice s : values()) {
                if (s.id().equals(id)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown scaling '" + id
                    + "' (expected auto, none, pixel, minmax or standard)");
        }

        /** The kind this choice stands for with data whose automatic kind is {@code automatic}. */
        public Scaling.Kind resolve(Scaling.Kind automatic) {
            return this == AUTO ? automatic : Scaling.Kind.fromId(id());
        }
    }

    private final int[] hidden;
    private final Activation activation;
    private final Loss loss;
    private final int batchSize;
    private final int epochs;
    private final LearningRate learningRate;
    private final double lrWarmupEpochs;
    private final long lrWarmupSteps;
    private final Optimizer optimizer;
    private final double clipNorm;
    private final EarlyStopping earlyStopping;
    private final long seed;
    private final int aggregationDepth;
    private final Precision precision;
    private final Blas.Mode blas;
    private final double validationFraction;
    private final double testFraction;
    private final ScalingChoice scaling;
    private final Map<String, String> values;
    /** The keys given, not taken from the defaults or a preset. */
    private final Set<String> given;

    private TrainingSettings(Builder b, LearningRate learningRate, Optimizer optimizer, double warmupEpochs,
                             long warmupSteps) {
        this.hidden = b.hidden.clone();
        this.activation = b.activation;
        this.loss = b.loss;
        this.batchSize = b.batchSize;
        this.epochs = b.epochs;
        this.learningRate = learningRate;
        this.lrWarmupEpochs = warmupEpochs;
        this.lrWarmupSteps = warmupSteps;
        this.optimizer = optimizer;
        this.clipNorm = b.clipNorm;
        this.earlyStopping = new EarlyStopping(b.earlyStopPatience, b.earlyStopMetric);
        this.seed = b.seed;
        this.aggregationDepth = b.aggregationDepth;
        this.precision = b.precision;
        this.blas = b.blas;
        this.validationFraction = b.validationFraction;
        this.testFraction = b.testFraction;
        this.scaling = b.scaling;
        Map<String, String> v = new LinkedHashMap<>();
        v.put("hidden", hiddenId(hidden));
        v.put("activation", activation.id());
        v.put("loss", loss.id());
        v.put("batch-size", Integer.toString(batchSize));
        v.put("epochs", Integer.toString(epochs));
        v.put("lr", Double.toString(b.lr));
        v.put("lr-schedule", b.lrSchedule.id());
        v.put("lr-decay", Double.toString(b.lrDecay));
        v.put("lr-step-epochs", Integer.toString(b.lrStepEpochs));
        v.put("lr-warmup-epochs", Double.toString(warmupEpochs));
        v.put("lr-warmup-steps", Long.toString(warmupSteps));
        v.put("optimizer", b.optimizer.id());
        v.put("momentum", Double.toString(b.momentum));
        v.put("beta1", Double.toString(b.beta1));
        v.put("beta2", Double.toString(b.beta2));
        v.put("epsilon", Double.toString(b.epsilon));
        v.put("weight-decay", Double.toString(b.weightDecay));
        v.put("clip-norm", Double.toString(clipNorm));
        v.put("early-stop-patience", Integer.toString(b.earlyStopPatience));
        v.put("early-stop-metric", b.earlyStopMetric.id());
        v.put("seed", Long.toString(seed));
        v.put("aggregation-depth", Integer.toString(aggregationDepth));
        v.put("precision", precision.id());
        v.put("blas", blas.id());
        v.put("val-fraction", Double.toString(validationFraction));
        v.put("test-fraction", Double.toString(testFraction));
        v.put("scale", scaling.id());
        this.values = Collections.unmodifiableMap(v);
        this.given = Collections.unmodifiableSet(new LinkedHashSet<>(b.given));
    }

    /** The defaults: what {@link #builder()} builds when nothing is set. */
    public static TrainingSettings defaults() {
        return builder().build();
    }

    /** A builder holding the packed defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change some of them; those given here still count as given. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.fallback(values);
        b.given.addAll(given);
        return b;
    }

    /**
     * Whether the setting {@code key} was given, not taken from the defaults or a preset: some settings only
     * conflict with others when given (a test fraction with a separate test set), and a warm start's network
     * takes the place of the default one.
     */
    public boolean isGiven(String key) {
        return given.contains(key);
    }

    /**
     * The values a setting that is a choice accepts, as its text (e.g. {@code tanh, relu, sigmoid} for
     * {@code activation}); empty for a setting that is a number or a list of numbers.
     */
    public static List<String> choices(String key) {
        return switch (key) {
            case "activation" -> ids(Activation.values(), Activation::id);
            case "loss" -> ids(Loss.values(), Loss::id);
            case "lr-schedule" -> ids(LearningRate.Schedule.values(), LearningRate.Schedule::id);
            case "optimizer" -> ids(Optimizer.Kind.values(), Optimizer.Kind::id);
            case "early-stop-metric" -> ids(EarlyStopping.Metric.values(), EarlyStopping.Metric::id);
            case "precision" -> ids(Precision.values(), Precision::id);
            case "blas" -> ids(Blas.Mode.values(), Blas.Mode::id);
            case "scale" -> ids(ScalingChoice.values(), ScalingChoice::id);
            default -> {
                if (!KEYS.contains(key)) {
                    throw new SettingException(key, "is not a setting (settings: " + String.join(", ", KEYS) + ")");
                }
                yield List.of();
            }
        };
    }

    private static <T> List<String> ids(T[] values, Function<T, String> id) {
        return Arrays.stream(values).map(id).toList();
    }

    /** The packed defaults as text, key → value: settings and the command line's own keys alike. */
    public static Map<String, String> packedDefaults() {
        return read(DEFAULTS_FILE, "the defaults packed in the jar");
    }

    /** A packed preset as text, or null when the jar has none of that name. */
    public static Map<String, String> packedPreset(String name) {
        String file = "preset-" + name + ".properties";
        return TrainingSettings.class.getResource(file) == null ? null : read(file, "preset " + name);
    }

    private static Map<String, String> read(String resource, String what) {
        try (InputStream in = TrainingSettings.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + resource + " (" + what + ")");
            }
            Properties p = new Properties();
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            Map<String, String> m = new LinkedHashMap<>();
            for (String key : p.stringPropertyNames()) {
                m.put(key, p.getProperty(key).trim());
            }
            return m;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + what, e);
        }
    }

    /** Hidden layer sizes, input side first (empty: softmax regression). */
    public int[] hidden() {
        return hidden.clone();
    }

    public Activation activation() {
        return activation;
    }

    public Loss loss() {
        return loss;
    }

    public int batchSize() {
        return batchSize;
    }

    public int epochs() {
        return epochs;
    }

    /** The schedule as asked for; the trainer resolves it against the run's steps when training starts. */
    public LearningRate learningRate() {
        return learningRate;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public EarlyStopping earlyStopping() {
        return earlyStopping;
    }

    public long seed() {
        return seed;
    }

    public Precision precision() {
        return precision;
    }

    public Blas.Mode blas() {
        return blas;
    }

    public double validationFraction() {
        return validationFraction;
    }

    public double testFraction() {
        return testFraction;
    }

    public ScalingChoice scaling() {
        return scaling;
    }

    /** Every setting as text, key → value, in {@link #KEYS}' order: what a builder's {@code set} reads back. */
    public Map<String, String> asMap() {
        return values;
    }

    /** The trainer's configuration: everything but the data's split and scaling. */
    public TrainingConfig trainingConfig() {
        return new TrainingConfig(hidden, activation, loss, batchSize, epochs, learningRate, seed, aggregationDepth,
                precision, optimizer, lrWarmupEpochs, lrWarmupSteps, clipNorm, earlyStopping, blas);
    }

    /**
     * The same value of every setting. Which settings were given ({@link #isGiven}) is not compared, though it
     * decides some checks (a warm start's network, a fraction beside a set given apart).
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingSettings other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "TrainingSettings" + values;
    }

    static String hiddenId(int[] sizes) {
        if (sizes.length == 0) {
            return "0";
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            s.append(i == 0 ? "" : ",").append(sizes[i]);
        }
        return s.toString();
    }

    /**
     * Collects settings in three layers, lowest first: the packed defaults, a preset and settings from a file
     * ({@link #fallback}), then the settings given ({@link #set} and the typed setters). A given setting wins
     * over a preset's. {@link #build()} checks them all.
     */
    public static final class Builder {
        private int[] hidden;
        private Activation activation;
        private Loss loss;
        private int batchSize;
        private int epochs;
        private double lr;
        private LearningRate.Schedule lrSchedule;
        private double lrDecay;
        private int lrStepEpochs;
        private double lrWarmupEpochs;
        private long lrWarmupSteps;
        private Optimizer.Kind optimizer;
        private double momentum;
        private double beta1;
        private double beta2;
        private double epsilon;
        private double weightDecay;
        private double clipNorm;
        private int earlyStopPatience;
        private EarlyStopping.Metric earlyStopMetric;
        private long seed;
        private int aggregationDepth;
        private Precision precision;
        private Blas.Mode blas;
        private double validationFraction;
        private double testFraction;
        private ScalingChoice scaling;
        /** Keys set above the defaults and presets. */
        private final Set<String> given = new LinkedHashSet<>();
        private boolean layering;

        private Builder() {
            Map<String, String> defaults = packedDefaults();
            layering = true;
            for (String key : KEYS) {
                String value = defaults.get(key);
                if (value == null) {
                    throw new IllegalStateException(DEFAULTS_FILE + " in the jar has no default for '" + key + "'");
                }
                set(key, value);
            }
            layering = false;
        }

        /**
         * Applies the named preset ({@code preset-NAME.properties} packed in the jar) beneath the settings given
         * so far and later: a preset changes defaults, never a setting the caller gave.
         */
        public Builder preset(String name) {
            Map<String, String> preset = packedPreset(name);
            if (preset == null) {
                throw new SettingException("preset", "no preset '" + name + "' in the jar");
            }
            return fallback(preset);
        }

        /**
         * Settings from a lower layer (a preset, a defaults file): each one taken unless given already. Keys that
         * are not settings are ignored (a defaults file also holds the command line's own keys).
         */
        public Builder fallback(Map<String, String> settings) {
            layering = true;
            try {
                settings.forEach((key, value) -> {
                    if (KEYS.contains(key) && !given.contains(key)) {
                        set(key, value);
                    }
                });
            } finally {
                layering = false;
            }
            return this;
        }

        /** Sets a setting by its key from text, as a properties file or the command line gives it. */
        public Builder set(String key, String value) {
            String v = value == null ? "" : value.trim();
            try {
                switch (key) {
                    case "hidden" -> hidden(parseHidden(v));
                    case "activation" -> activation(Activation.fromId(v));
                    case "loss" -> loss(Loss.fromId(v));
                    case "batch-size" -> batchSize(Integer.parseInt(v));
                    case "epochs" -> epochs(Integer.parseInt(v));
                    case "lr" -> learningRate(Double.parseDouble(v));
                    case "lr-schedule" -> schedule(LearningRate.Schedule.fromId(v));
                    case "lr-decay" -> decay(Double.parseDouble(v));
                    case "lr-step-epochs" -> stepEpochs(Integer.parseInt(v));
                    case "lr-warmup-epochs" -> warmupEpochs(Double.parseDouble(v));
                    case "lr-warmup-steps" -> warmupSteps(Long.parseLong(v));
                    case "optimizer" -> optimizer(Optimizer.Kind.fromId(v));
                    case "momentum" -> momentum(Double.parseDouble(v));
                    case "beta1" -> beta1(Double.parseDouble(v));
                    case "beta2" -> beta2(Double.parseDouble(v));
                    case "epsilon" -> epsilon(Double.parseDouble(v));
                    case "weight-decay" -> weightDecay(Double.parseDouble(v));
                    case "clip-norm" -> clipNorm(Double.parseDouble(v));
                    case "early-stop-patience" -> earlyStopPatience(Integer.parseInt(v));
                    case "early-stop-metric" -> earlyStopMetric(EarlyStopping.Metric.fromId(v));
                    case "seed" -> seed(Long.parseLong(v));
                    case "aggregation-depth" -> aggregationDepth(Integer.parseInt(v));
                    case "precision" -> precision(Precision.fromId(v));
                    case "blas" -> blas(Blas.Mode.fromId(v));
                    case "val-fraction" -> validationFraction(Double.parseDouble(v));
                    case "test-fraction" -> testFraction(Double.parseDouble(v));
                    case "scale" -> scaling(ScalingChoice.fromId(v));
                    default -> throw new SettingException(key, "is not a setting (settings: " + String.join(", ", KEYS)
                            + ")");
                }
            } catch (NumberFormatException e) {
                throw new SettingException(key, "must be a number, got '" + value + "'");
            } catch (SettingException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new SettingException(key, e.getMessage());
            }
            return this;
        }

        private Builder mark(String key) {
            if (!layering) {
                given.add(key);
            }
            return this;
        }

        /** Whether {@code key} was given, not taken from the defaults or a preset. */
        public boolean isGiven(String key) {
            return given.contains(key);
        }

        /** Hidden layer sizes, input side first; none for softmax regression. */
        public Builder hidden(int... sizes) {
            this.hidden = sizes.clone();
            return mark("hidden");
        }

        public Builder activation(Activation a) {
            this.activation = a;
            return mark("activation");
        }

        public Builder loss(Loss l) {
            this.loss = l;
            return mark("loss");
        }

        /** Rows per step over all partitions: 1 is online SGD, at least the training rows is full batch. */
        public Builder batchSize(int rows) {
            this.batchSize = rows;
            return mark("batch-size");
        }

        public Builder epochs(int n) {
            this.epochs = n;
            return mark("epochs");
        }

        /** The initial learning rate η₀. */
        public Builder learningRate(double eta0) {
            this.lr = eta0;
            return mark("lr");
        }

        public Builder schedule(LearningRate.Schedule s) {
            this.lrSchedule = s;
            return mark("lr-schedule");
        }

        /** The schedule's k: per step for inverse-time, a factor per epoch for exponential and step. */
        public Builder decay(double k) {
            this.lrDecay = k;
            return mark("lr-decay");
        }

        public Builder stepEpochs(int e) {
            this.lrStepEpochs = e;
            return mark("lr-step-epochs");
        }

        public Builder warmupEpochs(double e) {
            this.lrWarmupEpochs = e;
            return mark("lr-warmup-epochs");
        }

        public Builder warmupSteps(long n) {
            this.lrWarmupSteps = n;
            return mark("lr-warmup-steps");
        }

        public Builder optimizer(Optimizer.Kind kind) {
            this.optimizer = kind;
            return mark("optimizer");
        }

        public Builder momentum(double mu) {
            this.momentum = mu;
            return mark("momentum");
        }

        public Builder beta1(double b) {
            this.beta1 = b;
            return mark("beta1");
        }

        public Builder beta2(double b) {
            this.beta2 = b;
            return mark("beta2");
        }

        public Builder epsilon(double e) {
            this.epsilon = e;
            return mark("epsilon");
        }

        public Builder weightDecay(double lambda) {
            this.weightDecay = lambda;
            return mark("weight-decay");
        }

        /** The global gradient norm above which a step's mean gradient is scaled down to it; 0: no clipping. */
        public Builder clipNorm(double c) {
            this.clipNorm = c;
            return mark("clip-norm");
        }

        /** Epochs without improvement of the watched validation metric before stopping; 0: never stop early. */
        public Builder earlyStopPatience(int epochs) {
            this.earlyStopPatience = epochs;
            return mark("early-stop-patience");
        }

        public Builder earlyStopMetric(EarlyStopping.Metric m) {
            this.earlyStopMetric = m;
            return mark("early-stop-metric");
        }

        /** Seeds the split, the initial weights and every epoch's row order. */
        public Builder seed(long s) {
            this.seed = s;
            return mark("seed");
        }

        /** Levels that add the partitions' sums, the driver's included. */
        public Builder aggregationDepth(int d) {
            this.aggregationDepth = d;
            return mark("aggregation-depth");
        }

        public Builder precision(Precision p) {
            this.precision = p;
            return mark("precision");
        }

        public Builder blas(Blas.Mode mode) {
            this.blas = mode;
            return mark("blas");
        }

        /** Fraction of the data held out for validation (stratified, seeded). */
        public Builder validationFraction(double f) {
            this.validationFraction = f;
            return mark("val-fraction");
        }

        /** Fraction held out for the final test; ignored when the data comes with its own test set. */
        public Builder testFraction(double f) {
            this.testFraction = f;
            return mark("test-fraction");
        }

        public Builder scaling(ScalingChoice s) {
            this.scaling = s;
            return mark("scale");
        }

        /** Checks every setting, alone and against the others, and returns them. */
        public TrainingSettings build() {
            if (hidden == null) {
                throw new SettingException("hidden", "must be given");
            }
            for (int h : hidden) {
                if (h < 1) {
                    throw new SettingException("hidden", "sizes must be positive, got " + hiddenId(hidden));
                }
            }
            require(activation, "activation");
            require(loss, "loss");
            atLeast(batchSize, 1, "batch-size");
            atLeast(epochs, 1, "epochs");
            if (!(lr > 0 && lr <= 1e6)) {
                throw new SettingException("lr", "must be above 0 and at most 1e6, got " + lr);
            }
            require(lrSchedule, "lr-schedule");
            if (!(lrDecay >= 0 && lrDecay <= 1e6)) {
                throw new SettingException("lr-decay", "must be between 0 and 1e6, got " + lrDecay);
            }
            if ((lrSchedule == LearningRate.Schedule.EXPONENTIAL || lrSchedule == LearningRate.Schedule.STEP)
                    && !given.contains("lr-decay")) {
                // The default decay suits inverse-time (k per step); as a per-epoch factor it would stall training.
                throw new SettingException("lr-schedule", lrSchedule.id() + " multiplies the rate by {lr-decay};"
                        + " give it explicitly, e.g. {lr-decay} 0.9");
            }
            atLeast(lrStepEpochs, 1, "lr-step-epochs");
            LearningRate rate;
            try {
                rate = new LearningRate(lrSchedule, lr, lrDecay, lrStepEpochs);
            } catch (IllegalArgumentException e) {
                throw new SettingException("lr-decay", e.getMessage());
            }
            require(optimizer, "optimizer");
            Optimizer rule;
            try {
                rule = Optimizer.of(optimizer, momentum, beta1, beta2, epsilon, weightDecay);
            } catch (IllegalArgumentException e) {
                throw new SettingException("optimizer", optimizer.id() + ": " + e.getMessage());
            }
            double warmupEpochs = lrWarmupEpochs;
            long warmupSteps = lrWarmupSteps;
            if (!(warmupEpochs >= 0 && Double.isFinite(warmupEpochs))) {
                throw new SettingException("lr-warmup-epochs", "must be 0 or more, got " + warmupEpochs);
            }
            if (warmupSteps < 0) {
                throw new SettingException("lr-warmup-steps", "must be 0 or more, got " + warmupSteps);
            }
            if (warmupEpochs > 0 && warmupSteps > 0) {
                // A preset may set one and the caller the other: the one given wins.
                boolean stepsGiven = given.contains("lr-warmup-steps");
                boolean epochsGiven = given.contains("lr-warmup-epochs");
                if (stepsGiven && !epochsGiven) {
                    warmupEpochs = 0;
                } else if (epochsGiven && !stepsGiven) {
                    warmupSteps = 0;
                } else {
                    throw new SettingException("lr-warmup-epochs", "or {lr-warmup-steps}, not both");
                }
            }
            if (!(clipNorm >= 0 && Double.isFinite(clipNorm))) {
                throw new SettingException("clip-norm", "must be 0 (no clipping) or more, got " + clipNorm);
            }
            if (earlyStopPatience < 0) {
                throw new SettingException("early-stop-patience", "must be 0 (never) or more, got "
                        + earlyStopPatience);
            }
            require(earlyStopMetric, "early-stop-metric");
            atLeast(aggregationDepth, 1, "aggregation-depth");
            require(precision, "precision");
            require(blas, "blas");
            fraction(validationFraction, "val-fraction");
            fraction(testFraction, "test-fraction");
            require(scaling, "scale");
            try {
                return new TrainingSettings(this, rate, rule, warmupEpochs, warmupSteps);
            } catch (IllegalArgumentException e) {
                throw new SettingException("settings", e.getMessage());
            }
        }

        private static void require(Object value, String key) {
            if (value == null) {
                throw new SettingException(key, "must be given");
            }
        }

        private static void atLeast(long value, long min, String key) {
            if (value < min) {
                throw new SettingException(key, "must be at least " + min + ", got " + value);
            }
        }

        private static void fraction(double f, String key) {
            if (!(f >= 0.0 && f <= 0.99)) {
                throw new SettingException(key, "must be between 0.0 and 0.99, got " + f);
            }
        }

        private static int[] parseHidden(String value) {
            if (value.isEmpty() || value.equals("0")) {
                return new int[0];
            }
            try {
                return Arrays.stream(value.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected sizes separated by commas, e.g. 256,128; got '" + value
                        + "'");
            }
        }
    }
}
