package dev.orchard.engine.optimize.cmaes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.optimize.Observation;
import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.Condition;
import dev.orchard.engine.space.IntParam;
import dev.orchard.engine.space.LogUniformParam;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CmaEsOptimizerTest {
    static final double[] SHIFT = {1.3, -2.1, 0.7, 3.2, -0.4};

    static CmaEsOptimizer cma(SearchSpace space, long seed) {
        return new CmaEsOptimizer(new OptimizerContext(space, Direction.MINIMIZE, seed));
    }

    static CmaEsOptimizer cma(SearchSpace space, long seed, String config) {
        return new CmaEsOptimizer(new OptimizerContext(space, Direction.MINIMIZE, seed, Json.tree(Json.readMap(config))));
    }

    @Test
    void convergesOnAShiftedSphereIn5D() {
        var o = cma(Problems.box(5, -5, 5), 1);
        var values = Problems.run(o, c -> Problems.sphere(c, SHIFT), 1500, 8);
        assertThat(Problems.best(values)).isLessThan(1e-6);
        assertThat(o.populationSize()).isEqualTo(4 + (int) Math.floor(3 * Math.log(5)));
    }

    @Test
    void solvesRosenbrockIn2D() {
        var o = cma(Problems.box(2, -2, 3), 2);
        assertThat(Problems.best(Problems.run(o, Problems::rosenbrock, 1500, 6))).isLessThan(1e-4);
    }

    @Test
    void ipopRestartsDoubleThePopulationOnRastrigin() {
        var o = cma(Problems.box(5, -5.12, 5.12), 3);
        int lambda0 = o.populationSize();
        Problems.run(o, c -> Problems.rastrigin(c, 5, 1.1), 4000, 8);
        assertThat(o.restarts()).isGreaterThanOrEqualTo(1);
        assertThat(o.restartLog()).hasSize(o.restarts());
        assertThat(o.populationSize()).isEqualTo(lambda0 << o.restarts());
    }

    @Test
    void restartsStopDoublingAfterTheLimit() {
        var o = cma(Problems.box(2, -5.12, 5.12), 4, "{\"restarts\": 1, \"popsize\": 4}");
        Problems.run(o, c -> Problems.rastrigin(c, 2, 1.1), 3000, 4);
        assertThat(o.restarts()).isGreaterThanOrEqualTo(2);
        assertThat(o.populationSize()).isEqualTo(8);
    }

    @Test
    void collapsedDistributionRestartsWithTolSigma() {
        var o = cma(Problems.box(2, -1, 1), 5, "{\"tol_sigma\": 1e-4}");
        Problems.run(o, c -> Problems.sphere(c, new double[]{0.2, -0.3}), 600, 6);
        assertThat(o.restartLog()).isNotEmpty();
        assertThat(o.restartLog().get(0)).startsWith("tol_sigma");
    }

    @Test
    void braninIn100TrialsMedianBelowHalf() {
        double[] best = new double[5];
        for (int s = 0; s < 5; s++) {
            best[s] = Problems.best(Problems.run(cma(Problems.BRANIN_SPACE, s), Problems::branin, 100, 6));
        }
        Arrays.sort(best);
        assertThat(best[2]).as("median of %s", Arrays.toString(best)).isLessThan(0.5);
    }

    @Test
    void suggestionsRespectTheBoundsEvenWithALargeStepSize() {
        SearchSpace space = Problems.box(3, -1, 1);
        var o = cma(space, 6, "{\"sigma0\": 1.0}");
        var seen = new ArrayList<Map<String, Object>>();
        // the optimum is the lower corner: the distribution presses against the faces
        Problems.run(o, c -> {
            seen.add(c);
            return Problems.x(c, 0) + Problems.x(c, 1) + Problems.x(c, 2);
        }, 600, 7);
        for (var c : seen) {
            for (double u : space.toUnit(c)) {
                assertThat(u).isBetween(0.0, 1.0);
            }
        }
        for (double m : o.mean()) {
            assertThat(m).isBetween(0.0, 1.0);
        }
        assertThat(seen.stream().mapToDouble(c -> Problems.x(c, 0) + Problems.x(c, 1) + Problems.x(c, 2)).min().orElseThrow())
                .isLessThan(-2.99);
    }

    @Test
    void maximizeFindsTheMaximum() {
        var o = new CmaEsOptimizer(new OptimizerContext(Problems.box(2, -5, 5), Direction.MAXIMIZE, 7));
        var values = Problems.run(o, c -> -Problems.sphere(c, new double[]{1, 2}), 600, 6);
        assertThat(values.stream().mapToDouble(Double::doubleValue).max().orElseThrow()).isGreaterThan(-1e-6);
    }

    @Test
    void sameSeedSameSuggestionsWhateverTheChunking() {
        SearchSpace space = Problems.box(4, 0, 1);
        var a = cma(space, 42);
        var b = cma(space, 42);
        int lambda = a.populationSize();
        var la = Problems.run(a, c -> Problems.sphere(c, new double[]{0.1, 0.2, 0.3, 0.4}), 120, lambda);
        var lb = Problems.run(b, c -> Problems.sphere(c, new double[]{0.1, 0.2, 0.3, 0.4}), 120, 1);
        // results are told right after their suggestions, so every generation is complete before the next is asked for
        assertThat(la).isEqualTo(lb);
        assertThat(cma(space, 1).suggest(5)).isNotEqualTo(cma(space, 2).suggest(5));
    }

    @Test
    void observationsWithinAGenerationMayComeInAnyOrder() {
        SearchSpace space = Problems.box(5, -5, 5);
        var inOrder = cma(space, 9);
        var reversed = cma(space, 9);
        for (int g = 0; g < 5; g++) {
            var ca = inOrder.suggest(inOrder.populationSize());
            var cb = reversed.suggest(reversed.populationSize());
            assertThat(ca).isEqualTo(cb);
            int base = g * 100;
            for (int i = 0; i < ca.size(); i++) {
                inOrder.observe(Observation.completed(base + i, ca.get(i), Problems.sphere(ca.get(i), SHIFT)));
            }
            var idx = new ArrayList<Integer>();
            for (int i = 0; i < cb.size(); i++) {
                idx.add(i);
            }
            Collections.shuffle(idx, new java.util.Random(g));
            for (int i : idx) {
                reversed.observe(Observation.completed(base + i, cb.get(i), Problems.sphere(cb.get(i), SHIFT)));
            }
            assertThat(reversed.generations()).isEqualTo(g + 1);
        }
        assertThat(reversed.mean()).containsExactly(inOrder.mean());
        assertThat(reversed.suggest(3)).isEqualTo(inOrder.suggest(3));
    }

    @Test
    void aGenerationUpdatesOnlyWhenAllItsMembersAreIn() {
        var o = cma(Problems.box(2, -5, 5), 10);
        int lambda = o.populationSize();
        var cs = o.suggest(lambda);
        for (int i = 0; i < lambda - 1; i++) {
            o.observe(Observation.completed(i, cs.get(i), i));
        }
        assertThat(o.generations()).isZero();
        double[] before = o.mean();
        o.observe(Observation.completed(lambda - 1, cs.get(lambda - 1), 99));
        assertThat(o.generations()).isEqualTo(1);
        assertThat(o.mean()).isNotEqualTo(before);
    }

    @Test
    void moreParallelTrialsThanThePopulationAreServedFromTheSameDistribution() {
        var o = cma(Problems.box(2, -5, 5), 11);
        int lambda = o.populationSize();
        var cs = o.suggest(3 * lambda + 1);
        assertThat(cs).hasSize(3 * lambda + 1);
        assertThat(new HashSet<>(cs)).hasSize(cs.size());
        // results in reverse order: the last λ to be suggested update the distribution, the rest count only as history
        for (int i = cs.size() - 1; i >= 0; i--) {
            o.observe(Observation.completed(i, cs.get(i), Problems.sphere(cs.get(i), new double[]{1, 1})));
        }
        assertThat(o.generations()).isEqualTo(1);
        assertThat(Problems.best(Problems.run(o, c -> Problems.sphere(c, new double[]{1, 1}), 800, 2 * lambda + 3)))
                .isLessThan(1e-6);
    }

    @Test
    void failedTrialsRankLastAndDoNotStopConvergence() {
        var o = cma(Problems.box(3, -5, 5), 12);
        var rng = new java.util.Random(12);
        int t = 0;
        double best = Double.POSITIVE_INFINITY;
        while (t < 1500) {
            for (var c : o.suggest(5)) {
                if (rng.nextDouble() < 0.2) {
                    o.observe(Observation.failed(t++, c));
                } else {
                    double v = Problems.sphere(c, new double[]{1, -1, 2});
                    best = Math.min(best, v);
                    o.observe(Observation.completed(t++, c, v));
                }
            }
        }
        assertThat(best).isLessThan(1e-6);
        // a generation in which everything fails is discarded, not fatal
        var all = cma(Problems.box(3, -5, 5), 13);
        for (int i = 0; i < 60; i++) {
            for (var c : all.suggest(1)) {
                all.observe(new Observation(i, c, TrialState.STOPPED, OptionalDouble.empty()));
            }
        }
        assertThat(all.suggest(4)).hasSize(4);
    }

    @Test
    void stateAndRestoreContinueExactly() {
        SearchSpace space = SearchSpace.of(new UniformParam("x0", -5, 5), new LogUniformParam("x1", 1e-3, 10),
                new IntParam("x2", 1, 9, false), new ChoiceParam("x3", List.of("a", "b", "c")));
        var f = (java.util.function.ToDoubleFunction<Map<String, Object>>) c -> {
            double x = ((Number) c.get("x0")).doubleValue() - 1;
            double l = Math.log10(((Number) c.get("x1")).doubleValue()) + 1;
            double k = ((Number) c.get("x2")).doubleValue() - 4;
            return x * x + l * l + k * k + (c.get("x3").equals("b") ? 0 : 1);
        };
        var first = cma(space, 14);
        var history = new ArrayList<Observation>();
        int t = 0;
        // leave a generation half done, with pending candidates
        while (t < 137) {
            for (var c : first.suggest(5)) {
                var obs = Observation.completed(t++, c, f.applyAsDouble(c));
                history.add(obs);
                first.observe(obs);
            }
        }
        var pendingConfigs = first.suggest(3);
        JsonNode stored = Json.tree(Json.readMap(Json.write(first.state())));

        // a fresh optimizer told the same history again, then restored (as the engine does after a restart)
        var second = cma(space, 14);
        history.forEach(second::observe);
        second.restore(stored);
        assertThat(second.state()).isEqualTo(first.state());

        for (int i = 0; i < 3; i++) {
            var obs = Observation.completed(t++, pendingConfigs.get(i), f.applyAsDouble(pendingConfigs.get(i)));
            first.observe(obs);
            second.observe(obs);
        }
        for (int round = 0; round < 20; round++) {
            var a = first.suggest(4);
            assertThat(second.suggest(4)).isEqualTo(a);
            for (var c : a) {
                var obs = Observation.completed(t++, c, f.applyAsDouble(c));
                first.observe(obs);
                second.observe(obs);
            }
        }
        assertThat(second.state()).isEqualTo(first.state());
    }

    /** A state written by version 1, which held the generation's candidates themselves, still continues exactly. */
    @Test
    void aVersion1StateStillRestores() throws Exception {
        SearchSpace space = SearchSpace.of(new UniformParam("x0", -5, 5), new LogUniformParam("x1", 1e-3, 10),
                new IntParam("x2", 1, 9, false), new ChoiceParam("x3", List.of("a", "b", "c")));
        var f = (java.util.function.ToDoubleFunction<Map<String, Object>>) c -> {
            double x = ((Number) c.get("x0")).doubleValue() - 1;
            double l = Math.log10(((Number) c.get("x1")).doubleValue()) + 1;
            double k = ((Number) c.get("x2")).doubleValue() - 4;
            return x * x + l * l + k * k + (c.get("x3").equals("b") ? 0 : 1);
        };
        // the run the stored state was written in (by the version-1 code), half a generation done
        var first = cma(space, 14);
        var history = new ArrayList<Observation>();
        int t = 0;
        while (t < 137) {
            for (var c : first.suggest(5)) {
                history.add(Observation.completed(t++, c, f.applyAsDouble(c)));
                first.observe(history.get(history.size() - 1));
            }
        }
        var running = first.suggest(6);
        history.add(Observation.completed(t++, running.get(4), f.applyAsDouble(running.get(4))));
        history.add(Observation.failed(t++, running.get(1)));
        history.subList(history.size() - 2, history.size()).forEach(first::observe);
        JsonNode v1;
        try (var in = getClass().getResourceAsStream("/optimize/cmaes-state-v1.json")) {
            v1 = Json.tree(Json.readMap(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
        }
        assertThat(v1.path("version").asInt()).isEqualTo(1);

        var resumed = cma(space, 14);
        history.forEach(resumed::observe);
        resumed.restore(v1);
        for (int i : new int[]{0, 2, 3, 5}) { // the running trials end: the generation updates
            var obs = Observation.completed(t++, running.get(i), f.applyAsDouble(running.get(i)));
            first.observe(obs);
            resumed.observe(obs);
        }
        for (int round = 0; round < 20; round++) {
            var a = first.suggest(4);
            assertThat(resumed.suggest(4)).isEqualTo(a);
            for (var c : a) {
                var obs = Observation.completed(t++, c, f.applyAsDouble(c));
                first.observe(obs);
                resumed.observe(obs);
            }
        }
        assertThat(resumed.state()).isEqualTo(first.state());
    }

    /**
     * The hard case for rebuilding a generation from the history: a space of six configurations, so candidates share
     * configurations; results told out of order, some long after their generation updated; failures; and results of
     * configurations this optimizer did not suggest, among them configurations its candidates have too. Restored after
     * any step, it must continue exactly as the optimizer that was never interrupted.
     */
    @Test
    void restoreRebuildsTheGenerationFromTheHistoryExactly() {
        SearchSpace space = SearchSpace.of(new IntParam("k", 1, 3, false), new ChoiceParam("c", List.of("a", "b")));
        int steps = 150;
        var reference = new Scenario();
        var uninterrupted = cma(space, 21);
        for (int step = 0; step < steps; step++) {
            reference.step(uninterrupted, step);
        }
        assertThat(uninterrupted.generations()).as("generations that updated").isGreaterThan(10);
        for (int at = 0; at < steps; at += 7) {
            var scenario = new Scenario();
            var before = cma(space, 21);
            for (int step = 0; step <= at; step++) {
                scenario.step(before, step);
            }
            JsonNode stored = Json.tree(Json.readMap(Json.write(before.state())));
            var resumed = cma(space, 21);
            scenario.history.forEach(resumed::observe);
            resumed.restore(stored);
            assertThat(resumed.state()).as("after step %d", at).isEqualTo(before.state());
            for (int step = at + 1; step < steps; step++) {
                scenario.step(resumed, step);
            }
            assertThat(scenario.suggestions).as("resumed after step %d", at).isEqualTo(reference.suggestions);
            assertThat(stored.path("unmatched").size() + stored.path("gen_pending").size())
                    .as("bookkeeping bounded by the results in flight, not the history").isLessThan(40);
        }
    }

    /** Batches of suggestions, results told in random order (some much later), failures and foreign trials. */
    private static final class Scenario {
        final List<Observation> history = new ArrayList<>();
        final List<Map<String, Object>> inFlight = new ArrayList<>();
        final List<List<Map<String, Object>>> suggestions = new ArrayList<>();

        void step(CmaEsOptimizer o, int step) {
            var rng = new java.util.Random(7919L * step);
            var batch = o.suggest(1 + rng.nextInt(4));
            suggestions.add(batch);
            inFlight.addAll(batch);
            Collections.shuffle(inFlight, rng);
            int tell = rng.nextInt(inFlight.size() + 1);
            for (int i = 0; i < tell; i++) {
                var c = inFlight.remove(inFlight.size() - 1);
                tell(o, rng.nextInt(6) == 0 ? Observation.failed(history.size(), c)
                        : Observation.completed(history.size(), c, loss(c)));
            }
            if (rng.nextInt(4) == 0) { // a trial this optimizer did not suggest
                var c = Map.<String, Object>of("k", 1L + rng.nextInt(3), "c", rng.nextBoolean() ? "a" : "b");
                tell(o, Observation.completed(history.size(), c, loss(c)));
            }
        }

        private void tell(CmaEsOptimizer o, Observation obs) {
            history.add(obs);
            o.observe(obs);
        }

        static double loss(Map<String, Object> c) {
            return Math.abs(((Number) c.get("k")).doubleValue() - 2) + (c.get("c").equals("b") ? 0 : 0.5);
        }
    }

    @Test
    void aWarmStartChoosesTheFirstMean() {
        SearchSpace space = Problems.box(2, 0, 10);
        var o = cma(space, 15);
        o.observe(Observation.completed(0, Map.of("x0", 2.0, "x1", 3.0), 5.0));
        o.observe(Observation.completed(1, Map.of("x0", 8.0, "x1", 1.0), 1.0));
        o.observe(Observation.failed(2, Map.of("x0", 5.0, "x1", 5.0)));
        o.suggest(1);
        assertThat(o.mean()).containsExactly(0.8, 0.1);
        var fresh = cma(space, 15);
        fresh.suggest(1);
        assertThat(fresh.mean()).containsExactly(0.5, 0.5);
    }

    @Test
    void oneDimensionalSpacesWork() {
        var o = cma(SearchSpace.of(new UniformParam("x0", -3, 3)), 16);
        assertThat(o.populationSize()).isEqualTo(4);
        assertThat(Problems.best(Problems.run(o, c -> Math.pow(Problems.x(c, 0) - 1.7, 2), 300, 4))).isLessThan(1e-8);
    }

    @Test
    void mixedDiscreteAndConditionalSpacesRunWithoutCrashing() {
        SearchSpace space = SearchSpace.of(
                new IntParam("layers", 1, 8, false),
                new IntParam("width", 8, 1024, true),
                new ChoiceParam("batch", List.of(16, 32, 64, 128)),
                new ChoiceParam("opt", List.of("sgd", "adam")),
                new UniformParam("momentum", 0, 0.99, new Condition("opt", List.of("sgd"))),
                new ChoiceParam("only", List.of("x")),
                new LogUniformParam("lr", 1e-5, 1));
        var o = cma(space, 17);
        // optimum: layers 6, width 128, batch 32, adam, lr 1e-3
        var f = (java.util.function.ToDoubleFunction<Map<String, Object>>) c -> {
            double v = Math.abs(((Number) c.get("layers")).intValue() - 6)
                    + Math.abs(Math.log(((Number) c.get("width")).doubleValue() / 128) / Math.log(2))
                    + (((Number) c.get("batch")).intValue() == 32 ? 0 : 1)
                    + (c.get("opt").equals("adam") ? 0 : 1 + (1 - ((Number) c.get("momentum")).doubleValue()))
                    + Math.abs(Math.log10(((Number) c.get("lr")).doubleValue()) + 3);
            assertThat(c.get("only")).isEqualTo("x");
            assertThat(c.containsKey("momentum")).isEqualTo(c.get("opt").equals("sgd"));
            return v;
        };
        var values = Problems.run(o, f, 800, 10);
        assertThat(Problems.best(values)).isLessThan(0.05);
        for (int i = 0; i < 5; i++) {
            for (var c : o.suggest(3)) {
                space.toUnit(c); // valid configurations
            }
        }
    }

    @Test
    void aSpaceOfOneConfigurationKeepsSuggestingIt() {
        SearchSpace space = SearchSpace.of(new ChoiceParam("a", List.of(1)), new IntParam("b", 3, 3, false));
        var o = cma(space, 18);
        var values = Problems.run(o, c -> 1.0, 200, 7);
        assertThat(values).hasSize(200);
        assertThat(o.suggest(2)).containsOnly(Map.of("a", 1, "b", 3));
    }

    @Test
    void discreteCoordinatesKeepMovingThanksToTheMargin() {
        // a plateau-free discrete problem: without the margin the int coordinate would freeze at its first value
        SearchSpace space = SearchSpace.of(new IntParam("k", 0, 20, false), new UniformParam("x", -1, 1));
        var o = cma(space, 19);
        var values = Problems.run(o, c -> Math.abs(((Number) c.get("k")).intValue() - 17) + Math.pow(Problems.x(
                Map.of("x0", c.get("x")), 0) - 0.3, 2), 600, 6);
        assertThat(Problems.best(values)).isLessThan(1e-6);
    }

    @Test
    void badSettingsAreRejectedByName() {
        SearchSpace space = Problems.box(2, 0, 1);
        assertThatThrownBy(() -> cma(space, 0, "{\"sigma\": 0.2}")).hasMessageContaining("unknown cmaes setting 'sigma'");
        assertThatThrownBy(() -> cma(space, 0, "{\"sigma0\": 0}")).hasMessageContaining("'sigma0'");
        assertThatThrownBy(() -> cma(space, 0, "{\"popsize\": 1}")).hasMessageContaining("'popsize'");
        assertThatThrownBy(() -> cma(space, 0, "{\"restarts\": -1}")).hasMessageContaining("'restarts'");
        assertThat(cma(space, 0, "{\"popsize\": 12}").populationSize()).isEqualTo(12);
        assertThatThrownBy(() -> cma(space, 0).suggest(0)).hasMessageContaining("n >= 1");
        assertThatThrownBy(() -> cma(space, 0).observe(Observation.completed(0, Map.of("x0", 3.0, "x1", 0.5), 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void providerIsNamedCmaes() {
        var p = new CmaEsOptimizer.Provider();
        assertThat(p.name()).isEqualTo("cmaes");
        Optimizer o = p.create(new OptimizerContext(Problems.box(2, 0, 1), Direction.MINIMIZE, 1, JsonNodeFactory.instance.nullNode()));
        assertThat(o.suggest(3)).hasSize(3);
    }
}
