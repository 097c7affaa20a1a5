package org.sparkmlp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkmlp.io.AtomicFiles;
import org.sparkmlp.io.HadoopFiles;
import org.sparkmlp.io.OutputDir;
import org.sparkmlp.api.TrainedModel;
import org.sparkmlp.io.JsonValues;
import org.sparkmlp.report.Report;
import org.sparkmlp.report.ReportWriteException;

/**
 * The output directory, on any Hadoop file system (org.sparkmlp.io.OutputDir): every file is written whole under a
 * temporary name and renamed into place, or on an object store uploaded whole with _SUCCESS written last.
 */
final class Outputs {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper JSON_LINE = new ObjectMapper();

    private final String dir;
    private OutputDir files;
    private final List<String> metricLines = new ArrayList<>();

    Outputs(String dir) {
        this.dir = dir;
    }

    /** Creates the directory now, so that an unwritable --out fails before any training. */
    Outputs prepare() {
        try {
            files = OutputDir.prepare(dir, HadoopFiles.configuration());
        } catch (IOException e) {
            throw new OutputException(dir, e);
        }
        return this;
    }

    /** The directory as it was given. */
    String location() {
        return dir;
    }

    String path(String name) {
        return files.path(name);
    }

    void writeModel(TrainedModel model) {
        try {
            files.writeModel("model.json", model.network());
        } catch (IOException e) {
            throw new OutputException(path("model.json"), e);
        }
    }

    /** Writes file {@code name} with {@code writer}, whole or not at all. */
    void write(String name, AtomicFiles.IoConsumer<OutputStream> writer) {
        try {
            files.write(name, writer);
        } catch (IOException e) {
            throw new OutputException(path(name), e);
        }
    }

    /** After the command's last file: marks the outputs complete (_SUCCESS, on object stores). */
    void commit() {
        try {
            files.commit();
        } catch (IOException e) {
            throw new OutputException(path(OutputDir.SUCCESS), e);
        }
    }

    void writeJson(String name, Map<String, Object> content) {
        writeText(name, toJson(JSON, content) + "\n");
    }

    /** Adds a line to metrics.jsonl, written by the next {@link #flushMetrics}. */
    void addMetric(Map<String, Object> line) {
        metricLines.add(toJson(JSON_LINE, line));
    }

    /** Replaces the line added last (the epoch's, when its checkpoint's cost is known). */
    void replaceLastMetric(Map<String, Object> line) {
        metricLines.set(metricLines.size() - 1, toJson(JSON_LINE, line));
    }

    /** Whether file {@code name} exists in the directory. */
    boolean exists(String name) {
        try {
            return files.exists(name);
        } catch (IOException e) {
            throw new OutputException(path(name), e);
        }
    }

    /**
     * Starts from the lines of the existing metrics.jsonl that a resumed run's state has behind it: epoch lines up to
     * epoch {@code epoch}, step and checkpoint lines up to step {@code step}; so the file goes on without duplicated
     * epochs or steps.
     */
    void keepMetricsUpTo(int epoch, long step) {
        String text;
        try {
            text = files.readString("metrics.jsonl");
        } catch (IOException e) {
            throw new OutputException(path("metrics.jsonl"), e);
        }
        if (text == null) {
            return;
        }
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                com.fasterxml.jackson.databind.JsonNode n = JSON_LINE.readTree(line);
                boolean keep = "epoch".equals(n.path("event").asText("epoch"))
                        ? n.path("epoch").asInt(Integer.MAX_VALUE) <= epoch
                        : n.path("step").asLong(Long.MAX_VALUE) <= step;
                if (keep) {
                    metricLines.add(line);
                }
            } catch (JsonProcessingException e) {
                // A line that is not JSON is not kept; the file is rewritten whole at the next epoch's end.
            }
        }
    }

    /** Rewrites metrics.jsonl whole with every line so far, so a reader never sees a partial line. */
    void flushMetrics() {
        writeText("metrics.jsonl", String.join("\n", metricLines) + "\n");
    }

    /**
     * report.html and its charts, built from the files written so far; returns false, writing nothing, when the
     * directory is not on the local file system (the report command builds it from a local copy).
     */
    boolean writeReport() {
        if (files.localPath() == null) {
            return false;
        }
        try {
            Report.write(files.localPath());
            return true;
        } catch (ReportWriteException e) {
            throw new OutputException(e.file().toString(), (IOException) e.getCause());
        }
    }

    void writeText(String name, String content) {
        try {
            files.writeString(name, content);
        } catch (IOException e) {
            throw new OutputException(path(name), e);
        }
    }

    private static String toJson(ObjectMapper mapper, Map<String, Object> content) {
        try {
            return mapper.writeValueAsString(JsonValues.finite(content));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
