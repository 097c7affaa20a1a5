/**
 * The driver's update rule, with no Spark in it: what turns a step's mean gradient into new weights, and the
 * state a run carries from step to step, so that the Spark loop in {@code org.sparkmlp.train} and a future Spark
 * ML estimator can share it and its tests need only plain arrays.
 *
 * <p>Data flow per step: the loop divides the step's gradient sum by its rows (Σ∇/n), optionally scales it to a
 * global norm ({@link org.sparkmlp.optim.GradientClipping}), and hands it with the step's rate to an
 * {@link org.sparkmlp.optim.Updater} — the running form of an {@link org.sparkmlp.optim.Optimizer} (sgd,
 * momentum, nesterov, adam; PyTorch's conventions) — which writes the new weights into another array and
 * advances its own slots. Per epoch: {@link org.sparkmlp.optim.EarlyStopping} watches a validation metric and
 * remembers the best epoch. {@link org.sparkmlp.optim.TrainingState} gathers all of it (weights, the optimiser's
 * slots and count, step, epoch, early-stopping progress and best weights) as plain arrays and numbers: what a
 * checkpoint saves, and what a run restored from it continues from to the bit.
 */
package org.sparkmlp.optim;
