package org.sparkmlp.io;

/** A checkpoint file that is truncated, corrupt or not a checkpoint; the message names the file and the reason. */
public final class CheckpointFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public CheckpointFormatException(String message) {
        super(message);
    }
}
