package dev.orchard.engine.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.IntParam;
import dev.orchard.engine.space.LogUniformParam;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;
import dev.orchard.engine.trial.Direction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Seeds everywhere: the same seed gives the same suggestions, and state()/restore() continues the exact sequence. */
class OptimizerReproducibilityTest {

    static final SearchSpace SPACE = SearchSpace.of(
            new UniformParam("x", -5, 10),
            new LogUniformParam("lr", 1e-5, 1),
            new IntParam("depth", 1, 8, false),
            new IntParam("width", 8, 1024, true),
            new ChoiceParam("act", List.of("relu", "tanh", "gelu")));

    static Optimizer create(String name, long seed) {
        return Optimizers.create(name, new OptimizerContext(SPACE, Direction.MINIMIZE, seed));
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "sobol"})
    void sameSeedGivesSameSuggestions(String name) {
        var a = create(name, 42).suggest(20);
        var b = create(name, 42).suggest(20);
        assertThat(a).hasSize(20).isEqualTo(b);
        // and asking in different chunk sizes does not change the sequence
        Optimizer c = create(name, 42);
        var chunked = new ArrayList<Map<String, Object>>();
        for (int n : new int[]{1, 3, 7, 9}) {
            chunked.addAll(c.suggest(n));
        }
        assertThat(chunked).isEqualTo(a);
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "sobol"})
    void differentSeedsGiveDifferentSuggestions(String name) {
        var a = create(name, 1).suggest(8);
        var b = create(name, 2).suggest(8);
        assertThat(a).isNotEqualTo(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).get("x")).as("suggestion %d", i).isNotEqualTo(b.get(i).get("x"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "sobol"})
    void restoredOptimizerContinuesTheExactSequence(String name) {
        Optimizer first = create(name, 7);
        first.suggest(13);
        for (int i = 0; i < 13; i++) {
            first.observe(Observation.completed(i, Map.of("x", 0.0), i));
        }
        JsonNode state = first.state();
        // the state survives a trip through JSON text (it is stored with checkpoints)
        JsonNode stored = Json.tree(Json.readMap(Json.write(state)));
        var expected = first.suggest(11);

        Optimizer second = create(name, 7);
        second.restore(stored);
        assertThat(second.suggest(11)).isEqualTo(expected);
        assertThat(second.state()).isEqualTo(first.state());
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "sobol"})
    void suggestionsAreValidConfigurationsOfTheSpace(String name) {
        for (Map<String, Object> c : create(name, 3).suggest(200)) {
            assertThat(List.copyOf(c.keySet())).containsExactly("x", "lr", "depth", "width", "act");
            double[] u = SPACE.toUnit(c); // throws for anything out of range
            for (double v : u) {
                assertThat(v).isBetween(0.0, 1.0);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "sobol"})
    void suggestNeedsAPositiveCount(String name) {
        var o = create(name, 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> o.suggest(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n >= 1");
    }
}
