package org.sparkmlp.cli;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkException;
import org.sparkmlp.api.MlpTrainer;
import org.sparkmlp.api.CapacityException;
import org.sparkmlp.api.SettingException;
import org.sparkmlp.data.DataFormatException;
import org.sparkmlp.io.ModelFormatException;
import org.sparkmlp.train.DivergedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * Entry point: {@code train}, {@code evaluate}, {@code predict}, {@code export}, {@code report} (and {@code completion},
 * {@code help}) with options declared once, in the command classes, and parsed by picocli. Every failure ends in one line on
 * stderr and its own {@link ExitCode}; a stack trace only for what must be a bug.
 */
@Command(name = "spark-mlp", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Trains a multilayer perceptron with synchronous mini-batch SGD on Apache Spark.",
        subcommands = {TrainCommand.class, UseModelCommand.Evaluate.class, UseModelCommand.Predict.class,
                ExportCommand.class, ReportCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    /** No command: the help. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err).code());
    }

    /** Runs a command and returns its exit code (the tests call this; {@link #main} exits with it). */
    public static ExitCode run(String[] args, PrintStream out, PrintStream err) {
        try {
            return ExitCode.of(commandLine(args, out, err).execute(args));
        } catch (Throwable t) {
            return fail(t, err);
        }
    }

    /**
     * The command hierarchy, its defaults read from the files {@code args} name ({@code --defaults},
     * {@code --preset}) and the jar, its output on {@code out}, and its failures mapped to exit codes on
     * {@code err}.
     */
    static CommandLine commandLine(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setUsageHelpWidth(110);
        cl.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cl.setDefaultValueProvider(Defaults.load(valueOf(args, "--defaults"), valueOf(args, "--preset"))
                .checkKeys(optionNames(cl)));
        String exitCodes = exitCodes();
        forEach(cl, c -> c.getCommandSpec().usageMessage().footerHeading("%nExit codes:%n").footer(exitCodes));
        cl.setParameterExceptionHandler((e, given) -> {
            e.getCommandLine().getErr().println("spark-mlp: " + usageMessage(e));
            return ExitCode.USAGE.code();
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> fail(e, err).code());
        return cl;
    }

    /** The one line for a command-line mistake, with where to look for the right form. */
    private static String usageMessage(CommandLine.ParameterException e) {
        CommandLine where = e.getCommandLine();
        if (e instanceof CommandLine.UnmatchedArgumentException u && where.getParent() == null
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
            return "unknown command '" + u.getUnmatched().get(0) + "' (expected "
                    + String.join(", ", where.getSubcommands().keySet()) + ")";
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)) + " (see " + where.getCommandSpec().qualifiedName() + " --help)";
    }

    /** The value of {@code --name V} or {@code --name=V} among the arguments, else null. */
    private static String valueOf(String[] args, String name) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(name) && i + 1 < args.length) {
                return args[i + 1];
            }
            if (args[i].startsWith(name + "=")) {
                return args[i].substring(name.length() + 1);
            }
        }
        return null;
    }

    /** Every option name of every command, without "--": the keys a defaults file may set. */
    private static Set<String> optionNames(CommandLine cl) {
        Set<String> names = new TreeSet<>();
        forEach(cl, c -> c.getCommandSpec().options().forEach(o -> names.add(o.longestName().replaceFirst("^--?", ""))));
        return names;
    }

    private static void forEach(CommandLine cl, Consumer<CommandLine> action) {
        action.accept(cl);
        cl.getSubcommands().values().forEach(sub -> forEach(sub, action));
    }

    private static String exitCodes() {
        StringBuilder b = new StringBuilder();
        for (ExitCode c : ExitCode.values()) {
            b.append(String.format("  %d  %s%n", c.code(), c.meaning()));
        }
        return b.toString();
    }

    /** Where a command prints what it reports. */
    static PrintWriter console(CommandSpec spec) {
        return spec.commandLine().getOut();
    }

    /** {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {MlpTrainer.library()};
        }
    }

    /** The flag that sets the API's setting {@code key}: the same word, but a warm start is --init-model. */
    static String flag(String key) {
        return "--" + (key.equals("warm-start") ? "init-model" : key);
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
        if (t instanceof UsageException || t instanceof SettingException) {
            return ExitCode.USAGE;
        }
        if (DataFormatException.findIn(t) != null) {
            return ExitCode.DATA;
        }
        if (CapacityException.findIn(t) != null) {
            return ExitCode.CAPACITY;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ModelFormatException) {
                return ExitCode.MODEL;
            }
            if (c instanceof DivergedException) {
                return ExitCode.DIVERGED;
            }
            if (c instanceof OutputException) {
                return ExitCode.OUTPUT;
            }
        }
        if (outOfMemory(t) != null) {
            return ExitCode.OUT_OF_MEMORY;
        }
        if (t instanceof SparkException) {
            return ExitCode.SPARK;
        }
        return ExitCode.INTERNAL;
    }

    private static String message(Throwable t, ExitCode code) {
        if (t instanceof SettingException e) {
            return e.message(Main::flag);
        }
        if (code == ExitCode.DATA) {
            return DataFormatException.findIn(t).message(Main::flag);
        }
        if (code == ExitCode.CAPACITY) {
            return CapacityException.findIn(t).message(Main::flag);
        }
        if (code == ExitCode.OUT_OF_MEMORY) {
            return "out of memory (" + outOfMemory(t) + "). Give each task less data with more --partitions, give"
                    + " Java a larger heap (SPARK_MLP_JAVA_OPTS=-Xmx8g for submit/local.sh; --driver-memory and"
                    + " --executor-memory before -- for submit/cluster.sh), or cache floats, not doubles, with"
                    + " --precision float32 (the default)";
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ModelFormatException || c instanceof DivergedException || c instanceof OutputException) {
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
}
