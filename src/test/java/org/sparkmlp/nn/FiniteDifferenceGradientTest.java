package org.sparkmlp.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every component of the kernel's gradient equals a central finite difference of the summed loss, for every
 * activation × every loss × several layer shapes (no hidden layer, one, two and three hidden layers).
 *
 * <p>The loss for the differences comes from {@link ReferenceNet}'s independent forward pass, so the forward
 * pass is checked too: the kernel's loss sum and correct count must equal the reference's.
 *
 * <p>Finite differences: the fourth-order central stencil
 * n = [8(L(θ+s) − L(θ−s)) − (L(θ+2s) − L(θ−2s))] / 12s with s = 1e-4 · max(1, |θ_i|) (two-point differences
 * at s and 2s, Richardson-combined). Its truncation error is O(s⁴) and its rounding error ≈ ε|L|/s ≈ 1e-12
 * absolute. Measured on these cases: worst relative error 4e-8, while the plain two-point stencil with
 * s = 1e-6 reaches 4.5e-6 on the smallest components (|∂L/∂θ| ≈ 1e-4), above the 1e-6 required here.
 *
 * <p>For relu, parameters and inputs are drawn again until no hidden pre-activation is within 1e-2 of the
 * kink, and every evaluation point's activation pattern is compared with the unperturbed one; a component
 * whose stencil crosses a kink would be skipped (and there must be none).
 */
class FiniteDifferenceGradientTest {

    private static final double RELATIVE_STEP = 1e-4;
    private static final double TOLERANCE = 1e-6;
    private static final double FLOOR = 1e-8;
    private static final double RELU_MARGIN = 1e-2;

    static Stream<Arguments> cases() {
        int[][] shapes = {{3, 2}, {4, 5, 3}, {3, 4, 4, 2}, {5, 3, 6, 2, 4}, {6, 8, 3}};
        List<Arguments> all = new ArrayList<>();
        for (Activation a : Activation.values()) {
            for (Loss l : Loss.values()) {
                for (int[] s : shapes) {
                    all.add(Arguments.of(a, l, s));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void everyGradientComponentMatchesCentralFiniteDifferences(Activation act, Loss loss, int[] sizes) {
        Architecture arch = new Architecture(sizes, act);
        int n0 = sizes[0];
        int k = sizes[sizes.length - 1];
        boolean hasHidden = sizes.length > 2;
        long seed = 1000L * act.ordinal() + 100L * loss.ordinal() + Arrays.hashCode(sizes);
        SplittableRandom rnd = new SplittableRandom(seed);

        double[] params = null;
        double[] x = null;
        int[] y = null;
        int[] rows = null;
        ReferenceNet.Result ref = null;
        for (int attempt = 0; ; attempt++) {
            if (attempt == 10_000) {
                fail("no relu draw keeps every pre-activation " + RELU_MARGIN + " away from 0");
            }
            int m = 5 + rnd.nextInt(3);
            params = ReferenceNet.uniform(rnd, arch.parameterCount(), -1.0, 1.0);
            x = ReferenceNet.uniform(rnd, m * n0, -1.0, 1.0);
            y = ReferenceNet.labels(rnd, m, k);
            rows = ReferenceNet.range(0, m);
            ref = ReferenceNet.run(sizes, act, loss, params, x, y, rows, true);
            if (act != Activation.RELU || !hasHidden) {
                break;
            }
            if (ref.smallestHiddenPreActivation > RELU_MARGIN && everyHiddenLayerActiveSomewhere(sizes, ref, m)) {
                break;
            }
        }
        int m = rows.length;

        // kernel vs reference: forward (loss, correct) and analytic backward
        GradientSum s = GradientSum.empty();
        double[] paramsCopy = params.clone();
        new Kernel64(arch, loss).accumulate(params, x, y, RowSelection.contiguous(0), m, s);
        assertTrue(Arrays.equals(paramsCopy, params), "accumulate must not modify the parameters");
        assertEquals(m, s.rows());
        assertEquals(ref.correct, s.correct(), "correct count");
        ReferenceNet.assertRelativeClose(ref.loss, s.loss(), 1e-12, "kernel loss sum vs reference forward");
        double[] g = s.gradient();
        ReferenceNet.assertNormwiseClose(ref.gradient, g, 1e-12, "kernel gradient vs reference backprop");

        // kernel vs finite differences of the reference loss
        int skipped = 0;
        double worst = 0.0;
        StringBuilder failures = new StringBuilder();
        double[] p = params.clone();
        for (int i = 0; i < p.length; i++) {
            double theta = p[i];
            double step = RELATIVE_STEP * Math.max(1.0, Math.abs(theta));
            double[] points = {theta + step, theta - step, theta + 2 * step, theta - 2 * step};
            double[] losses = new double[4];
            boolean kink = false;
            for (int q = 0; q < 4; q++) {
                p[i] = points[q];
                ReferenceNet.Result r = ReferenceNet.run(sizes, act, loss, p, x, y, rows, false);
                losses[q] = r.loss;
                if (act == Activation.RELU && !Arrays.equals(ref.activePattern, r.activePattern)) {
                    kink = true;
                }
            }
            p[i] = theta;
            if (kink) {
                skipped++;
                continue;
            }
            // the stencil with the steps actually representable: θ ± s and θ ± 2s are rounded
            double d1 = (losses[0] - losses[1]) / (points[0] - points[1]);
            double d2 = (losses[2] - losses[3]) / (points[2] - points[3]);
            double numeric = (4 * d1 - d2) / 3; // Richardson: cancels the O(s²) term of the two-point stencils
            double analytic = g[i];
            double rel = Math.abs(analytic - numeric) / Math.max(FLOOR, Math.abs(analytic) + Math.abs(numeric));
            worst = Math.max(worst, rel);
            if (!(rel < TOLERANCE)) {
                failures.append(String.format("%n  component %d: kernel %.17g, finite difference %.17g, relative %.3g",
                        i, analytic, numeric, rel));
            }
        }
        assertEquals(0, skipped, "components whose stencil crossed a relu kink despite the margin");
        if (failures.length() > 0) {
            fail(arch + " " + loss.id() + ": gradient components differ from finite differences:" + failures);
        }
        assertTrue(worst < TOLERANCE);
    }

    /** Each hidden layer has at least one unit with a positive pre-activation on at least one row. */
    private static boolean everyHiddenLayerActiveSomewhere(int[] sizes, ReferenceNet.Result ref, int m) {
        int hiddenPerRow = 0;
        for (int l = 1; l < sizes.length - 1; l++) {
            hiddenPerRow += sizes[l];
        }
        for (int l = 1, start = 0; l < sizes.length - 1; start += sizes[l], l++) {
            boolean any = false;
            for (int r = 0; r < m && !any; r++) {
                for (int i = 0; i < sizes[l]; i++) {
                    if (ref.activePattern[r * hiddenPerRow + start + i]) {
                        any = true;
                        break;
                    }
                }
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }
}
