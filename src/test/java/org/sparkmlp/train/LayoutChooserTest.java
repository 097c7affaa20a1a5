package org.sparkmlp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

class LayoutChooserTest {
    /** Runs {@code steps} steps whose time is {@code nanos(shift)}; returns the shift of each step. */
    private static List<Integer> run(LayoutChooser chooser, int steps, IntToLongFunction nanos) {
        List<Integer> shifts = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            int shift = chooser.shift();
            shifts.add(shift);
            chooser.observe(nanos.applyAsLong(shift));
        }
        return shifts;
    }

    @Test
    void timesTheCandidatesInTurnThenHoldsTheQuickest() {
        LayoutChooser chooser = new LayoutChooser(new int[] {0, 1}, 0);
        List<Integer> shifts = run(chooser, 2 * LayoutChooser.TRIAL + LayoutChooser.HOLD,
                shift -> shift == 1 ? 4_000_000 : 6_000_000);
        for (int i = 0; i < 2 * LayoutChooser.TRIAL; i++) {
            assertEquals(i % 2, shifts.get(i), "turns alternate, step " + i);
        }
        for (int i = 2 * LayoutChooser.TRIAL; i < shifts.size(); i++) {
            assertEquals(1, shifts.get(i), "the quicker layout holds, step " + i);
        }
        // The next round of turns starts again.
        assertEquals(0, chooser.shift());
    }

    @Test
    void followsAChangeOfTheQuickestAtTheNextRound() {
        LayoutChooser chooser = new LayoutChooser(new int[] {0, 1}, 0);
        int round = 2 * LayoutChooser.TRIAL + LayoutChooser.HOLD;
        run(chooser, round, shift -> shift == 1 ? 4_000_000 : 6_000_000);
        List<Integer> shifts = run(chooser, round, shift -> shift == 1 ? 9_000_000 : 6_000_000);
        assertEquals(0, shifts.get(shifts.size() - 1), "the other layout became quicker");
    }

    @Test
    void aTieOrANoisyEdgeKeepsTheFirstCandidate() {
        LayoutChooser chooser = new LayoutChooser(new int[] {0, 1}, 0);
        List<Integer> shifts = run(chooser, 2 * LayoutChooser.TRIAL + 5,
                shift -> shift == 1 ? 5_900_000 : 6_000_000); // 1.7 % quicker: within the margin
        assertEquals(0, shifts.get(shifts.size() - 1));
    }

    @Test
    void theMedianIgnoresOneSlowStep() {
        LayoutChooser chooser = new LayoutChooser(new int[] {0, 1}, 0);
        int[] seen = new int[2];
        List<Integer> shifts = run(chooser, 2 * LayoutChooser.TRIAL + 5,
                shift -> seen[shift]++ == 0 && shift == 1 ? 90_000_000 : shift == 1 ? 4_000_000 : 6_000_000);
        assertEquals(1, shifts.get(shifts.size() - 1), "the first grouped step was slow (a new stage), the rest quick");
    }

    @Test
    void aSingleCandidateIsNeverTimed() {
        LayoutChooser chooser = new LayoutChooser(new int[] {0}, 0);
        assertEquals(List.of(0, 0, 0), run(chooser, 3, shift -> 1));
        assertThrows(IllegalArgumentException.class, () -> new LayoutChooser(new int[0], 0));
        assertThrows(IllegalArgumentException.class, () -> new LayoutChooser(new int[] {0, 1}, -1));
    }

    @Test
    void holdsTheFirstCandidateThroughTheWarmUpAndThenTakesTurns() {
        int warmup = 5;
        LayoutChooser chooser = new LayoutChooser(new int[] {0, 1}, warmup);
        List<Integer> shifts = run(chooser, warmup + 2 * LayoutChooser.TRIAL + 1,
                shift -> shift == 1 ? 4_000_000 : 6_000_000);
        assertEquals(List.of(0, 0, 0, 0, 0), shifts.subList(0, warmup), "the warm-up");
        for (int i = warmup; i < warmup + 2 * LayoutChooser.TRIAL; i++) {
            assertEquals((i - warmup) % 2, shifts.get(i), "turns alternate after the warm-up, step " + i);
        }
        assertEquals(1, shifts.get(shifts.size() - 1), "then the quicker layout holds");
    }
}
