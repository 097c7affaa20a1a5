/**
 * The command line, on picocli: {@code train} ({@link org.sparkmlp.cli.TrainCommand}), {@code evaluate} and
 * {@code predict} ({@link org.sparkmlp.cli.UseModelCommand}), {@code export}
 * ({@link org.sparkmlp.cli.ExportCommand}: a model as ONNX, no Spark), {@code report}
 * ({@link org.sparkmlp.cli.ReportCommand}: rebuilds report.html from an output directory), {@code completion}. Each option is declared once,
 * typed, in its command or in a shared mixin ({@link org.sparkmlp.cli.DataOptions},
 * {@link org.sparkmlp.cli.SparkOptions}); {@link org.sparkmlp.cli.Defaults} supplies the defaults from the
 * properties files and {@link org.sparkmlp.cli.Converters} the project's types. {@link org.sparkmlp.cli.Main}
 * maps each kind of failure to its own exit code ({@link org.sparkmlp.cli.ExitCode}); the commands check every
 * value before Spark starts, build immutable configurations and call {@code data}, {@code train} and {@code io}.
 */
package org.sparkmlp.cli;
