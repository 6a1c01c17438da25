package dev.orchard.engine.optimize.gp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchard.engine.execute.BuiltinFunctions;
import dev.orchard.engine.optimize.Observation;
import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.optimize.SobolOptimizer;
import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.Condition;
import dev.orchard.engine.space.IntParam;
import dev.orchard.engine.space.LogUniformParam;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GpOptimizerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final SearchSpace BRANIN = SearchSpace.of(new UniformParam("x1", -5, 10), new UniformParam("x2", 0, 15));
    static final SearchSpace MIXED = SearchSpace.of(
            new UniformParam("x", -5, 10),
            new LogUniformParam("lr", 1e-5, 1),
            new IntParam("depth", 1, 8, false),
            new IntParam("width", 8, 1024, true),
            new ChoiceParam("act", List.of("relu", "tanh", "gelu")),
            new ChoiceParam("dropout", List.of(0.0, 0.1, 0.3, 0.5)),
            new ChoiceParam("bias", List.of(true, false)));

    static GpOptimizer gp(SearchSpace space, long seed, String config) {
        try {
            return new GpOptimizer(new OptimizerContext(space, Direction.MINIMIZE, seed, config == null ? null : JSON.readTree(config)));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static double branin(Map<String, Object> c) {
        return BuiltinFunctions.branin(new double[]{((Number) c.get("x1")).doubleValue(), ((Number) c.get("x2")).doubleValue()});
    }

    static double mixed(Map<String, Object> c) {
        double x = ((Number) c.get("x")).doubleValue();
        double lr = ((Number) c.get("lr")).doubleValue();
        long depth = ((Number) c.get("depth")).longValue();
        return (x - 2) * (x - 2) / 10 + Math.pow(Math.log10(lr) + 3, 2) / 4 + Math.abs(depth - 5) * 0.2
                + ("tanh".equals(c.get("act")) ? 0 : 1.5) + ((Number) c.get("dropout")).doubleValue()
                + (Boolean.TRUE.equals(c.get("bias")) ? 0 : 0.3);
    }

    /** Runs {@code trials} sequential ask/tell steps; returns every suggestion. */
    static List<Map<String, Object>> run(Optimizer o, int from, int trials, java.util.function.ToDoubleFunction<Map<String, Object>> f) {
        var out = new ArrayList<Map<String, Object>>();
        for (int t = from; t < from + trials; t++) {
            var c = o.suggest(1).get(0);
            out.add(c);
            o.observe(Observation.completed(t, c, f.applyAsDouble(c)));
        }
        return out;
    }

    @Test
    void theProviderIsNamedGp() {
        var p = new GpOptimizer.Provider();
        assertThat(p.name()).isEqualTo("gp");
        assertThat(p.description()).isNotBlank();
        assertThat(p.create(new OptimizerContext(BRANIN, Direction.MINIMIZE, 1))).isInstanceOf(GpOptimizer.class);
    }

    @Test
    void startsWithTheSobolDesignOfTheSameSeed() {
        var sobol = new SobolOptimizer(new OptimizerContext(BRANIN, Direction.MINIMIZE, 9)).suggest(5);
        GpOptimizer o = gp(BRANIN, 9, null);
        assertThat(run(o, 0, 5, GpOptimizerTest::branin)).isEqualTo(sobol);
        // a configured startup length is honoured; with no data yet even a long batch stays on the design
        var long_ = gp(BRANIN, 9, "{\"n_startup_trials\":12}").suggest(12);
        assertThat(long_).isEqualTo(new SobolOptimizer(new OptimizerContext(BRANIN, Direction.MINIMIZE, 9)).suggest(12));
    }

    @Test
    void aKrigingBelieverBatchOfFourHasFourDistinctValidPoints() {
        GpOptimizer o = gp(BRANIN, 3, null);
        run(o, 0, 8, GpOptimizerTest::branin);
        var batch = o.suggest(4);
        assertThat(batch).hasSize(4);
        assertThat(new HashSet<>(batch)).hasSize(4);
        for (var c : batch) {
            BRANIN.toUnit(c);
        }
        // the batch is not one point with tiny changes
        double minDistance = Double.POSITIVE_INFINITY;
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < i; j++) {
                double[] a = BRANIN.toUnit(batch.get(i)), b = BRANIN.toUnit(batch.get(j));
                minDistance = Math.min(minDistance, Math.hypot(a[0] - b[0], a[1] - b[1]));
            }
        }
        assertThat(minDistance).isGreaterThan(1e-3);
    }

    @Test
    void theSameSeedGivesTheSameSuggestionsAndBatchesMayBeSplit() {
        var a = run(gp(BRANIN, 21, null), 0, 12, GpOptimizerTest::branin);
        var b = run(gp(BRANIN, 21, null), 0, 12, GpOptimizerTest::branin);
        assertThat(a).isEqualTo(b);
        var c = run(gp(BRANIN, 22, null), 0, 12, GpOptimizerTest::branin);
        assertThat(c.subList(6, 12)).isNotEqualTo(a.subList(6, 12));

        GpOptimizer whole = gp(BRANIN, 21, null), split = gp(BRANIN, 21, null);
        run(whole, 0, 7, GpOptimizerTest::branin);
        run(split, 0, 7, GpOptimizerTest::branin);
        var all = whole.suggest(5);
        var parts = new ArrayList<>(split.suggest(2));
        parts.addAll(split.suggest(3));
        assertThat(parts).isEqualTo(all);
    }

    @Test
    void aRestoredOptimizerContinuesExactly() throws Exception {
        GpOptimizer first = gp(MIXED, 5, null);
        var history = new ArrayList<Observation>();
        int t = 0;
        for (; t < 16; t++) {
            var c = first.suggest(1).get(0);
            Observation o = t == 9 ? Observation.failed(t, c) : Observation.completed(t, c, mixed(c));
            history.add(o);
            first.observe(o);
        }
        var stillPending = first.suggest(2); // suggested, never told
        JsonNode stored = JSON.readTree(JSON.writeValueAsString(first.state()));

        GpOptimizer second = gp(MIXED, 5, null);
        history.forEach(second::observe);
        second.restore(stored);
        assertThat(second.state()).isEqualTo(first.state());
        for (int k = 0; k < 4; k++, t++) {
            var a = first.suggest(k == 0 ? 2 : 1);
            var b = second.suggest(k == 0 ? 2 : 1);
            assertThat(b).as("step %d", k).isEqualTo(a);
            var o = Observation.completed(t, a.get(0), mixed(a.get(0)));
            first.observe(o);
            second.observe(o);
        }
        assertThat(stillPending).hasSize(2);
        assertThat(second.state()).isEqualTo(first.state());
    }

    @Test
    void mixedSpacesGiveValidConfigurationsAndFindTheGoodCategory() {
        int foundTanh = 0;
        for (long seed : new long[]{1, 3, 5}) {
            GpOptimizer o = gp(MIXED, seed, null);
            var all = run(o, 0, 30, GpOptimizerTest::mixed);
            all.addAll(o.suggest(3));
            for (var c : all) {
                assertThat(List.copyOf(c.keySet())).containsExactly("x", "lr", "depth", "width", "act", "dropout", "bias");
                for (double u : MIXED.toUnit(c)) { // throws for anything outside the space
                    assertThat(u).isBetween(0.0, 1.0);
                }
                assertThat(((Number) c.get("depth")).doubleValue() % 1.0).isZero();
                assertThat(c.get("act")).isIn("relu", "tanh", "gelu");
            }
            var best = all.subList(0, 30).stream().min(java.util.Comparator.comparingDouble(GpOptimizerTest::mixed)).orElseThrow();
            if ("tanh".equals(best.get("act"))) {
                foundTanh++;
            }
        }
        // "tanh" is 1.5 better than the others; a seed may still exploit another category well
        assertThat(foundTanh).isGreaterThanOrEqualTo(2);
    }

    @Test
    void failedTrialsAreAvoidedNotFatal() {
        GpOptimizer o = gp(BRANIN, 4, null);
        run(o, 0, 6, GpOptimizerTest::branin);
        // the region x1 > 5 fails
        var seen = new ArrayList<Map<String, Object>>();
        int failures = 0;
        for (int t = 6; t < 22; t++) {
            var c = o.suggest(1).get(0);
            seen.add(c);
            if (((Number) c.get("x1")).doubleValue() > 5) {
                o.observe(Observation.failed(t, c));
                failures++;
            } else {
                o.observe(Observation.completed(t, c, branin(c)));
            }
        }
        assertThat(new HashSet<>(seen)).hasSize(seen.size()); // never the same failed point again
        assertThat(failures).isLessThan(12);
        // only failures: still suggests (from the design)
        GpOptimizer allFail = gp(BRANIN, 4, null);
        for (int t = 0; t < 8; t++) {
            allFail.observe(Observation.failed(t, allFail.suggest(1).get(0)));
        }
        assertThat(allFail.suggest(2)).hasSize(2);
    }

    @Test
    void prunedAndStoppedTrialsAreHandled() {
        GpOptimizer o = gp(BRANIN, 6, null);
        run(o, 0, 6, GpOptimizerTest::branin);
        var c = o.suggest(2);
        o.observe(new Observation(6, c.get(0), TrialState.PRUNED, OptionalDouble.of(50.0)));
        o.observe(new Observation(7, c.get(1), TrialState.STOPPED, OptionalDouble.empty()));
        assertThat(o.suggest(1)).hasSize(1);
    }

    @Test
    void absentParametersAreImputedNotFatal() {
        GpOptimizer o = gp(MIXED, 2, "{\"n_startup_trials\":3}");
        for (int t = 0; t < 6; t++) {
            var c = new HashMap<>(o.suggest(1).get(0));
            if (t % 2 == 0) {
                c.remove("depth"); // inactive in this trial
                c.remove("act");
            }
            o.observe(Observation.completed(t, c, t));
        }
        for (var c : o.suggest(3)) {
            MIXED.toUnit(c);
        }
    }

    @Test
    void conditionalSpacesGiveValidConfigurationsOnBothBranches() {
        var space = SearchSpace.of(
                new ChoiceParam("opt", List.of("sgd", "adam")),
                new UniformParam("momentum", 0, 1, new Condition("opt", List.of("sgd"))),
                new LogUniformParam("lr", 1e-4, 1));
        GpOptimizer o = gp(space, 3, null);
        var all = new ArrayList<Map<String, Object>>();
        for (int t = 0; t < 24; t++) {
            var batch = o.suggest(2);
            for (var c : batch) {
                double[] u = space.toUnit(c); // throws unless active parameters are present and inactive ones absent
                assertThat(Double.isNaN(u[1])).isEqualTo(!"sgd".equals(c.get("opt")));
                double lr = ((Number) c.get("lr")).doubleValue();
                double m = c.containsKey("momentum") ? ((Number) c.get("momentum")).doubleValue() : 0.5;
                o.observe(Observation.completed(all.size(), c, Math.pow(Math.log10(lr) + 2, 2) + (m - 0.9) * (m - 0.9)));
                all.add(c);
            }
        }
        assertThat(all).anyMatch(c -> c.containsKey("momentum")).anyMatch(c -> !c.containsKey("momentum"));
        // an inactive parameter set anyway is read as absent rather than rejected
        o.observe(Observation.completed(99, Map.of("opt", "adam", "momentum", 0.3, "lr", 0.01), 0.0));
        assertThat(o.suggest(1)).hasSize(1);
    }

    @Test
    void maximisationAndUcbWork() {
        GpOptimizer max = new GpOptimizer(new OptimizerContext(BRANIN, Direction.MAXIMIZE, 1));
        double best = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < 20; t++) {
            var c = max.suggest(1).get(0);
            double v = -branin(c);
            best = Math.max(best, v);
            max.observe(Observation.completed(t, c, v));
        }
        assertThat(best).isGreaterThan(-3);

        GpOptimizer ucb = gp(BRANIN, 1, "{\"acquisition\":\"ucb\",\"beta\":2.5,\"candidates\":500,\"restarts\":3}");
        var s = run(ucb, 0, 20, GpOptimizerTest::branin);
        assertThat(s.stream().mapToDouble(GpOptimizerTest::branin).min().orElseThrow()).isLessThan(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"acquisition\":\"pi\"}", "{\"acquisition\":3}", "{\"beta\":-1}", "{\"beta\":\"big\"}",
        "{\"n_startup_trials\":0}", "{\"n_startup_trials\":\"5\"}", "{\"restarts\":1.5}", "{\"candidates\":0}",
        "{\"warp\":\"cube\"}", "{\"kernel\":\"rbf\"}", "{\"repeats\":1}"})
    void invalidSettingsNameTheKey(String config) throws Exception {
        JsonNode c = JSON.readTree(config);
        String key = c.fieldNames().next();
        assertThatThrownBy(() -> new GpOptimizer(new OptimizerContext(BRANIN, Direction.MINIMIZE, 1, c)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + key + "'");
    }

    @Test
    void validSettingsAreAccepted() throws Exception {
        var s = GpSettings.from(JSON.readTree("{\"acquisition\":\"ucb\",\"beta\":2,\"n_startup_trials\":7,\"restarts\":3,"
                + "\"candidates\":300,\"warp\":\"rank\",\"repeats\":true}"), 2);
        assertThat(s).isEqualTo(new GpSettings(true, 2.0, 7, 3, 300, OutputWarp.RANK, true));
        assertThat(GpSettings.from(null, 3).startupTrials()).isEqualTo(6);
        assertThat(GpSettings.from(null, 1).startupTrials()).isEqualTo(5);
    }

    @Test
    void onAFiniteGridAPointIsSuggestedAgainOnlyOnceEveryOtherWasEvaluated() {
        var grid = SearchSpace.of(new IntParam("depth", 1, 4, false), new ChoiceParam("act", List.of("relu", "tanh", "gelu")));
        // a noisy objective whose best point is (4, gelu): log-EI keeps pointing back at it
        var noise = new java.util.SplittableRandom(3);
        java.util.function.ToDoubleFunction<Map<String, Object>> f = c -> -((Number) c.get("depth")).doubleValue()
                - (c.get("act").equals("gelu") ? 2 : 0) + 0.5 * noise.nextGaussian();
        GpOptimizer o = gp(grid, 5, "{\"n_startup_trials\":3}");
        var seen = new HashSet<Map<String, Object>>();
        for (int t = 0; t < 12; t++) {
            Map<String, Object> c = o.suggest(1).get(0);
            assertThat(seen.add(c)).as("suggestion %d repeats %s", t, c).isTrue();
            o.observe(Observation.completed(t, c, f.applyAsDouble(c)));
        }
        Map<String, Object> again = o.suggest(1).get(0); // all 12 evaluated: a repeat is the only choice left
        assertThat(seen).contains(again);
    }

    @Test
    void suggestNeedsAPositiveCountAndRestoreRejectsAForeignState() throws Exception {
        GpOptimizer o = gp(BRANIN, 1, null);
        assertThatThrownBy(() -> o.suggest(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n >= 1");
        assertThatThrownBy(() -> o.restore(JSON.readTree("{\"pending\":[[0.5]]}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pending");
        assertThatThrownBy(() -> o.restore(JSON.readTree("{\"theta\":[1,2]}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("theta");
    }
}
