/**
 * Files on disk: the model file format and the way every output is written.
 *
 * <p>{@link org.sparkmlp.io.ModelFile} alone writes and reads trained models, as a small versioned JSON format
 * that other programs can read (W as rows of output units, class labels, scaling and provenance), with
 * numbers that read back bit for bit and a reader that refuses any inconsistent file with a one-line message
 * naming the file and the place ({@link org.sparkmlp.io.ModelFormatException}); keeping the format in one
 * class means it cannot drift between trainer, evaluator and predictor. {@link org.sparkmlp.io.AtomicFiles}
 * writes every output (models, metrics, predictions) to a temporary file beside the target, forces it to disk
 * and renames it over the target, so a crash, a full disk or an exception half-way leaves the previous file
 * or none, never a truncated one that would be read later as if it were complete.
 *
 * <p>Outputs and model files may live on any Hadoop file system: {@link org.sparkmlp.io.HadoopFiles} resolves a
 * location as Spark does (scheme, {@code fs.defaultFS}, Spark's Hadoop configuration), {@link org.sparkmlp.io.OutputDir}
 * is a command's output directory (prepare → write … → commit), and AtomicFiles renames into place where the file
 * system renames atomically (local disk, HDFS) or, on object stores, uploads in place with a {@code _SUCCESS}
 * marker written last. Local paths keep going through {@code java.nio}, which syncs and leaves no checksum files.
 *
 * <p>{@link org.sparkmlp.io.CheckpointFile} alone writes and reads checkpoints (a JSON header and little-endian
 * arrays with a length and CRC-32 trailer, parsed as data, never Java-deserialised), and
 * {@link org.sparkmlp.io.Checkpoints} is a checkpoint directory: it keeps the newest K, deletes old ones only
 * after the new one is in place, and finds the newest complete one, skipping a truncated or corrupt file.
 *
 * <p>{@link org.sparkmlp.io.RunDirectories} is a folder of runs for {@code train} without {@code --out}: it
 * creates each run's directory, named by its start time, and once the run is complete replaces {@code latest}
 * (a relative symbolic link on the local disk, a pointer file elsewhere) in one rename.
 */
package org.sparkmlp.io;
