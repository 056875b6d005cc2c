//! Renders `callqa metrics` results: a table with one row per recording, or JSON with one object per
//! recording whose `metrics` key holds the metric fields under their documented names.
//!
//! Must not depend on whisper, audio or clap: it reads only plain [`MeasuredCall`] data.

use crate::metrics::Metrics;
use serde::Serialize;
use std::fmt::Write;

/// The metrics of one input file and where they came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasuredCall {
    /// The input file as named on the command line.
    pub file: String,
    pub call_id: String,
    /// "audio" (measured from voice activity) or "transcript" (read from or derived from a transcript).
    pub source: &'static str,
    /// The voice activity detector for audio ("silero", "energy"); `None` for transcripts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detector: Option<String>,
    pub metrics: Metrics,
}

/// One JSON object per call in a pretty-printed array, ending with a newline.
pub fn metrics_json(calls: &[MeasuredCall]) -> String {
    let mut s = serde_json::to_string_pretty(calls).unwrap_or_default();
    s.push('\n');
    s
}

/// A table of the main metrics, one row per call. Seconds with one decimal; `n/a` where the recording
/// cannot tell the parties apart; `~` after the source when the figures are approximate.
pub fn metrics_table(calls: &[MeasuredCall]) -> String {
    let secs = |v: Option<f64>| v.map_or_else(|| "n/a".to_string(), |x| format!("{x:.1}"));
    let count = |v: Option<u32>| v.map_or_else(|| "n/a".to_string(), |x| x.to_string());
    let headers = [
        "CALL",
        "SOURCE",
        "DURATION",
        "AGENT TALK",
        "CUSTOMER TALK",
        "RATIO",
        "NON-TALK",
        "MAX NON-TALK (AT)",
        "OVERTALK",
        "INTERRUPTIONS A/C",
        "WPM A/C",
    ];
    let rows: Vec<[String; 11]> = calls
        .iter()
        .map(|c| {
            let m = &c.metrics;
            let longest = m
                .non_talk_spans
                .iter()
                .max_by(|a, b| a.length().total_cmp(&b.length()));
            let source = match &c.detector {
                Some(d) => format!("{} ({d})", c.source),
                None => c.source.to_string(),
            };
            [
                c.call_id.clone(),
                if m.approximate {
                    format!("{source} ~")
                } else {
                    source
                },
                format!("{:.1}", m.duration),
                secs(m.agent_talk),
                secs(m.customer_talk),
                m.talk_ratio
                    .filter(|_| m.per_role)
                    .map_or_else(|| "n/a".into(), |r| format!("{r:.2}")),
                format!("{:.1}", m.non_talk_total),
                match longest {
                    Some(iv) => format!("{:.1} ({:.1})", iv.length(), iv.start),
                    None => "0.0".into(),
                },
                secs(m.overtalk),
                match (m.interruptions_by_agent, m.interruptions_by_customer) {
                    (None, None) => "n/a".into(),
                    (a, c) => format!("{}/{}", count(a), count(c)),
                },
                format!(
                    "{}/{}",
                    m.agent_wpm
                        .map_or_else(|| "-".into(), |w| format!("{w:.0}")),
                    m.customer_wpm
                        .map_or_else(|| "-".into(), |w| format!("{w:.0}"))
                ),
            ]
        })
        .collect();
    let mut widths = headers.map(str::chars).map(Iterator::count);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[String]| {
        let mut text = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            let pad = w - cell.chars().count();
            // Names and sources align left, numbers right.
            if i < 2 {
                let _ = write!(text, "{cell}{}", " ".repeat(pad));
            } else {
                let _ = write!(text, "{}{cell}", " ".repeat(pad));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&headers.map(String::from));
    for row in &rows {
        line(row);
    }
    if calls.iter().any(|c| c.metrics.approximate) {
        out.push_str("~ approximate: derived from transcript segment times, not the audio\n");
    }
    if calls.iter().any(|c| !c.metrics.per_role) {
        out.push_str("n/a: mono recording, the parties cannot be told apart\n");
    }
    out
}
