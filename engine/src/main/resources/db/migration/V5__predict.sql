-- Orchard history, version 5: live curve predictions of running trials (EngineEvent.CurvePrediction).
-- One row per trial and observed step: the rest-of-curve forecast after the trial had reported up to observed_step.
-- The forecast's end (horizon) is kept in columns for queries (how wide is the band, did it narrow); the whole curve
-- (x, mean, lower, upper of the later steps) as one JSON document for the live view and later analysis.
CREATE TABLE curve_prediction (
    experiment_id   BIGINT       NOT NULL REFERENCES experiment(id) ON DELETE CASCADE,
    trial           INT          NOT NULL,
    observed_step   BIGINT       NOT NULL,
    observed_points INT          NOT NULL,
    metric          VARCHAR(200) NOT NULL,
    model           VARCHAR(1000) NOT NULL,
    horizon_step    DOUBLE PRECISION,
    final_mean      DOUBLE PRECISION,
    final_lower     DOUBLE PRECISION,
    final_upper     DOUBLE PRECISION,
    curve_json      CLOB         NOT NULL,
    at              TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (experiment_id, trial, observed_step)
);
