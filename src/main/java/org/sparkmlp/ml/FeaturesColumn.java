package org.sparkmlp.ml;

import java.util.List;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * The check of a features column that both the estimator and the model make on the schema, before Spark plans
 * a job: Spark's own check names the column but prints the vector type's internal struct, and a size mismatch
 * found row by row would surface as a task failure wrapped in a stack of Spark's exceptions.
 */
final class FeaturesColumn {
    private FeaturesColumn() {
    }

    /**
     * Checks that {@code column} holds Spark ML vectors and, when its metadata tells their size and
     * {@code expected} is above 0, that they hold {@code expected} values.
     *
     * @param taker what takes {@code expected} inputs, for the message ("the model takes", "layers [4, 3] take")
     * @return the vectors' size from the column's metadata, −1 when it does not say
     * @throws IllegalArgumentException naming the column, its type or size, and what was expected
     */
    static int check(StructType schema, String column, int expected, String taker) {
        List<String> names = List.of(schema.fieldNames());
        if (!names.contains(column)) {
            throw new IllegalArgumentException("the features column '" + column + "' is not a column (columns: "
                    + String.join(", ", names) + ")");
        }
        DataType type = schema.apply(column).dataType();
        if (!SQLDataTypes.VectorType().equals(type)) {
            throw new IllegalArgumentException("the features column '" + column + "' holds " + type.simpleString()
                    + ", not vectors: it must be one Spark ML vector column (VectorAssembler makes one of numeric"
                    + " columns, array_to_vector of an array)");
        }
        int size = AttributeGroup.fromStructField(schema.apply(column)).size();
        if (expected > 0 && size >= 0 && size != expected) {
            throw new IllegalArgumentException("the features column '" + column + "' holds vectors of " + size
                    + " values (its metadata), but " + taker + " " + expected);
        }
        return size;
    }
}
