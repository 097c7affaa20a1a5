package org.sparkmlp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.sparkmlp.api.TrainingSettings;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The options' default values, lowest first: the defaults file packed in the jar, the editable defaults file
 * ({@code --defaults FILE} or {@code $SPARK_MLP_DEFAULTS}), then a preset ({@code --preset NAME}: the file
 * {@code preset-NAME.properties} beside the defaults file, else the copy packed in the jar). Keys are option
 * names without the leading "--"; the command line wins over all of them.
 */
final class Defaults implements CommandLine.IDefaultValueProvider {
    static final String FILE = "spark-mlp.properties";

    private final Map<String, String> values;
    private final Map<String, String> origins;

    private Defaults(Map<String, String> values, Map<String, String> origins) {
        this.values = values;
        this.origins = origins;
    }

    /** The jar's defaults, then {@code file} (or $SPARK_MLP_DEFAULTS when null), then the named preset. */
    static Defaults load(String file, String preset) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        putAll(TrainingSettings.packedDefaults(), "the defaults packed in the jar", values, origins);
        String path = file != null ? file : System.getenv("SPARK_MLP_DEFAULTS");
        Path defaultsFile = path == null || path.isEmpty() ? null : Path.of(path);
        if (defaultsFile != null) {
            put(readFile(defaultsFile, "the defaults file"), "defaults file " + defaultsFile, values, origins);
        }
        if (preset != null) {
            String name = "preset-" + preset + ".properties";
            Path beside = defaultsFile == null ? null : defaultsFile.toAbsolutePath().resolveSibling(name);
            if (beside != null && Files.isRegularFile(beside)) {
                put(readFile(beside, "preset " + preset), "preset file " + beside, values, origins);
            } else {
                Map<String, String> packed = TrainingSettings.packedPreset(preset);
                if (packed == null) {
                    throw new UsageException("--preset " + preset + ": no " + name
                            + (beside == null ? "" : " beside " + defaultsFile) + " nor in the jar");
                }
                putAll(packed, "preset " + preset + " packed in the jar", values, origins);
            }
        }
        return new Defaults(values, origins);
    }

    private static Properties readFile(Path file, String what) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.load(r);
            return p;
        } catch (IOException e) {
            throw new UsageException("cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }

    private static Properties read(InputStream in, String what) throws IOException {
        Properties p = new Properties();
        p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        return p;
    }

    private static void putAll(Map<String, String> m, String origin, Map<String, String> values,
                               Map<String, String> origins) {
        m.forEach((key, value) -> {
            values.put(key, value);
            origins.put(key, origin);
        });
    }

    private static void put(Properties p, String origin, Map<String, String> values, Map<String, String> origins) {
        for (String key : p.stringPropertyNames()) {
            values.put(key, p.getProperty(key).trim());
            origins.put(key, origin);
        }
    }

    /** Refuses a key that names no option of any command: a typo there would silently change nothing. */
    Defaults checkKeys(Set<String> optionNames) {
        for (Map.Entry<String, String> e : origins.entrySet()) {
            if (!optionNames.contains(e.getKey())) {
                throw new UsageException(e.getValue() + ": unknown key '" + e.getKey() + "'");
            }
        }
        return this;
    }

    /** The option's default, or null when no file sets it (or sets it empty). */
    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        String v = values.get(option.longestName().substring(2));
        return v == null || v.isEmpty() ? null : v;
    }

    Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }
}
