package dev.orchard.engine.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.execute.Objective;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.json.SpecException;
import dev.orchard.engine.json.Specs;
import dev.orchard.engine.pipeline.ConfigField;
import dev.orchard.engine.pipeline.DataType;
import dev.orchard.engine.pipeline.DataTypes;
import dev.orchard.engine.pipeline.Port;
import dev.orchard.engine.pipeline.Stage;
import dev.orchard.engine.pipeline.StageContext;
import dev.orchard.engine.pipeline.StageEnvironment;
import dev.orchard.engine.pipeline.StageType;
import dev.orchard.engine.pipeline.StageTypes;
import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.Param;
import dev.orchard.engine.space.SearchSpace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The engine's built-in stage types: {@code sweep} (a whole search as one stage, warm-started from the sweep before
 * it), {@code validate_best} (the best configuration again over several seeds) and {@code meta_sweep} (an optimizer
 * tuning another optimizer's settings, each outer trial a set of inner sweeps). Loops and groups are built into the
 * pipeline model.
 */
public final class ExperimentStages implements StageTypes.Provider {
    public static final DataType SWEEP_RESULT = DataTypes.register(SweepResult.class);
    public static final DataType VALIDATION_RESULT = DataTypes.register(ValidationResult.class);
    public static final DataType META_RESULT = DataTypes.register(MetaResult.class);

    /** The keys of an experiment spec a sweep stage may set; the rest come from the experiment. */
    private static final Set<String> SPEC_KEYS = Set.of("space", "optimizer", "scheduler", "objective", "budget", "seed",
            "direction", "resources", "predict");

    @Override
    public Collection<StageType> stageTypes() {
        return List.of(new SweepType(), new ValidateBestType(), new MetaSweepType(), new FitCurvesStage());
    }

    // ---- sweep ----

    static final class SweepType implements StageType {
        @Override
        public String name() {
            return "sweep";
        }

        @Override
        public String category() {
            return "optimizers";
        }

        @Override
        public String description() {
            return "A search: an optimizer and a scheduler run trials of an objective; settings not given here come from the experiment";
        }

        @Override
        public List<Port> inputs() {
            return List.of(Port.optional("warm_start", SWEEP_RESULT, "the optimizer is first told what this earlier search found"),
                    Port.optional("curve_model", FitCurvesStage.CURVE_MODEL,
                            "running trials get live curve predictions from this model (a fit_curves stage's output)"));
        }

        @Override
        public List<Port> outputs() {
            return List.of(Port.of("result", SWEEP_RESULT));
        }

        @Override
        public List<ConfigField> config() {
            return List.of(
                    ConfigField.optional("space", "object", null, "search space {\"params\": [...]} (default: the experiment's)"),
                    ConfigField.optional("optimizer", "object", null, "{\"name\": \"gp\", \"config\": {...}} (default: the experiment's)"),
                    ConfigField.optional("scheduler", "object", null, "{\"name\": \"asha\", ...} (default: the experiment's)"),
                    ConfigField.optional("objective", "object", null, "what a trial computes (default: the experiment's)"),
                    ConfigField.optional("budget", "integer", null, "trials (default: the experiment's)"),
                    ConfigField.optional("seed", "integer", null, "seed (default: the experiment's)"),
                    ConfigField.choice("direction", List.of("minimize", "maximize"), null, "default: the experiment's"),
                    ConfigField.optional("resources", "object", null, "GPUs and CPU slots (default: the experiment's)"),
                    ConfigField.optional("predict", "object", null, "live curve predictions of running trials (default: the experiment's)"),
                    ConfigField.optional("warm_start", "boolean", true, "tell the optimizer the results of the sweep before"),
                    ConfigField.optional("vars_as_params", "list", List.of(),
                            "pipeline variables (a loop's for_each value) given to every trial as fixed parameters"));
        }

        @Override
        public List<Map.Entry<String, String>> check(Map<String, Object> config, StageEnvironment env) {
            var problems = new ArrayList<Map.Entry<String, String>>();
            if (config.get("vars_as_params") instanceof List<?> vars) {
                for (Object v : vars) {
                    if (!(v instanceof String s) || !s.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                        problems.add(Map.entry("vars_as_params", "must list variable names, got " + v));
                    }
                }
            }
            try {
                sweepSpec(env, config, List.of());
            } catch (SpecException e) {
                problems.add(Map.entry(configPath(e.path(), config), e.problem()));
            }
            return problems;
        }

        @Override
        public Stage create(Map<String, Object> config, StageEnvironment env) {
            boolean warm = !Boolean.FALSE.equals(config.get("warm_start"));
            @SuppressWarnings("unchecked")
            List<String> vars = (List<String>) config.getOrDefault("vars_as_params", List.of());
            return (inputs, ctx) -> {
                ExperimentSpec spec = sweepSpec(env, config, fixedParams(ctx, vars));
                if (inputs.get("curve_model") instanceof FitCurvesStage.CurveModel cm) {
                    PredictSpec p = spec.predict() == null ? new PredictSpec(null, null, null, null, null) : spec.predict();
                    // checked like a spec that names the model: it must fit this sweep's parameters
                    spec = Specs.parse(Specs.write(spec.withPredict(new PredictSpec(cm.dir(), p.every(), p.minTrials(), p.horizon(),
                            p.points()))), env.source());
                }
                List<SweepResult.Observed> from = warm && inputs.get("warm_start") instanceof SweepResult r ? r.observations() : List.of();
                return Map.of("result", sub(ctx).sweep(ctx, spec, Optional.empty(), baseDir(env), from));
            };
        }
    }

    /**
     * The experiment's spec with the stage's settings on top, checked like any sweep spec; its name is set when it runs.
     */
    static ExperimentSpec sweepSpec(StageEnvironment env, Map<String, Object> config, List<Param> fixed) {
        ObjectNode merged = ((ObjectNode) env.experimentSpec()).deepCopy();
        for (String k : SPEC_KEYS) {
            if (config.containsKey(k) && config.get(k) != null) {
                merged.set(k, Json.WIRE.valueToTree(config.get(k)));
            }
        }
        if (!fixed.isEmpty()) {
            var params = merged.with("space").withArray("params");
            for (Param p : fixed) {
                params.add(Json.SPEC.valueToTree(p));
            }
        }
        merged.put("name", env.source());
        return Specs.parse(merged.toString(), env.source());
    }

    /** "$.budget" of the merged spec → "budget" of the stage's config, or where the experiment gave it. */
    static String configPath(String specPath, Map<String, Object> config) {
        String rest = specPath.startsWith("$.") ? specPath.substring(2) : specPath;
        String key = rest.split("[.\\[]", 2)[0];
        if (config.containsKey(key)) {
            return rest;
        }
        return "(inherited " + (specPath.isEmpty() ? "$" : specPath) + ")";
    }

    private static List<Param> fixedParams(StageContext ctx, List<String> vars) {
        var out = new ArrayList<Param>();
        for (String v : vars) {
            Object value = ctx.vars().find(v, Object.class).orElseThrow(() -> new IllegalArgumentException(
                    "vars_as_params: pipeline variable '" + v + "' is not set (a loop's for_each sets one)"));
            out.add(new ChoiceParam(v, List.of(value)));
        }
        return out;
    }

    static SubExperiments sub(StageContext ctx) {
        return ctx.service(SubExperiments.class).orElseThrow(() -> new IllegalStateException(
                "stage " + ctx.stage() + " runs sweeps, which needs an Orchard engine (run the pipeline through Orchard)"));
    }

    static Path baseDir(StageEnvironment env) {
        return env.baseDir().orElse(Path.of("").toAbsolutePath());
    }

    // ---- validate_best ----

    static final class ValidateBestType implements StageType {
        @Override
        public String name() {
            return "validate_best";
        }

        @Override
        public String category() {
            return "objectives";
        }

        @Override
        public String description() {
            return "Runs the best configuration of a search again with several seeds: mean and spread of its value";
        }

        @Override
        public List<Port> inputs() {
            return List.of(Port.of("best", SWEEP_RESULT));
        }

        @Override
        public List<Port> outputs() {
            return List.of(Port.of("validation", VALIDATION_RESULT));
        }

        @Override
        public List<ConfigField> config() {
            return List.of(
                    ConfigField.optional("seeds", "integer", 5, "how many runs, each with its own seed parameter"),
                    ConfigField.optional("seed_param", "string", "seed", "the parameter that carries the seed ({seed} in a command)"),
                    ConfigField.optional("objective", "object", null, "what a run computes (default: the experiment's)"));
        }

        @Override
        public List<Map.Entry<String, String>> check(Map<String, Object> config, StageEnvironment env) {
            if (!(config.get("seeds") instanceof Integer n && n >= 1 && n <= 10_000)) {
                return List.of(Map.entry("seeds", "must be an integer from 1 to 10000, got " + config.get("seeds")));
            }
            if (config.get("objective") == null && env.experimentSpec().get("objective") == null) {
                return List.of(Map.entry("objective", "missing: neither the stage nor the experiment says what a run computes"));
            }
            return List.of();
        }

        @Override
        public Stage create(Map<String, Object> config, StageEnvironment env) {
            int seeds = (Integer) config.get("seeds");
            String seedParam = (String) config.get("seed_param");
            return (inputs, ctx) -> {
                SweepResult best = (SweepResult) inputs.get("best");
                // every parameter fixed at its best value, plus the seed: a grid over the seeds
                var params = new ArrayList<Map<String, Object>>();
                best.bestParams().forEach((k, v) -> {
                    if (!k.equals(seedParam)) {
                        params.add(Map.of("name", k, "type", "choice", "values", List.of(v)));
                    }
                });
                var seedValues = new ArrayList<Object>();
                for (int i = 0; i < seeds; i++) {
                    seedValues.add(i);
                }
                params.add(Map.of("name", seedParam, "type", "choice", "values", seedValues));
                var cfg = new java.util.LinkedHashMap<String, Object>();
                cfg.put("space", Map.of("params", params));
                cfg.put("optimizer", Map.of("name", "grid"));
                cfg.put("scheduler", Map.of("type", "sync_batch"));
                cfg.put("budget", seeds);
                if (config.get("objective") != null) {
                    cfg.put("objective", config.get("objective"));
                }
                ExperimentSpec spec = sweepSpec(env, cfg, List.of());
                SweepResult r = sub(ctx).sweep(ctx, spec, Optional.empty(), baseDir(env), List.of());
                return Map.of("validation", ValidationResult.of(r.experimentId(), best.bestParams(),
                        r.observations().stream().map(SweepResult.Observed::value).toList()));
            };
        }
    }

    // ---- meta_sweep ----

    static final class MetaSweepType implements StageType {
        @Override
        public String name() {
            return "meta_sweep";
        }

        @Override
        public String category() {
            return "sub-experiments";
        }

        @Override
        public String description() {
            return "Optimizer-optimizer: an outer search over an inner optimizer's settings; each outer trial runs inner sweeps "
                    + "and scores the settings by their mean best value";
        }

        @Override
        public List<Port> inputs() {
            return List.of();
        }

        @Override
        public List<Port> outputs() {
            return List.of(Port.of("result", META_RESULT));
        }

        @Override
        public List<ConfigField> config() {
            return List.of(
                    ConfigField.required("inner_optimizer", "string", "the optimizer being tuned (tpe, gp, cmaes, ...)"),
                    ConfigField.required("settings", "object", "search space over its settings {\"params\": [...]}"),
                    ConfigField.required("inner_budget", "integer", "trials of each inner sweep"),
                    ConfigField.optional("inner_seeds", "integer", 2, "inner sweeps per setting, each with its own seed"),
                    ConfigField.optional("optimizer", "object", Map.of("name", "random"), "the outer optimizer"),
                    ConfigField.required("budget", "integer", "outer trials (settings tried)"),
                    ConfigField.optional("space", "object", null, "the inner search space (default: the experiment's)"),
                    ConfigField.optional("objective", "object", null, "the inner objective (default: the experiment's)"));
        }

        @Override
        public List<Map.Entry<String, String>> check(Map<String, Object> config, StageEnvironment env) {
            var problems = new ArrayList<Map.Entry<String, String>>();
            for (String k : List.of("inner_budget", "inner_seeds", "budget")) {
                if (!(config.get(k) instanceof Integer n && n >= 1 && n <= 100_000)) {
                    problems.add(Map.entry(k, "must be an integer from 1 to 100000, got " + config.get(k)));
                }
            }
            if (!problems.isEmpty()) {
                return problems;
            }
            try {
                outerSpec(env, config);
            } catch (SpecException e) {
                problems.add(Map.entry(e.path().startsWith("$.space") ? "settings" + e.path().substring(7) : configPath(e.path(), config),
                        e.problem()));
            }
            try {
                innerSpec(env, config, Json.object(), 0);
            } catch (SpecException e) {
                problems.add(Map.entry(configPath(e.path(), config), e.problem()));
            } catch (IllegalArgumentException e) {
                problems.add(Map.entry("inner_optimizer", e.getMessage()));
            }
            return problems;
        }

        /** The outer sweep: its space is the settings, its objective Java (set at run time), recorded as a builtin stand-in. */
        static ExperimentSpec outerSpec(StageEnvironment env, Map<String, Object> config) {
            var cfg = new java.util.LinkedHashMap<String, Object>();
            cfg.put("space", config.get("settings"));
            cfg.put("optimizer", config.get("optimizer"));
            cfg.put("budget", config.get("budget"));
            cfg.put("scheduler", Map.of("type", "sync_batch", "batch_size", 1));
            ObjectNode merged = ((ObjectNode) env.experimentSpec()).deepCopy();
            merged.remove("objective");
            merged.remove("resources");
            for (var en : cfg.entrySet()) {
                merged.set(en.getKey(), Json.WIRE.valueToTree(en.getValue()));
            }
            merged.put("name", env.source());
            ExperimentSpec spec = Specs.parse(withObjectivePlaceholder(merged).toString(), env.source());
            return spec.withObjective(null);
        }

        /** Specs.parse wants an objective; the outer one is Java code, so a placeholder passes the check and is dropped. */
        private static JsonNode withObjectivePlaceholder(ObjectNode spec) {
            ObjectNode copy = spec.deepCopy();
            copy.set("objective", Json.read("{\"type\":\"command\",\"command\":[\"true\"]}"));
            return copy;
        }

        static ExperimentSpec innerSpec(StageEnvironment env, Map<String, Object> config, JsonNode settings, int seed) {
            var cfg = new java.util.LinkedHashMap<String, Object>();
            // an optimizer spec is flat: its settings sit beside its name
            var optimizer = new java.util.LinkedHashMap<String, Object>(Json.WIRE.convertValue(settings, Map.class));
            optimizer.put("name", config.get("inner_optimizer"));
            cfg.put("optimizer", optimizer);
            cfg.put("budget", config.get("inner_budget"));
            cfg.put("seed", seed);
            if (config.get("space") != null) {
                cfg.put("space", config.get("space"));
            }
            if (config.get("objective") != null) {
                cfg.put("objective", config.get("objective"));
            }
            return sweepSpec(env, cfg, List.of());
        }

        @Override
        public Stage create(Map<String, Object> config, StageEnvironment env) {
            int seeds = (Integer) config.get("inner_seeds");
            return (inputs, ctx) -> {
                ExperimentSpec outer = outerSpec(env, config);
                SubExperiments sub = sub(ctx);
                Objective score = trial -> {
                    JsonNode settings = Json.WIRE.valueToTree(trial.params());
                    double total = 0;
                    for (int s = 0; s < seeds; s++) {
                        ExperimentSpec inner = innerSpec(env, config, settings, s);
                        SweepResult r = sub.sweepUnder(trial.experimentId(), "settings#" + trial.number() + "/seed" + s, ctx, inner,
                                Optional.empty(), baseDir(env), List.of());
                        total += r.bestValue();
                    }
                    return total / seeds;
                };
                SweepResult o = sub.sweep(ctx, outer, Optional.of(score), baseDir(env), List.of());
                return Map.of("result", new MetaResult((String) config.get("inner_optimizer"), o.bestParams(), o.bestValue(), o));
            };
        }
    }
}
