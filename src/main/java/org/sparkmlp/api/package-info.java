/**
 * The training API: the one way in for a Java program, the command line and Spark ML alike.
 *
 * <ul>
 *   <li>{@link org.sparkmlp.api.TrainingSettings}: every setting of a run, immutable, built and checked by its
 *       builder. Each setting's default is defined once, in the packed {@code spark-mlp.properties} (the project's
 *       {@code conf/} holds the editable copy); presets are named sets of settings. A refused setting is a
 *       {@link org.sparkmlp.api.SettingException} naming its key, which each caller shows in its own words.</li>
 *   <li>{@link org.sparkmlp.api.DataSpec}: where the rows come from, a path and its format or a
 *       {@code Dataset<Row>} the program holds, with the validation and test sets split off or given apart.</li>
 *   <li>{@link org.sparkmlp.api.MlpTrainer}: trains; warm start, {@link org.sparkmlp.api.Checkpointing} (with
 *       resume) and listeners are values given to it.</li>
 *   <li>{@link org.sparkmlp.api.TrainedModel}: the result, with its {@link org.sparkmlp.api.TrainingSummary};
 *       evaluates, predicts on a {@code Dataset<Row>} keeping every column of a row, writes {@code model.json}, and
 *       exports itself as ONNX ({@code writeOnnx}) for any ONNX runtime.</li>
 *   <li>{@link org.sparkmlp.api.SparkSettings}: the Spark settings the trainer is built for, for a program that
 *       builds its own session.</li>
 * </ul>
 *
 * <p>The same settings, data, partitions and seed give the same model, bit for bit, from this API and from the
 * command line, in local mode and on a cluster.
 */
package org.sparkmlp.api;
