/**
 * Reading, validating and packing data, and splitting it into training, validation and test sets.
 *
 * <p>Readers ({@link org.sparkmlp.data.CsvReader}, {@link org.sparkmlp.data.IdxReader}) run on the executors:
 * each input partition is parsed, validated record by record (a bad record stops the run with a
 * {@link org.sparkmlp.data.DataFormatException} that names the file and the record) and packed into a sequence
 * of bounded column-major {@link org.sparkmlp.data.RawBlock}s (IDX pixels stay bytes).
 * {@link org.sparkmlp.data.DatasetBuilder} then collects only the labels, draws a seeded stratified split on the
 * driver, fits the scaling on the training rows, and moves packed pieces (never per-row objects) through one
 * shuffle into {@code --partitions} cached partitions per set, each a list of bounded
 * {@link org.sparkmlp.data.Block}s in float64 or float32 that are filled in place as the pieces arrive. Memory
 * grows with the data, never with a partition-sized copy of it. The shuffle also cuts the lineage, so later jobs
 * never re-ship data. Nothing here knows about training.
 */
package org.sparkmlp.data;
