package org.sparkmlp.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each rule against PyTorch 1.13's own optimisers ({@code SGD}, {@code SGD(nesterov=True)}, {@code AdamW}) and
 * {@code clip_grad_norm_}, in float64: six updates of a diagonal quadratic with a rate that changes every step,
 * written to {@code src/test/resources/optim/torch-reference.csv} by {@code make_torch_reference.py} beside it.
 * PyTorch's kernels may fuse a multiply and an add, so the weights agree to a few ulps, not to the bit.
 */
class OptimizerMatchesPyTorchTest {
    private static final double TOLERANCE = 1e-14;

    private record Row(String name, Optimizer optimizer, double clip, int step, double lr, double[] w) {
    }

    @Test
    void everyCaseFollowsPyTorchForSixUpdates() throws IOException {
        double[] a = null;
        double[] b = null;
        Map<String, List<Row>> cases = new LinkedHashMap<>();
        for (String line : lines()) {
            String[] f = line.split(",");
            if (f[0].equals("problem")) {
                double[] v = numbers(f, 2);
                if (f[1].equals("a")) {
                    a = v;
                } else {
                    b = v;
                }
                continue;
            }
            Optimizer o = Optimizer.of(Optimizer.Kind.fromId(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]));
            Row row = new Row(f[0], o, Double.parseDouble(f[7]), Integer.parseInt(f[8]), Double.parseDouble(f[9]),
                    numbers(f, 10));
            cases.computeIfAbsent(f[0], k -> new ArrayList<>()).add(row);
        }
        assertEquals(10, cases.size(), "cases in the fixture");
        for (List<Row> rows : cases.values()) {
            Row first = rows.get(0);
            assertEquals(0, first.step());
            Updater u = first.optimizer().start(first.w().length);
            double[] w = first.w().clone();
            for (Row r : rows.subList(1, rows.size())) {
                double[] g = new double[w.length];
                for (int i = 0; i < w.length; i++) {
                    g[i] = a[i] * w[i] + b[i];
                }
                if (r.clip() > 0) {
                    GradientClipping.clip(g, r.clip());
                }
                double[] next = new double[w.length];
                u.update(w, g, r.lr(), next);
                w = next;
                for (int i = 0; i < w.length; i++) {
                    assertTrue(Math.abs(w[i] - r.w()[i]) <= TOLERANCE * Math.max(1.0, Math.abs(r.w()[i])),
                            r.name() + " step " + r.step() + ": " + Arrays.toString(w) + " against PyTorch's "
                                    + Arrays.toString(r.w()));
                }
            }
        }
    }

    private static double[] numbers(String[] fields, int from) {
        return Arrays.stream(fields, from, fields.length).mapToDouble(Double::parseDouble).toArray();
    }

    private List<String> lines() throws IOException {
        String name = "/optim/torch-reference.csv";
        try (InputStream in = getClass().getResourceAsStream(name)) {
            if (in == null) {
                throw new AssertionError("test resource " + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        }
    }
}
