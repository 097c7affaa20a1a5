package org.sparkmlp.data;

import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Bad input data: the message is one line naming the file, the record and the problem, e.g.
 * {@code digits.csv: line 17: field 5 'abc' is not a number}. Thrown by readers on executors, where a reading task
 * returns it as a value ({@link RawBlock#failure}) and the driver throws it again; or thrown on the driver.
 *
 * <p>A setting the problem names (label-column, feature-columns, features, partitions) is written {@code {key}}, e.g.
 * {@code {label-column}}: {@link #getMessage()} shows the key, and a caller shows it in its own words with
 * {@link #message} (the command line as its flag, {@code --label-column}).
 */
public final class DataFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final Pattern KEY = Pattern.compile("\\{(label-column|feature-columns|features|partitions)}");
    /** The message with its settings as {@code {key}}. */
    private final String template;

    public DataFormatException(String file, String record, String problem) {
        this(file + (record == null ? "" : ": " + record) + ": " + problem);
    }

    /** A whole message, settings as {@code {key}} ({@link #template()} of another). */
    public DataFormatException(String template) {
        super(render(template, key -> key));
        this.template = template;
    }

    /** The message with the settings it names as {@code {key}}: what carries it from an executor. */
    public String template() {
        return template;
    }

    /** The message with every setting shown by {@code naming} (key → the caller's word for it). */
    public String message(UnaryOperator<String> naming) {
        return render(template, naming);
    }

    private static String render(String template, UnaryOperator<String> naming) {
        return Placeholders.render(KEY, template, naming);
    }

    /** The first DataFormatException in a cause chain (Spark wraps task failures), or null. */
    public static DataFormatException findIn(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof DataFormatException d) {
                return d;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
