package dev.orchard.engine.optimize.evolution;

import dev.orchard.engine.optimize.Observation;
import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.space.Param;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Test functions on named parameters, and an ask/tell loop. */
final class Problems {
    private Problems() {
    }

    static SearchSpace box(int dim, double low, double high) {
        var ps = new ArrayList<Param>();
        for (int i = 0; i < dim; i++) {
            ps.add(new UniformParam("x" + i, low, high));
        }
        return SearchSpace.of(ps.toArray(Param[]::new));
    }

    static double x(Map<String, Object> c, int i) {
        return ((Number) c.get("x" + i)).doubleValue();
    }

    /** Σ (x_i - shift_i)², shift away from the centre. */
    static double sphere(Map<String, Object> c, double[] shift) {
        double s = 0;
        for (int i = 0; i < shift.length; i++) {
            double t = x(c, i) - shift[i];
            s += t * t;
        }
        return s;
    }

    static double rosenbrock(Map<String, Object> c) {
        double x = x(c, 0), y = x(c, 1);
        return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
    }

    static double rastrigin(Map<String, Object> c, int dim, double shift) {
        double s = 10.0 * dim;
        for (int i = 0; i < dim; i++) {
            double t = x(c, i) - shift;
            s += t * t - 10 * Math.cos(2 * Math.PI * t);
        }
        return s;
    }

    static final SearchSpace BRANIN_SPACE = SearchSpace.of(new UniformParam("x0", -5, 10), new UniformParam("x1", 0, 15));

    static double branin(Map<String, Object> c) {
        double x1 = x(c, 0), x2 = x(c, 1);
        double b = 5.1 / (4 * Math.PI * Math.PI), cc = 5 / Math.PI, t = 1 / (8 * Math.PI);
        double u = x2 - b * x1 * x1 + cc * x1 - 6;
        return u * u + 10 * (1 - t) * Math.cos(x1) + 10;
    }

    /** Runs {@code trials} trials, {@code batch} suggestions at a time; returns the values in trial order. */
    static List<Double> run(Optimizer opt, ToDoubleFunction<Map<String, Object>> f, int trials, int batch) {
        var values = new ArrayList<Double>();
        int t = 0;
        while (t < trials) {
            var configs = opt.suggest(Math.min(batch, trials - t));
            for (var c : configs) {
                double v = f.applyAsDouble(c);
                values.add(v);
                opt.observe(Observation.completed(t++, c, v));
            }
        }
        return values;
    }

    static double best(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }
}
