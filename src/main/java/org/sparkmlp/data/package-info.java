/**
 * Reading, validating and packing data, and splitting it into training, validation and test sets.
 *
 * <p>Readers ({@link org.sparkmlp.data.CsvReader}, {@link org.sparkmlp.data.IdxReader}) run on the executors:
 * each input partition is parsed, validated record by record (a bad record stops the run with a
 * {@link org.sparkmlp.data.DataFormatException} that names the file and the record) and packed into one
 * column-major {@link org.sparkmlp.data.RawBlock}. {@link org.sparkmlp.data.DatasetBuilder} then collects only
 * the labels, draws a seeded stratified split on the driver, fits the scaling on the training rows, and moves
 * packed pieces (never per-row objects) through one shuffle into {@code --partitions} cached
 * {@link org.sparkmlp.data.Block}s per set. The shuffle also cuts the lineage, so later jobs never re-ship data.
 * Nothing here knows about training.
 */
package org.sparkmlp.data;
