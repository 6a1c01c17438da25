package dev.orchard.engine.schedule;

import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.Condition;
import dev.orchard.engine.space.IntParam;
import dev.orchard.engine.space.LogUniformParam;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PerturbExplorerTest {
    static final SearchSpace SPACE = SearchSpace.of(new UniformParam("x", 0, 10), new LogUniformParam("lr", 1e-4, 1e-2),
            new IntParam("depth", 1, 3, false), new IntParam("width", 1, 100, false), new ChoiceParam("act", List.of("relu", "tanh", "gelu")));

    /** Every outcome of perturbing {@code parent}, per parameter, over many draws. */
    static Map<String, TreeSet<String>> outcomes(PerturbExplorer e, Map<String, Object> parent) {
        var out = new java.util.TreeMap<String, TreeSet<String>>();
        for (int i = 0; i < 400; i++) {
            e.explore(parent, new SplittableRandom(i)).forEach((k, v) -> out.computeIfAbsent(k, x -> new TreeSet<>())
                    .add(v instanceof Double d ? String.format(java.util.Locale.ROOT, "%.6g", d) : String.valueOf(v)));
        }
        return out;
    }

    @Test
    void perturbsByFactorsClipsRoundsAndShiftsChoices() {
        var e = new PerturbExplorer(SPACE, 0.0);
        var o = outcomes(e, Map.of("x", 5.0, "lr", 1e-3, "depth", 1, "width", 10, "act", "relu"));
        assertThat(o.get("x")).containsExactly("4.00000", "6.00000");
        assertThat(o.get("lr")).containsExactly("0.000800000", "0.00120000");
        assertThat(o.get("depth")).containsExactly("1", "2"); // 0.8 → stays 1 → one down, clipped at 1; 1.2 → one up
        assertThat(o.get("width")).containsExactly("12", "8");
        assertThat(o.get("act")).containsExactly("relu", "tanh"); // first value: clipped at the low end
        var top = outcomes(e, Map.of("x", 9.0, "lr", 1e-2, "depth", 3, "width", 100, "act", "gelu"));
        assertThat(top.get("x")).containsExactly("10.0000", "7.20000"); // 10.8 is clipped to the bound
        assertThat(top.get("lr")).containsExactly("0.00800000", "0.0100000");
        assertThat(top.get("depth")).containsExactly("2", "3");
        assertThat(top.get("act")).containsExactly("gelu", "tanh");
    }

    @Test
    void intsStayIntegers() {
        var e = new PerturbExplorer(SPACE, 0.3);
        for (int i = 0; i < 200; i++) {
            Map<String, Object> c = e.explore(Map.of("x", 5.0, "lr", 1e-3, "depth", 2, "width", 50, "act", "tanh"), new SplittableRandom(i));
            assertThat(c.get("depth")).isInstanceOf(Integer.class);
            assertThat(c.get("width")).isInstanceOf(Integer.class);
            SPACE.toUnit(c); // every result fits the space
        }
    }

    @Test
    void resamplingDrawsFromTheWholeSpaceAndIsReproducible() {
        var e = new PerturbExplorer(SPACE, 1.0);
        var acts = new TreeSet<Object>();
        for (int i = 0; i < 100; i++) {
            Map<String, Object> c = e.explore(Map.of("x", 5.0, "lr", 1e-3, "depth", 2, "width", 50, "act", "tanh"), new SplittableRandom(i));
            acts.add(c.get("act"));
            SPACE.toUnit(c);
        }
        assertThat(acts).containsExactlyInAnyOrder("relu", "tanh", "gelu");
        var parent = Map.<String, Object>of("x", 5.0, "lr", 1e-3, "depth", 2, "width", 50, "act", "tanh");
        assertThat(e.explore(parent, new SplittableRandom(3))).isEqualTo(e.explore(parent, new SplittableRandom(3)));
    }

    @Test
    void conditionalParametersFollowTheirCondition() {
        var space = SearchSpace.of(new ChoiceParam("opt", List.of("sgd", "adam")),
                new UniformParam("momentum", 0, 1, new Condition("opt", List.of("sgd"))));
        var e = new PerturbExplorer(space, 0.5);
        boolean sawSgd = false;
        for (int i = 0; i < 100; i++) {
            Map<String, Object> c = e.explore(Map.of("opt", "adam"), new SplittableRandom(i));
            space.toUnit(c); // momentum present exactly when opt = sgd
            sawSgd |= c.get("opt").equals("sgd");
        }
        assertThat(sawSgd).isTrue();
    }

    @Test
    void aParentValueOutsideTheSpaceIsResampled() {
        var e = new PerturbExplorer(SearchSpace.of(new UniformParam("x", 0, 1)), 0.0);
        for (int i = 0; i < 20; i++) {
            assertThat((double) e.explore(Map.of("x", 7.0), new SplittableRandom(i)).get("x")).isBetween(0.0, 1.0);
        }
        assertThatThrownBy(() -> new PerturbExplorer(SPACE, 1.5)).hasMessageContaining("resample_probability");
    }
}
