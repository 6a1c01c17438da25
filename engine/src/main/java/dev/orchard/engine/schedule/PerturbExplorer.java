package dev.orchard.engine.schedule;

import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.Condition;
import dev.orchard.engine.space.IntParam;
import dev.orchard.engine.space.LogUniformParam;
import dev.orchard.engine.space.Param;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * PBT's "perturb" explore (Jaderberg et al. 2017, as Ray Tune's): each active parameter, independently, is resampled
 * from the space with probability {@code resampleProbability}; otherwise a number is multiplied by {@code down} or
 * {@code up} (each with probability ½; a log parameter so moves by a constant step in log space) and clipped to its
 * bounds, an integer is rounded (and moved by one in the factor's direction when rounding would leave it unchanged, so
 * small integers do move), and a choice moves to its neighbour on one side (clipped at the ends; for numeric choices
 * the neighbour in the given order). A zero stays zero under multiplication; only resampling moves it. A parameter that
 * becomes active through a changed condition is sampled; one that becomes inactive is dropped. A parent value that does
 * not fit the space is resampled.
 */
public record PerturbExplorer(SearchSpace space, double resampleProbability, double down, double up) implements Explorer {

    public PerturbExplorer {
        if (!(resampleProbability >= 0 && resampleProbability <= 1)) {
            throw new IllegalArgumentException("resample_probability must be in [0, 1], got " + resampleProbability);
        }
        if (!(down > 0) || !(up > 0)) {
            throw new IllegalArgumentException("perturbation factors must be positive, got " + down + " and " + up);
        }
    }

    /** The usual factors 0.8 and 1.2. */
    public PerturbExplorer(SearchSpace space, double resampleProbability) {
        this(space, resampleProbability, 0.8, 1.2);
    }

    @Override
    public Map<String, Object> explore(Map<String, Object> parent, SplittableRandom rng) {
        var out = new LinkedHashMap<String, Object>();
        for (Param p : space.params()) {
            if (!active(p, out)) {
                continue;
            }
            Object v = parent.get(p.name());
            out.put(p.name(), v == null ? sample(p, rng) : mutate(p, v, rng));
        }
        return out;
    }

    private static boolean active(Param p, Map<String, Object> chosen) {
        Condition c = p.when();
        return c == null || (chosen.containsKey(c.param()) && c.admits(chosen.get(c.param())));
    }

    private static Object sample(Param p, SplittableRandom rng) {
        return p.fromUnit(rng.nextDouble());
    }

    private Object mutate(Param p, Object v, SplittableRandom rng) {
        if (rng.nextDouble() < resampleProbability) {
            return sample(p, rng);
        }
        boolean upward = rng.nextBoolean();
        double f = upward ? up : down;
        try {
            p.toUnit(v); // the parent's value must fit the space
        } catch (IllegalArgumentException e) {
            return sample(p, rng);
        }
        if (p instanceof UniformParam u) {
            return clamp(((Number) v).doubleValue() * f, u.low(), u.high());
        }
        if (p instanceof LogUniformParam l) {
            return clamp(((Number) v).doubleValue() * f, l.low(), l.high());
        }
        if (p instanceof IntParam i) {
            long old = ((Number) v).longValue();
            long r = Math.round(old * f);
            if (r == old) {
                r += f > 1 ? 1 : -1;
            }
            r = Math.max(i.low(), Math.min(i.high(), r));
            return r >= Integer.MIN_VALUE && r <= Integer.MAX_VALUE ? (Object) (int) r : (Object) r;
        }
        ChoiceParam c = (ChoiceParam) p;
        int k = c.indexOf(v) + (upward ? 1 : -1);
        return c.values().get(Math.max(0, Math.min(c.values().size() - 1, k)));
    }

    private static double clamp(double x, double low, double high) {
        return Math.max(low, Math.min(high, x));
    }
}
