package org.sparkmlp.api;

/** Rows that hold the inputs alone where labels are needed (evaluating a model). */
public final class UnlabelledDataException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnlabelledDataException(String message) {
        super(message);
    }
}
