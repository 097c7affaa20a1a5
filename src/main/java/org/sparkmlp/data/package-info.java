/**
 * Reading, validating and packing data, and splitting it into training, validation and test sets.
 *
 * <p>Readers run on the executors and all produce the same thing: each input partition as a sequence of
 * bounded column-major {@link org.sparkmlp.data.RawBlock}s, parsed, validated record by record and packed as
 * they are asked for. {@link org.sparkmlp.data.CsvReader} (RFC 4180 lines through univocity, or blank-separated),
 * {@link org.sparkmlp.data.LibsvmReader} and {@link org.sparkmlp.data.TableReader} (Parquet, ORC, JSON or any
 * DataFrame) fill their rows through the one {@link org.sparkmlp.data.RowPacker}; {@link
 * org.sparkmlp.data.IdxReader} keeps pixels as bytes. Files are opened through Hadoop's file systems with the
 * driver's configuration ({@link org.sparkmlp.data.HadoopConf}, broadcast). {@link org.sparkmlp.data.DataSource}
 * picks the reader from the options and checks on the driver what can be checked before a job (the path
 * exists, the width, the header, the table's schema).
 *
 * <p>A bad record ends its partition's read with a {@link org.sparkmlp.data.DataFormatException} whose one-line
 * message names the file, the record and the problem. The reading task does not fail: it returns the error as a
 * value (a failure block, {@link org.sparkmlp.data.ReadGuard}), and the driver throws the first one in input
 * order, so that a deterministic error is neither retried nor logged with an executor's stack trace.
 *
 * <p>{@link org.sparkmlp.data.DatasetBuilder} turns raw blocks into cached sets in five steps: the {@link
 * org.sparkmlp.data.LabelCensus} (counts of rows per label and raw block come to the driver, never a row's label,
 * and reading errors surface here), the classes, the seeded {@link org.sparkmlp.data.StratifiedSplit} (the
 * driver holds numbers per raw block and class; each block draws its rows' sets where it is read), the {@link
 * org.sparkmlp.data.ScalingFit} on the training rows, and the {@link org.sparkmlp.data.BlockPacker}, which moves
 * packed pieces (never per-row objects) of all three sets through one shuffle into {@code partitions} cached
 * partitions per set, each a list of bounded {@link
 * org.sparkmlp.data.Block}s in float64 or float32 filled in place as the pieces arrive. {@link
 * org.sparkmlp.data.BlockPacker#inOrder} packs rows without a split (evaluate, predict, a Spark ML estimator).
 * Memory grows with the data, never with a partition-sized copy of it. The shuffle also cuts the lineage, so
 * later jobs never re-ship data. Nothing here knows about training.
 */
package org.sparkmlp.data;
