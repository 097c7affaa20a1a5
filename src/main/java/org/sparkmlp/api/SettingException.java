package org.sparkmlp.api;

import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.sparkmlp.data.Placeholders;

/**
 * A setting that cannot be used, named by its key ({@code batch-size}), so that each caller can show it in its
 * own words: the command line as {@code --batch-size}, the Spark ML estimator as its param. Other settings the
 * problem mentions are written {@code {key}} in it and named the same way ({@link #message}).
 */
public final class SettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private static final Pattern KEY = Pattern.compile("\\{([a-z0-9-]+)}");
    private final String setting;
    private final String problem;

    /** {@code problem}: what is wrong, without the setting's own name; other settings as {@code {key}}. */
    public SettingException(String setting, String problem) {
        super(render(setting, problem, key -> key));
        this.setting = setting;
        this.problem = problem;
    }

    /** The setting's key, as in {@link TrainingSettings#KEYS} (or another of the API's setting names). */
    public String setting() {
        return setting;
    }

    /** The message with every setting named by {@code naming} (key → how the caller shows it). */
    public String message(UnaryOperator<String> naming) {
        return render(setting, problem, naming);
    }

    private static String render(String setting, String problem, UnaryOperator<String> naming) {
        return naming.apply(setting) + " " + Placeholders.render(KEY, problem, naming);
    }
}
