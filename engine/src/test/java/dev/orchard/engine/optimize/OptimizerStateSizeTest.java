package dev.orchard.engine.optimize;

import dev.orchard.engine.json.Json;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The optimizer contract's other half: {@code state()} holds only what the history cannot give, since the engine
 * re-observes the history before {@code restore} and stores the state with every checkpoint. Its size must not grow
 * with the number of trials told, for every registered optimizer (plug-ins included).
 */
class OptimizerStateSizeTest {
    /** Room for counters that gain digits. */
    static final int SLACK = 32;

    static Stream<Arguments> cases() {
        return Optimizers.available().keySet().stream().flatMap(name -> Stream.of(
                Arguments.of(name, "mixed", OptimizerContractTest.MIXED),
                Arguments.of(name, "conditional", OptimizerContractTest.CONDITIONAL)));
    }

    /**
     * The optimizer runs 20 trials of its own and has 4 more running; then trials it did not suggest are told (as from
     * a warm start, or an ask/tell client's other workers), with every kind of result. Told without suggestions in
     * between, so that model-based optimizers stay fast; what an optimizer keeps per observation shows all the same.
     */
    @ParameterizedTest(name = "{0} on the {1} space")
    @MethodSource("cases")
    @Timeout(120)
    void stateDoesNotGrowWithTheHistory(String name, String spaceName, SearchSpace space) {
        Optimizer o = Optimizers.create(name, new OptimizerContext(space, Direction.MINIMIZE, 5));
        int n = 0;
        while (n < 20) {
            for (var c : o.suggest(4)) {
                o.observe(result(n++, c));
            }
        }
        o.suggest(4); // running all along
        Optimizer others = new RandomOptimizer(new OptimizerContext(space, Direction.MINIMIZE, 99));
        int atSmall = 0;
        for (int target : new int[]{300, 3000}) {
            while (n < target) {
                o.observe(result(n++, others.suggest(1).get(0)));
            }
            int size = Json.write(o.state()).length();
            if (target == 300) {
                atSmall = size;
            } else {
                assertThat(size).as("state size after 3000 trials (%d bytes after 300)", atSmall)
                        .isLessThanOrEqualTo(atSmall + SLACK);
            }
        }
    }

    /** Completed, failed, stopped and pruned results, as the contract test mixes them. */
    static Observation result(int n, Map<String, Object> c) {
        if (n % 7 == 6) {
            return new Observation(n, c, TrialState.FAILED, OptionalDouble.empty());
        }
        if (n % 11 == 10) {
            return new Observation(n, c, TrialState.STOPPED, OptionalDouble.empty());
        }
        if (n % 13 == 12) {
            return new Observation(n, c, TrialState.PRUNED, OptionalDouble.of(OptimizerContractTest.loss(c) + 1));
        }
        return Observation.completed(n, c, OptimizerContractTest.loss(c));
    }
}
