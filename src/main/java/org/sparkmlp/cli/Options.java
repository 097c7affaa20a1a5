package org.sparkmlp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Option names, their help, and parsing. Values come from, lowest first: the defaults file packed in the jar,
 * the editable defaults file ({@code --defaults FILE} or {@code $SPARK_MLP_DEFAULTS}), then the command line.
 * Every typed getter checks its value and names the option in its message; nothing here starts Spark.
 */
public final class Options {
    /** One option: its name (without "--"), placeholder, help, and the commands it applies to. */
    record Spec(String name, String arg, String help, Set<String> commands) {
    }

    private static final Set<String> ALL = Set.of("train", "evaluate", "predict");
    private static final Set<String> TRAIN = Set.of("train");
    private static final Set<String> USE = Set.of("evaluate", "predict");

    static final List<Spec> SPECS = List.of(
            new Spec("data", "PATH", "input data: CSV file, directory or glob; an IDX images file; or a directory with"
                    + " the IDX train-/t10k- files. Default: the bundled handwritten digits (bundled:digits)", ALL),
            new Spec("test", "PATH", "a separate test set (same format as --data); then --test-fraction must be 0", TRAIN),
            new Spec("format", "auto|csv|idx|libsvm|parquet|orc|json", "input format; auto: IDX for directories and"
                    + " *-ubyte[.gz] names, parquet/orc/json/libsvm by extension (.svm too), else CSV", ALL),
            new Spec("label-column", "first|last|N|NAME|none", "column holding the label: by position (N counted from 0)"
                    + " or by name (a CSV header's or a table's); predict takes data with or without it", ALL),
            new Spec("features", "N", "number of inputs: LIBSVM's dimension (else its largest index) or a vector"
                    + " column's size; give it so that training and test data agree", ALL),
            new Spec("feature-columns", "a,b,c", "a table's input columns: numeric columns or one Spark ML vector"
                    + " column (default: every column but the label)", ALL),
            new Spec("header", "auto|true|false", "whether each CSV file starts with a header line;"
                    + " auto: when none of the first line's inputs is a number", ALL),
            new Spec("hidden", "N[,N...]", "hidden layer sizes, e.g. 100 or 256,128; 0 or empty for none", TRAIN),
            new Spec("activation", "tanh|relu|sigmoid", "hidden-layer activation", TRAIN),
            new Spec("loss", "cross-entropy|mse", "loss on the softmax output (mse: 1/2 sum of squared errors per row)", TRAIN),
            new Spec("batch-size", "B", "rows per SGD step over all partitions: 1 = online, >= training rows = full batch", TRAIN),
            new Spec("lr", "RATE", "initial learning rate eta0", TRAIN),
            new Spec("lr-schedule", "constant|inverse-time|exponential|step|cosine", "eta0; eta0/(1+k*t) with t the step;"
                    + " eta0*k^epoch; eta0*k^floor(epoch/lr-step-epochs); eta0*(1+cos(pi*t/T))/2", TRAIN),
            new Spec("lr-decay", "K", "the schedule's k", TRAIN),
            new Spec("lr-step-epochs", "E", "epochs between decays of the step schedule", TRAIN),
            new Spec("epochs", "E", "passes over the training rows", TRAIN),
            new Spec("val-fraction", "F", "fraction of --data held out for validation (stratified, seeded)", TRAIN),
            new Spec("test-fraction", "F", "fraction of --data held out for the final test (stratified, seeded);"
                    + " ignored when the test set comes from --test or an IDX directory's t10k files", TRAIN),
            new Spec("scale", "auto|none|pixel|minmax|standard", "input scaling fitted on the training split and stored"
                    + " in the model; auto: pixel (x/255) for IDX, minmax for CSV", TRAIN),
            new Spec("seed", "S", "seed of the split, the initial weights and every epoch's row order", TRAIN),
            new Spec("init-model", "FILE", "start from this model's weights, architecture, scaling and classes", TRAIN),
            new Spec("partitions", "P", "partitions of each data set (default: Spark's default parallelism)", ALL),
            new Spec("aggregation-depth", "D", "levels that add the gradient sums, the driver's included: 1 adds all on"
                    + " the driver; D >= 2 adds on executors first when there are more than 32 partitions", TRAIN),
            new Spec("precision", "float32|float64", "float width of the cached inputs, shipped weights and kernel"
                    + " (gradients are summed and the model kept in double)", TRAIN),
            new Spec("master", "URL", "Spark master when not run by spark-submit, e.g. local[*], local[2], spark://host:7077", ALL),
            new Spec("model", "FILE", "the model file to use", USE),
            new Spec("out", "DIR", "output directory (train: model.json, metrics.jsonl, summary.json;"
                    + " evaluate: evaluation.json, only when --out is given; predict: predictions.csv)", ALL),
            new Spec("defaults", "FILE", "the defaults file (default: $SPARK_MLP_DEFAULTS, else the copy in the jar)", ALL));

    private final String command;
    private final Map<String, String> values;
    private final Set<String> explicit;

    private Options(String command, Map<String, String> values, Set<String> explicit) {
        this.command = command;
        this.values = values;
        this.explicit = explicit;
    }

    /** Parses {@code command --name value --name=value ...}; throws {@link UsageException} on any mistake. */
    public static Options parse(String command, String[] args) {
        if (!ALL.contains(command)) {
            throw new UsageException("unknown command '" + command + "' (expected train, evaluate or predict)");
        }
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new UsageException("unexpected argument '" + a + "' (options start with --)");
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new UsageException("option --" + name + " needs a value");
                }
                value = args[++i];
            }
            Spec spec = spec(name);
            if (!spec.commands().contains(command)) {
                throw new UsageException("option --" + name + " does not apply to " + command);
            }
            if (given.put(name, value) != null) {
                throw new UsageException("option --" + name + " is given twice");
            }
        }
        Map<String, String> merged = new LinkedHashMap<>(loadDefaults(given.get("defaults")));
        merged.putAll(given);
        return new Options(command, merged, given.keySet());
    }

    private static Spec spec(String name) {
        for (Spec s : SPECS) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new UsageException("unknown option --" + name + " (see --help)");
    }

    private static Map<String, String> loadDefaults(String file) {
        Properties p = new Properties();
        try (InputStream in = Options.class.getResourceAsStream("spark-mlp.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the defaults packed in the jar", e);
        }
        String path = file != null ? file : System.getenv("SPARK_MLP_DEFAULTS");
        if (path != null && !path.isEmpty()) {
            try (Reader r = Files.newBufferedReader(Path.of(path), StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new UsageException("cannot read the defaults file " + path + ": " + e.getMessage());
            }
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (SPECS.stream().noneMatch(s -> s.name().equals(key))) {
                throw new UsageException("defaults file " + (path == null || path.isEmpty() ? "in the jar" : path)
                        + ": unknown key '" + key + "'");
            }
            m.put(key, p.getProperty(key).trim());
        }
        return m;
    }

    public String command() {
        return command;
    }

    /** Whether the option was given on the command line (not just defaulted). */
    public boolean isExplicit(String name) {
        return explicit.contains(name);
    }

    /** The value, or null when neither defaults nor arguments set it. */
    public String get(String name) {
        String v = values.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    public String require(String name) {
        String v = get(name);
        if (v == null) {
            throw new UsageException(command + " needs --" + name);
        }
        return v;
    }

    public int getInt(String name, int min) {
        String v = require(name);
        try {
            int i = Integer.parseInt(v);
            if (i < min) {
                throw new UsageException("--" + name + " must be at least " + min + ", got " + v);
            }
            return i;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got '" + v + "'");
        }
    }

    public long getLong(String name) {
        String v = require(name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got '" + v + "'");
        }
    }

    public double getDouble(String name, double min, double max) {
        String v = require(name);
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got '" + v + "'");
        }
        if (!(d >= min && d <= max)) {
            throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + v);
        }
        return d;
    }

    /** A comma-separated list of positive sizes; "0" or "" for none. */
    public int[] getSizes(String name) {
        String v = values.getOrDefault(name, "").trim();
        if (v.isEmpty() || v.equals("0")) {
            return new int[0];
        }
        try {
            int[] sizes = Arrays.stream(v.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
            for (int s : sizes) {
                if (s < 1) {
                    throw new UsageException("--" + name + " sizes must be positive, got " + v);
                }
            }
            return sizes;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be sizes separated by commas, e.g. 256,128; got '" + v + "'");
        }
    }

    /** Runs a parse of an enumerated value, turning its IllegalArgumentException into a usage error. */
    public <T> T getChoice(String name, java.util.function.Function<String, T> parse) {
        String v = require(name);
        try {
            return parse.apply(v);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + name + ": " + e.getMessage());
        }
    }

    /** All values in effect, for the record in summary.json. */
    public Map<String, String> effective() {
        return new LinkedHashMap<>(values);
    }

    /** The help text: usage, every option with its default, and the exit codes. */
    public static String help() {
        Map<String, String> defaults = loadDefaults(null);
        StringBuilder b = new StringBuilder();
        b.append("spark-mlp: train a multilayer perceptron with synchronous mini-batch SGD on Apache Spark\n\n")
                .append("usage: spark-mlp train    [options]   train, write model.json, metrics.jsonl, summary.json\n")
                .append("       spark-mlp evaluate --model FILE --data PATH [options]   loss, accuracy, confusion matrix\n")
                .append("       spark-mlp predict  --model FILE --data PATH [options]   predictions.csv\n")
                .append("       spark-mlp --help | --version\n\noptions (value in [] is the default):\n");
        for (Spec s : SPECS) {
            String d = defaults.get(s.name());
            b.append(String.format("  --%-18s %s%n", s.name() + " " + s.arg(), ""));
            b.append("        ").append(s.help());
            if (d != null && !d.isEmpty()) {
                b.append(" [").append(d).append("]");
            }
            b.append(s.commands().size() == 3 ? "" : " (" + String.join(", ", s.commands().stream().sorted().toList()) + ")");
            b.append('\n');
        }
        b.append("\nexit codes:\n");
        for (ExitCode c : ExitCode.values()) {
            b.append(String.format("  %d  %s%n", c.code(), c.meaning()));
        }
        return b.toString();
    }

    /** A mistake on the command line: one line, exit code 2, before Spark starts. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }
}
