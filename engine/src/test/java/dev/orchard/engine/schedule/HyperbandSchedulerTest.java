package dev.orchard.engine.schedule;

import dev.orchard.engine.schedule.AshaScheduler.Mode;
import dev.orchard.engine.trial.Direction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HyperbandSchedulerTest {

    static HyperbandScheduler hyperband(long grace, double eta, long max, Mode mode) {
        return new HyperbandScheduler(new AshaScheduler.Settings(4, grace, eta, max, mode), Direction.MAXIMIZE);
    }

    /** Li et al. 2018, Table 1 (R = 81, η = 3): the brackets get 81, 34, 15, 8 and 5 configurations. */
    @Test
    void bracketWeightsAreTheOriginalHyperbandCounts() {
        var h = hyperband(1, 3, 81, Mode.STOP);
        assertThat(HyperbandScheduler.sMax(1, 3, 81)).isEqualTo(4);
        assertThat(h.brackets()).isEqualTo(5);
        assertThat(h.weights()).containsExactly(81, 34, 15, 8, 5);
        assertThat(h.rungSteps(0)).containsExactly(1, 3, 9, 27);
        assertThat(h.rungSteps(1)).containsExactly(3, 9, 27);
        assertThat(h.rungSteps(3)).containsExactly(27);
        assertThat(h.rungSteps(4)).isEmpty(); // grace 81 = max_steps: every trial runs to the end
    }

    @Test
    void sMaxIsFloorOfLogWithoutRoundingTrouble() {
        assertThat(HyperbandScheduler.sMax(4, 3, 100)).isEqualTo(2); // 4·27 = 108 > 100
        assertThat(HyperbandScheduler.sMax(1, 3, 26)).isEqualTo(2);
        assertThat(HyperbandScheduler.sMax(1, 3, 27)).isEqualTo(3);
        assertThat(HyperbandScheduler.sMax(5, 2, 5)).isZero();
        assertThat(HyperbandScheduler.weights(2, 3)).containsExactly(9, 5, 3); // ⌈3·9/3⌉, ⌈3·3/2⌉, ⌈3·1/1⌉
    }

    /**
     * Smooth weighted round-robin over weights 81, 34, 15, 8, 5 (total 143), worked by hand:
     * credits after adding [81 34 15 8 5] → 0 takes it → [−62 34 15 8 5]; next [19 68 30 16 10] → 1; then
     * [100 −41 45 24 15] → 0; [38 −7 60 32 20] → 2; [119 27 −68 40 25] → 0; [57 61 −53 48 30] → 1.
     */
    @Test
    void trialsJoinBracketsByWeightedRoundRobin() {
        var h = hyperband(1, 3, 81, Mode.STOP);
        var first = new ArrayList<Integer>();
        for (int t = 0; t < 6; t++) {
            h.onStarted(t, Map.of(), Launch.FRESH);
            first.add(h.bracketOf(t).orElseThrow());
        }
        assertThat(first).containsExactly(0, 1, 0, 2, 0, 1);
        int[] counts = new int[5];
        for (int t = 0; t < 143; t++) {
            h.onStarted(1000 + t, Map.of(), Launch.FRESH);
            counts[h.bracketOf(1000 + t).orElseThrow()]++;
        }
        assertThat(counts).containsExactly(81, 34, 15, 8, 5); // exactly proportional over one full cycle
        h.onStarted(0, Map.of(), new Launch.Resume(0, "")); // a resumed trial keeps its bracket
        assertThat(h.bracketOf(0)).hasValue(0);
    }

    @Test
    void decisionsHappenWithinTheTrialsBracketAndNameIt() {
        var h = hyperband(1, 3, 9, Mode.STOP); // brackets: grace 1 (rungs 1, 3), 3 (rung 3), 9 (none); weights 9, 5, 3
        assertThat(h.weights()).containsExactly(9, 5, 3); // credits: [9 5 3] → 0, [1 10 6] → 1, [10 −2 9] → 0
        for (int t = 0; t < 3; t++) {
            h.onStarted(t, Map.of(), Launch.FRESH);
        }
        assertThat(h.bracketOf(0)).hasValue(0);
        assertThat(h.bracketOf(1)).hasValue(1);
        assertThat(h.bracketOf(2)).hasValue(0);
        assertThat(h.onReport(0, 1, 0.9)).isEqualTo(Decision.CONTINUE);
        Decision d = h.onReport(2, 1, 0.1); // bracket 0, rung at step 1, below trial 0
        assertThat(d.kind()).isEqualTo(Decision.Kind.STOP);
        assertThat(d.details()).containsEntry("bracket", 0).containsEntry("rung_step", 1L).containsEntry("cutoff", 0.9);
        assertThat(h.onReport(1, 1, 0.0)).isEqualTo(Decision.CONTINUE); // bracket 1 has no rung at step 1
        assertThat(h.onReport(1, 3, 0.0)).isEqualTo(Decision.CONTINUE); // first at its rung
        assertThat(h.onReport(1, 9, 0.0).done()).isTrue();
    }

    @Test
    void promoteModePromotesWithinBrackets() {
        var s = new HyperbandScheduler(new AshaScheduler.Settings(1, 1, 2, 4, Mode.PROMOTE), Direction.MINIMIZE);
        // brackets: grace 1 (rungs 1, 2), grace 2 (rung 2), grace 4 (none); weights ⌈3·4/3⌉ = 4, ⌈3·2/2⌉ = 3, 3
        assertThat(s.weights()).containsExactly(4, 3, 3);
        var h = new Harness(s, 10);
        assertThat(h.next()).containsExactly("fresh 0"); // bracket 0
        assertThat(h.report(0, 1, 5.0).kind()).isEqualTo(Decision.Kind.PAUSE);
        assertThat(h.next()).containsExactly("fresh 1"); // bracket 1
        assertThat(h.report(1, 1, 1.0)).isEqualTo(Decision.CONTINUE);
        assertThat(h.report(1, 2, 1.0).details()).containsEntry("bracket", 1).containsEntry("rung_step", 2L);
        assertThat(h.next()).containsExactly("fresh 2"); // bracket 2
        assertThat(h.report(2, 4, 3.0).done()).isTrue();
        assertThat(h.next()).containsExactly("fresh 3"); // bracket 0 again
        h.report(3, 1, 4.0); // bracket 0, rung 0: n = 2, ⌊2/2⌋ = 1 → trial 3 (4.0 < 5.0) is promoted
        assertThat(h.next()).containsExactly("resume 3");
        assertThat(h.resumeReasons.get(0)).startsWith("bracket 0:");
    }
}
