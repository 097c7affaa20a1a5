package org.sparkmlp.io;

import java.util.LinkedHashMap;
import java.util.Map;

/** Values as the project's JSON files hold them. */
public final class JsonValues {
    private JsonValues() {
    }

    /** A copy of {@code m} (nested maps too) in which NaN and infinities are null: JSON has neither. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> finite(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Double d && !Double.isFinite(d)) {
                v = null;
            } else if (v instanceof Map<?, ?> inner) {
                v = finite((Map<String, Object>) inner);
            }
            out.put(e.getKey(), v);
        }
        return out;
    }
}
