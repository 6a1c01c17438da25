package dev.orchard.engine.predict;

import java.util.List;

/** What every predictor shares: the feature encoding, the grid and the per-environment scale, all fit on training runs. */
public record Prepared(FeatureEncoder encoder, CurveGrid grid, Normaliser normaliser) {

    public static Prepared fit(List<CurveRun> train, List<String> envFeatures, List<String> agentFeatures, int gridPoints,
                               java.util.Optional<dev.orchard.engine.space.SearchSpace> space) {
        return new Prepared(FeatureEncoder.fit(train, envFeatures, agentFeatures, space), CurveGrid.fit(train, gridPoints), Normaliser.fit(train));
    }

    /** A run as the predictors see it, its whole curve normalised on the grid. */
    public CurvePredictor.Row row(CurveRun r) {
        Normaliser.Scale s = normaliser.scale(r.env(), r.id());
        double[] y = new double[r.y().length];
        for (int i = 0; i < y.length; i++) {
            y[i] = (r.y()[i] - s.mean()) / s.sd();
        }
        CurveGrid.Masked curve = grid.project(r.x(), y);
        return new CurvePredictor.Row(r, encoder.encode(r.config(), "env", r.id()), encoder.encode(r.config(), "agent", r.id()), curve);
    }

    public List<CurvePredictor.Row> rows(List<CurveRun> runs) {
        return runs.stream().map(this::row).toList();
    }

    /** A normalised band in the curve's units; points of {@code observed} (normalised) are returned as observed, without a band. */
    public Prediction toPrediction(String id, String env, CurvePredictor.Band band, CurveGrid.Masked observed) {
        Normaliser.Scale s = normaliser.scale(env, id);
        int n = grid.size();
        double[] mean = new double[n], lo = new double[n], hi = new double[n];
        for (int i = 0; i < n; i++) {
            boolean seen = observed != null && observed.mask()[i];
            double m = seen ? observed.values()[i] : band.mean()[i];
            double h = seen ? 0 : CurvePredictor.Z80 * band.sd()[i];
            mean[i] = m * s.sd() + s.mean();
            lo[i] = (m - h) * s.sd() + s.mean();
            hi[i] = (m + h) * s.sd() + s.mean();
        }
        return new Prediction(id, grid.x().clone(), mean, lo, hi);
    }
}
