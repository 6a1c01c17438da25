package dev.orchard.engine.schedule;

import dev.orchard.engine.schedule.AshaScheduler.Mode;
import dev.orchard.engine.schedule.Scheduler.SweepView;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** ASHA's rungs, cut-offs and promotions, against values worked out by hand. */
class AshaSchedulerTest {

    static AshaScheduler asha(long grace, double eta, long max, Mode mode, Direction d) {
        return new AshaScheduler(new AshaScheduler.Settings(2, grace, eta, max, mode), d);
    }

    @Test
    void rungsAreGraceTimesPowersOfEtaBelowMaxSteps() {
        assertThat(asha(1, 3, 81, Mode.STOP, Direction.MINIMIZE).rungSteps()).containsExactly(1, 3, 9, 27);
        assertThat(asha(1, 3, 82, Mode.STOP, Direction.MINIMIZE).rungSteps()).containsExactly(1, 3, 9, 27, 81);
        assertThat(asha(4, 3, 100, Mode.STOP, Direction.MINIMIZE).rungSteps()).containsExactly(4, 12, 36);
        // 2·2.5^k = 2, 5, 12.5, 31.25 → floors
        assertThat(asha(2, 2.5, 40, Mode.STOP, Direction.MINIMIZE).rungSteps()).containsExactly(2, 5, 12, 31);
        // η close to 1: repeated floors are dropped
        assertThat(asha(1, 1.2, 3, Mode.STOP, Direction.MINIMIZE).rungSteps()).containsExactly(1, 2);
        assertThat(asha(5, 3, 5, Mode.STOP, Direction.MINIMIZE).rungSteps()).isEmpty();
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new AshaScheduler.Settings(1, 1, 1.0, 10, Mode.STOP)).hasMessageContaining("eta");
        assertThatThrownBy(() -> new AshaScheduler.Settings(1, 0, 3, 10, Mode.STOP)).hasMessageContaining("grace");
        assertThatThrownBy(() -> new AshaScheduler.Settings(1, 11, 3, 10, Mode.STOP)).hasMessageContaining("max_steps");
    }

    /**
     * η = 3, so the cut-off is the 2/3-quantile of the values recorded before (NumPy's linear rule, h = (n − 1)·2/3):
     * <pre>
     * t0 0.5   nothing recorded                        → continue
     * t1 0.3   [0.5]            cut-off 0.5            → stop (rank 2 of 2)
     * t2 0.9   [0.3 0.5]        h = 2/3: 0.4333…       → continue
     * t3 0.45  [0.3 0.5 0.9]    h = 4/3: 0.6333…       → stop (rank 3 of 4)
     * t4 0.7   [0.3 0.45 0.5 0.9] h = 2: 0.5           → continue
     * t4 at step 3 (rung 1) is the first there         → continue; t2 at step 4 → rung 1, cut-off 0.7 → stop with 0.6
     * </pre>
     */
    @Test
    void stopModeGoldenCutoffsWhenMaximizing() {
        var s = asha(1, 3, 9, Mode.STOP, Direction.MAXIMIZE);
        assertThat(s.onReport(0, 1, 0.5)).isEqualTo(Decision.CONTINUE);
        Decision d1 = s.onReport(1, 1, 0.3);
        assertThat(d1.kind()).isEqualTo(Decision.Kind.STOP);
        assertThat(d1.details()).containsEntry("rung", 0).containsEntry("rung_step", 1L).containsEntry("cutoff", 0.5)
                .containsEntry("rank", 2).containsEntry("recorded", 2);
        assertThat(s.onReport(2, 1, 0.9).kind()).isEqualTo(Decision.Kind.CONTINUE);
        Decision d3 = s.onReport(3, 1, 0.45);
        assertThat(d3.kind()).isEqualTo(Decision.Kind.STOP);
        assertThat((double) d3.details().get("cutoff")).isCloseTo(0.5 + 0.4 / 3, within(1e-12));
        assertThat(d3.details()).containsEntry("rank", 3).containsEntry("recorded", 4);
        assertThat(d3.reason()).contains("top 1/3").contains("rung 0");
        assertThat(s.onReport(4, 1, 0.7).kind()).isEqualTo(Decision.Kind.CONTINUE);
        assertThat(s.onReport(4, 2, 0.1)).isEqualTo(Decision.CONTINUE); // between rungs: nothing recorded
        assertThat(s.onReport(4, 3, 0.7)).isEqualTo(Decision.CONTINUE);
        Decision d2 = s.onReport(2, 4, 0.6);
        assertThat(d2.kind()).isEqualTo(Decision.Kind.STOP);
        assertThat(d2.details()).containsEntry("rung", 1).containsEntry("rung_step", 3L).containsEntry("cutoff", 0.7);
    }

    /** The same rule on losses: the cut-off is the 1/3-quantile of the losses; a loss strictly above it stops. */
    @Test
    void stopModeGoldenCutoffsWhenMinimizing() {
        var s = asha(1, 3, 9, Mode.STOP, Direction.MINIMIZE);
        assertThat(s.onReport(0, 1, 0.5).kind()).isEqualTo(Decision.Kind.CONTINUE);
        Decision d1 = s.onReport(1, 1, 0.7);
        assertThat(d1.kind()).isEqualTo(Decision.Kind.STOP);
        assertThat(d1.details()).containsEntry("cutoff", 0.5);
        // [0.5 0.7]: 1/3-quantile h = 1/3 → 0.5 + 0.2/3 = 0.5667; 0.1 is better
        assertThat(s.onReport(2, 1, 0.1).kind()).isEqualTo(Decision.Kind.CONTINUE);
        // [0.1 0.5 0.7]: h = 2/3 → 0.1 + 0.4·2/3 = 0.3667; 0.55 is worse
        Decision d3 = s.onReport(3, 1, 0.55);
        assertThat(d3.kind()).isEqualTo(Decision.Kind.STOP);
        assertThat((double) d3.details().get("cutoff")).isCloseTo(0.1 + 0.4 * 2 / 3, within(1e-12));
        // a value equal to the cut-off is not strictly worse: [0.1 0.5 0.55 0.7] h = 1 → 0.5
        assertThat(s.onReport(4, 1, 0.5).kind()).isEqualTo(Decision.Kind.CONTINUE);
    }

    @Test
    void aCoarseReportRecordsAtTheHighestRungPassedAndNeverFillsALowerOne() {
        var s = asha(1, 3, 27, Mode.STOP, Direction.MAXIMIZE);
        s.onReport(0, 5, 1.0); // passes rungs 1 and 3: recorded at rung 1 (step 3) only
        s.onReport(0, 6, 0.0);
        @SuppressWarnings("unchecked")
        var rungs = (List<Map<String, Object>>) s.state().get("rungs");
        assertThat(rungs.get(0).get("recorded")).isEqualTo(List.of());
        assertThat(rungs.get(1).get("recorded")).isEqualTo(List.of(List.of(0, 1.0)));
        // a second trial is compared at rung 1 with trial 0's value there
        assertThat(s.onReport(1, 3, 0.5).details()).containsEntry("rung", 1).containsEntry("cutoff", 1.0);
    }

    @Test
    void reachingMaxStepsIsADoneStop() {
        var s = asha(1, 3, 9, Mode.STOP, Direction.MAXIMIZE);
        s.onReport(0, 1, 1.0);
        s.onReport(0, 3, 1.0);
        assertThat(s.onReport(0, 8, 1.0)).isEqualTo(Decision.CONTINUE);
        Decision d = s.onReport(0, 9, 1.0);
        assertThat(d.kind()).isEqualTo(Decision.Kind.STOP);
        assertThat(d.done()).isTrue();
        assertThat(d.details()).containsEntry("max_steps", 9L);
        // a trial that is stopped at a rung on its last step is pruned, not done
        s.onReport(1, 1, 1.0);
        assertThat(s.onReport(1, 9, 0.0).done()).isFalse();
    }

    @Test
    void stopModeFillsFreeSlotsWithinTheBudget() {
        var s = asha(1, 3, 9, Mode.STOP, Direction.MAXIMIZE);
        assertThat(s.next(new SweepView(0, 2, 10))).containsExactly(Launch.FRESH, Launch.FRESH);
        assertThat(s.next(new SweepView(1, 1, 0))).isEmpty();
    }

    /**
     * Promotion, worked by hand: η = 3, rungs at steps 1 and 3, max 9, two slots, budget 6.
     * A rung with n recorded lets its top ⌊n/3⌋ go on.
     */
    @Test
    void promoteModeGoldenSequence() {
        var s = new AshaScheduler(new AshaScheduler.Settings(2, 1, 3, 9, Mode.PROMOTE), Direction.MAXIMIZE);
        var h = new Harness(s, 6);
        assertThat(h.next()).containsExactly("fresh 0", "fresh 1");
        Decision p0 = h.report(0, 1, 0.2);
        assertThat(p0.kind()).isEqualTo(Decision.Kind.PAUSE);
        assertThat(p0.details()).containsEntry("rung", 0).containsEntry("recorded", 1).containsEntry("promotable", 0);
        assertThat(h.next()).containsExactly("fresh 2"); // rung 0: n = 1, ⌊1/3⌋ = 0
        h.report(1, 1, 0.8);
        assertThat(h.next()).containsExactly("fresh 3"); // n = 2: still none
        h.report(2, 1, 0.5);
        assertThat(h.next()).containsExactly("resume 1"); // n = 3: the top 1 is trial 1 (0.8)
        assertThat(h.resumeReasons.get(0)).contains("rung 0").contains("rank 1 of 3").contains("step 3");
        h.report(3, 1, 0.9);
        assertThat(h.next()).containsExactly("resume 3"); // n = 4: top 1 is trial 3 (0.9)
        assertThat(h.report(1, 2, 0.8)).isEqualTo(Decision.CONTINUE);
        Decision p1 = h.report(1, 3, 0.85);
        assertThat(p1.details()).containsEntry("rung", 1).containsEntry("rung_step", 3L);
        assertThat(h.next()).containsExactly("fresh 4"); // rung 1: n = 1; rung 0's top 1 (trial 3) was promoted
        h.report(3, 3, 0.95);
        assertThat(h.next()).containsExactly("fresh 5"); // budget now spent
        h.report(4, 1, 0.1);
        assertThat(h.next()).isEmpty(); // rung 0: n = 5, top 1 = trial 3, promoted already
        h.report(5, 1, 0.85);
        // rung 0: n = 6, top 2 = trials 3 (0.9) and 5 (0.85): trial 5 goes on
        assertThat(h.next()).containsExactly("resume 5");
        h.report(5, 3, 0.99);
        // rung 1: n = 3 (0.85, 0.95, 0.99): top 1 = trial 5, promoted to max_steps
        assertThat(h.next()).containsExactly("resume 5");
        assertThat(h.resumeReasons.get(h.resumeReasons.size() - 1)).contains("rung 1").contains("runs to step 9");
        Decision done = h.report(5, 9, 1.0);
        assertThat(done.done()).isTrue();
        assertThat(h.next()).isEmpty();
        assertThat(h.running).isEmpty(); // the sweep ends; the others stay paused
        assertThat(s.paused()).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    }

    @Test
    void aPausedTrialThatEndsOtherwiseIsNotPromoted() {
        var s = new AshaScheduler(new AshaScheduler.Settings(3, 1, 3, 9, Mode.PROMOTE), Direction.MAXIMIZE);
        for (int t = 0; t < 3; t++) {
            s.onStarted(t, Map.of(), Launch.FRESH);
            assertThat(s.onReport(t, 1, t).kind()).isEqualTo(Decision.Kind.PAUSE);
        }
        s.onEnded(0, TrialState.PAUSED, OptionalDouble.of(0), 1);
        s.onEnded(1, TrialState.PAUSED, OptionalDouble.of(1), 1);
        // trial 2 (the best) has been told to pause but has not yet: not resumable
        assertThat(s.next(new SweepView(1, 2, 0))).isEmpty();
        s.onEnded(2, TrialState.FAILED, OptionalDouble.empty(), 1);
        assertThat(s.next(new SweepView(0, 3, 0))).isEmpty(); // the top 1 failed: no one else is promoted in its place
    }
}
