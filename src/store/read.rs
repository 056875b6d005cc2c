//! Reading the store: what is already known of a call (for skipping and re-scoring), failed inputs,
//! and [`CallRecord`]s for reports.
//!
//! Must not depend on whisper, audio decoding or clap.

use super::{Store, StoreError};
use crate::metrics::Metrics;
use crate::record::{CallRecord, UNASSIGNED};
use crate::scoring::Scorecard;
use crate::transcript::Transcript;
use rusqlite::{OptionalExtension, params_from_iter, types::Value};

/// Which calls [`Store::records`] returns.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    /// Agent ids to keep; empty keeps all. `unassigned` selects calls with no agent.
    pub agents: Vec<String>,
    /// First call date to keep (inclusive, `YYYY-MM-DD`); calls without a date are left out.
    pub since: Option<String>,
    /// Last call date to keep (inclusive, `YYYY-MM-DD`); calls without a date are left out.
    pub until: Option<String>,
    /// The rubric whose scorecards to return; otherwise each call's latest scorecard.
    pub rubric_sha256: Option<String>,
}

/// What the store holds for one call id.
#[derive(Debug, Clone, PartialEq)]
pub struct CallState {
    pub content_hash: String,
    /// Checksum of the whisper model that made the stored transcript (`None` for imported transcripts).
    pub model_sha1: Option<String>,
    /// Rubric sha256s the call has scorecards for.
    pub rubrics: Vec<String>,
}

impl Store {
    /// What is stored for `call_id`, if anything.
    ///
    /// # Errors
    /// SQLite errors, with the store's path.
    pub fn call_state(&self, call_id: &str) -> Result<Option<CallState>, StoreError> {
        let row: Option<(String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT c.content_hash, t.model_sha1 FROM calls c
                 LEFT JOIN transcripts t ON t.call_id = c.call_id WHERE c.call_id = ?1",
                [call_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(self.err())?;
        let Some((content_hash, model_sha1)) = row else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare("SELECT rubric_sha256 FROM scorecards WHERE call_id = ?1")
            .map_err(self.err())?;
        let rubrics = stmt
            .query_map([call_id], |r| r.get(0))
            .and_then(Iterator::collect)
            .map_err(self.err())?;
        Ok(Some(CallState {
            content_hash,
            model_sha1,
            rubrics,
        }))
    }

    /// The stored transcript and metrics of a call, for re-scoring without ASR.
    ///
    /// # Errors
    /// SQLite errors or unreadable stored JSON, with the store's path.
    pub fn stored_transcript(
        &self,
        call_id: &str,
    ) -> Result<Option<(Transcript, Option<Metrics>)>, StoreError> {
        let row: Option<(String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT t.transcript, c.metrics FROM transcripts t JOIN calls c ON c.call_id = t.call_id
                 WHERE t.call_id = ?1",
                [call_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(self.err())?;
        let Some((transcript, metrics)) = row else {
            return Ok(None);
        };
        let transcript = self.parse(call_id, "transcript", &transcript)?;
        let metrics = metrics
            .map(|m| self.parse(call_id, "metrics", &m))
            .transpose()?;
        Ok(Some((transcript, metrics)))
    }

    /// The reason an input with this source path and content hash failed before, if it did.
    ///
    /// # Errors
    /// SQLite errors, with the store's path.
    pub fn failure_of(
        &self,
        source: &str,
        content_hash: &str,
    ) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT reason FROM failures WHERE source = ?1 AND content_hash = ?2",
                [source, content_hash],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.err())
    }

    fn parse<T: serde::de::DeserializeOwned>(
        &self,
        call_id: &str,
        what: &'static str,
        text: &str,
    ) -> Result<T, StoreError> {
        serde_json::from_str(text).map_err(|source| StoreError::Json {
            path: self.path.clone(),
            call_id: call_id.to_string(),
            what,
            source,
        })
    }

    /// Every scored call's transcript with its agent id, in the order of [`Store::records`]: what
    /// re-scoring needs, without decoding the stored scorecards.
    ///
    /// # Errors
    /// SQLite errors or unreadable stored JSON, with the store's path.
    pub fn scored_transcripts(&self) -> Result<Vec<(Option<String>, Transcript)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT c.call_id, c.agent_id, t.transcript
                 FROM calls c JOIN transcripts t ON t.call_id = c.call_id
                 WHERE EXISTS (SELECT 1 FROM scorecards s WHERE s.call_id = c.call_id)
                 ORDER BY c.date IS NULL, c.date, c.call_id",
            )
            .map_err(self.err())?;
        let rows: Vec<(String, Option<String>, String)> = stmt
            .query_map([], |r| r.try_into())
            .and_then(Iterator::collect)
            .map_err(self.err())?;
        rows.into_iter()
            .map(|(call_id, agent_id, transcript)| {
                Ok((agent_id, self.parse(&call_id, "transcript", &transcript)?))
            })
            .collect()
    }

    /// One record per stored call that passes `filter`, with its transcript, metrics and scorecard
    /// (the latest one, or the one for `filter.rubric_sha256`), ordered by date (undated last) then call id.
    ///
    /// # Errors
    /// SQLite errors or unreadable stored JSON, with the store's path.
    pub fn records(&self, filter: &RecordFilter) -> Result<Vec<CallRecord>, StoreError> {
        let mut sql = String::from(
            "SELECT c.call_id, c.source, c.agent_id, c.agent_name, c.team, c.queue, c.date, c.duration,
                    c.metrics, t.transcript, s.run_id, s.scorecard, s.criteria
             FROM calls c JOIN transcripts t ON t.call_id = c.call_id
             JOIN scorecards s ON s.call_id = c.call_id",
        );
        let mut args: Vec<Value> = Vec::new();
        match &filter.rubric_sha256 {
            Some(sha) => {
                args.push(Value::Text(sha.clone()));
                sql.push_str(&format!(" WHERE s.rubric_sha256 = ?{}", args.len()));
            }
            None => sql.push_str(
                " WHERE s.id = (SELECT s2.id FROM scorecards s2 WHERE s2.call_id = c.call_id
                                ORDER BY s2.scored_at DESC, s2.id DESC LIMIT 1)",
            ),
        }
        if let Some(since) = &filter.since {
            args.push(Value::Text(since.clone()));
            sql.push_str(&format!(" AND c.date >= ?{}", args.len()));
        }
        if let Some(until) = &filter.until {
            args.push(Value::Text(until.clone()));
            sql.push_str(&format!(" AND c.date <= ?{}", args.len()));
        }
        if !filter.agents.is_empty() {
            let mut alternatives = Vec::new();
            for agent in &filter.agents {
                if agent == UNASSIGNED {
                    alternatives.push("c.agent_id IS NULL".to_string());
                } else {
                    args.push(Value::Text(agent.clone()));
                    alternatives.push(format!("c.agent_id = ?{}", args.len()));
                }
            }
            sql.push_str(&format!(" AND ({})", alternatives.join(" OR ")));
        }
        sql.push_str(" ORDER BY c.date IS NULL, c.date, c.call_id");
        let mut stmt = self.conn.prepare(&sql).map_err(self.err())?;
        type Row = (
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<f64>,
            Option<String>,
            String,
            Option<i64>,
            String,
            String,
        );
        let rows: Vec<Row> = stmt
            .query_map(params_from_iter(args), |r| r.try_into())
            .and_then(Iterator::collect)
            .map_err(self.err())?;
        rows.into_iter()
            .map(|row| {
                let (call_id, source, agent_id, agent_name, team, queue, date, duration) =
                    (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7);
                let metrics = row
                    .8
                    .map(|m| self.parse(&call_id, "metrics", &m))
                    .transpose()?;
                let transcript = self.parse(&call_id, "transcript", &row.9)?;
                let scorecard = self.join_scorecard(&call_id, &row.11, &row.12)?;
                Ok(CallRecord {
                    source: Some(source).filter(|s| !s.is_empty()),
                    agent_id,
                    agent_name,
                    team,
                    queue,
                    date,
                    duration,
                    run_id: row.10,
                    metrics,
                    transcript,
                    scorecard,
                    call_id,
                })
            })
            .collect()
    }

    /// Rebuilds a scorecard from its summary and criteria columns.
    pub(super) fn join_scorecard(
        &self,
        call_id: &str,
        summary: &str,
        criteria: &str,
    ) -> Result<Scorecard, StoreError> {
        let mut value: serde_json::Value = self.parse(call_id, "scorecard", summary)?;
        let criteria: serde_json::Value = self.parse(call_id, "scorecard criteria", criteria)?;
        if let Some(o) = value.as_object_mut() {
            o.insert("criteria".into(), criteria);
        }
        serde_json::from_value(value).map_err(|source| StoreError::Json {
            path: self.path.clone(),
            call_id: call_id.to_string(),
            what: "scorecard",
            source,
        })
    }
}
