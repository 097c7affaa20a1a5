/**
 * The synchronous mini-batch training loop on Spark.
 *
 * <p>{@link org.sparkmlp.train.Trainer} holds the loop: per step it asks the
 * {@link org.sparkmlp.train.StepEngine} for the gradient sum of the step's rows, divides it by the rows once, and
 * hands Σ∇/n with η_t from {@link org.sparkmlp.train.LearningRate} (warmup included) to the update rule of
 * {@code org.sparkmlp.optim} (plain SGD, W ← W − η_t·Σ∇/n, by default); per epoch it evaluates the validation
 * set, lets early stopping decide, and hands the listener the {@code TrainingState} a checkpoint would keep.
 * The engine is the seam to Spark: one job per step,
 * submitted through {@code runJob} with named functions ({@link org.sparkmlp.train.Jobs}), on a
 * {@link org.sparkmlp.train.StepBackend} chosen once from the master: on a cluster the weights are
 * shipped once, inside the task binary that Spark broadcasts for every job anyway
 * ({@link org.sparkmlp.train.ShippedWeights}; large networks get a broadcast of their own), and the tasks
 * return their sums; in local mode the tasks read the driver's weights and cached blocks in place and write
 * their sums into the driver's arrays. Every
 * partition works out which of its rows belong to the step
 * ({@link org.sparkmlp.train.BatchPlan} shares the global batch between partitions in proportion to their
 * sizes, {@link org.sparkmlp.train.RowPermutation} reshuffles each partition every epoch from the seed) and
 * sums their gradient with the {@link org.sparkmlp.nn.Kernel} ({@link org.sparkmlp.train.GradientTask}); the
 * partial sums are added along a fixed tree over partition numbers ({@link org.sparkmlp.train.PartitionSums}),
 * on the driver or, on a cluster, first on executors, so the result is the same bits whatever order tasks finish
 * in, on either backend.
 * {@link org.sparkmlp.train.Evaluator} submits evaluation the same way. Configuration is immutable
 * ({@link org.sparkmlp.train.TrainingConfig}); progress goes to a {@link org.sparkmlp.train.TrainingListener},
 * which after every epoch also hears the {@link org.sparkmlp.optim.TrainingState} a checkpoint saves, and
 * {@link org.sparkmlp.train.Trainer} continues a run from such a state to the same bits.
 * {@link org.sparkmlp.train.DataFingerprint} checksums the cached training blocks in one job, so that a resumed
 * run can be refused on other data.
 */
package org.sparkmlp.train;
