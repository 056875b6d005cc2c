//! SubRip (SRT): numbered cues of an index line, a timing line `00:00:01,000 --> 00:00:04,000`
//! and text lines.
//!
//! Speakers come from `Agent:` prefixes (or whisper-cli's `(speaker 0)`); a line that names a new
//! speaker starts a new segment with the cue's times. Formatting tags (`<i>`, `<b>`, `<u>`, `<font>`) are removed; other text is kept as written.
//! Errors give the line number. Must not depend on audio, whisper or clap.

use super::ImportOptions;
use super::cues;
use crate::transcript::load::LoadError;
use crate::transcript::model::{Provenance, Transcript};
use std::path::Path;

/// True when the first block is an SRT cue: an index line followed by a timing line, or a timing line.
pub(crate) fn detect(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    match (lines.next(), lines.next()) {
        (Some(first), _) if first.contains("-->") => cues::parse_timing(first).is_ok(),
        (Some(first), Some(second)) => {
            !first.is_empty() && first.chars().all(|c| c.is_ascii_digit()) && second.contains("-->")
        }
        _ => false,
    }
}

pub(crate) fn parse(
    text: &str,
    path: &Path,
    options: &ImportOptions,
) -> Result<Transcript, LoadError> {
    let error = |line: usize, message: String| LoadError::Shape {
        path: path.to_path_buf(),
        location: format!("line {line}"),
        message,
    };
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let mut t = Transcript::new(String::new());
    loop {
        let block = cues::next_block(&mut lines);
        let Some(&(first_n, first)) = block.first() else {
            break;
        };
        let timing_at = if first.contains("-->") {
            0
        } else if first.trim().chars().all(|c| c.is_ascii_digit()) {
            1
        } else {
            return Err(error(
                first_n,
                format!(
                    "expected a cue number or timing line, found {:?}",
                    first.trim()
                ),
            ));
        };
        let (timing_n, timing) = block.get(timing_at).copied().unwrap_or((first_n, first));
        let (start, end) = cues::parse_timing(timing).map_err(|m| error(timing_n, m))?;
        let payload = block
            .iter()
            .skip(timing_at + 1)
            .map(|(_, line)| {
                let cleaned = cues::clean_srt_text(line);
                let (voice, rest) = cues::split_prefix(&cleaned, options);
                (voice, rest.to_string())
            })
            .collect();
        cues::cue_segments(start, end, payload, &mut t.segments);
    }
    if t.segments.is_empty() {
        return Err(LoadError::Content {
            path: path.to_path_buf(),
            message: "the SRT file has no cues with text".into(),
        });
    }
    t.provenance = Provenance {
        format: Some("srt".into()),
        ..Provenance::default()
    };
    Ok(t)
}
