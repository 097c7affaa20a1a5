package org.sparkmlp.report;

/**
 * An output directory that holds no run, or a run file that cannot be read: the message is one line naming the
 * file (and the line of metrics.jsonl) and the problem, e.g. {@code out/metrics.jsonl: line 3: not JSON}.
 */
public final class RunFilesException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunFilesException(String message) {
        super(message);
    }

    RunFilesException(String message, Throwable cause) {
        super(message, cause);
    }
}
