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
            if (p.when() != null) {
                validateCondition(p, names);
            }
        }
    }

    private void validateCondition(Param p, java.util.Set<String> earlier) {
        Condition c = p.when();
        if (c.param() == null || c.param().equals(p.name()) || !earlier.contains(c.param())) {
            throw new SpaceException(p.name(), "\"when\" must name a parameter defined before it, got '" + c.param() + "'");
        }
        if (c.values().isEmpty()) {
            throw new SpaceException(p.name(), "\"when\" needs at least one value of '" + c.param() + "'");
        }
        Param parent = params.stream().filter(q -> q.name().equals(c.param())).findFirst().orElseThrow();
        for (Object v : c.values()) {
            try {
                parent.toUnit(v);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new SpaceException(p.name(), "\"when\" value " + v + " is not a possible value of '" + c.param() + "'");
            }
        }
    }

    /** True when some parameter is conditional. */
    public boolean conditional() {
        return params.stream().anyMatch(p -> p.when() != null);
    }

    /** The configuration at a point of the unit cube, in parameter order. */
    public Map<String, Object> fromUnit(double[] u) {
        if (u.length != params.size()) {
            throw new IllegalArgumentException("point has " + u.length + " coordinates, space has " + params.size());
        }
        var out = new LinkedHashMap<String, Object>(params.size() * 2);
        for (int i = 0; i < u.length; i++) {
            Param p = params.get(i);
            if (active(p, out)) {
                out.put(p.name(), p.fromUnit(Double.isNaN(u[i]) ? 0.5 : u[i]));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Whether {@code p} is active given the values chosen so far for the parameters before it. */
    private static boolean active(Param p, Map<String, ?> chosen) {
        Condition c = p.when();
        return c == null || (chosen.containsKey(c.param()) && c.admits(chosen.get(c.param())));
    }

    /**
     * The unit-cube point of a configuration. Every active parameter must be present and in range; an inactive
     * conditional parameter must be absent and gets NaN (optimizers treat NaN as "inactive").
     */
    public double[] toUnit(Map<String, ?> config) {
        double[] u = new double[params.size()];
        for (int i = 0; i < u.length; i++) {
            Param p = params.get(i);
            boolean present = config.containsKey(p.name());
            if (!active(p, config)) {
                if (present) {
                    throw new SpaceException(p.name(), "is set, but inactive: it applies only when '" + p.when().param()
                            + "' is one of " + p.when().values());
                }
                u[i] = Double.NaN;
                continue;
            }
            if (!present) {
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
