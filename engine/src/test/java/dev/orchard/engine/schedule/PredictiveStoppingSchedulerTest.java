package dev.orchard.engine.schedule;

import dev.orchard.engine.predict.DriftForecaster;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;
import dev.orchard.engine.trial.Direction;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PredictiveStoppingSchedulerTest {

    static PredictiveStoppingScheduler scheduler() {
        return new PredictiveStoppingScheduler(new PredictiveStoppingScheduler.Settings(2, 2, 10, 3), Direction.MAXIMIZE, new DriftForecaster(3));
    }

    /** Completed curves rise by 1 a step, from 0 to 9. */
    static void complete(PredictiveStoppingScheduler s, int trial) {
        s.onStarted(trial, Map.of("x", trial), Launch.FRESH);
        for (int step = 1; step <= 10; step++) {
            assertThat(s.onReport(trial, step, step - 1 + 0.1 * trial).kind()).isEqualTo(Decision.Kind.CONTINUE);
        }
    }

    @Test
    void stopsATrialWhoseBandCannotReachTheBestAndKeepsOneThatCan() {
        var s = scheduler();
        for (int t = 0; t < 3; t++) {
            complete(s, t);
        }
        s.onStarted(3, Map.of("x", 3), Launch.FRESH);
        assertThat(s.onReport(3, 1, -5).kind()).isEqualTo(Decision.Kind.CONTINUE); // before grace
        Decision d = s.onReport(3, 3, -5); // forecast ≈ -5 + 7 = 2, far below the best 9.2
        assertThat(d.kind()).isEqualTo(Decision.Kind.STOP);
        assertThat(d.details()).containsKeys("forecast", "band_bound", "best");
        s.onStarted(4, Map.of("x", 4), Launch.FRESH);
        assertThat(s.onReport(4, 3, 2.5).kind()).isEqualTo(Decision.Kind.CONTINUE); // forecast ≈ 9.5: may beat 9.2
    }

    @Test
    void stopsNothingBeforeMinTrialsCompletedAndSurvivesARestore() {
        var s = scheduler();
        complete(s, 0);
        s.onStarted(1, Map.of("x", 1), Launch.FRESH);
        assertThat(s.onReport(1, 3, -50).kind()).isEqualTo(Decision.Kind.CONTINUE);
        complete(s, 2);
        complete(s, 3);
        var restored = scheduler();
        restored.restore(s.state());
        assertThat(restored.onReport(1, 4, -50).kind()).isEqualTo(Decision.Kind.STOP);
    }

    @Test
    void theSpecNamesABadModelDirectory() {
        var spec = SchedulerSpec.predictive(2, 1, 10, 3, "/no/such/model");
        assertThatThrownBy(() -> Schedulers.validate(spec)).isInstanceOf(SchedulerSpecException.class).hasMessageContaining("model");
        var ctx = new SchedulerContext(SearchSpace.of(new UniformParam("x", 0, 1)), Direction.MAXIMIZE, 1, 10);
        assertThat(Schedulers.create(SchedulerSpec.predictive(2, 1, 10, 3, null), ctx)).isInstanceOf(PredictiveStoppingScheduler.class);
    }
}
