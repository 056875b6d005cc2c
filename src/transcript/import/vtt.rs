//! WebVTT: a `WEBVTT` header, then cues of an optional identifier, a timing line
//! `00:00:01.000 --> 00:00:04.000` and payload lines.
//!
//! Speakers come from voice tags (`<v Agent>…</v>`) or `Agent:` prefixes; a payload line that names
//! a new voice starts a new segment with the cue's times. `NOTE`, `STYLE` and `REGION` blocks are
//! skipped and other markup is removed. Errors give the line number. Must not depend on audio,
//! whisper or clap.

use super::ImportOptions;
use super::cues::{self, Voice};
use crate::transcript::load::LoadError;
use crate::transcript::model::{Provenance, Transcript};
use std::path::Path;

/// True when the text starts with the `WEBVTT` signature.
pub(crate) fn detect(text: &str) -> bool {
    text.trim_start().starts_with("WEBVTT")
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
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .skip_while(|(_, l)| l.trim().is_empty());
    match lines.next() {
        Some((_, first)) if first.starts_with("WEBVTT") => {}
        Some((n, _)) => return Err(error(n, "expected the `WEBVTT` header".into())),
        None => return Err(error(1, "expected the `WEBVTT` header".into())),
    }
    // The header runs to the first blank line.
    let mut lines = lines.skip_while(|(_, l)| !l.trim().is_empty()).peekable();
    let mut t = Transcript::new(String::new());
    loop {
        let block = cues::next_block(&mut lines);
        let Some(&(first_n, first)) = block.first() else {
            break;
        };
        if ["NOTE", "STYLE", "REGION"]
            .iter()
            .any(|k| first.starts_with(k))
        {
            continue;
        }
        let timing_at = if first.contains("-->") { 0 } else { 1 };
        let (timing_n, timing) = block.get(timing_at).copied().unwrap_or((first_n, first));
        let (start, end) = cues::parse_timing(timing).map_err(|m| error(timing_n, m))?;
        let payload = block
            .iter()
            .skip(timing_at + 1)
            .map(|(_, line)| payload_line(line, options))
            .collect();
        cues::cue_segments(start, end, payload, &mut t.segments);
    }
    if t.segments.is_empty() {
        return Err(LoadError::Content {
            path: path.to_path_buf(),
            message: "the WebVTT file has no cues with text".into(),
        });
    }
    t.provenance = Provenance {
        format: Some("vtt".into()),
        ..Provenance::default()
    };
    Ok(t)
}

/// Reads `<v Name>text</v>` or `<v.class Name>text`, else an `Agent:` prefix.
fn payload_line(line: &str, options: &ImportOptions) -> (Option<Voice>, String) {
    let trimmed = line.trim();
    if let Some(rest) = trimmed.strip_prefix("<v") {
        if rest.starts_with([' ', '.', '\t']) {
            if let Some((tag, text)) = rest.split_once('>') {
                let name = tag.split_once([' ', '\t']).map_or("", |(_, n)| n).trim();
                return (
                    Some(cues::voice_for_tag(name, options)),
                    cues::clean_text(text),
                );
            }
        }
    }
    let cleaned = cues::clean_text(trimmed);
    let (voice, rest) = cues::split_prefix(&cleaned, options);
    (voice, rest.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::model::Speaker;

    #[test]
    fn voices_with_classes_and_several_voices_in_one_cue() {
        let text = "WEBVTT\r\n\r\nSTYLE\r\n::cue { color: red }\r\n\r\n00:01.000 --> 00:03.000\r\n<v.loud Agent>Hello <b>there</b></v>\r\n<v Customer>Hi &amp; bye\r\n";
        let t = parse(text, Path::new("c.vtt"), &ImportOptions::default()).expect("parses");
        let got: Vec<(Speaker, &str, Option<f64>)> = t
            .segments
            .iter()
            .map(|s| (s.speaker, s.text.as_str(), s.start))
            .collect();
        assert_eq!(
            got,
            [
                (Speaker::Agent, "Hello there", Some(1.0)),
                (Speaker::Customer, "Hi & bye", Some(1.0))
            ]
        );
    }

    #[test]
    fn unlabeled_cues_are_unknown_speech_and_named_voices_follow_agent_speaker() {
        let text =
            "WEBVTT\n\n00:01.000 --> 00:02.000\nhello\n\n00:02.000 --> 00:03.000\n<v Dana>hi</v>\n";
        let t = parse(text, Path::new("c.vtt"), &ImportOptions::default()).expect("parses");
        assert_eq!(t.segments[0].speaker, Speaker::Unknown);
        assert_eq!(t.segments[1].speaker, Speaker::Unknown);
        let dana = ImportOptions {
            agent_speaker: Some("Dana".into()),
            ..ImportOptions::default()
        };
        let t = parse(text, Path::new("c.vtt"), &dana).expect("parses");
        assert_eq!(t.segments[1].speaker, Speaker::Agent);
        assert_eq!(t.segments[0].speaker, Speaker::Unknown);
    }
}
