package org.sparkmlp.cli;

/** A mistake on the command line or in a defaults file: one line, exit code 2, before Spark starts. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
