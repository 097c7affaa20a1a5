/**
 * The command line: {@code train}, {@code evaluate} and {@code predict}. {@link org.sparkmlp.cli.Options}
 * merges the defaults file and the arguments and checks every value before Spark starts;
 * {@link org.sparkmlp.cli.Main} maps each kind of failure to its own exit code ({@link org.sparkmlp.cli.ExitCode});
 * the commands build immutable configurations and call {@code data}, {@code train} and {@code io}.
 */
package org.sparkmlp.cli;
