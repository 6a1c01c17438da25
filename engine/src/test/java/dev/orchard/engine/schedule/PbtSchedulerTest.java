package dev.orchard.engine.schedule;

import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;
import dev.orchard.engine.trial.Direction;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PbtSchedulerTest {
    static final SearchSpace SPACE = SearchSpace.of(new UniformParam("x", 0, 10));

    /** Population 4, interval 2, 3 generations (6 steps), quantile 0.25 (so k = 1), no resampling, maximize. */
    static PbtScheduler pbt(int budget) {
        return new PbtScheduler(new PbtScheduler.Settings(4, 4, 2, 3, 0.25, 0.0),
                new SchedulerContext(SPACE, Direction.MAXIMIZE, 7, budget));
    }

    static Harness harness(PbtScheduler s, int budget) {
        return new Harness(s, budget, n -> Map.of("x", n + 1.0));
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new PbtScheduler.Settings(1, 1, 1, 1, 0.25, 0)).hasMessageContaining("population");
        assertThatThrownBy(() -> new PbtScheduler.Settings(4, 4, 1, 1, 0.6, 0)).hasMessageContaining("quantile");
        assertThatThrownBy(() -> new PbtScheduler.Settings(4, 4, 1, 1, 0, 0)).hasMessageContaining("quantile");
        assertThatThrownBy(() -> new PbtScheduler.Settings(4, 4, 0, 1, 0.25, 0)).hasMessageContaining("interval");
    }

    /**
     * Worked by hand: at step 2 trials 0, 1, 2 report 1.0, 2.0, 3.0, each the best of those reported, so they go on;
     * trial 3 reports 0.5: ranked [2 1 0 3], n = 4, k = min(⌈4·0.25⌉, 2) = 1, it is last and worse than the best (3.0):
     * it is stopped, and trial 4 continues from trial 2 (the only top member) with x = 3·0.8 or 3·1.2.
     */
    @Test
    void theBottomMemberIsReplacedByAnExploredCopyOfATopMember() {
        var s = pbt(100);
        assertThat(s.maxTrials()).isEqualTo(12); // population × generations
        var h = harness(s, 100);
        assertThat(h.next()).containsExactly("fresh 0", "fresh 1", "fresh 2", "fresh 3");
        for (int t = 0; t < 4; t++) {
            assertThat(h.report(t, 1, t)).isEqualTo(Decision.CONTINUE); // not ready before `interval` steps
        }
        assertThat(h.report(0, 2, 1.0)).isEqualTo(Decision.CONTINUE);
        assertThat(h.report(1, 2, 2.0)).isEqualTo(Decision.CONTINUE);
        assertThat(h.report(2, 2, 3.0)).isEqualTo(Decision.CONTINUE);
        Decision d = h.report(3, 2, 0.5);
        assertThat(d.kind()).isEqualTo(Decision.Kind.STOP);
        assertThat(d.done()).isFalse();
        assertThat(d.details()).containsEntry("parent", 2).containsEntry("parent_value", 3.0).containsEntry("parent_step", 2L)
                .containsEntry("rank", 4).containsEntry("population", 4).containsEntry("quantile_size", 1)
                .containsEntry("cutoff", 3.0).containsEntry("generation", 1).containsEntry("member", 3);
        assertThat(d.reason()).contains("exploit").contains("trial 2");
        assertThat(h.next()).containsExactly("derived 4 from 2");
        double x = (double) h.params.get(4).get("x");
        assertThat(x).satisfiesAnyOf(v -> assertThat(v).isCloseTo(2.4, within(1e-12)), v -> assertThat(v).isCloseTo(3.6, within(1e-12)));
        assertThat(d.details().get("params")).isEqualTo(h.params.get(4));

        // the child continues from step 2: ready again at step 4, not 3
        assertThat(h.report(4, 3, 5.0)).isEqualTo(Decision.CONTINUE);
        assertThat(h.report(1, 3, 2.0)).isEqualTo(Decision.CONTINUE);
        assertThat(h.report(2, 3, 3.0)).isEqualTo(Decision.CONTINUE);
        // trial 0 at step 4 with 0.1: ranked [4 (5.0) 2 (3.0) 1 (2.0) 0 (0.1)] → replaced from trial 4, generation 1 + 1
        Decision d2 = h.report(0, 4, 0.1);
        assertThat(d2.details()).containsEntry("parent", 4).containsEntry("generation", 2).containsEntry("parent_step", 3L);
        assertThat(h.next()).containsExactly("derived 5 from 4");

        // a member that has trained generations × interval = 6 steps is done
        Decision done = h.report(1, 6, 2.0);
        assertThat(done.done()).isTrue();
        assertThat(done.details()).containsEntry("generation", 0).containsEntry("member", 1);
        assertThat(h.next()).isEmpty();
    }

    @Test
    void aMemberTiedWithTheTopGoesOn() {
        var s = pbt(100);
        var h = harness(s, 100);
        h.next();
        for (int t = 0; t < 4; t++) {
            assertThat(h.report(t, 2, -21.0)).isEqualTo(Decision.CONTINUE);
        }
    }

    @Test
    void withoutBudgetForADerivedTrialTheBottomMemberGoesOn() {
        var s = pbt(5); // the context's budget caps the population × generations
        assertThat(s.maxTrials()).isEqualTo(5);
        var h = harness(s, 5);
        h.next();
        h.report(0, 2, 1.0);
        h.report(1, 2, 2.0);
        h.report(2, 2, 3.0);
        assertThat(h.report(3, 2, 0.5).kind()).isEqualTo(Decision.Kind.STOP);
        assertThat(h.next()).containsExactly("derived 4 from 2");
        assertThat(h.report(0, 4, -1.0)).isEqualTo(Decision.CONTINUE); // worst, but no trial left to replace it
    }

    @Test
    void everyMemberFinishingEndsTheSweep() {
        var s = pbt(100);
        var h = harness(s, 100);
        h.next();
        for (int t = 0; t < 4; t++) {
            assertThat(h.report(t, 6, 1.0).done()).isTrue();
        }
        assertThat(h.next()).isEmpty();
        assertThat(h.running).isEmpty();
    }

    @Test
    void fewerSlotsThanMembersStartsTheRestLater() {
        var s = new PbtScheduler(new PbtScheduler.Settings(3, 2, 2, 1, 0.25, 0),
                new SchedulerContext(SPACE, Direction.MINIMIZE, 1, 0));
        var h = harness(s, 100);
        assertThat(h.next()).containsExactly("fresh 0", "fresh 1");
        assertThat(h.report(0, 2, 1.0).done()).isTrue();
        assertThat(h.next()).containsExactly("fresh 2");
        assertThat(h.next()).isEmpty();
    }
}
