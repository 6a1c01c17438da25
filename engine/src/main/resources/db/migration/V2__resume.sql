-- Orchard history, version 2: what `orchard resume` needs after a crash of the engine.
-- The process group a trial ran in (its leader's pid and start time, so a reused pid is never killed), and the
-- trial a PBT member was derived from.
ALTER TABLE trial ADD COLUMN pid BIGINT;
ALTER TABLE trial ADD COLUMN pid_started_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE trial ADD COLUMN parent INT;

-- The sweep's own state, written in the same transaction as the trials it launched: the optimizer's and the
-- scheduler's state, the next trial number, which finished trials the optimizer has been told, and which trials the
-- user paused.
CREATE TABLE sweep_state (
    experiment_id   BIGINT PRIMARY KEY REFERENCES experiment(id) ON DELETE CASCADE,
    optimizer_state CLOB,
    scheduler_state CLOB,
    next_number     INT  NOT NULL,
    observed_json   CLOB NOT NULL,
    paused_json     CLOB NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
