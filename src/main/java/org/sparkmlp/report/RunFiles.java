package org.sparkmlp.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sparkmlp.train.EpochMetrics;

/**
 * What an output directory says about a run, read from its files alone: the epochs of {@code metrics.jsonl},
 * {@code summary.json} and the header of {@code model.json} (everything but its weights and scaling arrays).
 * Any of the three may be missing — an interrupted run has metrics only, a run still in its first epoch none
 * yet — but not all of them.
 *
 * <p>metrics.jsonl is read by field name, so lines may carry fields this reader does not know; a field that is
 * missing or null (no validation set) reads as NaN. Blank lines are skipped.
 *
 * @param found   the names of the files that were there, of the three
 * @param summary the parsed summary.json, or null when there is none
 * @param model   model.json without {@code weights} and {@code scaling}, or null when there is none
 */
public record RunFiles(Path dir, List<String> found, List<EpochMetrics> epochs, JsonNode summary, JsonNode model) {
    public static final String METRICS = "metrics.jsonl";
    public static final String SUMMARY = "summary.json";
    public static final String MODEL = "model.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    public RunFiles {
        found = List.copyOf(found);
        epochs = List.copyOf(epochs);
    }

    /**
     * Reads the run in {@code dir}.
     *
     * @throws RunFilesException when {@code dir} is not a directory, holds none of the three files, or one of
     *                           them is not what spark-mlp writes
     */
    public static RunFiles read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new RunFilesException(dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory"));
        }
        Path metrics = dir.resolve(METRICS);
        Path summary = dir.resolve(SUMMARY);
        Path model = dir.resolve(MODEL);
        if (!Files.isRegularFile(metrics) && !Files.isRegularFile(summary) && !Files.isRegularFile(model)) {
            throw new RunFilesException(dir + ": no " + METRICS + ", " + SUMMARY + " or " + MODEL
                    + " (not the output directory of a training run)");
        }
        List<String> found = new ArrayList<>();
        for (Path p : List.of(metrics, summary, model)) {
            if (Files.isRegularFile(p)) {
                found.add(p.getFileName().toString());
            }
        }
        return new RunFiles(dir, found, Files.isRegularFile(metrics) ? readMetrics(metrics) : List.of(),
                Files.isRegularFile(summary) ? readSummary(summary) : null,
                Files.isRegularFile(model) ? readModelHeader(model) : null);
    }

    /** Whether the run finished: summary.json is written last, after the test evaluation. */
    public boolean complete() {
        return summary != null;
    }

    static List<EpochMetrics> readMetrics(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RunFilesException(file + ": cannot read: " + e.getMessage(), e);
        }
        List<EpochMetrics> epochs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = file + ": line " + (i + 1) + ": ";
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                throw new RunFilesException(where + "not JSON (" + originalMessage(e) + ")", e);
            }
            if (!(node instanceof ObjectNode)) {
                throw new RunFilesException(where + "not a JSON object");
            }
            JsonNode event = node.get("event");
            if (event != null && !"epoch".equals(event.asText())) {
                continue; // a --log-every step line: the report plots epochs
            }
            JsonNode epoch = node.get("epoch");
            if (epoch == null || !epoch.canConvertToInt() || !epoch.isIntegralNumber()) {
                throw new RunFilesException(where + "no integer field 'epoch'");
            }
            epochs.add(new EpochMetrics(epoch.intValue(), (long) number(node, "steps", where),
                    number(node, "lr", where), number(node, "train_loss", where), number(node, "train_accuracy", where),
                    number(node, "val_loss", where), number(node, "val_accuracy", where),
                    number(node, "seconds", where), number(node, "train_seconds", where),
                    number(node, "gc_seconds", where)));
        }
        return epochs;
    }

    private static double number(JsonNode line, String field, String where) {
        JsonNode v = line.get(field);
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        if (!v.isNumber()) {
            throw new RunFilesException(where + "field '" + field + "' is not a number: " + v);
        }
        return v.doubleValue();
    }

    private static JsonNode readSummary(Path file) {
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new RunFilesException(file + ": not JSON (" + originalMessage(e) + ")", e);
        }
        if (!(node instanceof ObjectNode)) {
            throw new RunFilesException(file + ": not a JSON object");
        }
        return node;
    }

    /**
     * model.json's top-level fields but {@code weights} and {@code scaling}, which are skipped unparsed: they
     * are most of the file and the report shows neither. The model file's own checks are io.ModelFile's; here
     * only the JSON shape matters.
     */
    private static JsonNode readModelHeader(Path file) {
        ObjectNode header = JSON.createObjectNode();
        try (JsonParser p = new JsonFactory(JSON).createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new RunFilesException(file + ": not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("weights") || name.equals("scaling")) {
                    p.skipChildren();
                } else {
                    header.set(name, p.readValueAsTree());
                }
            }
        } catch (IOException e) {
            throw new RunFilesException(file + ": not JSON (" + originalMessage(e) + ")", e);
        }
        return header;
    }

    private static String originalMessage(IOException e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    }
}
