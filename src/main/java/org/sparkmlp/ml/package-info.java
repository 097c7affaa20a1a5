/**
 * The trainer inside Spark ML: {@link org.sparkmlp.ml.MlpClassifier}, an estimator whose Params are the training
 * API's settings (and MLlib's {@code MultilayerPerceptronClassifier}'s names where the meaning is the same), and
 * {@link org.sparkmlp.ml.MlpClassificationModel}, the model it fits, so both work in a {@code Pipeline}, under
 * {@code CrossValidator} and with MLlib's evaluators.
 *
 * <p>How data flows: {@code fit} checks the labels in one aggregation, builds
 * {@link org.sparkmlp.api.TrainingSettings} from the Params and calls {@link org.sparkmlp.api.MlpTrainer} on the
 * DataFrame's features and label columns (validation rows apart when a column marks them); the model keeps the
 * API's {@link org.sparkmlp.api.TrainedModel} and scores a row with the network's own forward pass. After a fit
 * the model has an {@link org.sparkmlp.ml.MlpTrainingSummary}; {@code evaluate} gives an
 * {@link org.sparkmlp.ml.MlpClassificationSummary}. Saving writes Spark's metadata beside the API's
 * {@code model.json}; loading skips saved Params this version lacks ({@code SavedParams}). Both classes are
 * listed in the service files Spark Connect reads. Spark ML (spark-mllib) is a provided dependency: a Spark
 * installation brings it. docs/ml.md describes every Param.
 */
package org.sparkmlp.ml;
