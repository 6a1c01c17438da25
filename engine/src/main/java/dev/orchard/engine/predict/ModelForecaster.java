package dev.orchard.engine.predict;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Forecasts from a trained curve model, conditioned on the trial's reports so far: the model's x is the trial's step
 * (train it with {@code --x @index} on per-evaluation curves, or on Orchard history, whose x is the step). The horizon
 * is clamped to the model's grid; a horizon beyond it is forecast at the grid's end.
 */
public final class ModelForecaster implements CurveForecaster, AutoCloseable {
    private final VaeCurveModel model;
    private final String env;

    public ModelForecaster(VaeCurveModel model, String env) {
        this.model = model;
        this.env = model.prepared().normaliser().resolve(env);
    }

    public static ModelForecaster load(Path dir) {
        try {
            return new ModelForecaster(CurveModelFiles.load(dir), "");
        } catch (IOException e) {
            throw new CurveDataException(dir + ": " + e.getMessage());
        }
    }

    /** The whole predicted curve (for the live view), or empty when the trial has no report yet. */
    public Prediction predictCurve(String id, Map<String, Object> params, long[] steps, double[] values) {
        double[] x = new double[steps.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = steps[i];
        }
        return predictCurveAt(id, params, x, values);
    }

    /** The whole predicted curve from points at the model's own x (a metric it was trained with, or the step). */
    public Prediction predictCurveAt(String id, Map<String, Object> params, double[] x, double[] values) {
        Prepared p = model.prepared();
        int steps = x.length;
        CurveRun run = new CurveRun(id, env, "", params, x, values);
        CurvePredictor.Row row = steps == 0
                ? new CurvePredictor.Row(run, p.encoder().encode(params, "env", id), p.encoder().encode(params, "agent", id),
                new CurveGrid.Masked(new double[p.grid().size()], new boolean[p.grid().size()]))
                : p.row(run);
        return p.toPrediction(id, env, model.predict(row), row.curve());
    }

    @Override
    public Optional<Forecast> forecast(Map<String, Object> params, long[] steps, double[] values, long horizon) {
        Prediction pr = predictCurve("trial", params, steps, values);
        double[] gx = pr.x();
        int i = 0;
        while (i < gx.length - 1 && gx[i] < horizon) {
            i++;
        }
        return Optional.of(new Forecast(pr.mean()[i], pr.lower()[i], pr.upper()[i]));
    }

    @Override
    public void close() {
        model.close();
    }
}
