//! The human default of `callqa score`: one line per call with score, verdict and failed criteria,
//! then a compact metrics line for each call that has conversation metrics.
//!
//! Must not depend on whisper, audio or clap.

use crate::metrics::Metrics;
use crate::scoring::{Outcome, Scorecard, format_time};
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
    let measured: Vec<(&str, &Metrics)> = cards
        .iter()
        .filter_map(|c| Some((c.call_id.as_str(), c.metrics.as_ref()?)))
        .collect();
    if !measured.is_empty() {
        out.push_str("\nmetrics:\n");
        for (call_id, m) in measured {
            let _ = writeln!(out, "  {call_id}: {}", metrics_line(m));
        }
    }
    out
}

/// "05:12, talk 61% agent, longest silence 74.2 s at 02:13, overtalk 3.1 s, interruptions 2 by
/// agent / 0 by customer, agent 152 wpm, customer 131 wpm, customer sentiment 0.12 → 0.4 (approximate)".
fn metrics_line(m: &Metrics) -> String {
    let mut parts = vec![format!("duration {}", format_time(m.duration))];
    if let Some(r) = m.talk_ratio {
        parts.push(format!("talk {:.0}% agent", r * 100.0));
    }
    match m
        .non_talk_spans
        .iter()
        .max_by(|a, b| a.length().total_cmp(&b.length()))
    {
        Some(iv) => parts.push(format!(
            "longest silence {:.1} s at {}",
            m.non_talk_max,
            format_time(iv.start)
        )),
        None => parts.push("no dead air".into()),
    }
    if let Some(o) = m.overtalk {
        parts.push(format!("overtalk {:.1} s", o + 0.0));
    }
    if let (Some(a), Some(c)) = (m.interruptions_by_agent, m.interruptions_by_customer) {
        parts.push(format!("interruptions {a} by agent / {c} by customer"));
    }
    if let Some(a) = m.agent_wpm {
        parts.push(format!("agent {a:.0} wpm"));
    }
    if let Some(c) = m.customer_wpm {
        parts.push(format!("customer {c:.0} wpm"));
    }
    let s = &m.sentiment;
    if let (Some(start), Some(end)) = (s.customer_sentiment_start, s.customer_sentiment_end) {
        parts.push(format!("customer sentiment {start:.2} → {end:.2}"));
    }
    if !m.per_role {
        parts.push("mono: no per-role metrics".into());
    }
    let mut line = parts.join(", ");
    if m.approximate {
        line.push_str(" (approximate: from segment times)");
    }
    line
}
