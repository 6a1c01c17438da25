package dev.orchard.engine.trial;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Trial values, states and directions as stored and shown. */
class TrialModelTest {

    @Test
    void trialStatesHaveWireNamesAndFinalStates() {
        for (TrialState s : TrialState.values()) {
            assertThat(TrialState.parse(s.wire())).isEqualTo(s);
            assertThat(TrialState.parse(s.wire().toUpperCase())).isEqualTo(s);
        }
        assertThat(List.of(TrialState.values())).filteredOn(TrialState::finished)
                .containsExactly(TrialState.COMPLETED, TrialState.FAILED, TrialState.PRUNED, TrialState.STOPPED);
        assertThatThrownBy(() -> TrialState.parse("done")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown trial state 'done'").hasMessageContaining("completed");
    }

    @Test
    void experimentStatusesHaveWireNamesAndFinalStates() {
        for (ExperimentStatus s : ExperimentStatus.values()) {
            assertThat(ExperimentStatus.parse(s.wire())).isEqualTo(s);
        }
        assertThat(List.of(ExperimentStatus.values())).filteredOn(ExperimentStatus::finished).containsExactly(
                ExperimentStatus.COMPLETED, ExperimentStatus.STOPPED, ExperimentStatus.FAILED, ExperimentStatus.INTERRUPTED);
    }

    @Test
    void directionComparesAndNeverPrefersNaN() {
        assertThat(Direction.MINIMIZE.better(1, 2)).isTrue();
        assertThat(Direction.MAXIMIZE.better(1, 2)).isFalse();
        assertThat(Direction.MINIMIZE.better(1, 1)).isFalse();
        assertThat(Direction.MINIMIZE.better(Double.NaN, 1)).isFalse();
        assertThat(Direction.MAXIMIZE.better(1, Double.NaN)).isTrue();
        assertThat(Direction.MAXIMIZE.toLoss(3)).isEqualTo(-3);
        assertThat(Direction.MINIMIZE.toLoss(3)).isEqualTo(3);
        assertThat(Direction.parse("Maximize")).isEqualTo(Direction.MAXIMIZE);
        assertThatThrownBy(() -> Direction.parse("up")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minimize or maximize");
    }

    @Test
    void finishKeepsIdentityParamsAndStart() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        var params = new LinkedHashMap<String, Object>();
        params.put("b", 1);
        params.put("a", "x");
        Trial t = Trial.started(3, 5, params, t0);
        params.put("c", 2); // the trial keeps its own copy
        assertThat(t.state()).isEqualTo(TrialState.RUNNING);
        assertThat(t.lastStep()).isEqualTo(-1);
        assertThat(t.finishedAt()).isEmpty();
        assertThat(List.copyOf(t.params().keySet())).containsExactly("b", "a");
        Trial done = t.finish(TrialState.COMPLETED, OptionalDouble.of(1.5), 9, Optional.empty(), t0.plusSeconds(2));
        assertThat(done.experimentId()).isEqualTo(3);
        assertThat(done.number()).isEqualTo(5);
        assertThat(done.params()).isEqualTo(t.params());
        assertThat(done.startedAt()).isEqualTo(t0);
        assertThat(done.finishedAt()).contains(t0.plusSeconds(2));
        assertThatThrownBy(() -> done.params().put("z", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void resultFactories() {
        assertThat(TrialResult.completed(2.5, 4)).isEqualTo(new TrialResult(TrialState.COMPLETED, OptionalDouble.of(2.5), 4, Optional.empty()));
        assertThat(TrialResult.failed("x", -1).error()).contains("x");
        assertThat(TrialResult.stopped(3).state()).isEqualTo(TrialState.STOPPED);
        assertThat(TrialResult.stopped(3).value()).isEmpty();
    }
}
