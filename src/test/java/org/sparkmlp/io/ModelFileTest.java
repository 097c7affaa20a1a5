package org.sparkmlp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Network;
import org.sparkmlp.nn.Scaling;

class ModelFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A valid file with numbers placed by hand: W_0 = [[1,2,3],[4,5,6]], b_0 = [7,8], W_1 = [[9,10],[11,12]],
     * b_1 = [13,14].
     */
    private static final String SMALL = """
            {
              "format": "spark-mlp-model",
              "version": 1,
              "layers": [3, 2, 2],
              "activation": "relu",
              "loss": "mse",
              "weights": [
                {"W": [[1, 2, 3], [4, 5, 6]], "b": [7, 8]},
                {"W": [[9, 10], [11, 12]], "b": [13, 14]}
              ],
              "scaling": {"kind": "standard", "shift": [0.5, -1, 2], "factor": [2, 0.25, 1]},
              "classes": ["no", "yes"],
              "provenance": {"seed": 7}
            }
            """;

    @TempDir
    Path dir;

    @Test
    void handWrittenRowsOfWLandColumnMajor() {
        Network m = ModelFile.fromJson(SMALL, "small.json");
        Architecture a = m.architecture();
        assertArrayEquals(new int[] {3, 2, 2}, a.sizes());
        assertEquals(Activation.RELU, a.activation());
        assertEquals(Loss.MSE, m.loss());
        // W_0 (2 × 3) column-major: (0,0)=1 (1,0)=4 (0,1)=2 (1,1)=5 (0,2)=3 (1,2)=6; then b_0; then W_1, b_1.
        double[] expected = {1, 4, 2, 5, 3, 6, 7, 8, 9, 11, 10, 12, 13, 14};
        assertArrayEquals(expected, m.parameters());
        // The same through Architecture's offsets: element (i, j) of W_l at weightOffset(l) + j·n_{l+1} + i.
        assertEquals(6.0, m.parameters()[a.weightOffset(0) + 2 * 2 + 1]);   // W_0[1][2]
        assertEquals(10.0, m.parameters()[a.weightOffset(1) + 1 * 2 + 0]);  // W_1[0][1]
        assertEquals(Scaling.Kind.STANDARD, m.scaling().kind());
        assertArrayEquals(new double[] {0.5, -1, 2}, m.scaling().shift());
        assertArrayEquals(new double[] {2, 0.25, 1}, m.scaling().factor());
        assertEquals(List.of("no", "yes"), m.classes());
        assertEquals(Map.of("seed", 7), m.provenance());
    }

    @Test
    void writesWAsRowsOfOutputUnits() throws IOException {
        Network m = ModelFile.fromJson(SMALL, "small.json");
        JsonNode written = JSON.readTree(ModelFile.toJson(m));
        assertEquals(JSON.readTree("[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]"), written.at("/weights/0/W"));
        assertEquals(JSON.readTree("[7.0, 8.0]"), written.at("/weights/0/b"));
        assertEquals(JSON.readTree("[[9.0, 10.0], [11.0, 12.0]]"), written.at("/weights/1/W"));
        // Every field of the format, with the names other programs rely on, and nothing else.
        List<String> fields = new ArrayList<>();
        written.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("format", "version", "layers", "activation", "loss", "weights", "scaling", "classes",
                "provenance"), fields);
        assertEquals("spark-mlp-model", written.get("format").asText());
        assertEquals(1, written.get("version").intValue());
        assertEquals("relu", written.get("activation").asText());
        assertEquals("mse", written.get("loss").asText());
        assertEquals("standard", written.at("/scaling/kind").asText());
    }

    @Test
    void roundTripIsBitIdentical() throws IOException {
        Architecture arch = new Architecture(new int[] {5, 7, 4, 3}, Activation.SIGMOID);
        double[] p = new double[arch.parameterCount()];
        double[] special = {0.1, 1.0 / 3.0, 1e-300, -0.0, 0.0, Double.MIN_VALUE, -Double.MIN_VALUE,
                Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE, Math.PI, 2e23, 5e-324, 1e23, 1e22,
                9007199254740993.0, 4.35, 0.3, 2.0 / 3.0, Math.nextUp(1.0), Math.nextDown(1.0)};
        SplittableRandom random = new SplittableRandom(20240611);
        for (int i = 0; i < p.length; i++) {
            p[i] = i < special.length ? special[i] : random.nextDouble(-3, 3) * Math.pow(10, random.nextInt(-20, 20));
        }
        Scaling scaling = new Scaling(Scaling.Kind.STANDARD, new double[] {1.0 / 3, -0.0, 1e-300, 255, 0.1},
                new double[] {1 / 0.7, 3.0, Double.MIN_VALUE, 1.0 / 255, 7.0 / 3});
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("version", "0.1.0-SNAPSHOT");
        provenance.put("seed", 42);
        provenance.put("big", 10_000_000_000L);
        provenance.put("huge", new BigInteger("123456789012345678901234567890"));
        provenance.put("rate", 0.1);
        provenance.put("standardised", true);
        provenance.put("parent", null);
        provenance.put("hidden", List.of(7, 4));
        provenance.put("data", Map.of("train", "path/with \"quotes\"\nand a newline"));
        Network m = new Network(arch, Loss.CROSS_ENTROPY, p, scaling, List.of("zero", "one", "two"), provenance);

        Path file = dir.resolve("models/m.json");
        ModelFile.write(m, file);
        Network back = ModelFile.read(file);

        assertEquals(arch, back.architecture());
        assertEquals(Loss.CROSS_ENTROPY, back.loss());
        assertBitsEqual(p, back.parameters());
        assertEquals(Scaling.Kind.STANDARD, back.scaling().kind());
        assertBitsEqual(scaling.shift(), back.scaling().shift());
        assertBitsEqual(scaling.factor(), back.scaling().factor());
        assertEquals(m.classes(), back.classes());
        assertEquals(provenance, back.provenance());
        assertEquals(LinkedHashMap.class, ModelFile.fromJson(Files.readString(file), "m").provenance().get("data")
                .getClass());
        // Writing what was read gives the same bytes: the format is stable.
        assertEquals(Files.readString(file), ModelFile.toJson(back));
    }

    @Test
    void randomBitPatternsRoundTrip() {
        // Every finite double, subnormals and extreme exponents included, as arbitrary bit patterns.
        Architecture arch = new Architecture(new int[] {50, 40, 10}, Activation.TANH);
        double[] p = new double[arch.parameterCount()];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < p.length; i++) {
            double v;
            do {
                v = Double.longBitsToDouble(random.nextLong());
            } while (!Double.isFinite(v));
            p[i] = v;
        }
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            classes.add(Integer.toString(c));
        }
        Network m = new Network(arch, Loss.MSE, p, Scaling.pixel(50), classes, null);
        Network back = ModelFile.fromJson(ModelFile.toJson(m), "random");
        assertBitsEqual(p, back.parameters());
        assertBitsEqual(Scaling.pixel(50).factor(), back.scaling().factor());
        assertEquals(Map.of(), back.provenance());
    }

    private static void assertBitsEqual(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
                throw new AssertionError("element " + i + ": wrote " + expected[i] + ", read " + actual[i]);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ writing refused

    @Test
    void writeRefusesNonFiniteWeightsAndLeavesNoFile() throws IOException {
        Network good = ModelFile.fromJson(SMALL, "small.json");
        double[] p = good.parameters().clone();
        p[good.architecture().weightOffset(0) + 2 * 2 + 1] = Double.NaN; // W_0[1][2]
        Network bad = new Network(good.architecture(), good.loss(), p, good.scaling(), good.classes(), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelFile.write(bad, dir.resolve("bad.json")));
        assertEquals("cannot write model: weights[0].W[1][2] is NaN; JSON has no NaN or infinity", e.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
        p[good.architecture().weightOffset(0) + 2 * 2 + 1] = 0;
        p[good.architecture().biasOffset(1) + 1] = Double.NEGATIVE_INFINITY;
        Network bad2 = new Network(good.architecture(), good.loss(), p, good.scaling(), good.classes(), null);
        e = assertThrows(IllegalArgumentException.class, () -> ModelFile.toJson(bad2));
        assertTrue(e.getMessage().contains("weights[1].b[1] is -Infinity"), e.getMessage());
    }

    @Test
    void writeRefusesProvenanceThatIsNotJson() {
        Network good = ModelFile.fromJson(SMALL, "small.json");
        Map<String, Object> nested = Map.of("loss", List.of(0.5, Double.NaN));
        Network nan = new Network(good.architecture(), good.loss(), good.parameters(), good.scaling(), good.classes(),
                Map.of("history", nested));
        assertEquals("cannot write model: provenance.history.loss[1] is NaN; JSON has no NaN or infinity",
                assertThrows(IllegalArgumentException.class, () -> ModelFile.toJson(nan)).getMessage());
        Network path = new Network(good.architecture(), good.loss(), good.parameters(), good.scaling(), good.classes(),
                Map.of("input", Path.of("x")));
        String message = assertThrows(IllegalArgumentException.class, () -> ModelFile.toJson(path)).getMessage();
        assertTrue(message.startsWith("cannot write model: provenance.input is a "), message);
    }

    // ------------------------------------------------------------------------------------------ reading refused

    /** Parses SMALL, lets {@code change} edit it, and returns the message of the refusal. */
    private static String refusal(Consumer<ObjectNode> change) {
        ObjectNode root;
        try {
            root = (ObjectNode) JSON.readTree(SMALL);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        change.accept(root);
        // "@RAW:..." strings stand for number text that a tree cannot hold (1e999).
        String text = root.toString().replaceAll("\"@RAW:([^\"]*)\"", "$1");
        return refusal(text);
    }

    private static String refusal(String json) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.fromJson(json, "m.json"));
        String message = e.getMessage();
        assertTrue(message.startsWith("m.json: "), message);
        assertFalse(message.contains("\n") || message.contains("\r"), "not one line: " + message);
        return message;
    }

    private static void assertRefused(String expected, Consumer<ObjectNode> change) {
        assertEquals("m.json: " + expected, refusal(change));
    }

    private static ArrayNode array(ObjectNode root, String pointer) {
        return (ArrayNode) root.at(pointer);
    }

    @Test
    void refusesMalformedJsonWithLineAndColumn() {
        String m = refusal("{\n  \"format\": \"spark-mlp-model\",\n  \"version\": 1,,\n}");
        // The second comma is column 16; Jackson before 2.16 (Spark 3.5 brings 2.15) reports one column past it.
        assertTrue(m.startsWith("m.json: malformed JSON at line 3, column 16: ")
                || m.startsWith("m.json: malformed JSON at line 3, column 17: ")
                        && com.fasterxml.jackson.core.json.PackageVersion.VERSION.getMinorVersion() < 16, m);
        m = refusal("{\"format\": \"spark-mlp-model\", \"format\": \"spark-mlp-model\"}");
        assertTrue(m.startsWith("m.json: malformed JSON at line 1, column ") && m.contains("Duplicate field 'format'"),
                m);
        m = refusal(SMALL + " {}");
        assertTrue(m.startsWith("m.json: malformed JSON at line ") && m.contains("Trailing token"), m);
        m = refusal(SMALL.replace("[7, 8]", "[7, NaN]"));
        assertTrue(m.startsWith("m.json: malformed JSON at line 8, column "), m);
        assertEquals("m.json: the file is empty", refusal(""));
        assertEquals("m.json: expected a JSON object at the top level, found an array", refusal("[1, 2]"));
    }

    @Test
    void refusesWrongFormatAndVersion() {
        assertRefused("format is missing: not a spark-mlp-model file", r -> r.remove("format"));
        assertRefused("format is \"keras\", expected \"spark-mlp-model\"", r -> r.put("format", "keras"));
        assertRefused("version is missing", r -> r.remove("version"));
        assertRefused("version is \"1\", expected an integer", r -> r.put("version", "1"));
        assertRefused("version 2 is not supported (this reader supports version 1)", r -> r.put("version", 2));
        assertRefused("unknown top-level field \"weight\" (version 1 allows format, version, layers, activation, "
                + "loss, weights, scaling, classes, provenance)", r -> r.put("weight", 1));
    }

    @Test
    void refusesBadLayers() {
        assertRefused("layers is missing", r -> r.remove("layers"));
        assertRefused("layers is \"3-2-2\", expected an array", r -> r.put("layers", "3-2-2"));
        assertRefused("layers has 1 entry; a network needs at least an input and an output layer",
                r -> r.putArray("layers").add(3));
        assertRefused("layers[1] is 0, expected a positive integer", r -> array(r, "/layers").set(1, 0));
        assertRefused("layers[1] is -2, expected a positive integer", r -> array(r, "/layers").set(1, -2));
        assertRefused("layers[1] is 2.5, expected a positive integer", r -> array(r, "/layers").set(1, 2.5));
        assertRefused("layers[2] is 1; the softmax output needs at least 2 classes",
                r -> array(r, "/layers").set(2, 1));
    }

    @Test
    void refusesUnknownActivationAndLoss() {
        assertRefused("activation is \"gelu\", expected one of tanh, relu, sigmoid", r -> r.put("activation", "gelu"));
        assertRefused("activation is missing", r -> r.remove("activation"));
        // The command-line spelling is not the file's.
        assertRefused("loss is \"cross-entropy\", expected one of cross_entropy, mse",
                r -> r.put("loss", "cross-entropy"));
        assertRefused("loss is 1, expected one of cross_entropy, mse", r -> r.put("loss", 1));
    }

    @Test
    void refusesWeightsOfTheWrongShape() {
        assertRefused("weights has 1 entry, layers [3, 2, 2] need 2 (one per layer after the input)",
                r -> array(r, "/weights").remove(1));
        assertRefused("weights[1] is an array, expected an object with W and b",
                r -> array(r, "/weights").set(1, JSON.createArrayNode()));
        assertRefused("weights[1].W has 3 rows, layer 2 has 2 units",
                r -> array(r, "/weights/1/W").addArray().add(1).add(2));
        assertRefused("weights[0].W[1] has 2 numbers, layer 0 has 3 units",
                r -> array(r, "/weights/0/W/1").remove(2));
        assertRefused("weights[0].W[1] is 4, expected an array", r -> array(r, "/weights/0/W").set(1, 4));
        assertRefused("weights[0].b has 3 numbers, layer 1 has 2 units", r -> array(r, "/weights/0/b").add(9));
        assertRefused("weights[1].b is missing", r -> ((ObjectNode) r.at("/weights/1")).remove("b"));
        assertRefused("weights[0] has unknown field \"w\" (version 1 allows W, b)",
                r -> ((ObjectNode) r.at("/weights/0")).put("w", 1));
    }

    @Test
    void refusesNumbersThatAreNotFiniteNumbers() {
        assertRefused("weights[0].W[1][2] is \"6\", expected a number", r -> array(r, "/weights/0/W/1").set(2, "6"));
        assertRefused("weights[1].b[0] is null, expected a number", r -> array(r, "/weights/1/b").setNull(0));
        assertRefused("weights[0].W[0][1] is beyond the range of a double (read as Infinity)",
                r -> array(r, "/weights/0/W/0").set(1, "@RAW:1e999"));
        assertRefused("weights[1].b[1] is beyond the range of a double (read as -Infinity)",
                r -> array(r, "/weights/1/b").set(1, "@RAW:-2e400"));
        assertRefused("scaling.factor[2] is true, expected a number", r -> array(r, "/scaling/factor").set(2, true));
    }

    @Test
    void refusesBadScaling() {
        assertRefused("scaling.shift has 2 numbers, layer 0 (the input) has 3 units",
                r -> array(r, "/scaling/shift").remove(0));
        assertRefused("scaling.factor has 4 numbers, layer 0 (the input) has 3 units",
                r -> array(r, "/scaling/factor").add(1));
        assertRefused("scaling.kind is \"zscore\", expected one of none, pixel, minmax, standard",
                r -> ((ObjectNode) r.get("scaling")).put("kind", "zscore"));
        assertRefused("scaling.factor is missing", r -> ((ObjectNode) r.get("scaling")).remove("factor"));
        assertRefused("scaling is missing", r -> r.remove("scaling"));
    }

    @Test
    void refusesBadClasses() {
        assertRefused("classes has 3 labels, layer 2 (the output) has 2 units", r -> array(r, "/classes").add("maybe"));
        assertRefused("classes[1] \"no\" repeats classes[0]", r -> array(r, "/classes").set(1, "no"));
        assertRefused("classes[0] is 0, expected a string", r -> array(r, "/classes").set(0, 0));
        assertRefused("classes is missing", r -> r.remove("classes"));
        assertRefused("provenance is an array, expected an object", r -> r.putArray("provenance"));
    }

    @Test
    void provenanceIsOptional() {
        ObjectNode root;
        try {
            root = (ObjectNode) JSON.readTree(SMALL);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        root.remove("provenance");
        assertEquals(Map.of(), ModelFile.fromJson(root.toString(), "m.json").provenance());
    }

    @Test
    void readNamesTheFile() throws IOException {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, SMALL.replace("\"b\": [13, 14]", "\"b\": [13]"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.read(file));
        assertEquals(file + ": weights[1].b has 1 number, layer 2 has 2 units", e.getMessage());
        assertEquals(dir.resolve("missing.json") + ": no such file",
                assertThrows(ModelFormatException.class, () -> ModelFile.read(dir.resolve("missing.json"))).getMessage());
        Files.writeString(file, "{\"format\": ");
        assertTrue(assertThrows(ModelFormatException.class, () -> ModelFile.read(file)).getMessage()
                .startsWith(file + ": malformed JSON at line 1, column "));
    }
}
