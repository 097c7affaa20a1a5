package org.sparkmlp.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkmlp.io.ModelFile;
import org.sparkmlp.nn.Network;
import org.sparkmlp.testing.OnnxScoring;

/**
 * The golden model (src/test/resources/golden/model-v1.json) exported to ONNX: run by ONNX Runtime it gives the
 * probabilities numpy computed from the JSON alone (model-v1-expected.csv, by make_expected.py), and its bytes are
 * those of golden/model-v1.onnx, which onnx's checker (full check, shape inference included) accepted and onnx's
 * reference evaluator ran to the same probabilities when it was written. So a change of the export's format or
 * meaning cannot pass unnoticed: if it is meant, check the new file the same way and replace the golden one.
 */
class GoldenOnnxTest {
    private static final String LIBRARY = "spark-mlp golden";

    private Path resource(String name) throws URISyntaxException {
        URL url = getClass().getResource(name);
        if (url == null) {
            throw new AssertionError("test resource " + name + " is missing");
        }
        return Path.of(url.toURI());
    }

    @Test
    void goldenModelExportedScoresWhatNumpyComputed() throws Exception {
        Network model = ModelFile.read(resource("/golden/model-v1.json"));
        List<String> lines = Files.readAllLines(resource("/golden/model-v1-expected.csv"));
        int n0 = model.architecture().inputs();
        int k = model.architecture().classes();
        float[][] rows = new float[lines.size() - 1][n0];
        for (int r = 0; r < rows.length; r++) {
            String[] cells = lines.get(r + 1).split(",");
            for (int i = 0; i < n0; i++) {
                rows[r][i] = Float.parseFloat(cells[i]);
            }
        }
        OnnxScoring.Scores onnx = OnnxScoring.score(OnnxExport.toBytes(model, LIBRARY), rows);
        for (int r = 0; r < rows.length; r++) {
            String[] cells = lines.get(r + 1).split(",");
            for (int c = 0; c < k; c++) {
                assertEquals(Double.parseDouble(cells[n0 + c]), onnx.probabilities()[r][c], 1e-6, "row " + r + ", class " + c);
            }
            assertEquals(cells[n0 + k], model.classes().get((int) onnx.labels()[r]), "row " + r);
        }
    }

    @Test
    void goldenModelExportsToTheGoldenBytes() throws IOException, URISyntaxException {
        byte[] exported = OnnxExport.toBytes(ModelFile.read(resource("/golden/model-v1.json")), LIBRARY);
        byte[] golden = Files.readAllBytes(resource("/golden/model-v1.onnx"));
        if (!Arrays.equals(golden, exported)) {
            Path written = Files.write(Path.of("target", "model-v1.onnx"), exported);
            assertArrayEquals(golden, exported, "the export of golden/model-v1.json changed; the new bytes are in "
                    + written + " (check them as this class says before replacing the golden file)");
        }
    }
}
