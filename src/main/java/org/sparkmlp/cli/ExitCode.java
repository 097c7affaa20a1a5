package org.sparkmlp.cli;

/** The process's exit codes: each kind of failure its own, so that schedulers can tell them apart. */
public enum ExitCode {
    OK(0, "success"),
    INTERNAL(1, "unexpected internal error (a bug: please report it with the stack trace)"),
    USAGE(2, "bad command line: unknown option, bad value, or missing argument"),
    DATA(3, "bad input data: a file is missing, unreadable or malformed (the message names file and record)"),
    MODEL(4, "bad model file: not a spark-mlp model, or inconsistent"),
    DIVERGED(5, "training diverged: the loss became NaN or infinite"),
    OUTPUT(6, "an output could not be written (nothing half-written is left behind)"),
    SPARK(7, "the Spark job failed for another reason (lost executors, ...)"),
    OUT_OF_MEMORY(8, "out of memory on the driver or an executor: more --partitions, a larger heap or --precision float32 (the default)"),
    CAPACITY(9, "found before training: the data cannot be cached even on disk, or the driver's heap is too small (the message says which, and what to give)");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The exit code with this number (a command's return value); INTERNAL for a number of none. */
    public static ExitCode of(int code) {
        for (ExitCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return INTERNAL;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
