//! Writing callqa transcripts in other tools' forms: callqa JSON, WebVTT, SRT and plain text.
//!
//! One entry point, [`render`], with one file per format. The forms are chosen so that reading the
//! output back with the loader gives the same speakers and (for JSON, WebVTT and SRT) the same
//! times to the millisecond: WebVTT uses voice tags (`<v Agent>`), SRT and text use `Agent:`
//! prefixes. Must not depend on audio, whisper or clap.

mod json;
mod srt;
mod txt;
mod vtt;

use super::model::{Speaker, Transcript};
use std::fmt;
use std::str::FromStr;

/// A form a transcript can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    Json,
    Vtt,
    Srt,
    Txt,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 4] = [
        ExportFormat::Json,
        ExportFormat::Vtt,
        ExportFormat::Srt,
        ExportFormat::Txt,
    ];

    /// The usual file extension, also the name used on the command line.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Vtt => "vtt",
            ExportFormat::Srt => "srt",
            ExportFormat::Txt => "txt",
        }
    }

    /// Subtitle forms need a start and end time on every segment.
    pub fn needs_times(self) -> bool {
        matches!(self, ExportFormat::Vtt | ExportFormat::Srt)
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

impl FromStr for ExportFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ExportFormat::ALL
            .into_iter()
            .find(|f| f.extension().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown transcript format {s:?}; expected json, vtt, srt or txt")
            })
    }
}

/// Writes `t` in form `f`.
///
/// WebVTT and SRT need times: a segment without them is written as a zero-length cue at the end
/// of the segment before it (or at 0). Callers that must not lose that information check
/// [`Transcript::is_timed`] and [`ExportFormat::needs_times`] first, as `callqa convert` does.
pub fn render(t: &Transcript, f: ExportFormat) -> String {
    match f {
        ExportFormat::Json => json::render(t),
        ExportFormat::Vtt => vtt::render(t),
        ExportFormat::Srt => srt::render(t),
        ExportFormat::Txt => txt::render(t),
    }
}

/// The name a speaker is written under; the loader maps each back to the same role.
fn role_name(speaker: Speaker) -> &'static str {
    match speaker {
        Speaker::Agent => "Agent",
        Speaker::Customer => "Customer",
        Speaker::Unknown => "Unknown",
    }
}

/// Segment text on one line: cue formats end a cue at a blank line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Start and end of every segment in seconds, filling gaps in untimed transcripts as documented on [`render`].
fn cue_times(t: &Transcript) -> Vec<(f64, f64)> {
    let mut last_end = 0.0;
    t.segments
        .iter()
        .map(|s| {
            let start = s.start.unwrap_or(last_end);
            let end = s.end.unwrap_or(start).max(start);
            last_end = end;
            (start, end)
        })
        .collect()
}

/// `hh:mm:ss.mmm`, with `separator` before the milliseconds (`.` for WebVTT, `,` for SRT).
fn timestamp(seconds: f64, separator: char) -> String {
    let total_ms = if seconds.is_finite() && seconds > 0.0 {
        (seconds * 1000.0).round() as u64
    } else {
        0
    };
    let (h, rest) = (total_ms / 3_600_000, total_ms % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    let (s, ms) = (rest / 1000, rest % 1000);
    format!("{h:02}:{m:02}:{s:02}{separator}{ms:03}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_to_milliseconds() {
        assert_eq!(timestamp(0.0, '.'), "00:00:00.000");
        assert_eq!(timestamp(3723.0045, ','), "01:02:03,005");
        assert_eq!(timestamp(-1.0, '.'), "00:00:00.000");
    }

    #[test]
    fn formats_parse_from_their_names() {
        assert_eq!("VTT".parse::<ExportFormat>(), Ok(ExportFormat::Vtt));
        assert_eq!(
            "docx".parse::<ExportFormat>(),
            Err("unknown transcript format \"docx\"; expected json, vtt, srt or txt".to_string())
        );
    }
}
