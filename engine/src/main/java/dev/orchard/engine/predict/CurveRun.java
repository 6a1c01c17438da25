package dev.orchard.engine.predict;

import java.util.Map;

/**
 * One training run: its configuration (environment and agent fields), its curve {@code y} against absolute
 * {@code x} (timesteps, increasing) and the environment it ran in (returns are normalised per environment).
 * {@code group} identifies the configuration: runs that differ only in their seed share it, so splits keep them together.
 */
public record CurveRun(String id, String env, String group, Map<String, Object> config, double[] x, double[] y) {
    public CurveRun {
        if (x.length != y.length) {
            throw new CurveDataException(id + ": " + x.length + " x values but " + y.length + " curve values");
        }
        config = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(config));
    }

    public double lastX() {
        return x[x.length - 1];
    }
}
