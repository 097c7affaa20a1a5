package org.sparkmlp.data;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Messages that name settings as {@code {key}}, which each front end shows in its own words (the command line
 * as its {@code --flag}, the training API as the key): one renderer for the exceptions that carry such
 * messages. Each caller passes its own pattern of keys, so that braces in quoted data are left as they are.
 */
public final class Placeholders {
    private Placeholders() {
    }

    /** {@code template} with every match of {@code key} (group 1: the key) replaced by {@code naming}'s word. */
    public static String render(Pattern key, String template, UnaryOperator<String> naming) {
        Matcher m = key.matcher(template);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(naming.apply(m.group(1))));
        }
        m.appendTail(b);
        return b.toString();
    }
}
