/**
 * The synchronous SGD loop on Spark.
 *
 * <p>Each step the driver broadcasts the weights ({@link org.sparkmlp.train.Trainer}); every partition works
 * out which of its rows belong to the step ({@link org.sparkmlp.train.BatchPlan} shares the global batch
 * between partitions in proportion to their sizes, {@link org.sparkmlp.train.RowPermutation} reshuffles each
 * partition every epoch from the seed) and computes their gradient with the {@link org.sparkmlp.nn.Kernel};
 * {@code treeAggregate} combines the partial sums in a fixed tree over partition numbers
 * ({@link org.sparkmlp.train.PartitionSums}), so the result is the same bits whatever order tasks finish in;
 * the driver divides once and applies W ← W − η_t·∇ with η_t from {@link org.sparkmlp.train.LearningRate}.
 * Configuration is immutable ({@link org.sparkmlp.train.TrainingConfig}); progress goes to a
 * {@link org.sparkmlp.train.TrainingListener}.
 */
package org.sparkmlp.train;
