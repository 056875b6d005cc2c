//! The human default of `callqa score`: one line per call with score, verdict and failed criteria.
//!
//! Must not depend on whisper, audio or clap.

use crate::scoring::{Outcome, Scorecard};
use std::fmt::Write;

pub fn scorecards_table(cards: &[Scorecard]) -> String {
    let rows: Vec<[String; 5]> = cards
        .iter()
        .map(|c| {
            let failed: Vec<&str> = c
                .criteria
                .iter()
                .filter(|r| r.outcome == Outcome::Fail)
                .map(|r| r.id.as_str())
                .collect();
            let verdict = if c.auto_failed {
                "AUTO-FAIL"
            } else if c.passed {
                "pass"
            } else {
                "FAIL"
            };
            [
                c.call_id.clone(),
                c.agent_id.clone().unwrap_or_else(|| "-".into()),
                format!("{:.1}", c.score),
                verdict.to_string(),
                if failed.is_empty() {
                    "-".into()
                } else {
                    failed.join(", ")
                },
            ]
        })
        .collect();
    let headers = ["CALL", "AGENT", "SCORE", "RESULT", "FAILED CRITERIA"];
    let mut widths = headers.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: [&str; 5]| {
        let _ = writeln!(
            out,
            "{:<w0$}  {:<w1$}  {:>w2$}  {:<w3$}  {}",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            cells[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
        );
    };
    line(&mut out, headers);
    for row in &rows {
        line(
            &mut out,
            [&row[0], &row[1], &row[2], &row[3], &row[4]].map(|s| s.as_str()),
        );
    }
    let passed = cards.iter().filter(|c| c.passed).count();
    let auto = cards.iter().filter(|c| c.auto_failed).count();
    let mean = if cards.is_empty() {
        0.0
    } else {
        cards.iter().map(|c| c.score).sum::<f64>() / cards.len() as f64
    };
    let _ = write!(
        out,
        "\n{} call{} scored: {passed} passed, {} failed ({auto} auto-failed); average score {mean:.1}",
        cards.len(),
        if cards.len() == 1 { "" } else { "s" },
        cards.len() - passed,
    );
    if let Some(c) = cards.first() {
        let _ = write!(out, "; rubric {} {}", c.rubric.name, c.rubric.version);
    }
    out.push('\n');
    for c in cards.iter().filter(|c| c.auto_failed) {
        for reason in &c.auto_fail_reasons {
            let _ = writeln!(out, "  {}: {reason}", c.call_id);
        }
    }
    out
}
