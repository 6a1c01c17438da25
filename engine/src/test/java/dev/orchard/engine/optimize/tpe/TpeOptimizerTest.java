package dev.orchard.engine.optimize.tpe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.optimize.Observation;
import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.space.ChoiceParam;
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
import java.util.function.ToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TpeOptimizerTest {

    static final SearchSpace MIXED = SearchSpace.of(
            new UniformParam("x", -5, 10),
            new LogUniformParam("lr", 1e-5, 1),
            new IntParam("depth", 1, 8, false),
            new IntParam("width", 8, 1024, true),
            new ChoiceParam("batch", List.of(16, 32, 64, 128)),
            new ChoiceParam("act", List.of("relu", "tanh", "gelu")),
            new ChoiceParam("bias", List.of(true, false)));

    /** A smooth objective of the mixed space with its optimum inside. */
    static double mixed(Map<String, Object> c) {
        double x = num(c, "x");
        double lr = Math.log10(num(c, "lr"));
        double depth = num(c, "depth");
        double width = Math.log(num(c, "width")) / Math.log(2);
        double batch = num(c, "batch");
        double act = "tanh".equals(c.get("act")) ? 0 : 1;
        double bias = Boolean.TRUE.equals(c.get("bias")) ? 0 : 0.5;
        return (x - 2) * (x - 2) + (lr + 3) * (lr + 3) + Math.abs(depth - 5) + Math.abs(width - 7) + Math.abs(batch - 64) / 32
                + act + bias;
    }

    static double num(Map<String, Object> c, String k) {
        return ((Number) c.get(k)).doubleValue();
    }

    static Optimizer tpe(String name, SearchSpace space, long seed, ObjectNode config) {
        return new TpeOptimizer(new OptimizerContext(space, Direction.MINIMIZE, seed, config), name);
    }

    static Optimizer tpe(String name, SearchSpace space, long seed) {
        return tpe(name, space, seed, null);
    }

    static ObjectNode config() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Runs n sequential trials; returns the suggestions. */
    static List<Map<String, Object>> run(Optimizer o, int n, ToDoubleFunction<Map<String, Object>> f) {
        var out = new ArrayList<Map<String, Object>>();
        for (int t = 0; t < n; t++) {
            var c = o.suggest(1).get(0);
            out.add(c);
            o.observe(Observation.completed(t, c, f.applyAsDouble(c)));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tpe", "tpe-mv"})
    void sameSeedGivesSameSuggestions(String name) {
        var a = run(tpe(name, MIXED, 42), 30, TpeOptimizerTest::mixed);
        var b = run(tpe(name, MIXED, 42), 30, TpeOptimizerTest::mixed);
        assertThat(a).isEqualTo(b);
        var c = run(tpe(name, MIXED, 43), 30, TpeOptimizerTest::mixed);
        assertThat(c.subList(10, 30)).isNotEqualTo(a.subList(10, 30));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tpe", "tpe-mv"})
    void suggestionsAreValidConfigurationsOfEveryParameterType(String name) {
        Optimizer o = tpe(name, MIXED, 5);
        for (Map<String, Object> c : run(o, 60, TpeOptimizerTest::mixed)) {
            assertThat(List.copyOf(c.keySet())).containsExactly("x", "lr", "depth", "width", "batch", "act", "bias");
            MIXED.toUnit(c); // throws for anything out of range or not a value of its parameter
            assertThat(c.get("x")).isInstanceOf(Double.class);
            assertThat(c.get("lr")).isInstanceOf(Double.class);
            assertThat(c.get("depth")).isInstanceOfAny(Integer.class, Long.class);
            assertThat(c.get("width")).isInstanceOfAny(Integer.class, Long.class);
            assertThat(c.get("batch")).isIn(16, 32, 64, 128);
            assertThat(c.get("act")).isIn("relu", "tanh", "gelu");
            assertThat(c.get("bias")).isIn(true, false);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tpe", "tpe-mv"})
    void learnsTheMixedSpace(String name) {
        // the best of 80 trials lies near the optimum (value 0) far more often than random search's would:
        // random's expected best over the 7 dimensions is several units
        double best = run(tpe(name, MIXED, 11), 80, TpeOptimizerTest::mixed).stream()
                .mapToDouble(TpeOptimizerTest::mixed).min().orElseThrow();
        assertThat(best).isLessThan(3.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tpe", "tpe-mv"})
    void restoredOptimizerContinuesTheExactSequence(String name) throws Exception {
        Optimizer first = tpe(name, MIXED, 7);
        var history = new ArrayList<Observation>();
        for (int t = 0; t < 15; t++) {
            var c = first.suggest(1).get(0);
            Observation o = t % 5 == 4 ? Observation.failed(t, c) : Observation.completed(t, c, mixed(c));
            history.add(o);
            first.observe(o);
        }
        first.suggest(3); // three trials running: pending, and they shape what comes next (constant liar)
        JsonNode state = first.state();
        assertThat(state.path("pending")).hasSize(3);
        ObjectMapper json = new ObjectMapper();
        JsonNode stored = json.readTree(json.writeValueAsString(state)); // stored as text with a checkpoint
        var expected = first.suggest(5);

        // re-observing the history, then restoring (the Optimizer contract)
        Optimizer second = tpe(name, MIXED, 7);
        history.forEach(second::observe);
        second.restore(stored);
        assertThat(second.suggest(5)).isEqualTo(expected);
        assertThat(second.state()).isEqualTo(first.state());
        // the state is what the history cannot give: counters and the running trials, no observations
        assertThat(state.has("observations")).isFalse();
    }

    @Test
    void aStateOfAnEarlierVersionWithObservationsRestoresFromTheReObservedHistory() throws Exception {
        Optimizer first = tpe("tpe", MIXED, 8);
        var history = new ArrayList<Observation>();
        for (int t = 0; t < 14; t++) {
            var c = first.suggest(1).get(0);
            Observation o = Observation.completed(t, c, mixed(c));
            history.add(o);
            first.observe(o);
        }
        ObjectMapper json = new ObjectMapper();
        var old = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(json.writeValueAsString(first.state()));
        // earlier versions stored the observations too, some of which a changed space may no longer hold
        old.putArray("observations").addObject().put("trial", 0).put("state", "completed").put("value", 1)
                .putObject("params").put("x", 99);
        var expected = first.suggest(3);
        Optimizer second = tpe("tpe", MIXED, 8);
        history.forEach(second::observe);
        second.restore(old);
        assertThat(second.suggest(3)).isEqualTo(expected);
    }

    @Test
    void historyOrderDoesNotMatterOnlyTrialNumbers() {
        Optimizer a = tpe("tpe", MIXED, 3);
        var obs = new ArrayList<Observation>();
        for (int t = 0; t < 25; t++) {
            var c = a.suggest(1).get(0);
            obs.add(Observation.completed(t, c, mixed(c)));
        }
        Optimizer b = tpe("tpe", MIXED, 3);
        b.suggest(25);
        obs.forEach(a::observe);
        for (int i = obs.size() - 1; i >= 0; i--) {
            b.observe(obs.get(i));
        }
        assertThat(b.suggest(3)).isEqualTo(a.suggest(3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tpe", "tpe-mv"})
    void constantLiarSpreadsABatch(String name) {
        SearchSpace s = SearchSpace.of(new UniformParam("x", 0, 1), new IntParam("k", 0, 3, false));
        ToDoubleFunction<Map<String, Object>> f = c -> Math.abs(num(c, "x") - 0.3) + 0.1 * num(c, "k");
        Optimizer liar = tpe(name, s, 1);
        Optimizer honest = tpe(name, s, 1, config().put("constant_liar", false));
        run(liar, 20, f);
        run(honest, 20, f);
        var batch = liar.suggest(4);
        assertThat(new HashSet<>(batch)).hasSize(4);
        var plain = honest.suggest(4);
        // the first of a batch sees no running trial either way; the others see the ones before them
        assertThat(batch.get(0)).isEqualTo(plain.get(0));
        assertThat(batch.subList(1, 4)).isNotEqualTo(plain.subList(1, 4));
    }

    @Test
    void constantLiarKeepsAwayFromRunningTrialsInASmallDiscreteSpace() {
        // 4 x 3 = 12 configurations; after learning that k = 1 and j = 2 is best, a batch of 4 with the liar
        // covers more distinct configurations than without it
        SearchSpace s = SearchSpace.of(new IntParam("k", 0, 3, false), new ChoiceParam("j", List.of("a", "b", "c")));
        ToDoubleFunction<Map<String, Object>> f = c -> Math.abs(num(c, "k") - 1) + ("c".equals(c.get("j")) ? 0 : 1);
        int liarDistinct = 0;
        int honestDistinct = 0;
        for (long seed = 0; seed < 10; seed++) {
            Optimizer liar = tpe("tpe", s, seed);
            Optimizer honest = tpe("tpe", s, seed, config().put("constant_liar", false));
            run(liar, 30, f);
            run(honest, 30, f);
            liarDistinct += new HashSet<>(liar.suggest(4)).size();
            honestDistinct += new HashSet<>(honest.suggest(4)).size();
        }
        assertThat(liarDistinct).isGreaterThan(honestDistinct);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tpe", "tpe-mv"})
    void allFailedHistoryDoesNotCrash(String name) {
        for (int startup : new int[]{10, 0}) {
            Optimizer o = tpe(name, MIXED, 2, config().put("n_startup_trials", startup));
            for (int t = 0; t < 30; t++) {
                var c = o.suggest(1).get(0);
                o.observe(Observation.failed(t, c));
            }
            for (var c : o.suggest(4)) {
                MIXED.toUnit(c);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tpe", "tpe-mv"})
    void singleValuedParametersWork(String name) {
        SearchSpace s = SearchSpace.of(new ChoiceParam("only", List.of("it")), new IntParam("fixed", 3, 3, false),
                new UniformParam("x", 0, 1), new ChoiceParam("one", List.of(2.5)));
        for (var c : run(tpe(name, s, 4), 25, c -> num(c, "x"))) {
            assertThat(c).containsEntry("only", "it").containsEntry("one", 2.5);
            assertThat(((Number) c.get("fixed")).longValue()).isEqualTo(3);
        }
        // a space of nothing but fixed parameters
        SearchSpace fixed = SearchSpace.of(new ChoiceParam("only", List.of(true)));
        assertThat(run(tpe(name, fixed, 4), 15, c -> 1.0)).allMatch(c -> c.equals(Map.of("only", true)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tpe", "tpe-mv"})
    void parametersAbsentFromObservationsAreModelledOnTheOthers(String name) {
        // a conditional parameter: "y" is present only when "kind" is "b"; observations lack it otherwise
        SearchSpace s = SearchSpace.of(new ChoiceParam("kind", List.of("a", "b")), new UniformParam("x", 0, 1),
                new UniformParam("y", 0, 1));
        Optimizer o = tpe(name, s, 8);
        for (int t = 0; t < 40; t++) {
            var c = new HashMap<>(o.suggest(1).get(0));
            if ("a".equals(c.get("kind"))) {
                c.remove("y");
            }
            double v = num(c, "x") + ("b".equals(c.get("kind")) ? num(c, "y") : 0.5);
            o.observe(Observation.completed(t, c, v));
        }
        for (var c : o.suggest(5)) {
            s.toUnit(c);
        }
        // observations that miss every parameter but one, and none at all of some
        Optimizer sparse = tpe(name, MIXED, 8);
        for (int t = 0; t < 20; t++) {
            sparse.observe(Observation.completed(t, Map.of("x", t / 4.0), t));
        }
        for (var c : sparse.suggest(3)) {
            MIXED.toUnit(c);
        }
    }

    @Test
    void maximizeLooksForLargeValues() {
        SearchSpace s = SearchSpace.of(new UniformParam("x", 0, 10));
        Optimizer o = new TpeOptimizer(new OptimizerContext(s, Direction.MAXIMIZE, 3), "tpe");
        var cs = run(o, 40, c -> -Math.pow(num(c, "x") - 3, 2));
        // the last 15 suggestions gather around x = 3: uniform sampling would put 3 of them within 1 of it (TPE keeps
        // exploring: the prior holds a quarter of l(x)'s weight with 4 "below" trials)
        long near = cs.subList(25, 40).stream().filter(c -> Math.abs(num(c, "x") - 3) < 1).count();
        assertThat(near).isGreaterThanOrEqualTo(6);
        assertThat(cs.stream().mapToDouble(c -> Math.abs(num(c, "x") - 3)).min().orElseThrow()).isLessThan(0.1);
        // and minimizing the negated function gives the very same suggestions
        Optimizer m = new TpeOptimizer(new OptimizerContext(s, Direction.MINIMIZE, 3), "tpe");
        assertThat(run(m, 40, c -> Math.pow(num(c, "x") - 3, 2))).isEqualTo(cs);
    }

    @Test
    void splitFollowsOptunaForPrunedAndFailedTrials() {
        TpeOptimizer o = new TpeOptimizer(new OptimizerContext(SearchSpace.of(new UniformParam("x", 0, 1)),
                Direction.MINIMIZE, 0), "tpe");
        // 12 completed (values 0..11 at trials 0..11), 3 pruned with better values, 5 failed:
        // n = 15 (failed trials are in neither set), gamma(15) = 2, completed trials rank first -> trials 0 and 1
        for (int t = 0; t < 12; t++) {
            o.observe(Observation.completed(t, Map.of("x", 0.5), t));
        }
        for (int t = 12; t < 15; t++) {
            o.observe(new Observation(t, Map.of("x", 0.5), TrialState.PRUNED, OptionalDouble.of(-100 - t)));
        }
        for (int t = 15; t < 20; t++) {
            o.observe(Observation.failed(t, Map.of("x", 0.5)));
        }
        assertThat(o.belowTrials()).containsExactly(0, 1);

        // 1 completed and 10 pruned: gamma(11) = 2: the completed one, then the best pruned one by its last value
        TpeOptimizer p = new TpeOptimizer(new OptimizerContext(SearchSpace.of(new UniformParam("x", 0, 1)),
                Direction.MAXIMIZE, 0), "tpe");
        p.observe(Observation.completed(0, Map.of("x", 0.5), -50));
        for (int t = 1; t <= 10; t++) {
            p.observe(new Observation(t, Map.of("x", 0.5), TrialState.PRUNED, OptionalDouble.of(t)));
        }
        assertThat(p.belowTrials()).containsExactly(0, 10); // maximize: pruned trial 10 has the largest value
    }

    @Test
    void startupIsRandomUntilEnoughTrialsCompletedOrWerePruned() {
        // with the same seed the startup suggestions are exactly the random optimizer's
        var random = new dev.orchard.engine.optimize.RandomOptimizer(new OptimizerContext(MIXED, Direction.MINIMIZE, 9));
        Optimizer o = tpe("tpe", MIXED, 9);
        assertThat(o.suggest(10)).isEqualTo(random.suggest(10));
        // failed trials do not count towards the startup
        Optimizer f = tpe("tpe", MIXED, 9, config().put("n_startup_trials", 3));
        var r2 = new dev.orchard.engine.optimize.RandomOptimizer(new OptimizerContext(MIXED, Direction.MINIMIZE, 9));
        var cs = f.suggest(5);
        assertThat(cs).isEqualTo(r2.suggest(5));
        for (int t = 0; t < 5; t++) {
            f.observe(Observation.failed(t, cs.get(t)));
        }
        assertThat(f.suggest(1)).isEqualTo(r2.suggest(1));
    }

    @Test
    void invalidObservationIsRejectedAndChangesNothing() {
        Optimizer o = tpe("tpe", MIXED, 1);
        var c = o.suggest(1).get(0);
        JsonNode before = o.state();
        var bad = new HashMap<>(c);
        bad.put("depth", 99);
        assertThatThrownBy(() -> o.observe(Observation.completed(0, bad, 1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("depth");
        assertThat(o.state()).isEqualTo(before);
        assertThatThrownBy(() -> o.suggest(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n >= 1");
    }

    @Test
    void settingsAreValidatedByKey() {
        SearchSpace s = SearchSpace.of(new UniformParam("x", 0, 1));
        assertThat(((TpeOptimizer) tpe("tpe", s, 0)).config()).isEqualTo(new TpeConfig(10, 24, 1.0, true, false, true, false));
        assertThat(((TpeOptimizer) tpe("tpe-mv", s, 0)).config().multivariate()).isTrue();
        var custom = config().put("n_startup_trials", 3).put("n_ei_candidates", 48).put("prior_weight", 0.5)
                .put("consider_magic_clip", false).put("consider_endpoints", true).put("constant_liar", false)
                .put("multivariate", true);
        assertThat(((TpeOptimizer) tpe("tpe", s, 0, custom)).config()).isEqualTo(new TpeConfig(3, 48, 0.5, false, true, false, true));

        assertThatThrownBy(() -> tpe("tpe", s, 0, config().put("n_startup_trials", -1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'n_startup_trials'");
        assertThatThrownBy(() -> tpe("tpe", s, 0, config().put("n_ei_candidates", 0)))
                .hasMessageContaining("'n_ei_candidates'");
        assertThatThrownBy(() -> tpe("tpe", s, 0, config().put("n_ei_candidates", 2.5)))
                .hasMessageContaining("'n_ei_candidates'");
        assertThatThrownBy(() -> tpe("tpe", s, 0, config().put("prior_weight", "heavy")))
                .hasMessageContaining("'prior_weight'");
        assertThatThrownBy(() -> tpe("tpe", s, 0, config().put("constant_liar", "yes")))
                .hasMessageContaining("'constant_liar'");
        assertThatThrownBy(() -> tpe("tpe", s, 0, config().put("gamma", 0.2))).hasMessageContaining("'gamma'");
        assertThatThrownBy(() -> tpe("tpe", s, 0, config().put("n_startup", 5)))
                .hasMessageContaining("'n_startup'").hasMessageContaining("n_startup_trials");
        assertThatThrownBy(() -> tpe("tpe-mv", s, 0, config().put("multivariate", false)))
                .hasMessageContaining("'multivariate'");
    }

    @Test
    void providersAreNamed() {
        assertThat(new TpeOptimizer.Provider().name()).isEqualTo("tpe");
        assertThat(new TpeOptimizer.MultivariateProvider().name()).isEqualTo("tpe-mv");
        var ctx = new OptimizerContext(MIXED, Direction.MINIMIZE, 1);
        assertThat(new TpeOptimizer.Provider().create(ctx).suggest(2)).hasSize(2);
        assertThat(((TpeOptimizer) new TpeOptimizer.MultivariateProvider().create(ctx)).config().multivariate()).isTrue();
        assertThat(new TpeOptimizer.Provider().description()).isNotBlank();
    }
}
