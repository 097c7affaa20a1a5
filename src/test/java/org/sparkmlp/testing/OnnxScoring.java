package org.sparkmlp.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Map;

/**
 * An exported ONNX model scored by ONNX Runtime, an implementation independent of this project: the reference
 * the ONNX export is checked against.
 */
public final class OnnxScoring {
    private OnnxScoring() {
    }

    /** What the graph's two outputs hold for a batch of rows. */
    public record Scores(float[][] probabilities, long[] labels) {
    }

    /** Runs {@code model} (ONNX bytes) on {@code rows}, fed to its input "input". */
    public static Scores score(byte[] model, float[][] rows) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
            return score(session, rows);
        }
    }

    /** Runs an open session on {@code rows}. */
    public static Scores score(OrtSession session, float[][] rows) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor input = OnnxTensor.createTensor(env, rows);
             OrtSession.Result result = session.run(Map.of("input", input))) {
            float[][] p = (float[][]) result.get("probabilities").orElseThrow().getValue();
            long[] label = (long[]) result.get("label").orElseThrow().getValue();
            return new Scores(p, label);
        }
    }
}
