package org.sparkmlp.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code completion}: prints a bash (and zsh) completion script for every command, option and choice. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Prints a bash/zsh completion script, e.g. source <(submit/local.sh completion --name local.sh).")
final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--name", paramLabel = "COMMAND", defaultValue = "spark-mlp",
            description = "The command name to complete, as typed. Default: ${DEFAULT-VALUE}.")
    String name;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash(name, spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code();
    }
}
