package dev.orchard.engine.schedule;

import dev.orchard.engine.trial.Direction;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The median rule against values worked out by hand (minimizing unless said). */
class MedianStoppingSchedulerTest {

    static MedianStoppingScheduler median(long grace, int minTrials, Direction d) {
        return new MedianStoppingScheduler(new MedianStoppingScheduler.Settings(2, grace, minTrials), d);
    }

    /**
     * A reports 1.0 0.8 0.6 0.4 at steps 1–4, B 2.0 1.0 0.9 0.5. C reports 3.0 at step 1 (before grace 2), then 2.5 at
     * step 2: the running averages at step 2 are A (1.0+0.8)/2 = 0.9 and B (2.0+1.0)/2 = 1.5, median 1.2; C's best 2.5 is
     * worse → stop. D reports 0.5 then 1.3: its best 0.5 beats the median of A 0.9, B 1.5, C (3.0+2.5)/2 = 2.75 → goes on.
     */
    @Test
    void goldenMedianOfRunningAverages() {
        var s = median(2, 2, Direction.MINIMIZE);
        double[] a = {1.0, 0.8, 0.6, 0.4};
        double[] b = {2.0, 1.0, 0.9, 0.5};
        for (int i = 0; i < 4; i++) {
            assertThat(s.onReport(0, i + 1, a[i])).isEqualTo(Decision.CONTINUE); // alone
        }
        for (int i = 0; i < 4; i++) {
            assertThat(s.onReport(1, i + 1, b[i])).isEqualTo(Decision.CONTINUE); // one other trial < min_trials 2
        }
        assertThat(s.onReport(2, 1, 3.0)).isEqualTo(Decision.CONTINUE); // before grace
        Decision d = s.onReport(2, 2, 2.5);
        assertThat(d.kind()).isEqualTo(Decision.Kind.STOP);
        assertThat((double) d.details().get("median")).isCloseTo(1.2, within(1e-12));
        assertThat(d.details()).containsEntry("best", 2.5).containsEntry("compared", 2).containsEntry("step", 2L);
        assertThat(d.reason()).contains("median");
        assertThat(s.onReport(3, 1, 0.5)).isEqualTo(Decision.CONTINUE);
        assertThat(s.onReport(3, 2, 1.3)).isEqualTo(Decision.CONTINUE);
        // at step 3 only A and B have reached it (C stopped at 2): averages 0.8 and 1.3, median 1.05; D's best 0.5 → go on
        assertThat(s.onReport(3, 3, 4.0)).isEqualTo(Decision.CONTINUE);
    }

    @Test
    void bestSoFarIsComparedSoAnEarlyGoodValueProtects() {
        var s = median(1, 1, Direction.MAXIMIZE);
        s.onReport(0, 1, 0.5);
        s.onReport(0, 2, 0.5);
        assertThat(s.onReport(1, 1, 0.6)).isEqualTo(Decision.CONTINUE); // 0.6 ≥ median 0.5
        assertThat(s.onReport(1, 2, 0.1)).isEqualTo(Decision.CONTINUE); // best so far 0.6 still ≥ 0.5
        Decision d = s.onReport(2, 2, 0.4); // others at 2: A avg 0.5, B avg 0.35 → median 0.425; 0.4 worse
        assertThat(d.kind()).isEqualTo(Decision.Kind.STOP);
        assertThat((double) d.details().get("median")).isCloseTo(0.425, within(1e-12));
    }

    @Test
    void trialsThatHaveNotReachedTheStepAreNotCompared() {
        var s = median(1, 1, Direction.MINIMIZE);
        s.onReport(0, 10, 1.0); // first report at step 10: no running average at step 5
        s.onReport(1, 1, 9.0);
        assertThat(s.onReport(1, 5, 9.0)).isEqualTo(Decision.CONTINUE);
        assertThat(s.onReport(1, 10, 9.0).kind()).isEqualTo(Decision.Kind.STOP);
    }

    @Test
    void aRestartedTrialReplacesItsLaterHistory() {
        var s = median(1, 1, Direction.MINIMIZE);
        s.onReport(0, 1, 1.0);
        s.onReport(0, 2, 1.0);
        s.onReport(1, 1, 0.1);
        s.onReport(1, 2, 0.1);
        s.onReport(1, 3, 0.1);
        // trial 1 restarts from step 1: its reports at 2 and 3 are gone, so it has not reached step 2 any more
        s.onReport(1, 1, 5.0);
        assertThat(s.onReport(0, 2, 1.0)).isEqualTo(Decision.CONTINUE);
        assertThat(s.state().toString()).contains("1=[[1, 5.0]]");
    }
}
