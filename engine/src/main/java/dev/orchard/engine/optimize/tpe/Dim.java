package dev.orchard.engine.optimize.tpe;

import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.IntParam;
import dev.orchard.engine.space.LogUniformParam;
import dev.orchard.engine.space.Param;
import dev.orchard.engine.space.UniformParam;

/**
 * One parameter as TPE models it, in Optuna's "internal representation":
 * <ul>
 *   <li>{@code uniform}: a float on [low, high]; {@code log_uniform}: a float whose kernels live in log space;</li>
 *   <li>{@code int}: a discrete value with step 1 (kernels in log space with {@code log}); its kernels are truncated to
 *       [low - 1/2, high + 1/2] and samples are rounded, as Optuna's {@code IntDistribution};</li>
 *   <li>numeric {@code choice}: ordinal, as an int index 0..k-1 with step 1, so neighbouring values share kernel mass
 *       (the values' own spacing is not used: [16, 32, 64, 128] behaves like a log scale, [1, 2, 3] like a linear one);</li>
 *   <li>string or boolean {@code choice}: categorical, the index of the value.</li>
 * </ul>
 * A parameter absent from a configuration (inactive conditional parameter) is NaN.
 */
record Dim(int index, Param param, Kind kind, double low, double high, boolean log, int choices) {

    enum Kind {
        /** Continuous: {@code uniform} and {@code log_uniform}. */
        FLOAT,
        /** Discrete with step 1: {@code int} and numeric (ordinal) {@code choice}. */
        DISCRETE,
        /** Unordered: string and boolean {@code choice}. */
        CATEGORICAL
    }

    static final double STEP = 1.0;

    static Dim of(int index, Param p) {
        if (p instanceof UniformParam u) {
            return new Dim(index, p, Kind.FLOAT, u.low(), u.high(), false, 0);
        }
        if (p instanceof LogUniformParam u) {
            return new Dim(index, p, Kind.FLOAT, u.low(), u.high(), true, 0);
        }
        if (p instanceof IntParam i) {
            return new Dim(index, p, Kind.DISCRETE, i.low(), i.high(), i.log(), 0);
        }
        if (p instanceof ChoiceParam c) {
            int k = c.values().size();
            return new Dim(index, p, c.numeric() ? Kind.DISCRETE : Kind.CATEGORICAL, 0, k - 1, false, k);
        }
        throw new IllegalArgumentException("parameter '" + p.name() + "': TPE does not know the type "
                + p.getClass().getSimpleName());
    }

    String name() {
        return param.name();
    }

    boolean categorical() {
        return kind == Kind.CATEGORICAL;
    }

    boolean discrete() {
        return kind == Kind.DISCRETE;
    }

    /** Only one value is possible: the parameter is fixed and not modelled. */
    boolean single() {
        return low == high;
    }

    /** Lower end of the kernels' support in kernel space (log space for log parameters, half a step out for discrete). */
    double adaptedLow() {
        double l = discrete() ? low - STEP / 2 : low;
        return log ? Math.log(l) : l;
    }

    double adaptedHigh() {
        double h = discrete() ? high + STEP / 2 : high;
        return log ? Math.log(h) : h;
    }

    /** An internal value in kernel space (where kernel centres live). */
    double toKernel(double internal) {
        return log ? Math.log(internal) : internal;
    }

    /**
     * The internal value of a parameter value; throws {@link dev.orchard.engine.space.SpaceException} (an
     * IllegalArgumentException naming the parameter) for a value the parameter cannot take.
     */
    double parse(Object value) {
        param.toUnit(value); // validates: range, integrality, membership
        if (param instanceof ChoiceParam c) {
            return c.indexOf(value);
        }
        double v = ((Number) value).doubleValue();
        return param instanceof IntParam ? Math.rint(v) : v;
    }

    /** The unit-cube coordinate of an internal value, for {@link dev.orchard.engine.space.SearchSpace#fromUnit}. */
    double toUnit(double internal) {
        double u;
        if (param instanceof UniformParam p) {
            u = (internal - p.low()) / (p.high() - p.low());
        } else if (param instanceof LogUniformParam p) {
            u = (Math.log(internal) - Math.log(p.low())) / (Math.log(p.high()) - Math.log(p.low()));
        } else if (param instanceof IntParam p) {
            u = p.toUnit((long) internal); // the centre of the value's cell: maps back exactly
        } else {
            u = (internal + 0.5) / choices;
        }
        return Math.min(1.0, Math.max(0.0, u));
    }
}
