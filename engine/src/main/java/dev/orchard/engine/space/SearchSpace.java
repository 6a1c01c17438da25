package dev.orchard.engine.space;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ordered list of parameters; a point of the unit cube {@code [0,1]^d} maps to one configuration.
 * JSON: {@code {"params":[{"name":"x1","type":"uniform","low":-5,"high":10}, ...]}}.
 */
public record SearchSpace(List<Param> params) {

    @JsonCreator
    public SearchSpace(@JsonProperty("params") List<Param> params) {
        this.params = params == null ? List.of() : List.copyOf(params);
    }

    /** Builds and validates a space. */
    public static SearchSpace of(Param... params) {
        SearchSpace s = new SearchSpace(List.of(params));
        s.validate();
        return s;
    }

    public int dimension() {
        return params.size();
    }

    /** Checks every parameter and that names are unique; throws {@link SpaceException} naming the parameter. */
    public void validate() {
        if (params.isEmpty()) {
            throw new SpaceException(null, "the search space has no parameters");
        }
        var names = new HashSet<String>();
        for (Param p : params) {
            if (p == null) {
                throw new SpaceException(null, "a parameter is null");
            }
            p.validate();
            if (!names.add(p.name())) {
                throw new SpaceException(p.name(), "the name is used by more than one parameter");
            }
        }
    }

    /** The configuration at a point of the unit cube, in parameter order. */
    public Map<String, Object> fromUnit(double[] u) {
        if (u.length != params.size()) {
            throw new IllegalArgumentException("point has " + u.length + " coordinates, space has " + params.size());
        }
        var out = new LinkedHashMap<String, Object>(params.size() * 2);
        for (int i = 0; i < u.length; i++) {
            Param p = params.get(i);
            out.put(p.name(), p.fromUnit(u[i]));
        }
        return Collections.unmodifiableMap(out);
    }

    /** The unit-cube point of a configuration; every parameter must be present and in range. */
    public double[] toUnit(Map<String, ?> config) {
        double[] u = new double[params.size()];
        for (int i = 0; i < u.length; i++) {
            Param p = params.get(i);
            if (!config.containsKey(p.name())) {
                throw new SpaceException(p.name(), "missing from the configuration");
            }
            u[i] = p.toUnit(config.get(p.name()));
        }
        return u;
    }

    /** Number of distinct configurations, or {@code Long.MAX_VALUE} when any parameter is continuous (or it overflows). */
    public long cardinality() {
        long n = 1;
        for (Param p : params) {
            long c = p.cardinality();
            if (c == Long.MAX_VALUE || n > Long.MAX_VALUE / c) {
                return Long.MAX_VALUE;
            }
            n *= c;
        }
        return n;
    }
}
