package org.sparkmlp.api;

/** A checkpoint that this run cannot continue from: written by other settings or from other data. */
public final class ResumeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ResumeException(String message) {
        super(message);
    }
}
