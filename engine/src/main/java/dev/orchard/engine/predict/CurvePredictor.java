package dev.orchard.engine.predict;

/**
 * Something that predicts a curve on the grid from a configuration and, optionally, the first points of the curve:
 * the DJL model ({@link VaeCurveModel}) and the baselines ({@link Baselines}). Works in normalised units (per
 * environment); {@link CurveModelFiles} turns the result into a {@link Prediction} in the curve's own units.
 */
public interface CurvePredictor {
    /** The two-sided 80 % band: mean ± Z80 · sd. */
    double Z80 = 1.2815515655446004;

    String name();

    /** Whether the predictor needs observed points (last value, power law) or can predict from the configuration alone. */
    default boolean needsPrefix() {
        return false;
    }

    Band predict(Row query);

    /** Mean and standard deviation per grid point, normalised units. */
    record Band(double[] mean, double[] sd) {
    }

    /**
     * A run (or a configuration to predict) as the predictors see it: encoded environment and agent features, its
     * normalised curve on the grid (for a query: only the observed prefix, possibly empty).
     */
    record Row(CurveRun run, float[] env, float[] agent, CurveGrid.Masked curve) {
        public float[] features() {
            float[] f = new float[env.length + agent.length];
            System.arraycopy(env, 0, f, 0, env.length);
            System.arraycopy(agent, 0, f, env.length, agent.length);
            return f;
        }

        public Row withCurve(CurveGrid.Masked c) {
            return new Row(run, env, agent, c);
        }
    }
}
