package dev.orchard.engine.optimize.gp;
import dev.orchard.engine.optimize.*;

import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.Condition;
import dev.orchard.engine.space.IntParam;
import dev.orchard.engine.space.LogUniformParam;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every registered optimizer (plug-ins included) promises: valid suggestions in mixed and conditional spaces,
 * parallel batches, failed / stopped / pruned results, seeded trajectories, and resume through state()/restore().
 */
class GpContractScratchTest {
    static final SearchSpace MIXED = SearchSpace.of(
            new UniformParam("x", -5, 10),
            new LogUniformParam("lr", 1e-5, 1),
            new IntParam("depth", 1, 8, false),
            new IntParam("width", 8, 1024, true),
            new ChoiceParam("act", List.of("relu", "tanh", "gelu")),
            new ChoiceParam("batch", List.of(16, 32, 64, 128)),
            new ChoiceParam("fixed", List.of("only")));

    static final SearchSpace CONDITIONAL = SearchSpace.of(
            new ChoiceParam("opt", List.of("sgd", "adam")),
            new UniformParam("momentum", 0, 1, new Condition("opt", List.of("sgd"))),
            new LogUniformParam("lr", 1e-4, 1));

    static Stream<String> optimizers() {
        return Stream.of("gp");
    }

    /** A deterministic objective over any configuration of the two spaces. */
    static double loss(Map<String, Object> c) {
        double v = 0;
        for (var e : c.entrySet()) {
            v += e.getValue() instanceof Number n ? Math.sin(n.doubleValue() * 1.3 + e.getKey().length())
                    : e.getValue().toString().length() * 0.1;
        }
        return v;
    }

    /** Runs {@code trials} trials in batches, with failed, stopped and pruned results mixed in; returns the history. */
    static List<Map<String, Object>> drive(Optimizer o, SearchSpace space, int from, int trials, int batch) {
        var history = new ArrayList<Map<String, Object>>();
        int n = from;
        while (n < from + trials) {
            var configs = o.suggest(batch);
            assertThat(configs).isNotEmpty().hasSizeLessThanOrEqualTo(batch);
            for (var c : configs) {
                space.toUnit(c); // valid: every active parameter present and in range, inactive ones absent
                Observation obs;
                if (n % 7 == 6) {
                    obs = new Observation(n, c, TrialState.FAILED, OptionalDouble.empty());
                } else if (n % 11 == 10) {
                    obs = new Observation(n, c, TrialState.STOPPED, OptionalDouble.empty());
                } else if (n % 13 == 12) {
                    obs = new Observation(n, c, TrialState.PRUNED, OptionalDouble.of(loss(c) + 1));
                } else {
                    obs = Observation.completed(n, c, loss(c));
                }
                o.observe(obs);
                history.add(c);
                n++;
            }
        }
        return history;
    }

    static Optimizer create(String name, SearchSpace space, long seed) {
        return new GpOptimizer(new OptimizerContext(space, Direction.MINIMIZE, seed));
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void mixedSpaceInBatchesWithEveryKindOfResult(String name) {
        var history = drive(create(name, MIXED, 3), MIXED, 0, 40, 3);
        assertThat(history).hasSizeGreaterThanOrEqualTo(40);
        assertThat(new HashSet<>(history)).as("distinct suggestions").hasSizeGreaterThan(30);
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void conditionalSpace(String name) {
        var history = drive(create(name, CONDITIONAL, 5), CONDITIONAL, 0, 30, 2);
        assertThat(history).anyMatch(c -> c.containsKey("momentum")).anyMatch(c -> !c.containsKey("momentum"));
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void sameSeedSameTrajectory(String name) {
        assertThat(drive(create(name, MIXED, 11), MIXED, 0, 30, 2)).isEqualTo(drive(create(name, MIXED, 11), MIXED, 0, 30, 2));
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void resumeContinuesAsIfUninterrupted(String name) {
        Optimizer first = create(name, MIXED, 9);
        var history = drive(first, MIXED, 0, 24, 3);
        var state = first.state();
        var expected = drive(first, MIXED, history.size(), 12, 3);

        Optimizer resumed = create(name, MIXED, 9);
        // the engine re-observes the stored history, then restores the optimizer's own state
        for (int i = 0; i < history.size(); i++) {
            var c = history.get(i);
            resumed.observe(i % 7 == 6 ? new Observation(i, c, TrialState.FAILED, OptionalDouble.empty())
                    : i % 11 == 10 ? new Observation(i, c, TrialState.STOPPED, OptionalDouble.empty())
                    : i % 13 == 12 ? new Observation(i, c, TrialState.PRUNED, OptionalDouble.of(loss(c) + 1))
                    : Observation.completed(i, c, loss(c)));
        }
        resumed.restore(state);
        assertThat(drive(resumed, MIXED, history.size(), 12, 3)).isEqualTo(expected);
    }
}
