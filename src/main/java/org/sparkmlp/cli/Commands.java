package org.sparkmlp.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Small helpers the commands share for reading their parsed options. */
final class Commands {
    private Commands() {
    }

    /** The value, or a usage error naming the option when neither the defaults nor the command line set it. */
    static <T> T need(T value, String option) {
        if (value == null) {
            throw new UsageException("needs --" + option);
        }
        return value;
    }

    /** Whether {@code --name} was given on the command line, not just taken from the defaults. */
    static boolean isExplicit(CommandSpec spec, String name) {
        return spec.commandLine().getParseResult().hasMatchedOption("--" + name);
    }

    /** Every option of the command as it took effect, as text (the command line's or the default's), for summary.json. */
    static Map<String, String> effective(CommandSpec spec) {
        Map<String, String> values = new LinkedHashMap<>();
        for (OptionSpec option : spec.options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            String name = option.longestName();
            String value;
            if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
                value = String.join(",", option.originalStringValues());
            } else {
                value = spec.defaultValueProvider() == null ? null : defaultOf(spec, option);
            }
            if (value != null) {
                values.put(name.substring(2), value);
            }
        }
        return values;
    }

    private static String defaultOf(CommandSpec spec, OptionSpec option) {
        try {
            return spec.defaultValueProvider().defaultValue(option);
        } catch (Exception e) {
            return null;
        }
    }
}
