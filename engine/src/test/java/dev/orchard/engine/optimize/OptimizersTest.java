package dev.orchard.engine.optimize;

import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.SpaceException;
import dev.orchard.engine.space.UniformParam;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry of optimizers and the observations they are told. */
class OptimizersTest {

    static final SearchSpace SPACE = SearchSpace.of(new UniformParam("x", 0, 1));

    @Test
    void registryListsTheBuiltInsSortedWithDescriptions() {
        var all = Optimizers.available();
        assertThat(all).containsKeys("random", "sobol");
        assertThat(List.copyOf(all.keySet())).isSorted();
        all.forEach((name, p) -> {
            assertThat(p.name()).isEqualTo(name);
            assertThat(p.description()).isNotBlank();
        });
        assertThat(Optimizers.create("random", new OptimizerContext(SPACE, Direction.MINIMIZE, 1))).isInstanceOf(RandomOptimizer.class);
        assertThat(Optimizers.create("SOBOL", new OptimizerContext(SPACE, Direction.MAXIMIZE, 1))).isInstanceOf(SobolOptimizer.class);
    }

    @Test
    void unknownNameListsTheValidOnes() {
        assertThatThrownBy(() -> Optimizers.create("bayesian-magic", new OptimizerContext(SPACE, Direction.MINIMIZE, 1)))
                .isInstanceOf(Optimizers.UnknownOptimizerException.class)
                .hasMessageContaining("unknown optimizer 'bayesian-magic'")
                .hasMessageContaining("random").hasMessageContaining("sobol");
        assertThatThrownBy(() -> Optimizers.checkName("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("valid optimizers: ");
        assertThatThrownBy(() -> Optimizers.checkName(null)).isInstanceOf(IllegalArgumentException.class);
        Optimizers.checkName("Random");
    }

    @Test
    void anInvalidSpaceIsRejectedBeforeTheOptimizerIsBuilt() {
        var bad = new SearchSpace(List.of(new UniformParam("x", 1, 0)));
        assertThatThrownBy(() -> Optimizers.create("sobol", new OptimizerContext(bad, Direction.MINIMIZE, 1)))
                .isInstanceOf(SpaceException.class).hasMessageContaining("parameter 'x'");
    }

    @Test
    void observationRejectsNonFiniteValues() {
        Map<String, Object> p = Map.of("x", 0.5);
        for (double bad : new double[]{Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertThatThrownBy(() -> Observation.completed(3, p, bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("trial 3").hasMessageContaining("finite");
            assertThatThrownBy(() -> new Observation(3, p, TrialState.PRUNED, OptionalDouble.of(bad)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void completedOrPrunedObservationNeedsAValue() {
        Map<String, Object> p = Map.of("x", 0.5);
        assertThatThrownBy(() -> new Observation(4, p, TrialState.COMPLETED, OptionalDouble.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trial 4")
                .hasMessageContaining("completed trial needs a value");
        assertThatThrownBy(() -> new Observation(4, p, TrialState.PRUNED, OptionalDouble.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pruned");
    }

    @Test
    void observationNeedsAFinalState() {
        assertThatThrownBy(() -> new Observation(1, Map.of(), TrialState.RUNNING, OptionalDouble.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("final state").hasMessageContaining("running");
        assertThatThrownBy(() -> new Observation(1, Map.of(), TrialState.PENDING, OptionalDouble.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        var failed = Observation.failed(2, Map.of("x", 0.1));
        assertThat(failed.value()).isEmpty();
        assertThat(failed.state()).isEqualTo(TrialState.FAILED);
        var ok = Observation.completed(2, Map.of("x", 0.1), -1.5);
        assertThat(ok.value()).hasValue(-1.5);
        assertThat(new Observation(5, Map.of(), TrialState.STOPPED, OptionalDouble.empty()).value()).isEmpty();
    }

    @Test
    void seedStreamsAreReproducibleAndIndependent() {
        assertThat(Seeds.stream(9, 0).nextLong()).isEqualTo(Seeds.stream(9, 0).nextLong());
        assertThat(Seeds.stream(9, 0).nextLong()).isNotEqualTo(Seeds.stream(9, 1).nextLong());
        assertThat(Seeds.stream(9, 0).nextLong()).isNotEqualTo(Seeds.stream(10, 0).nextLong());
    }
}
