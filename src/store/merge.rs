//! Merging shard stores into one: every call once, scorecards added per rubric, and rows that
//! disagree (same call with other content, same call and rubric with another result) reported as
//! conflicts while the row already in the target is kept. Merging the same shard twice adds nothing.
//!
//! Must not depend on whisper, audio decoding or clap.

use super::{Store, StoreError};
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;
use std::path::Path;

/// Two rows that should be the same and are not.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// The store the rejected row came from.
    pub store: String,
    pub call_id: String,
    /// The rubric, for scorecard conflicts.
    pub rubric_sha256: Option<String>,
    pub detail: String,
}

/// What a merge did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergeReport {
    pub stores: usize,
    pub calls_added: usize,
    pub scorecards_added: usize,
    /// Rows already present with the same content.
    pub duplicates: usize,
    pub failures_added: usize,
    pub conflicts: Vec<Conflict>,
}

type CallRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<f64>,
    Option<String>,
    Option<i64>,
);

type RunRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
);

type FailureRow = (String, String, Option<String>, Option<i64>, String, String);

type CardRow = (
    String,
    String,
    String,
    Option<i64>,
    String,
    f64,
    bool,
    bool,
    String,
    String,
);

impl Store {
    /// Merges the store at `other` into this one in a single transaction.
    ///
    /// # Errors
    /// The other store cannot be opened or read, or this one written; nothing is merged from it then.
    pub fn merge_from(&mut self, other: &Path, report: &mut MergeReport) -> Result<(), StoreError> {
        let src = Store::open_existing(other)?;
        let label = other.display().to_string();
        let src_err = src.err();
        let runs: Vec<RunRow> = src
            .conn
            .prepare("SELECT id, uid, started_at, rubric_sha256, rubric_name, rubric_version, model, settings FROM runs")
            .and_then(|mut s| {
                s.query_map([], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
                })?
                .collect()
            })
            .map_err(&src_err)?;
        let calls: Vec<CallRow> = src
            .conn
            .prepare(
                "SELECT call_id, source, content_hash, agent_id, agent_name, team, queue, agent_channel, date,
                        duration, metrics, run_id FROM calls ORDER BY call_id",
            )
            .and_then(|mut s| {
                s.query_map([], |r| r.try_into())?
                .collect()
            })
            .map_err(&src_err)?;
        let mut transcripts_stmt = src
            .conn
            .prepare("SELECT model, model_sha1, transcript FROM transcripts WHERE call_id = ?1")
            .map_err(&src_err)?;
        let mut cards_stmt = src
            .conn
            .prepare(
                "SELECT rubric_sha256, rubric_name, rubric_version, run_id, scored_at, score, passed, auto_failed,
                        criteria, scorecard FROM scorecards WHERE call_id = ?1 ORDER BY id",
            )
            .map_err(&src_err)?;
        let failures: Vec<FailureRow> = src
            .conn
            .prepare(
                "SELECT source, content_hash, call_id, run_id, failed_at, reason FROM failures",
            )
            .and_then(|mut s| s.query_map([], |r| r.try_into())?.collect())
            .map_err(&src_err)?;

        let err = |source| StoreError::Sqlite {
            path: self.path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(err)?;
        let mut run_ids: HashMap<i64, i64> = HashMap::new();
        for (id, uid, started, sha, name, version, model, settings) in runs {
            tx.execute(
                "INSERT INTO runs (uid, started_at, rubric_sha256, rubric_name, rubric_version, model, settings)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (uid) DO NOTHING",
                params![uid, started, sha, name, version, model, settings],
            )
            .map_err(err)?;
            let new: i64 = tx
                .query_row("SELECT id FROM runs WHERE uid = ?1", [&uid], |r| r.get(0))
                .map_err(err)?;
            run_ids.insert(id, new);
        }
        let map_run = |id: Option<i64>| id.and_then(|i| run_ids.get(&i).copied());
        for call in calls {
            let call_id = call.0.clone();
            let existing: Option<String> = tx
                .query_row(
                    "SELECT content_hash FROM calls WHERE call_id = ?1",
                    [&call_id],
                    |r| r.get(0),
                )
                .optional()
                .map_err(err)?;
            match existing {
                Some(hash) if hash != call.2 => {
                    report.conflicts.push(Conflict {
                        store: label.clone(),
                        call_id,
                        rubric_sha256: None,
                        detail: format!(
                            "{} has other content (blake3 {}) than the call already merged (blake3 {})",
                            call.1,
                            short(&call.2),
                            short(&hash)
                        ),
                    });
                    continue;
                }
                Some(_) => {}
                None => {
                    tx.execute(
                        "INSERT INTO calls (call_id, source, content_hash, agent_id, agent_name, team, queue,
                                            agent_channel, date, duration, metrics, run_id)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                        params![
                            call.0, call.1, call.2, call.3, call.4, call.5, call.6, call.7, call.8, call.9,
                            call.10, map_run(call.11)
                        ],
                    )
                    .map_err(err)?;
                    let transcript: Option<(Option<String>, Option<String>, String)> =
                        transcripts_stmt
                            .query_row([&call_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                            .optional()
                            .map_err(&src_err)?;
                    if let Some((model, sha1, text)) = transcript {
                        tx.execute(
                            "INSERT INTO transcripts (call_id, model, model_sha1, transcript) VALUES (?1, ?2, ?3, ?4)",
                            params![call_id, model, sha1, text],
                        )
                        .map_err(err)?;
                    }
                    report.calls_added += 1;
                }
            }
            let cards: Vec<CardRow> = cards_stmt
                .query_map([&call_id], |r| r.try_into())
                .and_then(Iterator::collect)
                .map_err(&src_err)?;
            for card in cards {
                let present: Option<(f64, bool, bool, String)> = tx
                    .query_row(
                        "SELECT score, passed, auto_failed, criteria FROM scorecards
                         WHERE call_id = ?1 AND rubric_sha256 = ?2",
                        [&call_id, &card.0],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                    )
                    .optional()
                    .map_err(err)?;
                match present {
                    Some((score, passed, auto_failed, criteria)) => {
                        if (score, passed, auto_failed) != (card.5, card.6, card.7)
                            || criteria != card.8
                        {
                            report.conflicts.push(Conflict {
                                store: label.clone(),
                                call_id: call_id.clone(),
                                rubric_sha256: Some(card.0.clone()),
                                detail: format!(
                                    "scored {} ({}) here, {} ({}) in the merged store{}",
                                    card.5,
                                    verdict(card.6),
                                    score,
                                    verdict(passed),
                                    if criteria != card.8 {
                                        "; criteria outcomes or evidence differ"
                                    } else {
                                        ""
                                    }
                                ),
                            });
                        } else {
                            report.duplicates += 1;
                        }
                    }
                    None => {
                        tx.execute(
                            "INSERT INTO scorecards (call_id, rubric_sha256, rubric_name, rubric_version, run_id,
                                 scored_at, score, passed, auto_failed, criteria, scorecard)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                            params![
                                call_id, card.0, card.1, card.2, map_run(card.3), card.4, card.5, card.6,
                                card.7, card.8, card.9
                            ],
                        )
                        .map_err(err)?;
                        report.scorecards_added += 1;
                    }
                }
            }
        }
        // A failure whose content has since been scored (in either store) is not carried over. The
        // scored hashes are read once: `calls.content_hash` has no index, so one query per failure
        // would scan the table each time.
        let scored: std::collections::HashSet<String> = {
            let mut stmt = tx
                .prepare("SELECT content_hash FROM calls WHERE content_hash != ''")
                .map_err(err)?;
            stmt.query_map([], |r| r.get(0))
                .map_err(err)?
                .collect::<Result<_, _>>()
                .map_err(err)?
        };
        for (source, hash, call_id, run_id, failed_at, reason) in failures {
            if scored.contains(&hash) {
                continue;
            }
            let added = tx
                .execute(
                    "INSERT INTO failures (source, content_hash, call_id, run_id, failed_at, reason)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (source, content_hash) DO NOTHING",
                    params![source, hash, call_id, map_run(run_id), failed_at, reason],
                )
                .map_err(err)?;
            report.failures_added += added;
        }
        tx.commit().map_err(err)?;
        report.stores += 1;
        Ok(())
    }
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

fn verdict(passed: bool) -> &'static str {
    if passed { "pass" } else { "fail" }
}
