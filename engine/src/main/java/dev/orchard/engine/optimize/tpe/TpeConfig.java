package dev.orchard.engine.optimize.tpe;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * TPE settings, read from the optimizer's config object. Defaults are Optuna's {@code TPESampler} defaults, except
 * {@code constant_liar}, which is on (Orchard suggests in batches and keeps trials running in parallel).
 *
 * @param nStartupTrials    random suggestions until this many trials completed or were pruned (Optuna: 10)
 * @param nEiCandidates     draws from l(x) scored by log l(x) - log g(x) (Optuna: 24)
 * @param priorWeight       weight of the prior kernel (Optuna: 1.0)
 * @param considerMagicClip lower bound on bandwidths (Optuna: true)
 * @param considerEndpoints range ends as neighbours of the outermost kernels (Optuna: false)
 * @param constantLiar      suggested but unobserved trials count as bad ("above") observations (Optuna: false)
 * @param multivariate      joint kernels over all parameters (Optuna: false; always true for {@code tpe-mv})
 */
public record TpeConfig(int nStartupTrials, int nEiCandidates, double priorWeight, boolean considerMagicClip,
                        boolean considerEndpoints, boolean constantLiar, boolean multivariate) {

    static final List<String> KEYS = List.of("n_startup_trials", "n_ei_candidates", "prior_weight",
            "consider_magic_clip", "consider_endpoints", "constant_liar", "multivariate");

    public static TpeConfig defaults(boolean multivariate) {
        return new TpeConfig(10, 24, 1.0, true, false, true, multivariate);
    }

    /**
     * Reads the settings; throws {@link IllegalArgumentException} naming the offending key for a wrong type, an out-of-
     * range value or an unknown key.
     *
     * @param name the optimizer's name ({@code tpe} or {@code tpe-mv}), for messages and the multivariate default
     */
    public static TpeConfig parse(JsonNode config, String name) {
        boolean mvByName = name.equals("tpe-mv");
        TpeConfig d = defaults(mvByName);
        if (config == null || config.isNull() || config.isMissingNode()) {
            return d;
        }
        if (!config.isObject()) {
            throw new IllegalArgumentException(name + ": settings must be a JSON object, got " + config);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (key.equals("gamma") || key.equals("weights")) {
                throw new IllegalArgumentException(name + " setting '" + key + "' cannot be changed: the split takes the best"
                        + " min(ceil(0.1 n), 25) of n trials and old trials weigh less, as Optuna's defaults");
            }
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown " + name + " setting '" + key + "'; valid settings: "
                        + String.join(", ", KEYS));
            }
        }
        int startup = integer(config, name, "n_startup_trials", d.nStartupTrials(), 0);
        int candidates = integer(config, name, "n_ei_candidates", d.nEiCandidates(), 1);
        double prior = d.priorWeight();
        JsonNode p = config.get("prior_weight");
        if (p != null) {
            if (!p.isNumber() || !Double.isFinite(p.asDouble()) || p.asDouble() <= 0) {
                throw new IllegalArgumentException(name + " setting 'prior_weight' must be a number > 0, got " + p);
            }
            prior = p.asDouble();
        }
        boolean clip = bool(config, name, "consider_magic_clip", d.considerMagicClip());
        boolean endpoints = bool(config, name, "consider_endpoints", d.considerEndpoints());
        boolean liar = bool(config, name, "constant_liar", d.constantLiar());
        boolean mv = bool(config, name, "multivariate", mvByName);
        if (mvByName && !mv) {
            throw new IllegalArgumentException(name + " setting 'multivariate' cannot be false: tpe-mv is the multivariate"
                    + " TPE; use the optimizer \"tpe\" for independent sampling");
        }
        return new TpeConfig(startup, candidates, prior, clip, endpoints, liar, mv);
    }

    private static int integer(JsonNode config, String name, String key, int dflt, int min) {
        JsonNode v = config.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min) {
            throw new IllegalArgumentException(name + " setting '" + key + "' must be an integer >= " + min + ", got " + v);
        }
        return v.asInt();
    }

    private static boolean bool(JsonNode config, String name, String key, boolean dflt) {
        JsonNode v = config.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(name + " setting '" + key + "' must be true or false, got " + v);
        }
        return v.asBoolean();
    }
}
