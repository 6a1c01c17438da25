package dev.orchard.engine.bench;

import dev.orchard.engine.optimize.Observation;
import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.optimize.Optimizers;
import dev.orchard.engine.optimize.Seeds;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Time of one suggestion once an optimizer holds {@code observations} results: the history is told as random points
 * of the problem (a warm start), then {@code repeats} single suggestions are timed, each followed by its result.
 */
public final class SuggestTime {
    private SuggestTime() {
    }

    public record Result(String optimizer, String problem, int observations, double medianMillis, double maxMillis) {
    }

    public static Result measure(String optimizer, Problem problem, int observations, int repeats, long seed) {
        Optimizer opt = Optimizers.create(optimizer, new OptimizerContext(problem.space(), problem.direction(), seed));
        Optimizer random = Optimizers.create("random", new OptimizerContext(problem.space(), problem.direction(), seed + 1));
        SplittableRandom noise = Seeds.stream(seed, 1);
        int n = 0;
        for (var c : random.suggest(observations)) {
            var v = problem.evaluate(c, noise);
            opt.observe(v.isPresent() ? Observation.completed(n, c, v.getAsDouble()) : Observation.failed(n, c));
            n++;
        }
        double[] ms = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            var c = opt.suggest(1).get(0);
            ms[r] = (System.nanoTime() - t0) / 1e6;
            var v = problem.evaluate(c, noise);
            opt.observe(v.isPresent() ? Observation.completed(n, c, v.getAsDouble()) : Observation.failed(n, c));
            n++;
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        return new Result(optimizer, problem.name(), observations, sorted[sorted.length / 2], sorted[sorted.length - 1]);
    }
}
