//! Renders scorecards for `callqa score` (table, JSON, JSON lines, CSV) and the conversation metrics of
//! `callqa metrics`. Reads only the results model.
//!
//! Must not depend on whisper, audio or clap.

mod csv;
mod metrics;
mod table;

pub use csv::{csv_field, scorecards_csv};
pub use metrics::{MeasuredCall, metrics_json, metrics_table};
pub use table::scorecards_table;

use crate::scoring::Scorecard;

/// Output formats of `callqa score`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreFormat {
    Table,
    Json,
    Jsonl,
    Csv,
}

/// Renders scorecards in the given format; the text ends with a newline.
pub fn render_scorecards(cards: &[Scorecard], format: ScoreFormat) -> String {
    match format {
        ScoreFormat::Table => scorecards_table(cards),
        ScoreFormat::Json => {
            let mut s = serde_json::to_string_pretty(cards).unwrap_or_default();
            s.push('\n');
            s
        }
        ScoreFormat::Jsonl => cards
            .iter()
            .map(|c| serde_json::to_string(c).unwrap_or_default() + "\n")
            .collect(),
        ScoreFormat::Csv => scorecards_csv(cards),
    }
}
