package org.sparkmlp.data;

/**
 * What building the cached sets cost, for the run's summary: whether preparation grows with the data as it
 * should (time linear in rows, the driver's heap flat).
 *
 * @param inputPasses rows of the training data read by the preparation's jobs, divided by its rows: 2 when the
 *                    census and the packing each read every row once, 3 with a fitted scaling; more if tasks
 *                    were retried. The first pass reads the input itself, the others its copy on local disk.
 * @param seconds wall time from the first read to the sets being cached
 * @param driverHeapBytes the driver's used heap once the sets are cached, after a garbage-collection hint
 *                        ({@code System.gc()}, then {@link java.lang.management.MemoryMXBean}'s used heap)
 */
public record Preparation(double inputPasses, double seconds, long driverHeapBytes) {
}
