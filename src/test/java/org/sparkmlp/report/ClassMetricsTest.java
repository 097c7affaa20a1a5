package org.sparkmlp.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClassMetricsTest {
    // Rows: true class; columns: predicted. Class 2 is never predicted.
    //        a  b  c
    //   a [  5, 1, 0 ]
    //   b [  2, 3, 0 ]
    //   c [  1, 1, 0 ]
    private static final long[] CONFUSION = {5, 1, 0, 2, 3, 0, 1, 1, 0};

    @Test
    void precisionIsTheDiagonalOverTheColumnAndRecallOverTheRow() {
        List<ClassMetrics> m = ClassMetrics.of(CONFUSION, 3);
        assertEquals(new ClassMetrics(5.0 / 8, 5.0 / 6, 6), m.get(0));
        assertEquals(new ClassMetrics(3.0 / 5, 3.0 / 5, 5), m.get(1));
        assertTrue(Double.isNaN(m.get(2).precision()), "never predicted: precision undefined");
        assertEquals(0.0, m.get(2).recall());
        assertEquals(2, m.get(2).support());
    }

    @Test
    void undefinedSharesAreNullInJsonAndRowsKeepTheLayout() {
        List<Map<String, Object>> json = ClassMetrics.toJson(List.of("a", "b", "c"), ClassMetrics.of(CONFUSION, 3));
        assertEquals("c", json.get(2).get("class"));
        assertNull(json.get(2).get("precision"));
        assertEquals(2L, json.get(2).get("support"));
        assertEquals(List.of(List.of(2L, 3L, 0L)), ClassMetrics.rows(CONFUSION, 3).subList(1, 2));
    }

    @Test
    void rejectsAMatrixOfTheWrongSize() {
        assertThrows(IllegalArgumentException.class, () -> ClassMetrics.of(new long[8], 3));
    }
}
