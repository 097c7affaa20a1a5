package org.sparkmlp.io;

/**
 * A model file that {@link ModelFile} cannot accept: malformed JSON, a different format or version, or content
 * that does not describe a consistent network. The message is one line, "source: problem", naming the file and
 * the place in it (a JSON path such as {@code weights[1].W[3]}, or line and column for malformed JSON), so a
 * command-line tool can print it as it is.
 *
 * <p>Unchecked: a bad file is a problem with the input, which callers report rather than recover from; I/O
 * failures (a missing file, a read error) stay {@link java.io.IOException}s.
 */
public final class ModelFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ModelFormatException(String source, String problem) {
        super(source + ": " + problem);
    }

    ModelFormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
    }
}
