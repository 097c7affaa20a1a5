package org.sparkmlp.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.sparkmlp.io.AtomicFiles;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.Network;
import org.sparkmlp.nn.Scaling;

/**
 * A {@link Network} as an ONNX model: the graph computes what {@code predict} computes, in float32.
 *
 * <h2>The graph</h2>
 * <pre>
 *   input  float32 [N, n_0]        (N dynamic: any number of rows)
 *     │ Sub   shift   float32 [n_0]   left out when every shift is 0
 *     │ Mul   factor  float32 [n_0]   left out when every factor is 1
 *     │ Gemm  W_0ᵀ float32 [n_0, n_1], b_0 float32 [n_1]; then Tanh | Relu | Sigmoid
 *     │ …     one Gemm (and, below the last layer, the activation) per layer
 *     │ Softmax axis=1
 *   probabilities  float32 [N, n_L]   in the model's class order
 *     │ ArgMax axis=1 keepdims=0
 *   label          int64 [N]          the index of the most probable class (the first on a tie)
 * </pre>
 * Gemm computes Y = A·B + C with B = W_lᵀ: the network stores W_l (n_{l+1} × n_l) column-major, which is W_lᵀ
 * (n_l × n_{l+1}) row-major, the layout of an ONNX tensor, so the weights are written in their stored order,
 * rounded to float32, as little-endian {@code raw_data}. The model's metadata ({@code metadata_props}) holds
 * {@code classes} (a JSON array of the labels: {@code label} i names {@code classes[i]}), {@code provenance}
 * (JSON: how and from what it was trained), {@code library}, {@code activation}, {@code loss} and
 * {@code scaling} (its kind).
 *
 * <h2>Versions</h2>
 * Opset {@value #OPSET}, the oldest that holds every operator used with the semantics used: Sub and Mul
 * broadcast numpy-style, and Gemm's C broadcasts without an attribute, from opset 7 on; Tanh, Relu, Sigmoid,
 * Softmax (on a 2-D input its pre-13 "coerce to 2-D at axis" is the plain row softmax) and ArgMax are all older.
 * IR version {@value #IR_VERSION}, the first in which initializers need not also be listed as graph inputs:
 * so the only input a runtime shows is {@code input}, and the weights are constants it may fold.
 *
 * <h2>Encoding</h2>
 * Protobuf, with protobuf-java's coded output ({@link ProtoMessage}); the field numbers are those of the
 * public {@code onnx.proto3} (ONNX 1.x), named below as constants.
 */
public final class OnnxExport {
    /** The ONNX operator set the graph uses (default domain). */
    public static final int OPSET = 7;
    /** The ONNX IR version the model declares. */
    public static final int IR_VERSION = 4;
    /** The graph's input: the raw features, float32 [N, n_0]. */
    public static final String INPUT = "input";
    /** The graph's first output: the class probabilities, float32 [N, n_L]. */
    public static final String PROBABILITIES = "probabilities";
    /** The graph's second output: the index of the most probable class, int64 [N]. */
    public static final String LABEL = "label";

    // onnx.proto3: ModelProto
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_PRODUCER_VERSION = 3;
    private static final int MODEL_DOC_STRING = 6;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    private static final int MODEL_METADATA_PROPS = 14;
    // OperatorSetIdProto
    private static final int OPSET_DOMAIN = 1;
    private static final int OPSET_VERSION = 2;
    // StringStringEntryProto
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_DOC_STRING = 10;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    // AttributeProto and its AttributeType
    private static final int ATTRIBUTE_NAME = 1;
    private static final int ATTRIBUTE_I = 3;
    private static final int ATTRIBUTE_TYPE = 20;
    private static final int ATTRIBUTE_TYPE_INT = 2;
    // TensorProto and its DataType
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int FLOAT = 1;
    private static final int INT64 = 7;
    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
    private static final int VALUE_INFO_NAME = 1;
    private static final int VALUE_INFO_TYPE = 2;
    private static final int VALUE_INFO_DOC_STRING = 3;
    private static final int TYPE_TENSOR_TYPE = 1;
    private static final int TENSOR_TYPE_ELEM_TYPE = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;

    /** The name of the dynamic first dimension, the number of rows. */
    private static final String ROWS = "N";
    private static final ObjectMapper JSON = new ObjectMapper();

    private OnnxExport() {
    }

    /**
     * The ONNX model of {@code network}, as bytes.
     *
     * @param library the library's name and version, recorded in the metadata and as the producer
     * @throws IllegalArgumentException when the provenance cannot be written as JSON
     */
    public static byte[] toBytes(Network network, String library) {
        Architecture arch = network.architecture();
        int layers = arch.layerCount();
        int classes = arch.classes();
        ProtoMessage graph = new ProtoMessage(arch.parameterCount() * 4 + (1 << 12));
        graph.string(GRAPH_NAME, "spark-mlp " + arch);
        graph.string(GRAPH_DOC_STRING, "A multilayer perceptron " + arch + " trained by spark-mlp. Input '" + INPUT
                + "': float32 [N, " + arch.inputs() + "], the raw features (the graph applies the model's "
                + network.scaling().kind().id() + " scaling). Outputs '" + PROBABILITIES + "': float32 [N, " + classes
                + "], each class's probability in the order of metadata 'classes'; '" + LABEL
                + "': int64 [N], the index of the most probable class.");

        String x = INPUT;
        Scaling scaling = network.scaling();
        double[] shift = scaling.shift();
        double[] factor = scaling.factor();
        if (!allEqual(shift, 0.0)) {
            graph.message(GRAPH_INITIALIZER, tensor("scaling_shift", new long[] {shift.length}, shift, 0, shift.length));
            graph.message(GRAPH_NODE, node("Sub", "scale_shift", new String[] {x, "scaling_shift"}, "shifted"));
            x = "shifted";
        }
        if (!allEqual(factor, 1.0)) {
            graph.message(GRAPH_INITIALIZER, tensor("scaling_factor", new long[] {factor.length}, factor, 0,
                    factor.length));
            graph.message(GRAPH_NODE, node("Mul", "scale_factor", new String[] {x, "scaling_factor"}, "scaled"));
            x = "scaled";
        }
        double[] p = network.parameters();
        foldShiftRemainder(arch, shift, factor, p);
        for (int l = 0; l < layers; l++) {
            int in = arch.size(l);
            int out = arch.size(l + 1);
            String w = "W" + l;
            String b = "b" + l;
            graph.message(GRAPH_INITIALIZER, tensor(w, new long[] {in, out}, p, arch.weightOffset(l), in * out));
            graph.message(GRAPH_INITIALIZER, tensor(b, new long[] {out}, p, arch.biasOffset(l), out));
            String z = l == layers - 1 ? "logits" : "z" + l;
            graph.message(GRAPH_NODE, node("Gemm", "layer" + l, new String[] {x, w, b}, z));
            x = z;
            if (l < layers - 1) {
                String h = "h" + (l + 1);
                graph.message(GRAPH_NODE, node(operator(arch.activation()), "activation" + l, new String[] {x}, h));
                x = h;
            }
        }
        graph.message(GRAPH_NODE, node("Softmax", "softmax", new String[] {x}, PROBABILITIES, intAttribute("axis", 1)));
        graph.message(GRAPH_NODE, node("ArgMax", "argmax", new String[] {PROBABILITIES}, LABEL,
                intAttribute("axis", 1), intAttribute("keepdims", 0)));
        graph.message(GRAPH_INPUT, valueInfo(INPUT, FLOAT, new long[] {-1, arch.inputs()},
                "the raw features, one row per example, in the order the model was trained on"));
        graph.message(GRAPH_OUTPUT, valueInfo(PROBABILITIES, FLOAT, new long[] {-1, classes},
                "each class's probability, in the order of metadata 'classes'"));
        graph.message(GRAPH_OUTPUT, valueInfo(LABEL, INT64, new long[] {-1},
                "the index of the most probable class in metadata 'classes'"));

        ProtoMessage model = new ProtoMessage(arch.parameterCount() * 4 + (1 << 13));
        model.int64(MODEL_IR_VERSION, IR_VERSION);
        model.string(MODEL_PRODUCER_NAME, "spark-mlp");
        model.string(MODEL_PRODUCER_VERSION, library);
        model.string(MODEL_DOC_STRING, "Class probabilities ('" + PROBABILITIES + "') and the predicted class index ('"
                + LABEL + "') of raw features ('" + INPUT + "'), as spark-mlp's predict computes them.");
        model.message(MODEL_GRAPH, graph);
        model.message(MODEL_OPSET_IMPORT, new ProtoMessage().string(OPSET_DOMAIN, "").int64(OPSET_VERSION, OPSET));
        for (Map.Entry<String, String> e : metadata(network, library).entrySet()) {
            model.message(MODEL_METADATA_PROPS, new ProtoMessage().string(ENTRY_KEY, e.getKey())
                    .string(ENTRY_VALUE, e.getValue()));
        }
        return model.toByteArray();
    }

    /**
     * Writes {@link #toBytes} to {@code location} on any Hadoop file system, atomically where it renames
     * atomically ({@link AtomicFiles#write(String, Configuration, AtomicFiles.IoConsumer)}).
     */
    public static void write(Network network, String library, String location, Configuration conf) throws IOException {
        byte[] bytes = toBytes(network, library);
        AtomicFiles.write(location, conf, out -> out.write(bytes));
    }

    /** The model's metadata_props, in the order written. */
    static Map<String, String> metadata(Network network, String library) {
        Map<String, String> m = new LinkedHashMap<>();
        try {
            m.put("classes", JSON.writeValueAsString(network.classes()));
            m.put("provenance", JSON.writeValueAsString(network.provenance()));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the model's provenance cannot be written as JSON: "
                    + e.getOriginalMessage(), e);
        }
        m.put("library", library);
        m.put("activation", network.architecture().activation().id());
        m.put("loss", network.loss().id());
        m.put("scaling", network.scaling().kind().id());
        return m;
    }

    private static String operator(Activation activation) {
        return switch (activation) {
            case TANH -> "Tanh";
            case RELU -> "Relu";
            case SIGMOID -> "Sigmoid";
        };
    }

    /**
     * The shift is subtracted in float32, rounded: a feature whose offset is large next to its spread (a mean of
     * 10000.123 with a deviation of 0.05) would lose what the rounding drops, scaled up by its factor. So the graph
     * subtracts the rounded shift, and what the rounding dropped, times the factor, goes into the first layer's
     * bias, in double: b₀ − W₀·((shift − float(shift)) ∘ factor). Nothing changes when every shift is a float.
     * Writes into {@code p}, a copy of the network's parameters.
     */
    private static void foldShiftRemainder(Architecture arch, double[] shift, double[] factor, double[] p) {
        int in = arch.size(0);
        int out = arch.size(1);
        int w = arch.weightOffset(0);
        int b = arch.biasOffset(0);
        for (int j = 0; j < in; j++) {
            double rest = (shift[j] - (float) shift[j]) * factor[j];
            if (rest == 0.0) {
                continue;
            }
            for (int i = 0; i < out; i++) {
                p[b + i] -= p[w + j * out + i] * rest;
            }
        }
    }

    private static boolean allEqual(double[] values, double v) {
        for (double d : values) {
            if (d != v) {
                return false;
            }
        }
        return true;
    }

    /** A float32 tensor of {@code values[from..from+count)}, in order, as little-endian raw_data. */
    private static ProtoMessage tensor(String name, long[] dims, double[] values, int from, int count) {
        ByteBuffer raw = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            raw.putFloat((float) values[from + i]);
        }
        ProtoMessage t = new ProtoMessage(count * 4 + 64);
        for (long d : dims) {
            t.int64(TENSOR_DIMS, d);
        }
        return t.int32(TENSOR_DATA_TYPE, FLOAT).string(TENSOR_NAME, name).bytes(TENSOR_RAW_DATA, raw.array());
    }

    private static ProtoMessage node(String op, String name, String[] inputs, String output, ProtoMessage... attributes) {
        ProtoMessage n = new ProtoMessage();
        for (String in : inputs) {
            n.string(NODE_INPUT, in);
        }
        n.string(NODE_OUTPUT, output).string(NODE_NAME, name).string(NODE_OP_TYPE, op);
        for (ProtoMessage a : attributes) {
            n.message(NODE_ATTRIBUTE, a);
        }
        return n;
    }

    private static ProtoMessage intAttribute(String name, long value) {
        return new ProtoMessage().string(ATTRIBUTE_NAME, name).int64(ATTRIBUTE_I, value)
                .int32(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INT);
    }

    /** A tensor's name, element type and shape; a dimension of −1 is the dynamic row count {@value #ROWS}. */
    private static ProtoMessage valueInfo(String name, int elementType, long[] dims, String doc) {
        ProtoMessage shape = new ProtoMessage();
        for (long d : dims) {
            shape.message(SHAPE_DIM, d < 0 ? new ProtoMessage().string(DIM_PARAM, ROWS)
                    : new ProtoMessage().int64(DIM_VALUE, d));
        }
        ProtoMessage tensorType = new ProtoMessage().int32(TENSOR_TYPE_ELEM_TYPE, elementType)
                .message(TENSOR_TYPE_SHAPE, shape);
        return new ProtoMessage().string(VALUE_INFO_NAME, name)
                .message(VALUE_INFO_TYPE, new ProtoMessage().message(TYPE_TENSOR_TYPE, tensorType))
                .string(VALUE_INFO_DOC_STRING, doc);
    }
}
