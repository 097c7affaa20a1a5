package org.sparkmlp.cli;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.sparkmlp.api.TrainedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code export}: a model file in a format other programs serve, today ONNX ({@link TrainedModel#writeOnnx}).
 * No Spark. A missing or bad {@code --format} is a usage error (exit 2) before the model is read; a model that
 * cannot be read, exit 4; an output that cannot be written, exit 6, with nothing half-written left behind.
 */
@Command(name = "export", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Writes a model as ONNX to --out: a float32 graph with input 'input' [N, d] and outputs"
                + " 'probabilities' [N, k] and 'label' [N] that any ONNX runtime scores as predict does.")
final class ExportCommand implements Callable<Integer> {
    /** The formats export writes. */
    static final List<String> FORMATS = List.of("onnx");

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "The model file to export.")
    String modelFile;

    // Not a default from the defaults file: its "format" is the input format of train, evaluate and predict.
    @Option(names = "--format", paramLabel = "onnx", completionCandidates = Formats.class,
            description = "The output format: onnx (ONNX opset 7). Required.")
    String format;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The file to write, e.g."
            + " model.onnx; replaced atomically if it exists.")
    String out;

    @Override
    public Integer call() throws IOException {
        if (!Commands.isExplicit(spec, "format")) {
            throw new UsageException("needs --format (expected " + String.join(", ", FORMATS) + ")");
        }
        if (out == null || out.isBlank()) {
            throw new UsageException("--out must name the file to write, got '" + out + "'");
        }
        if (!FORMATS.contains(format)) {
            throw new UsageException("unknown export format '" + format + "' (expected " + String.join(", ", FORMATS)
                    + ")");
        }
        TrainedModel model = TrainedModel.read(modelFile); // a missing or bad file: ModelFormatException, exit 4
        try {
            model.writeOnnx(out);
        } catch (IOException e) {
            throw new OutputException(out, e);
        }
        Main.console(spec).println("wrote " + out + " (ONNX, " + model.network().architecture() + ", "
                + model.classes().size() + " classes)");
        return ExitCode.OK.code();
    }

    static final class Formats implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return FORMATS.iterator();
        }
    }
}
