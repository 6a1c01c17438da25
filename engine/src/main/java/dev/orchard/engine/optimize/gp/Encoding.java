package dev.orchard.engine.optimize.gp;

import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.Condition;
import dev.orchard.engine.space.Param;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.SpaceException;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * The GP's model space: one coordinate per parameter.
 * <ul>
 *   <li>uniform, log-uniform (already uniform in log space), int and numeric (ordered) choice parameters: the unit
 *       coordinate; discrete ones sit at the centre of their value's cell, and a relaxed coordinate is rounded by
 *       mapping it to its value and back;</li>
 *   <li>unordered (string or boolean) choices: the index of the value, compared only for equality by the kernel's
 *       overlap term ({@link Matern52});</li>
 *   <li>an absent (inactive) parameter, which {@code SearchSpace.toUnit} reports as NaN, is imputed: 0.5 for a numeric
 *       coordinate, the index −1 (a category of its own) for a choice. A configuration that lacks an active parameter
 *       or sets an inactive one (say, told by hand) is read leniently the same way; a value out of range is an
 *       error.</li>
 * </ul>
 */
final class Encoding {
    static final double IMPUTED = 0.5;
    static final double ABSENT_CATEGORY = -1.0;

    private final SearchSpace space;
    private final boolean[] categorical;
    private final int[] levels;

    Encoding(SearchSpace space) {
        this.space = space;
        int d = space.dimension();
        this.categorical = new boolean[d];
        this.levels = new int[d];
        for (int k = 0; k < d; k++) {
            Param p = space.params().get(k);
            if (p instanceof ChoiceParam c && !c.numeric()) {
                categorical[k] = true;
                levels[k] = c.values().size();
            }
        }
    }

    int dimension() {
        return categorical.length;
    }

    boolean[] categorical() {
        return categorical.clone();
    }

    boolean anyCategorical() {
        for (boolean c : categorical) {
            if (c) {
                return true;
            }
        }
        return false;
    }

    /** Number of values of categorical dimension {@code k} (0 for a numeric one). */
    int levels(int k) {
        return levels[k];
    }

    /** The model-space point of a configuration; throws {@link IllegalArgumentException} for a value out of the space. */
    double[] encode(Map<String, ?> config) {
        double[] u;
        try {
            u = space.toUnit(config);
        } catch (SpaceException e) {
            // lenient about the shape (a parameter missing, or set while inactive), strict about values: encode one by
            // one, inactive and missing parameters as absent
            u = new double[dimension()];
            for (int k = 0; k < u.length; k++) {
                Param p = space.params().get(k);
                Object v = config.get(p.name());
                Condition c = p.when();
                boolean inactive = c != null && !(config.containsKey(c.param()) && c.admits(config.get(c.param())));
                u[k] = v == null || inactive ? Double.NaN : p.toUnit(v);
            }
        }
        double[] x = new double[u.length];
        for (int k = 0; k < u.length; k++) {
            if (Double.isNaN(u[k])) {
                x[k] = categorical[k] ? ABSENT_CATEGORY : IMPUTED;
            } else if (categorical[k]) {
                x[k] = Math.min(levels[k] - 1, Math.max(0, (int) Math.floor(u[k] * levels[k])));
            } else {
                x[k] = u[k];
            }
        }
        return x;
    }

    /** The configuration of a model-space point (coordinates clamped into the cube). */
    Map<String, Object> decode(double[] x) {
        double[] u = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            if (categorical[k]) {
                double idx = x[k] < 0 || Double.isNaN(x[k]) ? Math.floor(levels[k] / 2.0) : Math.min(levels[k] - 1, x[k]);
                u[k] = (idx + 0.5) / levels[k];
            } else {
                u[k] = Double.isNaN(x[k]) ? IMPUTED : Math.min(1.0, Math.max(0.0, x[k]));
            }
        }
        return space.fromUnit(u);
    }

    /** The model-space point of the configuration {@code x} stands for: rounds discrete values, imputes inactive ones. */
    double[] canonical(double[] x) {
        return encode(decode(x));
    }

    /** A uniform random point (a uniform category for categorical dimensions), not yet canonical. */
    double[] random(SplittableRandom rng) {
        double[] x = new double[dimension()];
        for (int k = 0; k < x.length; k++) {
            x[k] = categorical[k] ? rng.nextInt(levels[k]) : rng.nextDouble();
        }
        return x;
    }
}
