package org.sparkmlp.data;

import java.util.List;
import java.util.Objects;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.Scaling;

/**
 * How {@link DatasetBuilder#build} turns raw rows into cached sets. Immutable: {@link #of} gives the common
 * case (data's own classes, no scaling, blocks of {@link Block#rowsFor} rows) and each {@code with…} returns a
 * changed copy.
 *
 * @param partitions partitions of every cached set
 * @param split fractions for validation and test, and the seed of the stratified shuffle
 * @param precision how the cached blocks hold their inputs (scaled in double, then stored so)
 * @param classes the class labels to use (from a model being trained further), or null to take the data's
 * @param scaling a scaling to apply as is (from a model), or null to fit one of {@code scalingKind}
 * @param scalingKind the scaling to fit on the training rows when {@code scaling} is null
 * @param description where the data came from, for the trainer's report and the model's provenance
 * @param rowsPerBlock rows per cached block, 0 for {@link Block#rowsFor} the features (other values: tests)
 */
public record BuildOptions(int partitions, DatasetBuilder.Split split, Precision precision, List<String> classes,
                           Scaling scaling, Scaling.Kind scalingKind, String description, int rowsPerBlock) {
    public BuildOptions {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        if (rowsPerBlock < 0) {
            throw new IllegalArgumentException("rows per block must be 0 (automatic) or more, got " + rowsPerBlock);
        }
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(scalingKind, "scalingKind");
        classes = classes == null ? null : List.copyOf(classes);
        description = description == null ? "data" : description;
    }

    /** The data's own classes, no scaling, automatic block size. */
    public static BuildOptions of(int partitions, DatasetBuilder.Split split, Precision precision) {
        return new BuildOptions(partitions, split, precision, null, null, Scaling.Kind.NONE, "data", 0);
    }

    public BuildOptions withClasses(List<String> given) {
        return new BuildOptions(partitions, split, precision, given, scaling, scalingKind, description, rowsPerBlock);
    }

    public BuildOptions withScaling(Scaling given) {
        return new BuildOptions(partitions, split, precision, classes, given, scalingKind, description, rowsPerBlock);
    }

    public BuildOptions withScalingKind(Scaling.Kind kind) {
        return new BuildOptions(partitions, split, precision, classes, scaling, kind, description, rowsPerBlock);
    }

    public BuildOptions withDescription(String text) {
        return new BuildOptions(partitions, split, precision, classes, scaling, scalingKind, text, rowsPerBlock);
    }

    public BuildOptions withRowsPerBlock(int rows) {
        return new BuildOptions(partitions, split, precision, classes, scaling, scalingKind, description, rows);
    }

    /** Rows per cached block for {@code features} inputs. */
    int blockRows(int features) {
        return rowsPerBlock > 0 ? rowsPerBlock : Block.rowsFor(features);
    }
}
