package org.sparkmlp.data;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * Where a record keeps its label: {@code first}, {@code last}, a 0-based column index, a column name (a CSV
 * header's or a table's), or {@code none} (inputs only, for predict).
 */
public record LabelColumn(Kind kind, int index, String name) implements Serializable {
    public enum Kind { FIRST, LAST, INDEX, NAME, NONE }

    public static final LabelColumn FIRST = new LabelColumn(Kind.FIRST, 0);
    public static final LabelColumn LAST = new LabelColumn(Kind.LAST, 0);
    public static final LabelColumn NONE = new LabelColumn(Kind.NONE, 0);

    public LabelColumn {
        if (kind == Kind.INDEX && index < 0) {
            throw new IllegalArgumentException("label column index must be 0 or more, got " + index);
        }
        if (kind == Kind.NAME && (name == null || name.isBlank())) {
            throw new IllegalArgumentException("a label column name must not be empty");
        }
    }

    public LabelColumn(Kind kind, int index) {
        this(kind, index, null);
    }

    /** The column named {@code name}. */
    public static LabelColumn byName(String name) {
        return new LabelColumn(Kind.NAME, 0, name);
    }

    /** Parses "first", "last", "none", a 0-based column number, or else a column name. */
    public static LabelColumn parse(String s) {
        switch (s) {
            case "first":
                return FIRST;
            case "last":
                return LAST;
            case "none":
                return NONE;
            default:
                if (s.matches("[+-]?\\d+")) {
                    try {
                        return new LabelColumn(Kind.INDEX, Integer.parseInt(s));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("label column number " + s + " is out of range");
                    }
                }
                return byName(s);
        }
    }

    /** The label's field index in a record of {@code width} fields, or −1 for none; a name needs {@link #resolve(List)}. */
    public int resolve(int width) {
        return switch (kind) {
            case FIRST -> 0;
            case LAST -> width - 1;
            case INDEX -> index;
            case NAME -> throw new IllegalStateException("the label column '" + name + "' is a name: resolve it"
                    + " against the column names");
            case NONE -> -1;
        };
    }

    /**
     * The label's index among {@code columns} (−1 for none; an index may be past the end, for the caller to
     * report); a name matches exactly, else ignoring case, else gives −2.
     */
    public int resolve(List<String> columns) {
        if (kind != Kind.NAME) {
            return resolve(columns.size());
        }
        int at = columns.indexOf(name);
        if (at >= 0) {
            return at;
        }
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -2;
    }

    public boolean present() {
        return kind != Kind.NONE;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case INDEX -> Integer.toString(index);
            case NAME -> name;
            default -> kind.name().toLowerCase(Locale.ROOT);
        };
    }
}
