package org.sparkmlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkmlp.io.ModelFile;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.Kernel64;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Network;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.testing.OnnxScoring;

/** {@code export}: the ONNX file it writes, atomically, and its one-line refusals with their exit codes. */
class ExportCommandTest {
    @TempDir
    Path dir;

    /** A 3-4-3 tanh model with standard scaling, written as model.json. */
    private Network writeModel(Path file) throws IOException {
        Architecture arch = new Architecture(new int[] {3, 4, 3}, Activation.TANH);
        Network network = new Network(arch, Loss.CROSS_ENTROPY, arch.glorotUniform(5),
                Scaling.standard(new double[] {1, -2, 10}, new double[] {0.5, 2, 4}), List.of("cat", "dog", "emu"),
                Map.of("seed", 5));
        ModelFile.write(network, file);
        return network;
    }

    @Test
    void writesAnOnnxModelThatScoresAsTheModelFile() throws Exception {
        Network network = writeModel(dir.resolve("model.json"));
        Path out = dir.resolve("served").resolve("model.onnx");
        CliRun r = CliRun.of("export", "--model", dir.resolve("model.json").toString(), "--format", "onnx",
                "--out", out.toString());
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(r.out().startsWith("wrote " + out), r.out());

        float[][] rows = {{1, -2, 10}, {0.25f, 3, 7}, {-4, 0, 12.5f}};
        OnnxScoring.Scores onnx = OnnxScoring.score(Files.readAllBytes(out), rows);
        double[] x = new double[9];
        for (int row = 0; row < 3; row++) {
            for (int i = 0; i < 3; i++) {
                x[row * 3 + i] = rows[row][i];
            }
        }
        network.scaling().applyInPlace(x, 3);
        double[] expected = new double[9];
        new Kernel64(network.architecture(), network.loss()).predict(network.parameters(), x, 0, 3, expected, 0);
        for (int row = 0; row < 3; row++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(expected[row * 3 + c], onnx.probabilities()[row][c], 1e-5, "row " + row + " class " + c);
            }
        }
        // Replaced in one step: a second export leaves the one file and no temporary beside it.
        assertEquals(ExitCode.OK, CliRun.of("export", "--model", dir.resolve("model.json").toString(), "--format",
                "onnx", "--out", out.toString()).code());
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList());
        }
    }

    @Test
    void aMissingOrUnknownFormatIsAUsageErrorOfOneLine() throws IOException {
        writeModel(dir.resolve("model.json"));
        Path out = dir.resolve("model.out");
        CliRun unknown = CliRun.of("export", "--model", dir.resolve("model.json").toString(), "--format", "pmml",
                "--out", out.toString());
        assertEquals(ExitCode.USAGE, unknown.code(), unknown.err());
        assertEquals("spark-mlp: unknown export format 'pmml' (expected onnx)\n", unknown.err());
        // The defaults file's format (the input format, auto) is not taken for the output's.
        CliRun missing = CliRun.of("export", "--model", dir.resolve("model.json").toString(), "--out", out.toString());
        assertEquals(ExitCode.USAGE, missing.code(), missing.err());
        assertEquals("spark-mlp: needs --format (expected onnx)\n", missing.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void anUnreadableModelIsAModelErrorOfOneLine() throws IOException {
        Path out = dir.resolve("model.onnx");
        CliRun absent = CliRun.of("export", "--model", dir.resolve("nope.json").toString(), "--format", "onnx",
                "--out", out.toString());
        assertEquals(ExitCode.MODEL, absent.code(), absent.err());
        assertEquals(1, absent.err().lines().count(), absent.err());
        assertTrue(absent.err().contains("nope.json") && absent.err().contains("no such file"), absent.err());

        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"format\": \"spark-mlp-model\", \"version\": 1");
        CliRun malformed = CliRun.of("export", "--model", broken.toString(), "--format", "onnx", "--out", out.toString());
        assertEquals(ExitCode.MODEL, malformed.code(), malformed.err());
        assertEquals(1, malformed.err().lines().count(), malformed.err());
        assertTrue(malformed.err().contains("broken.json"), malformed.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void anOutputThatCannotBeWrittenIsAnOutputErrorAndLeavesNothing() throws IOException {
        writeModel(dir.resolve("model.json"));
        Path blocker = Files.writeString(dir.resolve("file"), "not a directory");
        CliRun r = CliRun.of("export", "--model", dir.resolve("model.json").toString(), "--format", "onnx",
                "--out", blocker.resolve("model.onnx").toString());
        assertEquals(ExitCode.OUTPUT, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertEquals("not a directory", Files.readString(blocker));
    }
}
