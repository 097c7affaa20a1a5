package org.sparkmlp.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.sparkmlp.data.CsvReader;
import org.sparkmlp.data.DataFormatException;
import org.sparkmlp.data.DataSource;
import org.sparkmlp.data.LabelColumn;
import picocli.CommandLine.Option;

/** Where the rows come from and how they are read: the options train, evaluate and predict share. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "PATH", description = "Input data: a CSV file, directory or glob; an IDX"
            + " images file; or a directory with the IDX train-/t10k- files. bundled:digits is the handwritten digits"
            + " packed in the jar. Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--format", paramLabel = "csv|idx|auto", completionCandidates = Converters.FormatIds.class,
            description = "Input format; auto: IDX for directories and *-ubyte[.gz] names, else CSV. Default: ${DEFAULT-VALUE}.")
    DataSource.Format format;

    @Option(names = "--label-column", paramLabel = "first|last|N|none", completionCandidates = Converters.LabelColumnIds.class,
            description = "CSV column holding the label, N counted from 0; predict takes files with or without it."
                    + " Default: ${DEFAULT-VALUE}.")
    LabelColumn labelColumn;

    @Option(names = "--header", paramLabel = "auto|true|false", completionCandidates = Converters.HeaderIds.class,
            description = "Whether each CSV file starts with a header line; auto: when none of the first line's inputs"
                    + " is a number. Default: ${DEFAULT-VALUE}.")
    CsvReader.Header header;

    @Option(names = "--partitions", paramLabel = "P", description = "Partitions of each data set."
            + " Default: Spark's default parallelism.")
    Integer partitions;

    /** The source the options name; a local path that does not exist fails now, before Spark starts. */
    DataSource source() {
        String path = Commands.need(data, "data");
        if (!path.equals(DataSource.BUNDLED_DIGITS) && !path.contains("://") && !path.contains("*")
                && !Files.exists(Path.of(path.startsWith("file:") ? path.substring(5) : path))) {
            throw new DataFormatException(path, null, "no such file or directory");
        }
        return new DataSource(path, Commands.need(format, "format"), Commands.need(labelColumn, "label-column"),
                Commands.need(header, "header"));
    }

    /** --partitions, or Spark's default parallelism when not given. */
    int partitions(int defaultParallelism) {
        if (partitions == null) {
            return defaultParallelism;
        }
        if (partitions < 1) {
            throw new UsageException("--partitions must be at least 1, got " + partitions);
        }
        return partitions;
    }
}
