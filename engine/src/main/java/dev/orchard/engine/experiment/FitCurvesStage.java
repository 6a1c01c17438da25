package dev.orchard.engine.experiment;

import dev.orchard.engine.pipeline.ConfigField;
import dev.orchard.engine.pipeline.DataType;
import dev.orchard.engine.pipeline.DataTypes;
import dev.orchard.engine.pipeline.Port;
import dev.orchard.engine.pipeline.Stage;
import dev.orchard.engine.pipeline.StageEnvironment;
import dev.orchard.engine.pipeline.StageType;
import dev.orchard.engine.predict.CurveModelFiles;
import dev.orchard.engine.predict.CurveRun;
import dev.orchard.engine.predict.CurveRuns;
import dev.orchard.engine.predict.Prepared;
import dev.orchard.engine.predict.VaeCurveModel;
import dev.orchard.engine.space.Param;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stage type {@code fit_curves} (palette category "predictors"): trains a curve model on the trials of the sweep
 * before it — their parameters and metric series, as {@code orchard curves fit --experiment ID} does — and writes the
 * model directory. Its output, a {@link CurveModel}, can feed a later sweep stage's {@code curve_model} input, whose
 * running trials then get live predictions from it; or the directory serves {@code orchard curves predict} later.
 */
final class FitCurvesStage implements StageType {
    static final DataType CURVE_MODEL = DataTypes.register(CurveModel.class);

    /** A trained curve model: its directory (absolute), what it was trained on, and its band scale. */
    public record CurveModel(String dir, long experimentId, String curve, List<String> features, int runs, int configurations,
                             double bandScale) {
        public CurveModel {
            features = List.copyOf(features);
        }
    }

    @Override
    public String name() {
        return "fit_curves";
    }

    @Override
    public String category() {
        return "predictors";
    }

    @Override
    public String description() {
        return "Trains a curve model (VAEs + predictor with an 80 % band) on the trials of the sweep before it";
    }

    @Override
    public List<Port> inputs() {
        return List.of(Port.of("sweep", ExperimentStages.SWEEP_RESULT));
    }

    @Override
    public List<Port> outputs() {
        return List.of(Port.of("model", CURVE_MODEL));
    }

    @Override
    public List<ConfigField> config() {
        return List.of(
                ConfigField.required("model", "string", "the model directory to write (relative to the experiment's folder)"),
                ConfigField.optional("curve", "string", null, "the metric whose curve is learnt (default: the objective's metric)"),
                ConfigField.optional("x", "string", "step", "x: the step, or a metric reported with the curve"),
                ConfigField.optional("features", "list", null, "parameters used as features (default: every parameter of the space)"),
                ConfigField.optional("grid", "integer", 20, "points of the x grid"),
                ConfigField.optional("epochs", "integer", 100, "epochs per ensemble member"),
                ConfigField.optional("members", "integer", 3, "ensemble members (at least 2)"),
                ConfigField.optional("residual", "boolean", true, "predict the change from the last observed values (false: the values)"),
                ConfigField.optional("seed", "integer", 7, "seed"));
    }

    @Override
    public List<Map.Entry<String, String>> check(Map<String, Object> config, StageEnvironment env) {
        var problems = new ArrayList<Map.Entry<String, String>>();
        if (!(config.get("model") instanceof String s) || s.isBlank()) {
            problems.add(Map.entry("model", "must name a directory"));
        }
        for (String k : List.of("grid", "epochs")) {
            if (!(config.get(k) instanceof Integer n && n >= 2 && n <= 10_000)) {
                problems.add(Map.entry(k, "must be an integer from 2 to 10000, got " + config.get(k)));
            }
        }
        if (!(config.get("members") instanceof Integer m && m >= 2 && m <= 50)) {
            problems.add(Map.entry("members", "must be an integer from 2 to 50, got " + config.get("members")));
        }
        if (config.get("features") != null && !(config.get("features") instanceof List<?> l && !l.isEmpty()
                && l.stream().allMatch(String.class::isInstance))) {
            problems.add(Map.entry("features", "must be a non-empty list of parameter names, got " + config.get("features")));
        }
        return problems;
    }

    @Override
    public Stage create(Map<String, Object> config, StageEnvironment env) {
        Path dir = ExperimentStages.baseDir(env).resolve((String) config.get("model")).toAbsolutePath().normalize();
        String x = (String) config.get("x");
        int grid = (Integer) config.get("grid");
        var hyper = new VaeCurveModel.Hyper(1, 4, 32, (Integer) config.get("epochs"), 32, 3e-3, 0.1,
                Math.min(30, (Integer) config.get("epochs") / 3), (Integer) config.get("members"), 0.5,
                Boolean.TRUE.equals(config.get("residual")));
        long seed = ((Number) config.get("seed")).longValue();
        return (inputs, ctx) -> {
            SweepResult sweep = (SweepResult) inputs.get("sweep");
            SubExperiments sub = ExperimentStages.sub(ctx);
            ExperimentSpec spec = sub.spec(sweep.experimentId());
            String curve = config.get("curve") instanceof String c ? c : spec.objective() == null ? "value" : spec.objective().metric();
            @SuppressWarnings("unchecked")
            List<String> features = config.get("features") instanceof List<?> l ? (List<String>) l
                    : spec.space().params().stream().map(Param::name).toList();
            var fields = new CurveRuns.Fields(features, curve, x, "env");
            List<CurveRun> runs = CurveRuns.fromHistory(sweep.experimentId(), sweep.name(), sub.trials(sweep.experimentId()),
                    t -> sub.metrics(sweep.experimentId(), t), fields);
            Prepared p = Prepared.fit(runs, List.of(), features, grid, Optional.of(spec.space()));
            try (VaeCurveModel m = VaeCurveModel.train(p, p.rows(runs), hyper, seed, (member, epoch, loss) -> {
            })) {
                CurveModelFiles.save(m, fields, runs, dir);
                long configurations = runs.stream().map(CurveRun::group).distinct().count();
                return Map.of("model", new CurveModel(dir.toString(), sweep.experimentId(), curve, features, runs.size(),
                        (int) configurations, m.bandScale()));
            }
        };
    }
}
