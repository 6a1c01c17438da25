package dev.orchard.engine.optimize.gp;

import dev.orchard.engine.execute.BuiltinFunctions;
import dev.orchard.engine.optimize.Observation;
import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.optimize.RandomOptimizer;
import dev.orchard.engine.space.Param;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;
import dev.orchard.engine.trial.Direction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** Does it optimise? Robust margins, few seeds (the measured results are far better; see the package docs). */
class GpSanityTest {

    static double best(Optimizer o, SearchSpace space, ToDoubleFunction<double[]> f, int trials) {
        double best = Double.POSITIVE_INFINITY;
        for (int t = 0; t < trials; t++) {
            var c = o.suggest(1).get(0);
            double[] x = new double[space.dimension()];
            for (int i = 0; i < x.length; i++) {
                x[i] = ((Number) c.get(space.params().get(i).name())).doubleValue();
            }
            double v = f.applyAsDouble(x);
            best = Math.min(best, v);
            o.observe(Observation.completed(t, c, v));
        }
        return best;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    @Test
    void braninIn40Trials() {
        var space = SearchSpace.of(new UniformParam("x1", -5, 10), new UniformParam("x2", 0, 15));
        double[] bests = new double[3];
        for (int s = 0; s < 3; s++) {
            bests[s] = best(new GpOptimizer(new OptimizerContext(space, Direction.MINIMIZE, s + 1)), space,
                    BuiltinFunctions::branin, 40);
        }
        assertThat(median(bests)).as("median best of %s", Arrays.toString(bests)).isLessThan(0.45);
    }

    @Test
    void hartmann6In60TrialsBeatsRandomSearch() {
        var params = new ArrayList<Param>();
        for (int i = 1; i <= 6; i++) {
            params.add(new UniformParam("x" + i, 0, 1));
        }
        var space = new SearchSpace(params);
        double[] gp = new double[3], random = new double[3];
        for (int s = 0; s < 3; s++) {
            var ctx = new OptimizerContext(space, Direction.MINIMIZE, s + 1);
            gp[s] = best(new GpOptimizer(ctx), space, BuiltinFunctions::hartmann6, 60);
            random[s] = best(new RandomOptimizer(ctx), space, BuiltinFunctions::hartmann6, 60);
        }
        // optimum −3.32237; random search with 60 trials typically reaches about −2.2
        assertThat(median(gp)).as("gp %s vs random %s", Arrays.toString(gp), Arrays.toString(random))
                .isLessThan(median(random) - 0.3).isLessThan(-2.8);
    }
}
