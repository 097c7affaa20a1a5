package org.sparkmlp.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.sparkmlp.optim.EarlyStopping;
import org.sparkmlp.optim.Optimizer;
import org.sparkmlp.optim.OptimizerState;
import org.sparkmlp.optim.TrainingState;

/**
 * The checkpoint file: the one place that writes and reads it. A checkpoint holds a whole {@link TrainingState}
 * plus what a resumed run must match: the training configuration and a fingerprint of the data. It is parsed as
 * data, field by field; nothing in it is ever Java-deserialised.
 *
 * <h2>Format {@value #FORMAT}, version {@value #VERSION}</h2>
 * <table>
 *   <caption>Byte layout; every integer and double little-endian</caption>
 *   <tr><th>offset</th><th>size</th><th>content</th></tr>
 *   <tr><td>0</td><td>8</td><td>magic: the ASCII bytes {@code SMLPCKPT}</td></tr>
 *   <tr><td>8</td><td>4</td><td>int32: the format version, 2 (version 1 is read too)</td></tr>
 *   <tr><td>12</td><td>4</td><td>int32 H: the header's length in bytes</td></tr>
 *   <tr><td>16</td><td>H</td><td>the header: a UTF-8 JSON object (below)</td></tr>
 *   <tr><td>16+H</td><td>8·Σn</td><td>the arrays the header's {@code "arrays"} lists, in its order: n doubles each</td></tr>
 *   <tr><td>end−12</td><td>8</td><td>int64: the file's total length in bytes, this trailer included</td></tr>
 *   <tr><td>end−4</td><td>4</td><td>uint32: the CRC-32 of every byte before it</td></tr>
 * </table>
 * The trailer lets a reader tell a truncated file (its length does not match) from a corrupt one (its CRC does
 * not match) before reading any field.
 *
 * <p>Header fields: {@code "format"} ({@value #FORMAT}); {@code "version"} (2); {@code "step"} (updates applied);
 * {@code "epoch"} (epochs completed); {@code "position"}: where the run is inside the next epoch
 * ({@link TrainingState.Position}), an object {@code {"steps", "loss_sum", "correct", "rows", "seconds",
 * "gc_seconds"}} with {@code "steps"} 0 at an epoch's end (version 1, which checkpointed at epoch ends only, has the
 * integer 0 here); {@code "optimizer"} ({@link Optimizer.Kind#id()}) and
 * {@code "optimizer_updates"}; {@code "best_epoch"}, {@code "best_value"} (a string as
 * {@link Double#toString(double)} writes it, since it may be infinite) and {@code "epochs_since_best"}
 * ({@link EarlyStopping.Progress}); {@code "config"} (the training configuration as {@code TrainingConfig.describe()}
 * gives it); {@code "data"} (the {@link Fingerprint}); {@code "arrays"}: a list of {@code {"name", "length"}} —
 * {@code weights}, then one {@code slot<i>} per optimizer slot, then {@code best_weights} if kept;
 * {@code "created"} and {@code "library"}, for people.
 */
public final class CheckpointFile {
    public static final String FORMAT = "spark-mlp-checkpoint";
    public static final int VERSION = 2;
    /** The oldest version this program still reads. */
    private static final int OLDEST_VERSION = 1;
    private static final byte[] MAGIC = "SMLPCKPT".getBytes(StandardCharsets.US_ASCII);
    private static final int TRAILER = 12;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private CheckpointFile() {
    }

    /**
     * What the data a run trains on looks like, cheaply: the row counts of the three sets, the feature count, the
     * classes, and a CRC-32 over the cached training blocks (their values as trained on: split, scaled and at the
     * training precision), so a resume on other data — or the same file split or scaled another way — is refused.
     */
    public record Fingerprint(long trainRows, long validationRows, long testRows, int features, List<String> classes,
                              String trainChecksum) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("train_rows", trainRows);
            m.put("validation_rows", validationRows);
            m.put("test_rows", testRows);
            m.put("features", features);
            m.put("classes", classes);
            m.put("train_checksum", trainChecksum);
            return m;
        }
    }

    /** A checkpoint's content: the state, the configuration it was made with, and its data's fingerprint. */
    public record Content(TrainingState state, Map<String, Object> config, Fingerprint data) {
    }

    /** The file's bytes for {@code content}. */
    public static byte[] toBytes(Content content, String library) {
        TrainingState s = content.state();
        OptimizerState o = s.optimizer();
        List<double[]> arrays = new ArrayList<>();
        List<String> names = new ArrayList<>();
        arrays.add(s.weights());
        names.add("weights");
        for (int i = 0; i < o.slotCount(); i++) {
            arrays.add(o.slot(i));
            names.add("slot" + i);
        }
        double[] best = s.bestWeights();
        if (best != null) {
            arrays.add(best);
            names.add("best_weights");
        }
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("format", FORMAT);
        h.put("version", VERSION);
        h.put("step", s.step());
        h.put("epoch", s.epoch());
        TrainingState.Position p = s.position();
        Map<String, Object> position = new LinkedHashMap<>();
        position.put("steps", p.steps());
        position.put("loss_sum", p.lossSum());
        position.put("correct", p.correct());
        position.put("rows", p.rows());
        position.put("seconds", p.seconds());
        position.put("gc_seconds", p.gcSeconds());
        h.put("position", position);
        h.put("optimizer", o.kind().id());
        h.put("optimizer_updates", o.updates());
        h.put("best_epoch", s.progress().bestEpoch());
        h.put("best_value", Double.toString(s.progress().bestValue()));
        h.put("epochs_since_best", s.progress().epochsSinceBest());
        h.put("config", content.config());
        h.put("data", content.data().toMap());
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < arrays.size(); i++) {
            Map<String, Object> array = new LinkedHashMap<>(); // Map.of's order changes from JVM to JVM
            array.put("name", names.get(i));
            array.put("length", arrays.get(i).length);
            list.add(array);
        }
        h.put("arrays", list);
        h.put("created", java.time.Instant.now().toString());
        h.put("library", library);
        byte[] header;
        try {
            header = MAPPER.writeValueAsBytes(h);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("checkpoint header: " + e.getOriginalMessage(), e);
        }
        long doubles = arrays.stream().mapToLong(a -> a.length).sum();
        long size = 16L + header.length + 8 * doubles + TRAILER;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("checkpoint of " + size + " bytes is too large for this format");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).putInt(header.length).put(header);
        for (double[] a : arrays) {
            b.asDoubleBuffer().put(a);
            b.position(b.position() + 8 * a.length);
        }
        b.putLong(size);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /**
     * Reads a checkpoint from its bytes, validating length, checksum, header and array sizes.
     *
     * @param name the file's name, for messages
     * @throws CheckpointFormatException naming the file and what is wrong
     */
    public static Content fromBytes(byte[] bytes, String name) throws CheckpointFormatException {
        if (bytes.length < 16 + TRAILER || !Arrays.equals(Arrays.copyOf(bytes, 8), MAGIC)) {
            throw new CheckpointFormatException(name + ": not a spark-mlp checkpoint (" + bytes.length + " bytes, no "
                    + "SMLPCKPT magic)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long declared = b.getLong(bytes.length - TRAILER);
        if (declared != bytes.length) {
            // A file cut short ends in the middle of its arrays: its last bytes are data, not a trailer.
            throw new CheckpointFormatException(name + ": truncated or extended: " + bytes.length + " bytes, and"
                    + " its last " + TRAILER + " bytes are not a trailer giving that length");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != b.getInt(bytes.length - 4)) {
            throw new CheckpointFormatException(name + ": corrupt: the CRC-32 does not match");
        }
        int version = b.getInt(8);
        if (version < OLDEST_VERSION || version > VERSION) {
            throw new CheckpointFormatException(name + ": format version " + version + ", this program reads "
                    + OLDEST_VERSION + " to " + VERSION);
        }
        int headerLength = b.getInt(12);
        if (headerLength < 2 || 16L + headerLength > bytes.length - TRAILER) {
            throw new CheckpointFormatException(name + ": header length " + headerLength + " does not fit the file");
        }
        JsonNode h;
        try {
            h = MAPPER.readTree(new String(bytes, 16, headerLength, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new CheckpointFormatException(name + ": header is not JSON: " + e.getOriginalMessage());
        }
        if (!(h instanceof ObjectNode) || !FORMAT.equals(h.path("format").asText())) {
            throw new CheckpointFormatException(name + ": header format is not \"" + FORMAT + "\"");
        }
        try {
            long step = integer(h, "step");
            int epoch = (int) integer(h, "epoch");
            TrainingState.Position position = version == 1 ? versionOnePosition(h) : position(h.get("position"));
            Optimizer.Kind kind = Optimizer.Kind.fromId(text(h, "optimizer"));
            long updates = integer(h, "optimizer_updates");
            EarlyStopping.Progress progress = new EarlyStopping.Progress((int) integer(h, "best_epoch"),
                    Double.parseDouble(text(h, "best_value")), (int) integer(h, "epochs_since_best"));
            JsonNode list = h.get("arrays");
            if (!(list instanceof ArrayNode)) {
                throw new CheckpointFormatException(name + ": header field \"arrays\" is missing or not a list");
            }
            Map<String, double[]> arrays = new LinkedHashMap<>();
            int at = 16 + headerLength;
            for (JsonNode a : list) {
                long n = integer(a, "length");
                if (n < 0 || at + 8 * n > bytes.length - TRAILER) {
                    throw new CheckpointFormatException(name + ": array " + a.path("name").asText() + " of " + n
                            + " numbers does not fit the file");
                }
                double[] v = new double[(int) n];
                ByteBuffer.wrap(bytes, at, 8 * (int) n).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(v);
                arrays.put(text(a, "name"), v);
                at += 8 * (int) n;
            }
            if (at != bytes.length - TRAILER) {
                throw new CheckpointFormatException(name + ": " + (bytes.length - TRAILER - at)
                        + " bytes between the arrays and the trailer");
            }
            double[] weights = arrays.get("weights");
            if (weights == null) {
                throw new CheckpointFormatException(name + ": no weights array");
            }
            double[][] slots = new double[kind.slots()][];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = arrays.get("slot" + i);
                if (slots[i] == null) {
                    throw new CheckpointFormatException(name + ": " + kind.id() + " needs array slot" + i);
                }
            }
            TrainingState state = new TrainingState(weights, new OptimizerState(kind, updates, slots), step, epoch,
                    position, progress, arrays.get("best_weights"));
            JsonNode d = h.get("data");
            if (d == null || !d.isObject()) {
                throw new CheckpointFormatException(name + ": header field \"data\" is missing");
            }
            List<String> classes = new ArrayList<>();
            d.path("classes").forEach(c -> classes.add(c.asText()));
            Fingerprint data = new Fingerprint(integer(d, "train_rows"), integer(d, "validation_rows"),
                    integer(d, "test_rows"), (int) integer(d, "features"), classes, text(d, "train_checksum"));
            JsonNode config = h.get("config");
            if (config == null || !config.isObject()) {
                throw new CheckpointFormatException(name + ": header field \"config\" is missing");
            }
            Map<String, Object> configMap = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                configMap.put(e.getKey(), e.getValue());
            }
            return new Content(state, configMap, data);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(name + ": " + e.getMessage());
        }
    }

    /**
     * The first difference between the configuration a checkpoint holds and {@code current}, as
     * "key current differs from checkpoint's value", or null when they agree. Both sides are compared as their JSON
     * text, the form the checkpoint stores.
     */
    public static String configDifference(Map<String, Object> checkpoint, Map<String, Object> current) {
        JsonNode saved = MAPPER.valueToTree(checkpoint);
        JsonNode now;
        try {
            now = MAPPER.readTree(MAPPER.writeValueAsString(current));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        for (Iterator<String> it = now.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            JsonNode was = saved.get(key);
            if (was == null || !was.toString().equals(now.get(key).toString())) {
                return key + " " + now.get(key) + " differs from the checkpoint's " + (was == null ? "(none)" : was);
            }
        }
        for (Iterator<String> it = saved.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!now.has(key)) {
                return key + " is in the checkpoint's configuration but not in this command's";
            }
        }
        return null;
    }

    /** The first difference between a checkpoint's data fingerprint and {@code current}, or null. */
    public static String dataDifference(Fingerprint checkpoint, Fingerprint current) {
        Map<String, Object> was = checkpoint.toMap();
        Map<String, Object> now = current.toMap();
        for (String key : now.keySet()) {
            if (!String.valueOf(now.get(key)).equals(String.valueOf(was.get(key)))) {
                return "the data's " + key + " " + now.get(key) + " differs from the checkpoint's " + was.get(key);
            }
        }
        return null;
    }

    private static TrainingState.Position versionOnePosition(JsonNode h) {
        if (integer(h, "position") != 0) {
            throw new IllegalArgumentException("header field \"position\" is not 0 in version 1");
        }
        return TrainingState.Position.START;
    }

    private static TrainingState.Position position(JsonNode p) {
        if (p == null || !p.isObject()) {
            throw new IllegalArgumentException("header field \"position\" is missing or not an object");
        }
        return new TrainingState.Position(integer(p, "steps"), number(p, "loss_sum"), integer(p, "correct"),
                integer(p, "rows"), number(p, "seconds"), number(p, "gc_seconds"));
    }

    private static double number(JsonNode h, String field) {
        JsonNode n = h.get(field);
        if (n == null || !n.isNumber()) {
            throw new IllegalArgumentException("header field \"" + field + "\" is missing or not a number");
        }
        return n.asDouble();
    }

    private static long integer(JsonNode h, String field) {
        JsonNode n = h.get(field);
        if (n == null || !n.canConvertToLong() || !n.isIntegralNumber()) {
            throw new IllegalArgumentException("header field \"" + field + "\" is missing or not an integer");
        }
        return n.asLong();
    }

    private static String text(JsonNode h, String field) {
        JsonNode n = h.get(field);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException("header field \"" + field + "\" is missing or not a string");
        }
        return n.asText();
    }
}
