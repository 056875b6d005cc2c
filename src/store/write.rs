//! Writing the store: a run's row, one scored call (call, transcript, scorecard) in one transaction,
//! and failed inputs so `--retry-failed` can find them.
//!
//! Must not depend on whisper, audio decoding or clap.

use super::schema::NOW;
use super::{Store, StoreError};
use crate::record::CallRecord;
use rusqlite::{OptionalExtension, params};

/// What a run was started with, kept in the `runs` table.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    pub rubric_sha256: String,
    pub rubric_name: String,
    pub rubric_version: String,
    /// The whisper model name, when the run transcribes recordings.
    pub model: Option<String>,
    /// The run's settings as JSON text.
    pub settings: String,
}

/// Where a call's content came from, beside its [`CallRecord`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallOrigin {
    /// blake3 of the input file's bytes, in hex.
    pub content_hash: String,
    /// Whisper model name and checksum, for transcribed recordings.
    pub model: Option<String>,
    pub model_sha1: Option<String>,
    pub agent_channel: Option<String>,
}

/// An input that could not be scored.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub source: String,
    /// blake3 of the file, or empty when it could not be read.
    pub content_hash: String,
    pub call_id: Option<String>,
    pub reason: String,
}

fn json_text<T: serde::Serialize>(value: &T) -> String {
    // Plain data types of this crate always serialize; an empty object is the safe fallback.
    serde_json::to_string(value).unwrap_or_else(|_| "{}".into())
}

impl Store {
    /// Records the start of a run and returns its id.
    ///
    /// # Errors
    /// SQLite errors, with the store's path.
    pub fn begin_run(&mut self, info: &RunInfo) -> Result<i64, StoreError> {
        let uid = {
            let mut h = blake3::Hasher::new();
            h.update(format!("{:?}", std::time::SystemTime::now()).as_bytes());
            h.update(&std::process::id().to_le_bytes());
            h.update(self.path.to_string_lossy().as_bytes());
            h.finalize().to_hex()[..32].to_string()
        };
        self.conn
            .execute(
                &format!(
                    "INSERT INTO runs (uid, started_at, rubric_sha256, rubric_name, rubric_version, model, settings)
                     VALUES (?1, {NOW}, ?2, ?3, ?4, ?5, ?6)"
                ),
                params![
                    uid,
                    info.rubric_sha256,
                    info.rubric_name,
                    info.rubric_version,
                    info.model,
                    info.settings
                ],
            )
            .map_err(self.err())?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Stores one scored call in its own transaction: the call row (replaced, with its old transcript
    /// and scorecards dropped, when the content changed; its scorecards dropped when the transcript
    /// comes from another model), its transcript, and its scorecard for this
    /// rubric (replacing an earlier one for the same rubric). Clears any failure of the same input.
    ///
    /// # Errors
    /// SQLite errors, with the store's path; nothing is written then.
    pub fn put_call(
        &mut self,
        run_id: i64,
        record: &CallRecord,
        origin: &CallOrigin,
    ) -> Result<(), StoreError> {
        let err = |source| StoreError::Sqlite {
            path: self.path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(err)?;
        let old_hash: Option<String> = tx
            .query_row(
                "SELECT content_hash FROM calls WHERE call_id = ?1",
                [&record.call_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        if old_hash
            .as_deref()
            .is_some_and(|h| h != origin.content_hash)
        {
            tx.execute("DELETE FROM calls WHERE call_id = ?1", [&record.call_id])
                .map_err(err)?;
        }
        // A transcript from another model makes the call's other scorecards stale.
        let old_model: Option<Option<String>> = tx
            .query_row(
                "SELECT model_sha1 FROM transcripts WHERE call_id = ?1",
                [&record.call_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        if old_model.is_some_and(|m| m != origin.model_sha1) {
            tx.execute(
                "DELETE FROM scorecards WHERE call_id = ?1",
                [&record.call_id],
            )
            .map_err(err)?;
        }
        let source = record.source.clone().unwrap_or_default();
        tx.execute(
            "INSERT INTO calls (call_id, source, content_hash, agent_id, agent_name, team, queue, agent_channel,
                                date, duration, metrics, run_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT (call_id) DO UPDATE SET
                source = excluded.source, agent_id = excluded.agent_id, agent_name = excluded.agent_name,
                team = excluded.team, queue = excluded.queue, agent_channel = excluded.agent_channel,
                date = excluded.date, duration = excluded.duration, metrics = excluded.metrics,
                run_id = excluded.run_id",
            params![
                record.call_id,
                source,
                origin.content_hash,
                record.agent_id,
                record.agent_name,
                record.team,
                record.queue,
                origin.agent_channel,
                record.date,
                record.duration,
                record.metrics.as_ref().map(json_text),
                run_id
            ],
        )
        .map_err(err)?;
        tx.execute(
            "INSERT INTO transcripts (call_id, model, model_sha1, transcript) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (call_id) DO UPDATE SET
                model = excluded.model, model_sha1 = excluded.model_sha1, transcript = excluded.transcript",
            params![
                record.call_id,
                origin.model,
                origin.model_sha1,
                json_text(&record.transcript)
            ],
        )
        .map_err(err)?;
        let card = &record.scorecard;
        let (summary, criteria) = split_scorecard(card);
        tx.execute(
            &format!(
                "INSERT INTO scorecards (call_id, rubric_sha256, rubric_name, rubric_version, run_id, scored_at,
                                     score, passed, auto_failed, criteria, scorecard)
                 VALUES (?1, ?2, ?3, ?4, ?5, {NOW}, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (call_id, rubric_sha256) DO UPDATE SET
                    rubric_name = excluded.rubric_name, rubric_version = excluded.rubric_version,
                    run_id = excluded.run_id, scored_at = excluded.scored_at, score = excluded.score,
                    passed = excluded.passed, auto_failed = excluded.auto_failed,
                    criteria = excluded.criteria, scorecard = excluded.scorecard"
            ),
            params![
                record.call_id,
                card.rubric.sha256,
                card.rubric.name,
                card.rubric.version,
                run_id,
                card.score,
                card.passed,
                card.auto_failed,
                criteria,
                summary
            ],
        )
        .map_err(err)?;
        tx.execute(
            "DELETE FROM failures WHERE source = ?1 OR (content_hash = ?2 AND content_hash != '')",
            params![source, origin.content_hash],
        )
        .map_err(err)?;
        tx.commit().map_err(err)
    }

    /// Records (or updates) a failed input.
    ///
    /// # Errors
    /// SQLite errors, with the store's path.
    pub fn put_failure(&mut self, run_id: i64, failure: &Failure) -> Result<(), StoreError> {
        self.conn
            .execute(
                &format!(
                    "INSERT INTO failures (source, content_hash, call_id, run_id, failed_at, reason)
                     VALUES (?1, ?2, ?3, ?4, {NOW}, ?5)
                     ON CONFLICT (source, content_hash) DO UPDATE SET
                        call_id = excluded.call_id, run_id = excluded.run_id,
                        failed_at = excluded.failed_at, reason = excluded.reason"
                ),
                params![
                    failure.source,
                    failure.content_hash,
                    failure.call_id,
                    run_id,
                    failure.reason
                ],
            )
            .map_err(self.err())?;
        Ok(())
    }
}

/// The scorecard as (everything but the criteria, the criteria) JSON texts: the criteria column holds
/// outcomes and evidence for SQL queries, the scorecard column the rest.
pub(super) fn split_scorecard(card: &crate::scoring::Scorecard) -> (String, String) {
    let mut value = serde_json::to_value(card).unwrap_or_default();
    let criteria = value
        .as_object_mut()
        .and_then(|o| o.remove("criteria"))
        .unwrap_or_else(|| serde_json::Value::Array(Vec::new()));
    (value.to_string(), criteria.to_string())
}
