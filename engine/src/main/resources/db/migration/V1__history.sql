-- Orchard history, version 1: experiments (nested through parent_id), their trials, metric series and events.
CREATE TABLE experiment (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    parent_id   BIGINT REFERENCES experiment(id) ON DELETE CASCADE,
    name        VARCHAR(255)  NOT NULL,
    kind        VARCHAR(32)   NOT NULL,
    direction   VARCHAR(16)   NOT NULL,
    spec_json   CLOB          NOT NULL,
    base_dir    VARCHAR(4096),
    status      VARCHAR(16)   NOT NULL,
    message     VARCHAR(4096),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE trial (
    experiment_id BIGINT NOT NULL REFERENCES experiment(id) ON DELETE CASCADE,
    number        INT    NOT NULL,
    params_json   CLOB   NOT NULL,
    state         VARCHAR(16) NOT NULL,
    trial_value   DOUBLE PRECISION,
    last_step     BIGINT NOT NULL DEFAULT -1,
    resources     VARCHAR(255),
    checkpoint    VARCHAR(4096),
    error         CLOB,
    started_at    TIMESTAMP WITH TIME ZONE,
    finished_at   TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (experiment_id, number)
);

-- Written in large batches; keyed by (experiment, trial number) so a batch never waits for generated keys.
CREATE TABLE metric (
    experiment_id BIGINT NOT NULL REFERENCES experiment(id) ON DELETE CASCADE,
    trial         INT    NOT NULL,
    step          BIGINT NOT NULL,
    name          VARCHAR(255) NOT NULL,
    metric_value  DOUBLE PRECISION NOT NULL,
    wall_time     BIGINT NOT NULL
);
CREATE INDEX metric_by_trial ON metric(experiment_id, trial, step);

CREATE TABLE event (
    id            BIGINT AUTO_INCREMENT PRIMARY KEY,
    experiment_id BIGINT NOT NULL REFERENCES experiment(id) ON DELETE CASCADE,
    trial         INT,
    kind          VARCHAR(64) NOT NULL,
    payload_json  CLOB,
    at            TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX event_by_experiment ON event(experiment_id, id);
