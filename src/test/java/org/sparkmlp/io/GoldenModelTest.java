package org.sparkmlp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Kernel;
import org.sparkmlp.nn.Kernel64;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Network;
import org.sparkmlp.nn.Scaling;

/**
 * The hand-written golden model, read by {@link ModelFile} and run by {@link Kernel}, must give the
 * probabilities that src/test/resources/golden/make_expected.py computed from the same file with numpy. The
 * script knows nothing of the Java code, so this pins the format's meaning (rows of W, scaling, softmax order of
 * classes) from outside.
 */
class GoldenModelTest {

    private Path resource(String name) throws URISyntaxException {
        URL url = getClass().getResource(name);
        if (url == null) {
            throw new AssertionError("test resource " + name + " is missing");
        }
        return Path.of(url.toURI());
    }

    @Test
    void goldenModelPredictsWhatNumpyComputed() throws IOException, URISyntaxException {
        Network model = ModelFile.read(resource("/golden/model-v1.json"));
        assertArrayEquals(new int[] {3, 4, 3}, model.architecture().sizes());
        assertEquals(Activation.TANH, model.architecture().activation());
        assertEquals(Loss.CROSS_ENTROPY, model.loss());
        assertEquals(List.of("a", "b", "c"), model.classes());
        assertEquals(Scaling.Kind.MINMAX, model.scaling().kind());
        assertEquals(42, model.provenance().get("seed"));

        // Header x0..x{n0-1}, p_<class>..., predicted; one row per input.
        List<String> lines = Files.readAllLines(resource("/golden/model-v1-expected.csv"));
        int n0 = model.architecture().inputs();
        int k = model.architecture().classes();
        assertEquals(n0 + k + 1, lines.get(0).split(",").length);
        int rows = lines.size() - 1;
        double[] x = new double[rows * n0];
        double[] expected = new double[rows * k];
        String[] predicted = new String[rows];
        for (int r = 0; r < rows; r++) {
            String[] cells = lines.get(r + 1).split(",");
            for (int i = 0; i < n0; i++) {
                x[r * n0 + i] = Double.parseDouble(cells[i]);
            }
            for (int c = 0; c < k; c++) {
                expected[r * k + c] = Double.parseDouble(cells[n0 + c]);
            }
            predicted[r] = cells[n0 + k];
        }

        double[] scaled = x.clone(); // column-major n0 × rows: row r's features at r·n0
        model.scaling().applyInPlace(scaled, rows);
        double[] out = new double[rows * k];
        new Kernel64(model.architecture(), model.loss()).predict(model.parameters(), scaled, 0, rows, out, 0);

        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < k; c++) {
                assertEquals(expected[r * k + c], out[r * k + c], 1e-12, "row " + r + ", class " + c);
            }
            assertEquals(predicted[r], model.classes().get(Kernel.argmax(out, r * k, k)), "row " + r);
        }
    }
}
