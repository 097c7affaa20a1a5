package org.sparkmlp.cli;

import java.io.IOException;

/** An output that could not be written; the message names the file. */
final class OutputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OutputException(String file, IOException cause) {
        super("cannot write " + file + ": " + cause.getMessage(), cause);
    }

    /** A failure the API has described in full (it names the file). */
    OutputException(java.io.UncheckedIOException e) {
        super(e.getMessage(), e.getCause());
    }
}
