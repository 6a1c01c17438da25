package dev.orchard.engine.optimize.evolution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.optimize.Observation;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.optimize.RandomOptimizer;
import dev.orchard.engine.optimize.SobolOptimizer;
import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.Condition;
import dev.orchard.engine.space.IntParam;
import dev.orchard.engine.space.LogUniformParam;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;
import dev.orchard.engine.trial.Direction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegularizedEvolutionOptimizerTest {
    static final double BRANIN_MIN = 0.397887;

    static RegularizedEvolutionOptimizer evo(SearchSpace space, long seed) {
        return new RegularizedEvolutionOptimizer(new OptimizerContext(space, Direction.MINIMIZE, seed));
    }

    static RegularizedEvolutionOptimizer evo(SearchSpace space, long seed, String config) {
        return new RegularizedEvolutionOptimizer(new OptimizerContext(space, Direction.MINIMIZE, seed,
                Json.tree(Json.readMap(config))));
    }

    static final SearchSpace MIXED = SearchSpace.of(
            new UniformParam("x", -5, 10),
            new LogUniformParam("lr", 1e-5, 1),
            new IntParam("depth", 1, 8, false),
            new ChoiceParam("batch", List.of(16, 32, 64)),
            new ChoiceParam("act", List.of("relu", "tanh", "gelu")),
            new ChoiceParam("opt", List.of("sgd", "adam")),
            new UniformParam("momentum", 0, 0.99, new Condition("opt", List.of("sgd"))),
            new ChoiceParam("flag", List.of(true)));

    static double mixedLoss(Map<String, Object> c) {
        double x = ((Number) c.get("x")).doubleValue() - 2;
        double lr = Math.log10(((Number) c.get("lr")).doubleValue()) + 3;
        return x * x + lr * lr + Math.abs(((Number) c.get("depth")).intValue() - 5)
                + (c.get("act").equals("gelu") ? 0 : 1)
                + (c.get("opt").equals("sgd") ? 1 - ((Number) c.get("momentum")).doubleValue() : 0.5);
    }

    @Test
    void beatsRandomSearchOnBranin() {
        double[] evo = new double[5];
        double[] rnd = new double[5];
        for (int s = 0; s < 5; s++) {
            evo[s] = Problems.best(Problems.run(evo(Problems.BRANIN_SPACE, s), Problems::branin, 100, 1)) - BRANIN_MIN;
            var random = new RandomOptimizer(new OptimizerContext(Problems.BRANIN_SPACE, Direction.MINIMIZE, s));
            rnd[s] = Problems.best(Problems.run(random, Problems::branin, 100, 1)) - BRANIN_MIN;
        }
        double evoMean = Arrays.stream(evo).average().orElseThrow();
        double rndMean = Arrays.stream(rnd).average().orElseThrow();
        Arrays.sort(evo);
        Arrays.sort(rnd);
        // measured: regret median 0.05 against 0.44, mean 0.09 against 0.66
        assertThat(evo[2]).as("median regret, evolution %s vs random %s", Arrays.toString(evo), Arrays.toString(rnd))
                .isLessThan(0.5 * rnd[2]);
        assertThat(evoMean).isLessThan(0.5 * rndMean);
    }

    @Test
    void theFirstPopulationIsTheSobolDesign() {
        var o = evo(MIXED, 3, "{\"population\": 8}");
        var sobol = new SobolOptimizer(new OptimizerContext(MIXED, Direction.MINIMIZE, 3));
        assertThat(o.suggest(8)).isEqualTo(sobol.suggest(8));
        // nothing back yet: still the design, not children of an empty population
        assertThat(o.suggest(2)).isEqualTo(sobol.suggest(2));
    }

    @Test
    void thePopulationNeverExceedsItsSizeAndTheOldestDies() {
        var o = evo(MIXED, 4, "{\"population\": 5, \"sample\": 3}");
        int t = 0;
        for (int round = 0; round < 12; round++) {
            for (var c : o.suggest(2)) {
                o.observe(Observation.completed(t++, c, mixedLoss(c)));
                assertThat(o.populationSize()).isLessThanOrEqualTo(5);
            }
        }
        assertThat(o.populationTrials()).containsExactly(19, 20, 21, 22, 23);
        // even a very good member ages out
        var best = o.suggest(1).get(0);
        o.observe(Observation.completed(t++, best, -1e9));
        for (int i = 0; i < 4; i++) {
            var c = o.suggest(1).get(0);
            o.observe(Observation.completed(t++, c, mixedLoss(c)));
        }
        assertThat(o.populationTrials()).contains(24);
        var c = o.suggest(1).get(0);
        o.observe(Observation.completed(t, c, mixedLoss(c)));
        assertThat(o.populationTrials()).doesNotContain(24).hasSize(5);
    }

    @Test
    void failedAndPendingTrialsAreNotMembers() {
        var o = evo(MIXED, 5, "{\"population\": 4}");
        var cs = o.suggest(6);
        o.observe(Observation.completed(0, cs.get(0), 1));
        o.observe(Observation.failed(1, cs.get(1)));
        o.observe(Observation.completed(2, cs.get(2), 2));
        assertThat(o.populationTrials()).containsExactly(0, 2);
        // children come from the two members while four trials are still pending
        var kids = o.suggest(10);
        assertThat(kids).hasSize(10);
        assertThat(o.populationTrials()).containsExactly(0, 2);
    }

    @Test
    void aChildDiffersFromAMemberInExactlyOneParameter() {
        SearchSpace space = SearchSpace.of(new UniformParam("a", 0, 1), new IntParam("b", 1, 3, false),
                new ChoiceParam("c", List.of("x", "y", "z")), new ChoiceParam("d", List.of(1.5, 2.5)));
        var o = evo(space, 6, "{\"population\": 6}");
        var members = new ArrayList<Map<String, Object>>();
        int t = 0;
        for (var c : o.suggest(6)) {
            members.add(c);
            o.observe(Observation.completed(t++, c, t));
        }
        for (int i = 0; i < 50; i++) {
            var child = o.suggest(1).get(0);
            assertThat(members.stream().anyMatch(m -> differences(m, child) == 1)).as("child %s of %s", child, members).isTrue();
            members.add(child);
            if (members.size() > 6) {
                members.remove(0);
            }
            o.observe(Observation.completed(t++, child, t));
        }
    }

    private static int differences(Map<String, Object> a, Map<String, Object> b) {
        int n = 0;
        for (String k : a.keySet()) {
            if (!a.get(k).equals(b.get(k))) {
                n++;
            }
        }
        return n;
    }

    @Test
    void sameSeedSameSuggestions() {
        var a = Problems.run(evo(MIXED, 7), RegularizedEvolutionOptimizerTest::mixedLoss, 120, 3);
        var b = Problems.run(evo(MIXED, 7), RegularizedEvolutionOptimizerTest::mixedLoss, 120, 3);
        assertThat(a).isEqualTo(b);
        var c = Problems.run(evo(MIXED, 8), RegularizedEvolutionOptimizerTest::mixedLoss, 120, 3);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void mixedConditionalAndOneValueSpacesGiveValidConfigurations() {
        var o = evo(MIXED, 9, "{\"population\": 10, \"mutations\": 2}");
        var values = Problems.run(o, c -> {
            MIXED.toUnit(c); // throws for an invalid configuration (an inactive parameter present, one missing)
            assertThat(c.get("flag")).isEqualTo(true);
            return mixedLoss(c);
        }, 400, 4);
        assertThat(Problems.best(values)).isLessThan(0.6);
        // a space with a single configuration
        var one = evo(SearchSpace.of(new ChoiceParam("only", List.of("x"))), 1, "{\"population\": 2}");
        assertThat(Problems.run(one, c -> 1.0, 10, 3)).hasSize(10);
    }

    @Test
    void maximizeKeepsTheLargestValues() {
        var o = new RegularizedEvolutionOptimizer(new OptimizerContext(Problems.BRANIN_SPACE, Direction.MAXIMIZE, 10));
        var v = Problems.run(o, c -> -Problems.branin(c), 150, 1);
        assertThat(v.stream().mapToDouble(Double::doubleValue).max().orElseThrow()).isGreaterThan(-0.5);
    }

    @Test
    void stateAndRestoreContinueExactly() {
        ToDoubleFunction<Map<String, Object>> f = RegularizedEvolutionOptimizerTest::mixedLoss;
        var first = evo(MIXED, 11, "{\"population\": 6}");
        var history = new ArrayList<Observation>();
        int t = 0;
        while (t < 40) {
            for (var c : first.suggest(3)) {
                var obs = t % 7 == 3 ? Observation.failed(t, c) : Observation.completed(t, c, f.applyAsDouble(c));
                t++;
                history.add(obs);
                first.observe(obs);
            }
        }
        JsonNode stored = Json.tree(Json.readMap(Json.write(first.state())));
        // the engine re-observes the history (which rebuilds the population), then restores the counters
        var second = evo(MIXED, 11, "{\"population\": 6}");
        history.forEach(second::observe);
        second.restore(stored);
        assertThat(second.state()).isEqualTo(first.state());
        assertThat(second.populationTrials()).isEqualTo(first.populationTrials());
        assertThat(stored.has("population")).as("the population is the history's to give").isFalse();
        for (int r = 0; r < 10; r++) {
            var a = first.suggest(2);
            assertThat(second.suggest(2)).isEqualTo(a);
            for (var c : a) {
                var obs = Observation.completed(t++, c, f.applyAsDouble(c));
                first.observe(obs);
                second.observe(obs);
            }
        }
        // restoring before any child (during the initial design) continues the design
        var early = evo(MIXED, 12);
        early.suggest(7);
        var copy = evo(MIXED, 12);
        copy.restore(Json.tree(Json.readMap(Json.write(early.state()))));
        assertThat(copy.suggest(5)).isEqualTo(early.suggest(5));
    }

    @Test
    void warmStartResultsJoinThePopulation() {
        var o = evo(Problems.BRANIN_SPACE, 13, "{\"population\": 3}");
        o.observe(Observation.completed(100, Map.of("x0", 1.0, "x1", 2.0), 5));
        assertThat(o.populationTrials()).containsExactly(100);
    }

    @Test
    void badSettingsAreRejectedByName() {
        assertThatThrownBy(() -> evo(MIXED, 0, "{\"pop\": 3}")).hasMessageContaining("unknown evolution setting 'pop'");
        assertThatThrownBy(() -> evo(MIXED, 0, "{\"population\": 1}")).hasMessageContaining("'population'");
        assertThatThrownBy(() -> evo(MIXED, 0, "{\"population\": 4, \"sample\": 5}")).hasMessageContaining("'sample'");
        assertThatThrownBy(() -> evo(MIXED, 0, "{\"mutation_sigma\": 0}")).hasMessageContaining("'mutation_sigma'");
        assertThatThrownBy(() -> evo(MIXED, 0).suggest(0)).hasMessageContaining("n >= 1");
        assertThat(new RegularizedEvolutionOptimizer.Provider().name()).isEqualTo("evolution");
    }
}
