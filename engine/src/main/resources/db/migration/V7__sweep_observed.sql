-- Orchard history, version 7: the trials a sweep's optimizer was told, one row each in the order told (seq), so that
-- a checkpoint adds the trials told since the last one instead of rewriting the whole list (observed_json, which made
-- the checkpoints, and the file's garbage, grow with the number of trials). observed_count is how many rows belong to
-- the checkpoint; NULL marks a row written before this version, whose list is still in observed_json.
CREATE TABLE sweep_observed (
    experiment_id BIGINT NOT NULL REFERENCES experiment(id) ON DELETE CASCADE,
    seq           INT    NOT NULL,
    trial         INT    NOT NULL,
    PRIMARY KEY (experiment_id, seq)
);
ALTER TABLE sweep_state ADD COLUMN observed_count INT;
