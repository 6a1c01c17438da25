package dev.orchard.engine.schedule;

import dev.orchard.engine.bench.SimulatedSweep;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.optimize.Optimizers;
import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.LogUniformParam;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;
import dev.orchard.engine.trial.Direction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * state() → JSON text → restore() on a new scheduler, in the middle of a simulated sweep, continues exactly as the
 * uninterrupted sweep does: same decisions, same launches, same end.
 */
class SchedulerStateTest {
    static final SearchSpace SPACE = SearchSpace.of(new UniformParam("x", 0, 1), new LogUniformParam("lr", 1e-4, 1e-1),
            new ChoiceParam("act", List.of("relu", "tanh", "gelu")));
    static final int BUDGET = 40;

    static Stream<SchedulerSpec> specs() {
        return Stream.of(new SchedulerSpec("sync_batch", 3),
                SchedulerSpec.asha(3, 1, 3, 27, "stop"),
                SchedulerSpec.asha(3, 1, 3, 27, "promote"),
                SchedulerSpec.hyperband(3, 1, 3, 27, "stop"),
                SchedulerSpec.hyperband(3, 1, 3, 27, "promote"),
                SchedulerSpec.median(3, 3, 2),
                SchedulerSpec.pbt(6, 3, 9, 0.25, 0.25));
    }

    static Scheduler create(SchedulerSpec spec) {
        return Schedulers.create(spec, new SchedulerContext(SPACE, Direction.MINIMIZE, 11, BUDGET));
    }

    /** A loss curve per configuration: decays towards a floor set by x and lr, with the act as a constant offset. */
    static SimulatedSweep.Run curve(Map<String, Object> p, long from) {
        double floor = Math.abs((double) p.get("x") - 0.3) + Math.abs(Math.log10((double) p.get("lr")) + 2.5) / 3
                + ("tanh".equals(p.get("act")) ? 0.2 : 0);
        return new SimulatedSweep.Run() {
            @Override
            public double value(long step) {
                return floor + Math.exp(-step / 6.0);
            }

            @Override
            public long lastStep() {
                return 27;
            }
        };
    }

    static List<String> play(SchedulerSpec spec, int swapAt) {
        var log = new ArrayList<String>();
        var sweep = new SimulatedSweep(create(spec), Optimizers.create("random", new OptimizerContext(SPACE, Direction.MINIMIZE, 5)),
                BUDGET, (trial, params, from) -> curve(params, from),
                (t, d, steps, time) -> log.add(time + " t" + t.number() + "@" + t.step() + " " + d.kind() + " " + d.reason() + " " + d.details()));
        int tick = 0;
        while (true) {
            if (tick++ == swapAt) {
                Scheduler old = sweep.scheduler();
                String text = Json.write(old.state());
                Scheduler fresh = create(spec);
                fresh.restore(Json.readMap(text));
                assertThat(Json.write(fresh.state())).isEqualTo(text);
                sweep.replaceScheduler(fresh);
            }
            if (!sweep.advance()) {
                break;
            }
        }
        sweep.trials().values().forEach(t -> log.add("trial " + t.number() + " " + t.launch().getClass().getSimpleName() + " parent "
                + t.parent() + " " + t.params() + " " + t.state() + " at " + t.step()));
        return log;
    }

    @ParameterizedTest
    @MethodSource("specs")
    void aRestoredSchedulerContinuesAsTheOriginal(SchedulerSpec spec) {
        List<String> straight = play(spec, -1);
        assertThat(straight.stream().filter(l -> l.startsWith("trial "))).isNotEmpty();
        for (int swap : new int[]{3, 10, 25}) {
            assertThat(play(spec, swap)).as("restored at time %d", swap).isEqualTo(straight);
        }
    }

    @ParameterizedTest
    @MethodSource("specs")
    void theSweepEndsWithinBudgetAndEveryNewTrialIsAccountedFor(SchedulerSpec spec) {
        var sweep = new SimulatedSweep(create(spec), Optimizers.create("random", new OptimizerContext(SPACE, Direction.MINIMIZE, 5)),
                BUDGET, (trial, params, from) -> curve(params, from), null).run();
        assertThat(sweep.trials()).isNotEmpty().hasSizeLessThanOrEqualTo(BUDGET);
        assertThat(sweep.trials().values()).allSatisfy(t -> assertThat(t.state().finished() || t.state() == dev.orchard.engine.trial.TrialState.PAUSED).isTrue());
    }
}
