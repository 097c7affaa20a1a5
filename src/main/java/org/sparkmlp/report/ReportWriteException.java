package org.sparkmlp.report;

import java.io.IOException;
import java.nio.file.Path;

/** A report file (report.html or a chart) that could not be written; {@link #file()} names it. */
public final class ReportWriteException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    ReportWriteException(Path file, IOException cause) {
        super("cannot write " + file + ": " + cause.getMessage(), cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
