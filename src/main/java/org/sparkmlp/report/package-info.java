/**
 * The run report: {@code report.html} and its PNG charts, built from an output directory's files alone.
 *
 * <p>{@link org.sparkmlp.report.RunFiles} reads what the directory holds — the epochs of {@code metrics.jsonl},
 * {@code summary.json}, the header of {@code model.json}, any of them possibly missing, as for an interrupted
 * run — and refuses a directory with none of them or a malformed file with a one-line message
 * ({@link org.sparkmlp.report.RunFilesException}). {@link org.sparkmlp.report.Charts} draws the loss, accuracy
 * and learning-rate curves with JFreeChart, headless; {@link org.sparkmlp.report.ClassMetrics} turns the test
 * confusion matrix into per-class precision and recall; {@code ReportPage} writes one page with no script and
 * nothing fetched (the charts embedded as {@code data:} URIs, every text escaped). {@link org.sparkmlp.report.Report}
 * ties them together and writes every file atomically beside the run's. No Spark here: the report is the same
 * whether the train command writes it at the end of a run or the report command rebuilds it later.
 */
package org.sparkmlp.report;
