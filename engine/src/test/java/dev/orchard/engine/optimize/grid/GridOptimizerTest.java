package dev.orchard.engine.optimize.grid;

import dev.orchard.engine.json.Json;
import dev.orchard.engine.optimize.Observation;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.Condition;
import dev.orchard.engine.space.IntParam;
import dev.orchard.engine.space.LogUniformParam;
import dev.orchard.engine.space.Param;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;
import dev.orchard.engine.trial.Direction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GridOptimizerTest {

    static GridOptimizer grid(SearchSpace space, long seed, String config) {
        return new GridOptimizer(new OptimizerContext(space, Direction.MINIMIZE, seed, Json.tree(Json.readMap(config))));
    }

    static final SearchSpace SMALL = SearchSpace.of(
            new ChoiceParam("act", List.of("relu", "tanh", "gelu")),
            new IntParam("depth", 1, 4, false),
            new ChoiceParam("bn", List.of(true, false)),
            new UniformParam("x", 0, 1),
            new ChoiceParam("one", List.of(7)));

    @Test
    void enumeratesASmallMixedSpaceExactlyOnce() {
        var g = grid(SMALL, 1, "{\"resolution\": 4}"); // depth has 4 values: all of them
        assertThat(g.size()).isEqualTo(3 * 4 * 2 * 4);
        var expected = new HashSet<Map<String, Object>>();
        for (Object act : List.of("relu", "tanh", "gelu")) {
            for (int depth = 1; depth <= 4; depth++) {
                for (Object bn : List.of(true, false)) {
                    for (double x : new double[]{1 / 8.0, 3 / 8.0, 5 / 8.0, 7 / 8.0}) {
                        var m = new LinkedHashMap<String, Object>();
                        m.put("act", act);
                        m.put("depth", depth);
                        m.put("bn", bn);
                        m.put("x", x);
                        m.put("one", 7);
                        expected.add(m);
                    }
                }
            }
        }
        var got = new ArrayList<Map<String, Object>>();
        got.addAll(g.suggest(50));
        got.addAll(g.suggest(50)); // only 46 left
        assertThat(got).hasSize(96);
        assertThat(new HashSet<>(got)).hasSize(96);
        for (var c : got) {
            assertThat(List.copyOf(c.keySet())).containsExactly("act", "depth", "bn", "x", "one");
        }
        // x levels through fromUnit at cell centres: compare by value
        var rounded = new HashSet<String>();
        got.forEach(c -> rounded.add(c.get("act") + "/" + c.get("depth") + "/" + c.get("bn") + "/"
                + Math.round(((Number) c.get("x")).doubleValue() * 8)));
        var want = new HashSet<String>();
        expected.forEach(c -> want.add(c.get("act") + "/" + c.get("depth") + "/" + c.get("bn") + "/"
                + Math.round(((Number) c.get("x")).doubleValue() * 8)));
        assertThat(rounded).isEqualTo(want);
        assertThat(g.suggest(3)).isEmpty();
        assertThat(g.remaining()).isZero();
    }

    @Test
    void unshuffledOrderIsTheMixedRadixOrderAndShuffledIsAPermutationOfIt() {
        var plain = grid(SMALL, 1, "{\"resolution\": 2, \"shuffle\": false}").suggest(100);
        var shuffled = grid(SMALL, 1, "{\"resolution\": 2}").suggest(100);
        assertThat(plain).hasSize(3 * 2 * 2 * 2); // depth (4 values > resolution 2) gets 2 levels: 2 and 4
        assertThat(plain.get(0)).containsEntry("act", "relu").containsEntry("depth", 2).containsEntry("bn", true);
        assertThat(plain.get(1)).containsEntry("act", "tanh");
        assertThat(shuffled).containsExactlyInAnyOrderElementsOf(plain).isNotEqualTo(plain);
        assertThat(grid(SMALL, 1, "{\"resolution\": 2}").suggest(100)).isEqualTo(shuffled);
        assertThat(grid(SMALL, 2, "{\"resolution\": 2}").suggest(100)).isNotEqualTo(shuffled);
    }

    @Test
    void feistelPermutationIsABijectionForManySizes() {
        for (long n : new long[]{1, 2, 3, 4, 5, 17, 64, 1000, 4097}) {
            for (long seed : new long[]{0, 1, 99}) {
                var p = new FeistelPermutation(n, seed);
                boolean[] hit = new boolean[(int) n];
                int fixed = 0;
                for (long i = 0; i < n; i++) {
                    long j = p.apply(i);
                    assertThat(j).isBetween(0L, n - 1);
                    assertThat(hit[(int) j]).as("n=%d seed=%d: %d hit twice", n, seed, j).isFalse();
                    hit[(int) j] = true;
                    fixed += j == i ? 1 : 0;
                }
                if (n >= 1000) {
                    assertThat(fixed).isLessThan(20);
                }
            }
        }
    }

    @Test
    void aTrillionPointGridIsNeverMaterialised() {
        var ps = new ArrayList<Param>();
        for (int i = 0; i < 6; i++) {
            ps.add(new UniformParam("x" + i, -1, 1));
        }
        SearchSpace space = SearchSpace.of(ps.toArray(Param[]::new));
        var g = grid(space, 5, "{\"resolution\": 100}");
        assertThat(g.size()).isEqualTo(1_000_000_000_000L);
        var first = g.suggest(1000);
        assertThat(first).hasSize(1000);
        assertThat(new HashSet<>(first)).hasSize(1000);
        // spread: every coordinate takes many different levels in the first 1000 points
        for (int i = 0; i < 6; i++) {
            String k = "x" + i;
            assertThat(first.stream().map(c -> c.get(k)).distinct().count()).isGreaterThan(90);
        }
        assertThat(g.remaining()).isEqualTo(1_000_000_000_000L - 1000);
        // and a grid beyond 2^63 points is refused with a clear message
        var huge = new ArrayList<Param>();
        for (int i = 0; i < 10; i++) {
            huge.add(new UniformParam("y" + i, 0, 1));
        }
        assertThatThrownBy(() -> grid(SearchSpace.of(huge.toArray(Param[]::new)), 1, "{\"resolution\": 100}"))
                .hasMessageContaining("2^63").hasMessageContaining("resolution");
    }

    @Test
    void logParametersAreLogSpaced() {
        SearchSpace space = SearchSpace.of(new LogUniformParam("lr", 1e-4, 1), new IntParam("width", 1, 1024, true));
        var g = grid(space, 1, "{\"resolution\": 4}");
        List<Object> lr = g.levels().get(0);
        assertThat(lr).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(Math.log10(((Number) lr.get(i)).doubleValue())).isCloseTo(-4 + (i + 0.5), within(1e-9));
        }
        // log int: cell centres in log space over [1, 1025): exp((i + 0.5) / 4 * ln 1025), floored
        var expected = new ArrayList<Object>();
        for (int i = 0; i < 4; i++) {
            expected.add((int) Math.floor(Math.exp((i + 0.5) / 4 * Math.log(1025))));
        }
        assertThat(g.levels().get(1)).isEqualTo(expected).containsExactly(2, 13, 76, 430);
        var widths = g.levels().get(1).stream().mapToDouble(v -> Math.log(((Number) v).doubleValue())).toArray();
        for (int i = 2; i < widths.length; i++) {
            assertThat(widths[i] - widths[i - 1]).isCloseTo(widths[i - 1] - widths[i - 2], within(0.3));
        }
    }

    @Test
    void intsTakeEveryValueUpToTheResolution() {
        SearchSpace space = SearchSpace.of(new IntParam("a", 3, 7, false), new IntParam("b", 0, 99, false));
        var g = grid(space, 1, "{\"resolution\": 5}");
        assertThat(g.levels().get(0)).containsExactly(3, 4, 5, 6, 7);
        assertThat(g.levels().get(1)).containsExactly(10, 30, 50, 70, 90);
    }

    @Test
    void conditionalParametersEnumerateOnlyActiveCombinations() {
        SearchSpace space = SearchSpace.of(
                new ChoiceParam("opt", List.of("sgd", "adam", "lbfgs")),
                new UniformParam("momentum", 0, 1, new Condition("opt", List.of("sgd"))),
                new ChoiceParam("nesterov", List.of(true, false), new Condition("momentum", List.of(0.5))),
                new ChoiceParam("beta", List.of(0.9, 0.99), new Condition("opt", List.of("adam"))),
                new IntParam("layers", 1, 2, false));
        var g = grid(space, 3, "{\"resolution\": 3}");
        // sgd: momentum {1/6, 1/2, 5/6}, nesterov only at 0.5 -> 2 + 2 = 4; adam: 2; lbfgs: 1; times layers 2
        assertThat(g.size()).isEqualTo((4 + 2 + 1) * 2);
        var all = g.suggest(100);
        assertThat(all).hasSize(14);
        assertThat(new HashSet<>(all)).hasSize(14);
        for (var c : all) {
            space.toUnit(c); // an inactive parameter present, or an active one missing, throws
        }
        assertThat(all.stream().filter(c -> c.containsKey("nesterov"))).hasSize(4);
        assertThat(g.suggest(1)).isEmpty();
    }

    @Test
    void budgetChoosesTheResolution() {
        SearchSpace space = SearchSpace.of(new UniformParam("a", 0, 1), new UniformParam("b", 0, 1),
                new ChoiceParam("c", List.of("x", "y")));
        var g = grid(space, 1, "{\"budget\": 100}");
        assertThat(g.resolution()).isEqualTo(7); // 2 * 7 * 7 = 98 <= 100 < 2 * 8 * 8
        assertThat(g.size()).isEqualTo(98);
        assertThat(grid(space, 1, "{}").resolution()).isEqualTo(5);
        assertThat(grid(SearchSpace.of(new ChoiceParam("c", List.of(1, 2, 3)), new UniformParam("a", 0, 1)), 1,
                "{\"budget\": 2}").resolution()).isEqualTo(1);
    }

    @Test
    void stateAndRestoreContinueTheOrder() {
        var a = grid(SMALL, 4, "{}");
        a.suggest(17);
        a.observe(Observation.failed(0, a.suggest(1).get(0)));
        var b = grid(SMALL, 4, "{}");
        b.restore(Json.tree(Json.readMap(Json.write(a.state()))));
        assertThat(b.suggest(30)).isEqualTo(a.suggest(30));
        assertThat(b.state()).isEqualTo(a.state());
        var other = grid(SMALL, 4, "{\"resolution\": 2}");
        assertThatThrownBy(() -> other.restore(a.state())).hasMessageContaining("points");
    }

    @Test
    void badSettingsAreRejectedByName() {
        assertThatThrownBy(() -> grid(SMALL, 0, "{\"points\": 3}")).hasMessageContaining("unknown grid setting 'points'");
        assertThatThrownBy(() -> grid(SMALL, 0, "{\"resolution\": 0}")).hasMessageContaining("'resolution'");
        assertThatThrownBy(() -> grid(SMALL, 0, "{\"shuffle\": 1}")).hasMessageContaining("'shuffle'");
        assertThatThrownBy(() -> grid(SMALL, 0, "{}").suggest(0)).hasMessageContaining("n >= 1");
        assertThat(new GridOptimizer.Provider().name()).isEqualTo("grid");
    }
}
