/**
 * The command line, on picocli: {@code train} ({@link org.sparkmlp.cli.TrainCommand}), {@code evaluate} and
 * {@code predict} ({@link org.sparkmlp.cli.UseModelCommand}), {@code export}
 * ({@link org.sparkmlp.cli.ExportCommand}: a model as ONNX, no Spark), {@code report}
 * ({@link org.sparkmlp.cli.ReportCommand}: rebuilds report.html from an output directory), {@code completion}. Each option is declared once,
 * in its command or in a shared mixin ({@link org.sparkmlp.cli.DataOptions},
 * {@link org.sparkmlp.cli.SparkOptions}); {@link org.sparkmlp.cli.Defaults} supplies the defaults from the
 * properties files, choices are text the API checks, and {@link org.sparkmlp.cli.Choices} lists them for shell
 * completion. {@link org.sparkmlp.cli.Main} maps each kind of failure to its own exit code
 * ({@link org.sparkmlp.cli.ExitCode}), a refused setting shown as its flag; the commands check what they can
 * before Spark starts and call the training API ({@code org.sparkmlp.api}).
 */
package org.sparkmlp.cli;
