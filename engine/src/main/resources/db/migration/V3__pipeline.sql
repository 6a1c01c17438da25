-- Orchard history, version 3: pipelines. A checkpointed stage appends a row holding where the run was (position,
-- variables, the values later stages need); resume reads the latest. The stage cache is keyed by a content hash of
-- the stage and its input and shared by every experiment, so it outlives the run that filled it.
CREATE TABLE stage_run (
    experiment_id BIGINT NOT NULL REFERENCES experiment(id) ON DELETE CASCADE,
    seq           INT    NOT NULL,
    stage         VARCHAR(1024) NOT NULL,
    iteration     VARCHAR(1024) NOT NULL,
    snapshot_json CLOB   NOT NULL,
    at            TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (experiment_id, seq)
);

CREATE TABLE stage_cache (
    cache_key   VARCHAR(64) PRIMARY KEY,
    stage       VARCHAR(1024) NOT NULL,
    output_json CLOB NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    hits        INT NOT NULL DEFAULT 0
);
