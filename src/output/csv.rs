//! CSV export of scorecards: a row per call, a column per criterion outcome.
//!
//! Must not depend on whisper, audio or clap.

use crate::scoring::Scorecard;
use std::fmt::Write;

/// Quotes a CSV field when it needs it (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One row per call; criterion columns follow the first card's rubric order, then any others.
pub fn scorecards_csv(cards: &[Scorecard]) -> String {
    let mut ids: Vec<&str> = Vec::new();
    for card in cards {
        for c in &card.criteria {
            if !ids.contains(&c.id.as_str()) {
                ids.push(&c.id);
            }
        }
    }
    let mut out = String::from("call_id,agent_id,rubric,rubric_version,score,passed,auto_failed");
    for id in &ids {
        out.push(',');
        out.push_str(&csv_field(id));
    }
    out.push('\n');
    for card in cards {
        let _ = write!(
            out,
            "{},{},{},{},{},{},{}",
            csv_field(&card.call_id),
            csv_field(card.agent_id.as_deref().unwrap_or("")),
            csv_field(&card.rubric.name),
            csv_field(&card.rubric.version),
            card.score,
            card.passed,
            card.auto_failed
        );
        for id in &ids {
            out.push(',');
            if let Some(c) = card.criterion(id) {
                out.push_str(c.outcome.as_str());
            }
        }
        out.push('\n');
    }
    out
}
