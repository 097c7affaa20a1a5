package org.sparkmlp.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Network;
import org.sparkmlp.nn.Scaling;

/**
 * The model file: the one place that writes and reads it, so the format is defined here and nowhere else.
 *
 * <h2>Format {@value #FORMAT}, version {@value #VERSION}</h2>
 * A UTF-8 JSON object with exactly these fields (other programs read it, so the names are fixed):
 * <dl>
 * <dt>{@code "format"}</dt><dd>the string {@code "spark-mlp-model"}, so that any other JSON is refused early.</dd>
 * <dt>{@code "version"}</dt><dd>the integer 1. A change that an old reader would misread gets a new version;
 *     this reader refuses every version but 1.</dd>
 * <dt>{@code "layers"}</dt><dd>[n_0, …, n_L]: the input features, the hidden layer sizes and the number of
 *     classes; at least two entries, every one a positive integer, n_L ≥ 2.</dd>
 * <dt>{@code "activation"}</dt><dd>the hidden activation: {@code "tanh"}, {@code "relu"} or {@code "sigmoid"}
 *     ({@link Activation#id()}). The output layer is always a softmax.</dd>
 * <dt>{@code "loss"}</dt><dd>the loss trained with: {@code "cross_entropy"} or {@code "mse"}
 *     ({@link Loss#fileId()}); prediction does not depend on it.</dd>
 * <dt>{@code "weights"}</dt><dd>L objects, one per layer l = 0 … L−1, each {@code {"W": [...], "b": [...]}}.
 *     W is n_{l+1} arrays (rows) of n_l numbers, row i holding the weights of output unit i; b has n_{l+1}
 *     numbers. So h_{l+1} = f(W h_l + b) for hidden layers, and the class probabilities are
 *     softmax(W h_{L−1} + b) for the last.</dd>
 * <dt>{@code "scaling"}</dt><dd>{@code {"kind": k, "shift": [n_0 numbers], "factor": [n_0 numbers]}}: the
 *     network sees x'_i = (x_i − shift_i) · factor_i, never the raw x. The kind ({@code "none"}, {@code "pixel"},
 *     {@code "minmax"}, {@code "standard"}) records how shift and factor were chosen; it changes nothing.</dd>
 * <dt>{@code "classes"}</dt><dd>n_L distinct strings: the label of each softmax output, in order.</dd>
 * <dt>{@code "provenance"}</dt><dd>optional; any JSON object (how and from what the model was trained), for
 *     people. Read back as maps ({@link LinkedHashMap}), lists, strings, numbers (Integer, Long, BigInteger or
 *     Double), booleans and nulls.</dd>
 * </dl>
 * Numbers are written with {@link Double#toString(double)}, which parses back to the same double, so a
 * written model is read back bit for bit. JSON has no NaN or infinity: writing a model that holds one fails.
 * The reader refuses unknown fields, at the top level and inside weights and scaling, so a misspelt field is
 * never silently ignored; free-form information belongs in provenance.
 *
 * <p>In memory ({@link Model#parameters()}) W_l is stored column-major instead, element (i, j) at
 * {@code weightOffset(l) + j·n_{l+1} + i}; the conversion happens only here.
 *
 * <p>Problems with a file's content throw {@link ModelFormatException} with a one-line message naming the
 * file and the place; a model that cannot be written (a NaN weight, a provenance value that is not JSON)
 * throws {@link IllegalArgumentException} before anything is written.
 */
public final class ModelFile {
    /** The value of the "format" field. */
    public static final String FORMAT = "spark-mlp-model";
    /** The version this class writes, and the only one it reads. */
    public static final int VERSION = 1;

    private static final List<String> FIELDS = List.of(
            "format", "version", "layers", "activation", "loss", "weights", "scaling", "classes", "provenance");

    // Duplicate keys and trailing content would otherwise pass unnoticed (the last duplicate silently wins).
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ModelFile() {
    }

    /** Writes {@code model} to {@code target} atomically (see {@link AtomicFiles}). */
    public static void write(Network model, Path target) throws IOException {
        checkWritable(model); // before the temporary file exists, so a refused model leaves nothing behind
        AtomicFiles.write(target, out -> {
            try (JsonGenerator g = MAPPER.createGenerator(out, JsonEncoding.UTF8)) {
                writeJson(model, g);
            }
        });
    }

    /** The file content for {@code model}, exactly as {@link #write} writes it. */
    public static String toJson(Network model) {
        checkWritable(model);
        StringWriter text = new StringWriter();
        try (JsonGenerator g = MAPPER.createGenerator(text)) {
            writeJson(model, g);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a StringWriter failed", e); // it never does
        }
        return text.toString();
    }

    /** Writes {@code model} to {@code location} on any Hadoop file system (see {@link AtomicFiles}). */
    public static void write(Network model, String location, Configuration conf) throws IOException {
        checkWritable(model);
        AtomicFiles.write(location, conf, out -> {
            try (JsonGenerator g = MAPPER.createGenerator(out, JsonEncoding.UTF8)) {
                writeJson(model, g);
            }
        });
    }

    /**
     * Reads and validates a model file.
     *
     * @throws ModelFormatException if the content is not a valid model (the message names the file)
     * @throws IOException if the file cannot be read
     */
    public static Network read(Path file) throws IOException {
        return read(file.toString(), () -> Files.newInputStream(file));
    }

    /**
     * Reads and validates the model file at {@code location}, a path of any Hadoop file system, with the
     * configuration Spark has in this JVM ({@link HadoopFiles#configuration()}).
     */
    public static Network read(String location) throws IOException {
        return read(location, HadoopFiles.configuration());
    }

    /**
     * Reads and validates the model file at {@code location}, a path of any Hadoop file system
     * ({@link HadoopFiles}); messages name {@code location} as given.
     *
     * @throws ModelFormatException if the file is missing or unreadable, or not a valid model
     */
    public static Network read(String location, Configuration conf) throws IOException {
        org.apache.hadoop.fs.Path path;
        try {
            path = HadoopFiles.qualify(location, conf);
        } catch (IOException | IllegalArgumentException e) { // no file system for the scheme, a malformed URI
            throw new ModelFormatException(location, "cannot be read: " + e.getMessage(), e);
        }
        Path local = HadoopFiles.local(path);
        if (local != null) {
            return read(location, () -> Files.newInputStream(local));
        }
        return read(location, () -> path.getFileSystem(conf).open(path));
    }

    private static Network read(String source, AtomicFiles.IoSupplier<InputStream> open) {
        JsonNode root;
        try (InputStream in = open.get()) {
            root = MAPPER.readTree(in);
        } catch (JsonProcessingException e) {
            throw malformed(source, e);
        } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
            throw new ModelFormatException(source, "no such file", e);
        } catch (IOException e) {
            throw new ModelFormatException(source, "cannot be read: " + e.getMessage(), e);
        }
        return new Reader(source).model(root);
    }

    /**
     * Parses and validates model file content; {@code sourceName} stands for the file in messages.
     *
     * @throws ModelFormatException if the content is not a valid model
     */
    public static Network fromJson(String json, String sourceName) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw malformed(sourceName, e);
        }
        return new Reader(sourceName).model(root);
    }

    // ---------------------------------------------------------------------------------------------- writing

    /**
     * Refuses what JSON cannot hold faithfully: non-finite parameters (scaling is finite by construction) and
     * provenance values other than JSON's own types.
     */
    private static void checkWritable(Network model) {
        Architecture arch = model.architecture();
        double[] p = model.parameters();
        for (int l = 0; l < arch.layerCount(); l++) {
            int rows = arch.size(l + 1);
            int cols = arch.size(l);
            for (int j = 0; j < cols; j++) {
                for (int i = 0; i < rows; i++) {
                    double v = p[arch.weightOffset(l) + j * rows + i];
                    if (!Double.isFinite(v)) {
                        throw notWritable("weights[" + l + "].W[" + i + "][" + j + "] is " + v);
                    }
                }
            }
            for (int i = 0; i < rows; i++) {
                double v = p[arch.biasOffset(l) + i];
                if (!Double.isFinite(v)) {
                    throw notWritable("weights[" + l + "].b[" + i + "] is " + v);
                }
            }
        }
        checkProvenance(model.provenance(), "provenance");
    }

    private static void checkProvenance(Object value, String path) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger || value instanceof BigDecimal) {
            return;
        }
        if (value instanceof Double || value instanceof Float) {
            if (!Double.isFinite(((Number) value).doubleValue())) {
                throw notWritable(path + " is " + value);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw notWritable(path + " has a key that is not a string: " + e.getKey());
                }
                checkProvenance(e.getValue(), path + "." + key);
            }
            return;
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                checkProvenance(list.get(i), path + "[" + i + "]");
            }
            return;
        }
        throw new IllegalArgumentException("cannot write model: " + path + " is a " + value.getClass().getName()
                + "; provenance may hold only strings, numbers, booleans, nulls, maps and lists");
    }

    /**
     * Jackson's pretty printer with {@code "field": value} (a space after the colon only) and "\n" line ends on
     * every platform, so files are identical everywhere. By overriding, not by {@code Separators.Spacing}, which
     * Jackson 2.15 (the one Spark 3.5 brings) does not have.
     */
    private static final class Pretty extends DefaultPrettyPrinter {
        private static final long serialVersionUID = 1L;

        Pretty() {
            DefaultIndenter newline = new DefaultIndenter("  ", "\n");
            indentObjectsWith(newline);
            indentArraysWith(newline);
        }

        private Pretty(Pretty base) {
            super(base);
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new Pretty(this);
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }
    }

    private static IllegalArgumentException notWritable(String problem) {
        return new IllegalArgumentException("cannot write model: " + problem + "; JSON has no NaN or infinity");
    }

    /**
     * Objects indented one field per line; every vector, and every row of W, on one line as a raw value, so a
     * file is readable yet not one number per line.
     */
    private static void writeJson(Network model, JsonGenerator g) throws IOException {
        g.setPrettyPrinter(new Pretty());

        Architecture arch = model.architecture();
        double[] p = model.parameters();
        g.writeStartObject();
        g.writeStringField("format", FORMAT);
        g.writeNumberField("version", VERSION);
        g.writeFieldName("layers");
        g.writeRawValue(Arrays.stream(arch.sizes()).mapToObj(Integer::toString)
                .collect(Collectors.joining(", ", "[", "]")));
        g.writeStringField("activation", arch.activation().id());
        g.writeStringField("loss", model.loss().fileId());
        g.writeArrayFieldStart("weights");
        for (int l = 0; l < arch.layerCount(); l++) {
            int rows = arch.size(l + 1);
            int cols = arch.size(l);
            g.writeStartObject();
            g.writeArrayFieldStart("W");
            for (int i = 0; i < rows; i++) {
                // Row i of W_l: element (i, j) is at weightOffset + j·rows + i, so step by rows.
                g.writeRawValue(numbers(p, arch.weightOffset(l) + i, cols, rows));
            }
            g.writeEndArray();
            g.writeFieldName("b");
            g.writeRawValue(numbers(p, arch.biasOffset(l), rows, 1));
            g.writeEndObject();
        }
        g.writeEndArray();
        Scaling scaling = model.scaling();
        g.writeObjectFieldStart("scaling");
        g.writeStringField("kind", scaling.kind().id());
        g.writeFieldName("shift");
        g.writeRawValue(numbers(scaling.shift(), 0, scaling.features(), 1));
        g.writeFieldName("factor");
        g.writeRawValue(numbers(scaling.factor(), 0, scaling.features(), 1));
        g.writeEndObject();
        g.writeFieldName("classes");
        // TextNode's text is the label quoted and escaped as JSON.
        g.writeRawValue(model.classes().stream().map(c -> TextNode.valueOf(c).toString())
                .collect(Collectors.joining(", ", "[", "]")));
        g.writeFieldName("provenance");
        g.writeObject(model.provenance());
        g.writeEndObject();
        g.writeRaw('\n');
    }

    /** {@code count} numbers from {@code from}, {@code stride} apart, as a one-line JSON array. */
    private static String numbers(double[] v, int from, int count, int stride) {
        StringBuilder b = new StringBuilder(count * 24).append('[');
        for (int k = 0; k < count; k++) {
            // Double.toString parses back to the same double (finite: checked above); not Jackson's number
            // writers, so that no float or BigDecimal path can creep in.
            b.append(k == 0 ? "" : ", ").append(Double.toString(v[from + k * stride]));
        }
        return b.append(']').toString();
    }

    // ---------------------------------------------------------------------------------------------- reading

    private static ModelFormatException malformed(String source, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return new ModelFormatException(source, "malformed JSON" + where + ": " + oneLine(e.getOriginalMessage()), e);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    /** Validates a parsed tree, naming the source and the JSON path in every refusal. */
    private static final class Reader {
        private final String source;

        Reader(String source) {
            this.source = source;
        }

        Network model(JsonNode root) {
            if (root == null || root.isMissingNode()) {
                throw fail("the file is empty");
            }
            if (!root.isObject()) {
                throw fail("expected a JSON object at the top level, found " + describe(root));
            }
            // Format and version first: for another kind of file, or a newer one, that is the useful message.
            JsonNode format = root.get("format");
            if (format == null) {
                throw fail("format is missing: not a " + FORMAT + " file");
            }
            if (!format.isTextual() || !format.textValue().equals(FORMAT)) {
                throw fail("format is " + describe(format) + ", expected \"" + FORMAT + "\"");
            }
            JsonNode version = required(root, "version", "");
            if (!version.isIntegralNumber()) {
                throw fail("version is " + describe(version) + ", expected an integer");
            }
            if (!version.canConvertToInt() || version.intValue() != VERSION) {
                throw fail("version " + version.asText() + " is not supported (this reader supports version "
                        + VERSION + ")");
            }
            onlyFields(root, "", FIELDS);

            int[] sizes = layers(required(root, "layers", ""));
            Activation activation = choice(required(root, "activation", ""), "activation", Activation.values(),
                    Activation::id);
            Loss loss = choice(required(root, "loss", ""), "loss", Loss.values(), Loss::fileId);
            Architecture arch;
            try {
                arch = new Architecture(sizes, activation);
            } catch (IllegalArgumentException e) { // layers are checked already: only a too large network is left
                throw fail("layers: " + e.getMessage());
            }
            double[] parameters = weights(required(root, "weights", ""), arch);
            Scaling scaling = scaling(required(root, "scaling", ""), sizes[0]);
            List<String> classes = classes(required(root, "classes", ""), sizes);
            Map<String, Object> provenance = provenance(root.get("provenance"));
            return new Network(arch, loss, parameters, scaling, classes, provenance);
        }

        private int[] layers(JsonNode node) {
            array(node, "layers");
            if (node.size() < 2) {
                throw fail("layers has " + count(node.size(), "entry", "entries")
                        + "; a network needs at least an input and an output layer");
            }
            int[] sizes = new int[node.size()];
            for (int l = 0; l < sizes.length; l++) {
                JsonNode n = node.get(l);
                if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() <= 0) {
                    throw fail("layers[" + l + "] is " + describe(n) + ", expected a positive integer");
                }
                sizes[l] = n.intValue();
            }
            if (sizes[sizes.length - 1] < 2) {
                throw fail("layers[" + (sizes.length - 1) + "] is " + sizes[sizes.length - 1]
                        + "; the softmax output needs at least 2 classes");
            }
            return sizes;
        }

        private <E> E choice(JsonNode node, String path, E[] values, Function<E, String> id) {
            List<String> ids = new ArrayList<>();
            for (E v : values) {
                if (node.isTextual() && id.apply(v).equals(node.textValue())) {
                    return v;
                }
                ids.add(id.apply(v));
            }
            throw fail(path + " is " + describe(node) + ", expected one of " + String.join(", ", ids));
        }

        /** Checks every shape before allocating, so a file cannot make us allocate more than it holds. */
        private double[] weights(JsonNode node, Architecture arch) {
            int layers = arch.layerCount();
            array(node, "weights");
            if (node.size() != layers) {
                throw fail("weights has " + count(node.size(), "entry", "entries") + ", layers "
                        + Arrays.toString(arch.sizes()) + " need " + layers + " (one per layer after the input)");
            }
            for (int l = 0; l < layers; l++) {
                String at = "weights[" + l + "]";
                JsonNode layer = node.get(l);
                if (!layer.isObject()) {
                    throw fail(at + " is " + describe(layer) + ", expected an object with W and b");
                }
                onlyFields(layer, at, List.of("W", "b"));
                JsonNode w = required(layer, "W", at + ".");
                array(w, at + ".W");
                if (w.size() != arch.size(l + 1)) {
                    throw fail(at + ".W has " + count(w.size(), "row", "rows") + ", layer " + (l + 1) + " has "
                            + arch.size(l + 1) + " units");
                }
                for (int i = 0; i < w.size(); i++) {
                    array(w.get(i), at + ".W[" + i + "]");
                    if (w.get(i).size() != arch.size(l)) {
                        throw fail(at + ".W[" + i + "] has " + count(w.get(i).size(), "number", "numbers")
                                + ", layer " + l + " has " + arch.size(l) + " units");
                    }
                }
                JsonNode b = required(layer, "b", at + ".");
                array(b, at + ".b");
                if (b.size() != arch.size(l + 1)) {
                    throw fail(at + ".b has " + count(b.size(), "number", "numbers") + ", layer " + (l + 1) + " has "
                            + arch.size(l + 1) + " units");
                }
            }
            double[] p = new double[arch.parameterCount()];
            for (int l = 0; l < layers; l++) {
                int rows = arch.size(l + 1);
                JsonNode w = node.get(l).get("W");
                JsonNode b = node.get(l).get("b");
                for (int i = 0; i < rows; i++) {
                    JsonNode row = w.get(i);
                    for (int j = 0; j < row.size(); j++) {
                        // Row i, column j of W_l goes to its column-major place.
                        p[arch.weightOffset(l) + j * rows + i] =
                                number(row.get(j), "weights[" + l + "].W[" + i + "][" + j + "]");
                    }
                    p[arch.biasOffset(l) + i] = number(b.get(i), "weights[" + l + "].b[" + i + "]");
                }
            }
            return p;
        }

        private Scaling scaling(JsonNode node, int inputs) {
            if (!node.isObject()) {
                throw fail("scaling is " + describe(node) + ", expected an object with kind, shift and factor");
            }
            onlyFields(node, "scaling", List.of("kind", "shift", "factor"));
            Scaling.Kind kind = choice(required(node, "kind", "scaling."), "scaling.kind", Scaling.Kind.values(),
                    Scaling.Kind::id);
            double[] shift = vector(required(node, "shift", "scaling."), "scaling.shift", inputs);
            double[] factor = vector(required(node, "factor", "scaling."), "scaling.factor", inputs);
            return new Scaling(kind, shift, factor);
        }

        private double[] vector(JsonNode node, String path, int inputs) {
            array(node, path);
            if (node.size() != inputs) {
                throw fail(path + " has " + count(node.size(), "number", "numbers") + ", layer 0 (the input) has "
                        + inputs + " units");
            }
            double[] v = new double[inputs];
            for (int i = 0; i < inputs; i++) {
                v[i] = number(node.get(i), path + "[" + i + "]");
            }
            return v;
        }

        private List<String> classes(JsonNode node, int[] sizes) {
            int outputs = sizes[sizes.length - 1];
            array(node, "classes");
            if (node.size() != outputs) {
                throw fail("classes has " + count(node.size(), "label", "labels") + ", layer " + (sizes.length - 1)
                        + " (the output) has " + outputs + " units");
            }
            List<String> labels = new ArrayList<>(outputs);
            Map<String, Integer> seen = new HashMap<>();
            for (int c = 0; c < outputs; c++) {
                JsonNode n = node.get(c);
                if (!n.isTextual()) {
                    throw fail("classes[" + c + "] is " + describe(n) + ", expected a string");
                }
                Integer first = seen.putIfAbsent(n.textValue(), c);
                if (first != null) {
                    throw fail("classes[" + c + "] " + n + " repeats classes[" + first + "]");
                }
                labels.add(n.textValue());
            }
            return labels;
        }

        private Map<String, Object> provenance(JsonNode node) {
            if (node == null) {
                return Map.of();
            }
            if (!node.isObject()) {
                throw fail("provenance is " + describe(node) + ", expected an object");
            }
            // Jackson's untyped mapping gives exactly LinkedHashMap, ArrayList, String, Integer/Long/BigInteger,
            // Double, Boolean and null.
            return MAPPER.convertValue(node, new TypeReference<LinkedHashMap<String, Object>>() { });
        }

        private double number(JsonNode n, String path) {
            if (!n.isNumber()) {
                throw fail(path + " is " + describe(n) + ", expected a number");
            }
            double v = n.doubleValue();
            if (!Double.isFinite(v)) { // e.g. 1e999, which parses as infinity
                throw fail(path + " is beyond the range of a double (read as " + v + ")");
            }
            return v;
        }

        private JsonNode required(JsonNode object, String field, String prefix) {
            JsonNode n = object.get(field);
            if (n == null) {
                throw fail(prefix + field + " is missing");
            }
            return n;
        }

        private void array(JsonNode node, String path) {
            if (!node.isArray()) {
                throw fail(path + " is " + describe(node) + ", expected an array");
            }
        }

        /** Refuses fields not in {@code allowed}; {@code where} is the object's path, "" for the top level. */
        private void onlyFields(JsonNode object, String where, List<String> allowed) {
            for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!allowed.contains(name)) {
                    throw fail((where.isEmpty() ? "unknown top-level field " : where + " has unknown field ")
                            + TextNode.valueOf(name) + " (version " + VERSION + " allows "
                            + String.join(", ", allowed) + ")");
                }
            }
        }

        private ModelFormatException fail(String problem) {
            return new ModelFormatException(source, problem);
        }
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** What a node is, for messages: scalars as their JSON text (strings quoted and escaped), containers by kind. */
    private static String describe(JsonNode n) {
        if (n.isArray()) {
            return "an array";
        }
        if (n.isObject()) {
            return "an object";
        }
        String text = n.toString(); // JSON text: quoted and escaped, so a message stays on one line
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
