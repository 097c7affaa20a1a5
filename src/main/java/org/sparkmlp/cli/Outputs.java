package org.sparkmlp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkmlp.io.AtomicFiles;
import org.sparkmlp.io.ModelFile;
import org.sparkmlp.nn.Model;
import org.sparkmlp.report.Report;
import org.sparkmlp.report.ReportWriteException;

/** The output directory: every file is written whole under a temporary name and renamed into place. */
final class Outputs {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper JSON_LINE = new ObjectMapper();

    private final Path dir;
    private final List<String> metricLines = new ArrayList<>();

    Outputs(String dir) {
        this.dir = Path.of(dir);
    }

    /** Creates the directory now, so that an unwritable --out fails before any training. */
    Outputs prepare() {
        try {
            Files.createDirectories(dir);
            if (!Files.isWritable(dir)) {
                throw new IOException("directory is not writable");
            }
        } catch (IOException e) {
            throw new Main.OutputException(dir.toString(), e);
        }
        return this;
    }

    Path path(String name) {
        return dir.resolve(name);
    }

    void writeModel(Model model) {
        Path target = path("model.json");
        try {
            ModelFile.write(model, target);
        } catch (IOException e) {
            throw new Main.OutputException(target.toString(), e);
        }
    }

    void writeJson(String name, Map<String, Object> content) {
        writeText(name, toJson(JSON, content) + "\n");
    }

    /** Adds a line to metrics.jsonl, written by the next {@link #flushMetrics}. */
    void addMetric(Map<String, Object> line) {
        metricLines.add(toJson(JSON_LINE, line));
    }

    /** Rewrites metrics.jsonl whole with every line so far, so a reader never sees a partial line. */
    void flushMetrics() {
        writeText("metrics.jsonl", String.join("\n", metricLines) + "\n");
    }

    /** report.html and its charts, built from the files written so far. */
    void writeReport() {
        try {
            Report.write(dir);
        } catch (ReportWriteException e) {
            throw new Main.OutputException(e.file().toString(), (IOException) e.getCause());
        }
    }

    void writeText(String name, String content) {
        Path target = path(name);
        try {
            AtomicFiles.writeString(target, content);
        } catch (IOException e) {
            throw new Main.OutputException(target.toString(), e);
        }
    }

    private static String toJson(ObjectMapper mapper, Map<String, Object> content) {
        try {
            return mapper.writeValueAsString(finite(content));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** JSON has no NaN or infinity: those become null. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> finite(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Double d && !Double.isFinite(d)) {
                v = null;
            } else if (v instanceof Map<?, ?> inner) {
                v = finite((Map<String, Object>) inner);
            }
            out.put(e.getKey(), v);
        }
        return out;
    }
}
