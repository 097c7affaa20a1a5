package org.sparkmlp.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.sparkmlp.data.DataFormatException;
import org.sparkmlp.io.HadoopFiles;
import org.sparkmlp.io.RunDirectories;
import org.sparkmlp.report.Report;
import org.sparkmlp.report.ReportWriteException;
import org.sparkmlp.report.RunFilesException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code report}: rebuilds report.html and its charts from the files of a train command's output directory,
 * also of a run that was interrupted or is still going. No Spark. A directory that is missing or holds no run
 * file, or a run file that cannot be read, is bad input (exit 3); a report file that cannot be written, exit 6.
 */
@Command(name = "report", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Rebuilds report.html, loss.png, accuracy.png and learning-rate.png in --out from the"
                + " metrics.jsonl, summary.json and model.json there (any of them; an interrupted run has metrics only).")
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", description = "The train command's output directory, where the"
            + " report is written. Default: the run that finished last, <runs>/latest.")
    String out;

    @Option(names = "--runs", paramLabel = "DIR", description = "The folder of train's runs, when --out is not"
            + " given. Default: ${DEFAULT-VALUE}.")
    String runs;

    @Override
    public Integer call() {
        Path dir = Path.of(out != null ? out : latest());
        List<Path> written;
        try {
            written = Report.write(dir);
        } catch (RunFilesException e) {
            throw new DataFormatException(e.getMessage());
        } catch (ReportWriteException e) {
            throw new OutputException(e.file().toString(), (IOException) e.getCause());
        }
        Main.console(spec).println("wrote " + String.join(", ", written.stream().map(Path::toString).toList()));
        return ExitCode.OK.code();
    }

    /** The run --runs' latest names; bad input (exit 3) when there is none. */
    private String latest() {
        RunDirectories folder = RunDirectories.at(Commands.need(runs, "runs"), HadoopFiles.configuration());
        String name;
        try {
            name = folder.latest();
        } catch (IOException e) {
            throw new DataFormatException(e.getMessage());
        }
        if (name == null) {
            throw new DataFormatException("no finished run in " + runs + " (no " + folder.path(RunDirectories.LATEST)
                    + "); give --out DIR");
        }
        return folder.path(name);
    }
}
