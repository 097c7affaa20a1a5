package org.sparkmlp.cli;

import java.util.Arrays;
import java.util.List;
import org.sparkmlp.api.DataSpec;
import picocli.CommandLine.Option;

/** Where the rows come from and how they are read: the options train, evaluate and predict share. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "PATH", description = "Input data: a CSV or LIBSVM file, directory or glob;"
            + " a Parquet, ORC or JSON table; an IDX images file; or a directory with the IDX train-/t10k- files. bundled:digits is the handwritten digits"
            + " packed in the jar. Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--format", paramLabel = "auto|csv|idx|libsvm|parquet|orc|json", completionCandidates = Choices.FormatIds.class,
            description = "Input format; auto: IDX for directories and *-ubyte[.gz] names, parquet/orc/json/libsvm by"
                    + " extension (.svm too), else CSV. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--label-column", paramLabel = "first|last|N|NAME|none", completionCandidates = Choices.LabelColumnIds.class,
            description = "Column holding the label: by position (N counted from 0) or by name (a CSV header's or a"
                    + " table's); predict takes data with or without it. Default: ${DEFAULT-VALUE}.")
    String labelColumn;

    @Option(names = "--features", paramLabel = "N", description = "Number of inputs: LIBSVM's dimension (else its"
            + " largest index) or a vector column's size; give it so that training and test data agree.")
    Integer features;

    @Option(names = "--feature-columns", paramLabel = "a,b,c", description = "A table's input columns: numeric"
            + " columns or one Spark ML vector column. Default: every column but the label.")
    String featureColumns;

    @Option(names = "--header", paramLabel = "auto|true|false", completionCandidates = Choices.HeaderIds.class,
            description = "Whether each CSV file starts with a header line; auto: when none of the first line's inputs"
                    + " is a number. Default: ${DEFAULT-VALUE}.")
    String header;

    @Option(names = "--partitions", paramLabel = "P", description = "Partitions of each data set."
            + " Default: Spark's default parallelism.")
    Integer partitions;

    /** The rows the options name. Whether --data exists is checked through Hadoop's file system, before any job. */
    DataSpec spec() {
        List<String> columns = featureColumns == null ? List.of()
                : Arrays.stream(featureColumns.split(",", -1)).map(String::trim).toList();
        if (columns.contains("")) {
            throw new UsageException("--feature-columns must be column names separated by commas, got '" + featureColumns + "'");
        }
        // A value the API refuses is a SettingException, which Main shows as its flag.
        DataSpec spec = DataSpec.path(Commands.need(data, "data")).withFormat(Commands.need(format, "format"))
                .withLabelColumn(Commands.need(labelColumn, "label-column")).withHeader(Commands.need(header, "header"));
        if (!columns.isEmpty()) {
            spec = spec.withFeatureColumns(columns.toArray(new String[0]));
        }
        return features == null ? spec : spec.withFeatures(features);
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
