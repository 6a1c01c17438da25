package dev.orchard.engine.optimize.gp;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.List;

/**
 * The settings of the {@code gp} optimizer, read from the optimizer's JSON config:
 * <ul>
 *   <li>{@code acquisition}: {@code "log_ei"} (default; {@code "ei"} is accepted as the same) or {@code "ucb"};</li>
 *   <li>{@code beta}: UCB's exploration weight β &gt; 0, the bound being {@code μ − √β σ} of the loss (default 4);</li>
 *   <li>{@code n_startup_trials}: completed trials drawn from the scrambled Sobol design before the GP takes over
 *       (default max(5, 2d), at least 1);</li>
 *   <li>{@code restarts}: acquisition local refinements per suggestion (default 8);</li>
 *   <li>{@code candidates}: random points scored per suggestion before refinement (default 2000);</li>
 *   <li>{@code warp}: output warping, {@code "log_power"} (default), {@code "log"}, {@code "power"}, {@code "rank"}
 *       or {@code "none"} (see {@link OutputWarp}).</li>
 *   <li>{@code repeats}: whether a point already evaluated may be suggested again (default false: it is passed over
 *       for the best point not yet evaluated, and suggested again only when no other is left). On a finite grid with a
 *       noisy objective the GP's EI often points back at the noisy incumbent; a repeat tells only about the noise,
 *       which the GP's noise term models already, while a new point may be better.</li>
 * </ul>
 * Anything else, or a value of the wrong kind, is an {@link IllegalArgumentException} naming the key.
 */
record GpSettings(boolean ucb, double beta, int startupTrials, int restarts, int candidates, OutputWarp warp,
                  boolean repeats) {

    static final List<String> KEYS = List.of("acquisition", "beta", "n_startup_trials", "restarts", "candidates", "warp",
            "repeats");

    static GpSettings defaults(int dimension) {
        return new GpSettings(false, 4.0, Math.max(5, 2 * dimension), 8, 2000, OutputWarp.LOG_POWER, false);
    }

    static GpSettings from(JsonNode config, int dimension) {
        GpSettings s = defaults(dimension);
        if (config == null || config.isNull() || config.isMissingNode()) {
            return s;
        }
        if (!config.isObject()) {
            throw new IllegalArgumentException("gp settings must be a JSON object, got " + config);
        }
        boolean ucb = s.ucb();
        double beta = s.beta();
        int startup = s.startupTrials();
        int restarts = s.restarts();
        int candidates = s.candidates();
        OutputWarp warp = s.warp();
        boolean repeats = s.repeats();
        for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            JsonNode v = config.get(key);
            switch (key) {
                case "acquisition" -> {
                    String a = v.isTextual() ? v.asText() : "";
                    switch (a) {
                        case "log_ei", "ei" -> ucb = false;
                        case "ucb" -> ucb = true;
                        default -> throw bad(key, "must be \"log_ei\" or \"ucb\"", v);
                    }
                }
                case "beta" -> {
                    if (!v.isNumber() || !(v.asDouble() > 0) || !Double.isFinite(v.asDouble())) {
                        throw bad(key, "must be a positive number", v);
                    }
                    beta = v.asDouble();
                }
                case "n_startup_trials" -> startup = integer(key, v, 1, 1_000_000);
                case "restarts" -> restarts = integer(key, v, 1, 1000);
                case "candidates" -> candidates = integer(key, v, 1, 1_000_000);
                case "warp" -> {
                    OutputWarp w = v.isTextual() ? OutputWarp.parse(v.asText()) : null;
                    if (w == null) {
                        throw bad(key, "must be \"log_power\", \"log\", \"power\", \"rank\" or \"none\"", v);
                    }
                    warp = w;
                }
                case "repeats" -> {
                    if (!v.isBoolean()) {
                        throw bad(key, "must be true or false", v);
                    }
                    repeats = v.asBoolean();
                }
                default -> throw new IllegalArgumentException("unknown gp setting '" + key + "'; valid settings: "
                        + String.join(", ", KEYS));
            }
        }
        return new GpSettings(ucb, beta, startup, restarts, candidates, warp, repeats);
    }

    private static int integer(String key, JsonNode v, int min, int max) {
        if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble()) || v.asDouble() < min || v.asDouble() > max) {
            throw bad(key, "must be an integer in [" + min + ", " + max + "]", v);
        }
        return (int) v.asDouble();
    }

    private static IllegalArgumentException bad(String key, String rule, JsonNode v) {
        return new IllegalArgumentException("gp setting '" + key + "' " + rule + ", got " + v);
    }
}
