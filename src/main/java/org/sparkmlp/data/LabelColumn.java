package org.sparkmlp.data;

import java.io.Serializable;

/**
 * Where a CSV record keeps its label: {@code first}, {@code last}, a 0-based column index, or {@code none}
 * (inputs only, for predict).
 */
public record LabelColumn(Kind kind, int index) implements Serializable {
    public enum Kind { FIRST, LAST, INDEX, NONE }

    public static final LabelColumn FIRST = new LabelColumn(Kind.FIRST, 0);
    public static final LabelColumn LAST = new LabelColumn(Kind.LAST, 0);
    public static final LabelColumn NONE = new LabelColumn(Kind.NONE, 0);

    public LabelColumn {
        if (kind == Kind.INDEX && index < 0) {
            throw new IllegalArgumentException("label column index must be 0 or more, got " + index);
        }
    }

    /** Parses "first", "last", "none" or a 0-based column number. */
    public static LabelColumn parse(String s) {
        switch (s) {
            case "first":
                return FIRST;
            case "last":
                return LAST;
            case "none":
                return NONE;
            default:
                try {
                    return new LabelColumn(Kind.INDEX, Integer.parseInt(s));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("label column must be first, last, none or a column number"
                            + " counted from 0, got '" + s + "'");
                }
        }
    }

    /** The label's field index in a record of {@code width} fields, or −1 for none. */
    public int resolve(int width) {
        return switch (kind) {
            case FIRST -> 0;
            case LAST -> width - 1;
            case INDEX -> index;
            case NONE -> -1;
        };
    }

    public boolean present() {
        return kind != Kind.NONE;
    }

    @Override
    public String toString() {
        return kind == Kind.INDEX ? Integer.toString(index) : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
