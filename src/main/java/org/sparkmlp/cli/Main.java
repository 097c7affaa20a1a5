package org.sparkmlp.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sparkmlp.data.DataFormatException;
import org.sparkmlp.io.ModelFormatException;
import org.sparkmlp.train.Trainer;

/**
 * Entry point: {@code train}, {@code evaluate} or {@code predict} with options. Every failure ends in one
 * line on stderr and its own {@link ExitCode}; a stack trace only for what must be a bug.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err).code());
    }

    /** Runs a command and returns its exit code (the tests call this; {@link #main} exits with it). */
    public static ExitCode run(String[] args, PrintStream out, PrintStream err) {
        try {
            if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")
                    || java.util.Arrays.asList(args).contains("--help")) {
                out.print(Options.help());
                return ExitCode.OK;
            }
            if (args[0].equals("--version")) {
                out.println("spark-mlp " + version());
                return ExitCode.OK;
            }
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            Options options = Options.parse(args[0], rest);
            switch (options.command()) {
                case "train" -> new TrainCommand(options, out).run();
                case "evaluate" -> new UseModelCommand(options, out).evaluate();
                case "predict" -> new UseModelCommand(options, out).predict();
                default -> throw new Options.UsageException("unknown command " + options.command());
            }
            return ExitCode.OK;
        } catch (Throwable t) {
            return fail(t, err);
        }
    }

    /** Reports a failure: one line on {@code err} (a stack trace too for a bug) and its exit code. */
    static ExitCode fail(Throwable t, PrintStream err) {
        ExitCode code = classify(t);
        err.println("spark-mlp: " + message(t, code));
        if (code == ExitCode.INTERNAL) {
            t.printStackTrace(err);
        }
        return code;
    }

    /** The exit code of a failure, looking through Spark's wrapping for the cause a user can act on. */
    static ExitCode classify(Throwable t) {
        if (t instanceof Options.UsageException) {
            return ExitCode.USAGE;
        }
        if (DataFormatException.findIn(t) != null) {
            return ExitCode.DATA;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ModelFormatException) {
                return ExitCode.MODEL;
            }
            if (c instanceof Trainer.DivergedException) {
                return ExitCode.DIVERGED;
            }
            if (c instanceof OutputException) {
                return ExitCode.OUTPUT;
            }
        }
        if (outOfMemory(t) != null) {
            return ExitCode.OUT_OF_MEMORY;
        }
        if (t instanceof org.apache.spark.SparkException) {
            return ExitCode.SPARK;
        }
        return ExitCode.INTERNAL;
    }

    private static String message(Throwable t, ExitCode code) {
        if (code == ExitCode.DATA) {
            return DataFormatException.findIn(t).getMessage();
        }
        if (code == ExitCode.OUT_OF_MEMORY) {
            return "out of memory (" + outOfMemory(t) + "). Give each task less data with more --partitions, give"
                    + " Java a larger heap (SPARK_MLP_JAVA_OPTS=-Xmx8g for submit/local.sh; --driver-memory and"
                    + " --executor-memory before -- for submit/cluster.sh), or cache floats, not doubles, with"
                    + " --precision float32 (the default)";
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ModelFormatException || c instanceof Trainer.DivergedException || c instanceof OutputException) {
                return c.getMessage();
            }
        }
        String m = t.getMessage();
        m = m == null ? t.getClass().getName() : m;
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /**
     * What ran out of memory ("Java heap space", ...), or null when nothing did. The error itself is in the
     * cause chain when it was thrown on the driver, or when a task's failure carries it back (Spark does, in
     * local mode and on a cluster); otherwise only the text of Spark's message names it: the task's
     * {@code java.lang.OutOfMemoryError}, or an executor that exited with code 52 (Spark's exit code after an
     * out-of-memory error).
     */
    static String outOfMemory(Throwable t) {
        int depth = 0;
        for (Throwable c = t; c != null && depth < 32; c = c.getCause(), depth++) {
            if (c instanceof OutOfMemoryError) {
                return c.getMessage() == null ? "OutOfMemoryError" : c.getMessage();
            }
        }
        depth = 0;
        for (Throwable c = t; c != null && depth < 32; c = c.getCause(), depth++) {
            String m = c.getMessage();
            if (m == null) {
                continue;
            }
            Matcher error = OOM_TEXT.matcher(m);
            if (error.find()) {
                return error.group(1) != null ? error.group(1).strip() : "OutOfMemoryError";
            }
            if (EXIT_52.matcher(m).find()) {
                return "an executor exited with Spark's out-of-memory code 52";
            }
        }
        return null;
    }

    private static final Pattern OOM_TEXT = Pattern.compile("OutOfMemoryError(?:: ([^\\n]*))?");
    private static final Pattern EXIT_52 = Pattern.compile("(?i)exit(?:ed)?(?: with)?(?: exit)? (?:code|status):? 52\\b");

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    /** An output that could not be written; the message names the file. */
    static final class OutputException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutputException(String file, IOException cause) {
            super("cannot write " + file + ": " + cause.getMessage(), cause);
        }
    }
}
