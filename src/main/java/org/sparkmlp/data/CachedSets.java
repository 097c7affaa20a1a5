package org.sparkmlp.data;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.sparkmlp.nn.Scaling;

/**
 * The three sets, each a cached RDD of {@link Block}s (null when the set is empty), with what the trainer needs
 * to know about them: row counts, the class labels (index i is class i of the softmax), the fitted scaling
 * (already applied to the blocks) and a description of where the data came from.
 *
 * <p>A partition holds a list of bounded blocks, in row order, all in one {@link org.sparkmlp.nn.Precision}:
 * every block but the partition's last has exactly {@link Block#rowsFor}(features) rows, an empty partition may
 * hold none, and every block's {@link Block#index} is its partition. The step reads a partition's list through
 * {@link Block#view}.
 *
 * @param preparation what building the sets cost: passes over the rows, seconds, the driver's heap after
 */
public record CachedSets(JavaRDD<Block> train, JavaRDD<Block> validation, JavaRDD<Block> test,
                      long trainRows, long validationRows, long testRows, int features, List<String> classes,
                      Scaling scaling, String description, Preparation preparation) {

    /** Drops the cached blocks. */
    public void release() {
        for (JavaRDD<Block> rdd : new JavaRDD[] {train, validation, test}) {
            if (rdd != null) {
                rdd.unpersist(false);
            }
        }
    }
}
