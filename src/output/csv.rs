//! CSV export of scorecards: a row per call, a column per criterion outcome.
//!
//! Must not depend on whisper, audio or clap.

use crate::metrics::Metrics;
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

/// One row per call; criterion columns follow the first card's rubric order, then any others. When any
/// card carries conversation metrics, every metric follows as a column (empty where unavailable), then
/// `metrics_approximate`.
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
    let with_metrics = cards.iter().any(|c| c.metrics.is_some());
    if with_metrics {
        for name in Metrics::metric_names() {
            out.push(',');
            out.push_str(name);
        }
        out.push_str(",metrics_approximate");
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
        if with_metrics {
            let m = card.metrics.as_ref();
            for name in Metrics::metric_names() {
                out.push(',');
                if let Some(v) = m.and_then(|m| m.value(name)) {
                    let _ = write!(out, "{}", (v * 1000.0).round() / 1000.0);
                }
            }
            out.push(',');
            if let Some(m) = m {
                let _ = write!(out, "{}", m.approximate);
            }
        }
        out.push('\n');
    }
    out
}
