package org.sparkmlp.train;

/** Thrown when the loss or a weight stops being a finite number: the run cannot recover. */
public final class DivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DivergedException(String message) {
        super(message);
    }
}
