-- The shared job store of several comfy4j servers (docs/scale-out.md).

-- Pending and claimed prompts. A row with no worker is pending; a claimed row's worker keeps its
-- lease by heart-beating; a row whose lease ran out is claimed again by another worker.
CREATE TABLE queue (
    sequence         BIGINT PRIMARY KEY,
    prompt_id        TEXT NOT NULL,
    number_value     NUMERIC NOT NULL,
    number_json      TEXT NOT NULL,
    prompt           TEXT NOT NULL,
    extra_data       TEXT NOT NULL,
    outputs          TEXT NOT NULL,
    worker_id        TEXT,
    claimed_at       TIMESTAMPTZ,
    lease_until      TIMESTAMPTZ,
    attempts         INTEGER NOT NULL DEFAULT 0,
    earlier_attempts JSONB NOT NULL DEFAULT '[]'::jsonb
);
-- ComfyUI's order: number, then prompt id compared as code points, then arrival.
CREATE INDEX queue_run_order ON queue (number_value, prompt_id COLLATE "C", sequence);
CREATE INDEX queue_worker ON queue (worker_id);

CREATE SEQUENCE queue_sequence;
-- ComfyUI's number counter, shared: a prompt without "number" gets the next value (negated for front).
CREATE SEQUENCE prompt_counter MINVALUE 0 START 0;

CREATE TABLE history (
    position  BIGSERIAL PRIMARY KEY,
    prompt_id TEXT NOT NULL UNIQUE,
    entry     TEXT NOT NULL
);

CREATE TABLE workers (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL,
    device         TEXT,
    url            TEXT,
    current_prompt TEXT,
    started_at     BIGINT NOT NULL,
    last_seen      TIMESTAMPTZ NOT NULL
);

CREATE TABLE webhooks (
    id           BIGSERIAL PRIMARY KEY,
    prompt_id    TEXT NOT NULL,
    url          TEXT NOT NULL,
    body         TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt BIGINT NOT NULL
);

-- Bus messages too large for a NOTIFY payload (previews): the notification carries the row's id.
CREATE TABLE bus_payloads (
    id      BIGSERIAL PRIMARY KEY,
    payload TEXT NOT NULL,
    created TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
