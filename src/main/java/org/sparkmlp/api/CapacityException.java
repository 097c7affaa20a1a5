package org.sparkmlp.api;

import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.sparkmlp.data.Placeholders;

/**
 * A run that cannot succeed with the resources it was given, found before the long part of it: the cached sets
 * do not fit in the executors' storage memory and free disk together, or the driver's heap is too small for
 * what training will hold there. The message says which, with the figures, and the remedy; settings it names are
 * written {@code {key}} and shown by each front end in its own words ({@link #message}).
 */
public final class CapacityException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final Pattern KEY = Pattern.compile("\\{([a-z0-9-]+)}");

    /** What does not fit. */
    public enum Kind {
        /** The cached sets, even spilled to disk. */
        CACHE,
        /** The driver's heap. */
        DRIVER_HEAP
    }

    private final Kind kind;
    private final String template;

    public CapacityException(Kind kind, String template) {
        super(render(template, key -> key));
        this.kind = kind;
        this.template = template;
    }

    public Kind kind() {
        return kind;
    }

    /** The message with every setting named by {@code naming} (key → how the caller shows it). */
    public String message(UnaryOperator<String> naming) {
        return render(template, naming);
    }

    private static String render(String template, UnaryOperator<String> naming) {
        return Placeholders.render(KEY, template, naming);
    }

    /** The first CapacityException in a cause chain, or null. */
    public static CapacityException findIn(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CapacityException e) {
                return e;
            }
        }
        return null;
    }
}
