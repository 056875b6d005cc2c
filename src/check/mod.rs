//! Rubrics as code: regression suites (`callqa check`), agreement with human labels, and the
//! impact of a rubric change on past calls (`callqa rubric diff`).
//!
//! Everything here reads compiled rubrics, transcripts and scorecards and returns plain data and
//! text; it must not depend on whisper, audio or clap.

pub mod agreement;
pub mod diff;
pub mod junit;
pub mod run;
pub mod suite;

use crate::scoring::{CriterionResult, EvidenceKind, format_time};

/// At most this many evidence lines are shown per verdict in text outputs.
const MAX_EVIDENCE_LINES: usize = 3;

/// One line per piece of evidence behind a verdict, for people reading a mismatch or a flip:
/// `turn 3 (agent, 00:12): "quote"`, or the engine's note when there is no quote.
pub fn evidence_lines(result: &CriterionResult) -> Vec<String> {
    result
        .evidence
        .iter()
        .take(MAX_EVIDENCE_LINES)
        .map(|e| {
            let mut place = Vec::new();
            if let Some(turn) = e.turn {
                place.push(format!("turn {turn}"));
            }
            let mut detail = Vec::new();
            if let Some(s) = e.speaker {
                detail.push(s.as_str().to_string());
            }
            if let Some(t) = e.start {
                detail.push(format_time(t));
            }
            if !detail.is_empty() {
                place.push(format!("({})", detail.join(", ")));
            }
            let kind = match e.kind {
                EvidenceKind::Match => "matched",
                EvidenceKind::Searched => "searched",
                EvidenceKind::NotApplicable => "not applicable",
                EvidenceKind::Context => "context",
                EvidenceKind::Measure => "measured",
            };
            let mut line = kind.to_string();
            if !place.is_empty() {
                line.push(' ');
                line.push_str(&place.join(" "));
            }
            match (&e.quote, &e.note) {
                (Some(q), Some(n)) => line.push_str(&format!(": \"{q}\" ({n})")),
                (Some(q), None) => line.push_str(&format!(": \"{q}\"")),
                (None, Some(n)) => line.push_str(&format!(": {n}")),
                (None, None) => {}
            }
            line
        })
        .collect()
}
