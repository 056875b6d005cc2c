//! The store's SQL schema and its version: created on first open, checked on every open.
//!
//! Must not depend on anything but rusqlite: the schema is plain SQL, documented in docs/store.md.

/// The schema version this build writes and reads (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 1;

/// Creates every table of version 1. Runs inside one transaction with the version bump.
pub const CREATE: &str = "
CREATE TABLE runs (
    id            INTEGER PRIMARY KEY,
    uid           TEXT NOT NULL UNIQUE,
    started_at    TEXT NOT NULL,
    rubric_sha256 TEXT NOT NULL,
    rubric_name   TEXT NOT NULL,
    rubric_version TEXT NOT NULL,
    model         TEXT,
    settings      TEXT NOT NULL
);
CREATE TABLE calls (
    call_id       TEXT PRIMARY KEY,
    source        TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    agent_id      TEXT,
    agent_name    TEXT,
    team          TEXT,
    queue         TEXT,
    agent_channel TEXT,
    date          TEXT,
    duration      REAL,
    metrics       TEXT,
    run_id        INTEGER REFERENCES runs(id)
);
CREATE INDEX calls_agent ON calls(agent_id);
CREATE INDEX calls_date ON calls(date);
CREATE TABLE transcripts (
    call_id       TEXT PRIMARY KEY REFERENCES calls(call_id) ON DELETE CASCADE,
    model         TEXT,
    model_sha1    TEXT,
    transcript    TEXT NOT NULL
);
CREATE TABLE scorecards (
    id            INTEGER PRIMARY KEY,
    call_id       TEXT NOT NULL REFERENCES calls(call_id) ON DELETE CASCADE,
    rubric_sha256 TEXT NOT NULL,
    rubric_name   TEXT NOT NULL,
    rubric_version TEXT NOT NULL,
    run_id        INTEGER REFERENCES runs(id),
    scored_at     TEXT NOT NULL,
    score         REAL NOT NULL,
    passed        INTEGER NOT NULL,
    auto_failed   INTEGER NOT NULL,
    criteria      TEXT NOT NULL,
    scorecard     TEXT NOT NULL,
    UNIQUE (call_id, rubric_sha256)
);
CREATE TABLE failures (
    id            INTEGER PRIMARY KEY,
    source        TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    call_id       TEXT,
    run_id        INTEGER REFERENCES runs(id),
    failed_at     TEXT NOT NULL,
    reason        TEXT NOT NULL,
    UNIQUE (source, content_hash)
);
";

/// The current time as SQLite writes it: ISO 8601 UTC with milliseconds.
pub const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
