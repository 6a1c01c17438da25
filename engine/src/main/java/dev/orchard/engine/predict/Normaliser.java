package dev.orchard.engine.predict;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Curve values scaled per environment to mean 0 and deviation 1 (fit on training runs only), so environments with
 * different reward scales weigh alike and the error figures read the same across environments.
 */
public record Normaliser(Map<String, Scale> envs) {
    public record Scale(double mean, double sd) {
    }

    public Normaliser {
        envs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(envs));
    }

    public static Normaliser fit(List<CurveRun> runs) {
        var sums = new LinkedHashMap<String, double[]>();
        for (CurveRun r : runs) {
            double[] s = sums.computeIfAbsent(r.env(), e -> new double[3]);
            for (double y : r.y()) {
                s[0]++;
                s[1] += y;
                s[2] += y * y;
            }
        }
        var out = new LinkedHashMap<String, Scale>();
        sums.forEach((env, s) -> {
            double mean = s[1] / s[0];
            double sd = Math.sqrt(Math.max(0, s[2] / s[0] - mean * mean));
            if (!(sd > 0)) {
                throw new CurveDataException("every curve value of environment '" + env + "' is " + mean + ": nothing to predict");
            }
            out.put(env, new Scale(mean, sd));
        });
        return new Normaliser(out);
    }

    /** The scale of an environment. A model of one environment takes runs that name none; otherwise an unknown one is an error. */
    public Scale scale(String env, String where) {
        Scale s = envs.get(env);
        if (s == null && envs.size() == 1 && env.isEmpty()) {
            return envs.values().iterator().next();
        }
        if (s == null) {
            throw new CurveDataException(where + ": environment '" + env + "' is not one the model was trained on " + envs.keySet());
        }
        return s;
    }

    /** The environment name a run is scored under (the model's only one when the run names none). */
    public String resolve(String env) {
        return envs.containsKey(env) || envs.size() != 1 || !env.isEmpty() ? env : envs.keySet().iterator().next();
    }
}
