-- Orchard history, version 4: curricula served by `orchard curriculum serve` (V3 is the pipeline's).
-- A curriculum is known by its name; its whole state (a JSON document of format orchard.curriculum-state/1) is
-- rewritten in one statement after every update it acknowledges, so a restarted server continues from it.
CREATE TABLE curriculum (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    name        VARCHAR(200) NOT NULL UNIQUE,
    algorithm   VARCHAR(40)  NOT NULL,
    spec_json   CLOB         NOT NULL,
    state_json  CLOB,
    updates     BIGINT       NOT NULL DEFAULT 0,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Snapshots for live views and history: bin probabilities, per-task LP, counts (the curriculum's stats) every N updates.
CREATE TABLE curriculum_snapshot (
    curriculum_id BIGINT NOT NULL REFERENCES curriculum(id) ON DELETE CASCADE,
    updates       BIGINT NOT NULL,
    stats_json    CLOB   NOT NULL,
    at            TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (curriculum_id, updates)
);
