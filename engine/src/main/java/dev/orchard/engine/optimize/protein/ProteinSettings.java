package dev.orchard.engine.optimize.protein;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.optimize.gp.GpModels;

import java.util.Iterator;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The settings of the {@code protein} optimizer, read from the optimizer's JSON config:
 * <ul>
 *   <li>{@code max_cost}: a positive number in the units of the trials' costs; candidates whose predicted cost (upper
 *       band) exceeds it are discarded (default: no cap);</li>
 *   <li>{@code n_startup_trials}: distinct configurations with a value, drawn from the scrambled Sobol design,
 *       before the models take over (default max(5, 2d), at least 1);</li>
 *   <li>{@code candidates}: candidate points scored per suggestion (default 1000, at least 10);</li>
 *   <li>{@code warp}: the loss model's output warp, as in {@code gp} ({@code "log_power"} default, {@code "log"},
 *       {@code "power"}, {@code "rank"}, {@code "none"}).</li>
 * </ul>
 * Anything else, or a value of the wrong kind, is an {@link IllegalArgumentException} naming the key.
 */
record ProteinSettings(OptionalDouble maxCost, int startupTrials, int candidates, String warp) {

    static final List<String> KEYS = List.of("max_cost", "n_startup_trials", "candidates", "warp");

    static ProteinSettings defaults(int dimension) {
        return new ProteinSettings(OptionalDouble.empty(), Math.max(5, 2 * dimension), 1000, "log_power");
    }

    static ProteinSettings from(JsonNode config, int dimension) {
        ProteinSettings s = defaults(dimension);
        if (config == null || config.isNull() || config.isMissingNode()) {
            return s;
        }
        if (!config.isObject()) {
            throw new IllegalArgumentException("protein settings must be a JSON object, got " + config);
        }
        OptionalDouble maxCost = s.maxCost();
        int startup = s.startupTrials();
        int candidates = s.candidates();
        String warp = s.warp();
        for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            JsonNode v = config.get(key);
            switch (key) {
                case "max_cost" -> {
                    if (!v.isNumber() || !(v.asDouble() > 0) || !Double.isFinite(v.asDouble())) {
                        throw bad(key, "must be a positive number", v);
                    }
                    maxCost = OptionalDouble.of(v.asDouble());
                }
                case "n_startup_trials" -> startup = integer(key, v, 1, 1_000_000);
                case "candidates" -> candidates = integer(key, v, 10, 1_000_000);
                case "warp" -> {
                    if (!v.isTextual() || !GpModels.isWarp(v.asText())) {
                        throw bad(key, "must be \"log_power\", \"log\", \"power\", \"rank\" or \"none\"", v);
                    }
                    warp = v.asText();
                }
                default -> throw new IllegalArgumentException("unknown protein setting '" + key + "'; valid settings: "
                        + String.join(", ", KEYS));
            }
        }
        return new ProteinSettings(maxCost, startup, candidates, warp);
    }

    private static int integer(String key, JsonNode v, int min, int max) {
        if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble()) || v.asDouble() < min || v.asDouble() > max) {
            throw bad(key, "must be an integer in [" + min + ", " + max + "]", v);
        }
        return (int) v.asDouble();
    }

    private static IllegalArgumentException bad(String key, String rule, JsonNode v) {
        return new IllegalArgumentException("protein setting '" + key + "' " + rule + ", got " + v);
    }
}
