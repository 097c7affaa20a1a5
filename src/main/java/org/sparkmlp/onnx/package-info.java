/**
 * ONNX export: a trained {@link org.sparkmlp.nn.Network} as an ONNX model that any ONNX runtime (ONNX Runtime in
 * Java, Python, C++, C#, JavaScript; Triton; OpenVINO) scores as {@code predict} does, scaling included.
 *
 * <p>{@link org.sparkmlp.onnx.OnnxExport} owns the format: it lays out the graph (scaling, one Gemm and
 * activation per layer, softmax, argmax), names the ONNX messages' field numbers, and writes the file atomically
 * through {@code io}. {@link org.sparkmlp.onnx.ProtoMessage} encodes messages with protobuf-java's coded output,
 * the copy Spark already puts on the classpath. Imports {@code nn} and {@code io}; no Spark. The API's
 * {@code TrainedModel.writeOnnx} and the command line's {@code export} call it.
 */
package org.sparkmlp.onnx;
