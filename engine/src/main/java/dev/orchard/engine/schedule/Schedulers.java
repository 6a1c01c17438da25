package dev.orchard.engine.schedule;

import dev.orchard.engine.predict.DriftForecaster;
import dev.orchard.engine.predict.ModelForecaster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks scheduler specs and builds schedulers from them; every error names the offending setting. */
public final class Schedulers {
    /**
     * Reduction factor when a spec gives none: 4, as Ray Tune's ASHAScheduler and Optuna's SuccessiveHalvingPruner
     * default to (the paper's analysis favours 3 or 4; 4 stops more and, on the PPO curves, keeps the final quality).
     */
    public static final double DEFAULT_ETA = 4.0;
    public static final List<String> TYPES = List.of("sync_batch", "asha", "hyperband", "median", "pbt", "predictive");

    /** The most trials any scheduler runs at once. */
    public static final int MAX_PARALLEL = 4096;

    /** The settings each type takes, by JSON name. */
    public static final Map<String, List<String>> SETTINGS = settings();

    private Schedulers() {
    }

    private static Map<String, List<String>> settings() {
        var m = new LinkedHashMap<String, List<String>>();
        m.put("sync_batch", List.of("batch_size"));
        m.put("asha", List.of("parallel", "grace", "eta", "max_steps", "mode"));
        m.put("hyperband", List.of("parallel", "grace", "eta", "max_steps", "mode"));
        m.put("median", List.of("parallel", "grace", "min_trials"));
        m.put("pbt", List.of("population", "parallel", "interval", "generations", "quantile", "resample_probability"));
        m.put("predictive", List.of("parallel", "grace", "max_steps", "min_trials", "model"));
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Checks a spec without building it; throws {@link SchedulerSpecException} naming the setting. */
    public static void validate(SchedulerSpec spec) {
        String type = spec.type();
        List<String> allowed = SETTINGS.get(type);
        if (allowed == null) {
            throw new SchedulerSpecException("type", "unknown scheduler type '" + type + "'; valid: " + String.join(", ", TYPES));
        }
        for (String given : spec.settings().keySet()) {
            if (!given.equals("type") && !allowed.contains(given)) {
                throw new SchedulerSpecException(given, "not a setting of " + type + "; " + type + " takes " + String.join(", ", allowed));
            }
        }
        switch (type) {
            case "sync_batch" -> between("batch_size", spec.batchSize(), 1, MAX_PARALLEL);
            case "asha", "hyperband" -> halving(spec);
            case "median" -> {
                between("parallel", spec.parallel(), 1, MAX_PARALLEL);
                atLeast("grace", spec.grace(), 1, " step");
                atLeast("min_trials", spec.minTrials(), 1, "");
            }
            case "pbt" -> {
                between("population", spec.population(), 2, MAX_PARALLEL);
                between("parallel", spec.parallel(), 1, MAX_PARALLEL);
                required("interval", spec.interval(), "how many steps between a member's exploit checks");
                atLeast("interval", spec.interval(), 1, " step");
                required("generations", spec.generations(), "how many intervals a member trains (generations × interval steps)");
                atLeast("generations", spec.generations(), 1, "");
                if (spec.quantile() != null && !(spec.quantile() > 0 && spec.quantile() <= 0.5)) {
                    throw new SchedulerSpecException("quantile", "must be in (0, 0.5] (the fraction replaced and copied from), got " + spec.quantile());
                }
                if (spec.resampleProbability() != null && !(spec.resampleProbability() >= 0 && spec.resampleProbability() <= 1)) {
                    throw new SchedulerSpecException("resample_probability", "must be in [0, 1], got " + spec.resampleProbability());
                }
            }
            case "predictive" -> {
                between("parallel", spec.parallel(), 1, MAX_PARALLEL);
                atLeast("grace", spec.grace(), 1, " step");
                required("max_steps", spec.maxSteps(), "the step whose value the forecast is for (a trial's full budget)");
                atLeast("max_steps", spec.maxSteps(), 1, " step");
                atLeast("min_trials", spec.minTrials(), 1, "");
                if (spec.model() != null && !java.nio.file.Files.isRegularFile(java.nio.file.Path.of(spec.model()).resolve("model.json"))) {
                    throw new SchedulerSpecException("model", "'" + spec.model() + "' is not a curve model directory (no model.json); "
                            + "train one with `orchard curves fit`, or leave model out to forecast from the sweep's completed trials");
                }
            }
            default -> throw new IllegalStateException(type);
        }
    }

    private static void halving(SchedulerSpec spec) {
        between("parallel", spec.parallel(), 1, MAX_PARALLEL);
        if (spec.eta() != null && !(spec.eta() > 1 && Double.isFinite(spec.eta()))) {
            throw new SchedulerSpecException("eta", "must be greater than 1 (each rung keeps the top 1/eta), got " + spec.eta());
        }
        atLeast("grace", spec.grace(), 1, " step");
        required("max_steps", spec.maxSteps(), "the step at which a trial has had its full budget");
        atLeast("max_steps", spec.maxSteps(), 1, " step");
        long grace = spec.grace() == null ? 1 : spec.grace();
        if (grace > spec.maxSteps()) {
            throw new SchedulerSpecException("grace", "must not exceed max_steps (" + spec.maxSteps() + "), got " + grace);
        }
        if (spec.mode() != null) {
            try {
                AshaScheduler.Mode.parse(spec.mode());
            } catch (IllegalArgumentException e) {
                throw new SchedulerSpecException("mode", e.getMessage());
            }
        }
    }

    private static void required(String field, Object value, String what) {
        if (value == null) {
            throw new SchedulerSpecException(field, "missing; " + what);
        }
    }

    private static void atLeast(String field, Number value, long min, String unit) {
        if (value != null && value.longValue() < min) {
            throw new SchedulerSpecException(field, "must be at least " + min + unit + (min == 1 || unit.isEmpty() ? "" : "s") + ", got " + value);
        }
    }

    private static void between(String field, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            throw new SchedulerSpecException(field, "must be between " + min + " and " + max + ", got " + value);
        }
    }

    /** Validates the spec and builds its scheduler for the context's space, direction, seed and budget. */
    public static Scheduler create(SchedulerSpec spec, SchedulerContext context) {
        validate(spec);
        return switch (spec.type()) {
            case "sync_batch" -> new SynchronousBatchScheduler(spec.batchSize());
            case "asha" -> new AshaScheduler(halvingSettings(spec), context.direction());
            case "hyperband" -> new HyperbandScheduler(halvingSettings(spec), context.direction());
            case "median" -> new MedianStoppingScheduler(new MedianStoppingScheduler.Settings(or(spec.parallel(), 1),
                    or(spec.grace(), 1L), or(spec.minTrials(), 3)), context.direction());
            case "pbt" -> {
                int population = or(spec.population(), 8);
                yield new PbtScheduler(new PbtScheduler.Settings(population, or(spec.parallel(), population), spec.interval(),
                        spec.generations(), or(spec.quantile(), 0.25), or(spec.resampleProbability(), 0.25)), context);
            }
            case "predictive" -> new PredictiveStoppingScheduler(new PredictiveStoppingScheduler.Settings(or(spec.parallel(), 1),
                    or(spec.grace(), 1L), spec.maxSteps(), or(spec.minTrials(), 3)), context.direction(),
                    spec.model() == null ? new DriftForecaster(or(spec.minTrials(), 3))
                            : ModelForecaster.load(java.nio.file.Path.of(spec.model())));
            default -> throw new IllegalStateException(spec.type());
        };
    }

    private static AshaScheduler.Settings halvingSettings(SchedulerSpec spec) {
        return new AshaScheduler.Settings(or(spec.parallel(), 1), or(spec.grace(), 1L), or(spec.eta(), DEFAULT_ETA), spec.maxSteps(),
                spec.mode() == null ? AshaScheduler.Mode.STOP : AshaScheduler.Mode.parse(spec.mode()));
    }

    private static <T> T or(T value, T otherwise) {
        return value == null ? otherwise : value;
    }
}
