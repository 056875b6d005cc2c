//! What WebVTT and SRT share: cue timestamps, speaker prefixes (`Agent:`, `spk_0:`, whisper's
//! `(speaker 0)`), stripping markup and turning one cue's lines into segments.
//!
//! Must not depend on audio, whisper or clap.

use super::ImportOptions;
use crate::transcript::model::{Segment, Speaker};

/// Who spoke a line: the role and, for channel-based labels, the channel.
pub(crate) type Voice = (Speaker, Option<u16>);

/// Parses `hh:mm:ss.mmm`, `mm:ss.mmm` (WebVTT) or `hh:mm:ss,mmm` (SRT) into seconds.
/// The next block of non-blank `(line number, line)` pairs, skipping blank lines before it;
/// empty at the end of the input.
pub(crate) fn next_block<'a>(
    lines: &mut impl Iterator<Item = (usize, &'a str)>,
) -> Vec<(usize, &'a str)> {
    let mut block = Vec::new();
    for (n, line) in lines.by_ref() {
        if line.trim().is_empty() {
            if block.is_empty() {
                continue;
            }
            break;
        }
        block.push((n, line));
    }
    block
}

pub(crate) fn parse_timestamp(s: &str) -> Option<f64> {
    let parts: Vec<&str> = s.trim().split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [h, m, s] => (h.parse::<u64>().ok()?, *m, *s),
        [m, s] => (0, *m, *s),
        _ => return None,
    };
    let m: u64 = m.parse().ok().filter(|m| *m < 60)?;
    let (whole, frac) = sec.split_once(['.', ',']).unwrap_or((sec, ""));
    let whole: u64 = whole.parse().ok().filter(|s| *s < 60)?;
    if frac.len() > 3 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let millis: u64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<3}").parse().ok()?
    };
    let total_ms = ((h * 60 + m) * 60 + whole) * 1000 + millis;
    Some(total_ms as f64 / 1000.0)
}

/// Parses a cue timing line `start --> end [settings]`; the error says what is wrong.
pub(crate) fn parse_timing(line: &str) -> Result<(f64, f64), String> {
    let Some((left, right)) = line.split_once("-->") else {
        return Err(format!(
            "expected a cue timing line such as `00:00:01.000 --> 00:00:04.000`, found {line:?}"
        ));
    };
    let end_text = right.split_whitespace().next().unwrap_or("");
    let start =
        parse_timestamp(left).ok_or_else(|| format!("invalid start time {:?}", left.trim()))?;
    let end = parse_timestamp(end_text).ok_or_else(|| format!("invalid end time {end_text:?}"))?;
    if end < start {
        return Err(format!(
            "cue ends ({}) before it starts ({})",
            end_text,
            left.trim()
        ));
    }
    Ok((start, end))
}

/// The voice of a speaker label, or `None` when the label is not one callqa recognises as a speaker.
fn voice_for_label(label: &str, options: &ImportOptions) -> Option<Voice> {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 24 {
        return None;
    }
    let lower = label.to_ascii_lowercase();
    let diarized = lower
        .strip_prefix("spk_")
        .or_else(|| lower.strip_prefix("speaker_"))
        .or_else(|| lower.strip_prefix("speaker "))
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    let named = options
        .agent_speaker
        .as_deref()
        .is_some_and(|a| a.trim().eq_ignore_ascii_case(label));
    match options.label_role(label) {
        Speaker::Unknown if !(diarized || named || lower == "unknown") => None,
        role => Some((role, None)),
    }
}

/// A voice named in a WebVTT `<v …>` tag: any name is accepted, roles per [`ImportOptions::label_role`].
pub(crate) fn voice_for_tag(name: &str, options: &ImportOptions) -> Voice {
    voice_for_label(name, options).unwrap_or((options.label_role(name), None))
}

/// Splits a leading `Agent:` or whisper-cli `(speaker 0)` prefix off a cue line.
pub(crate) fn split_prefix<'a>(line: &'a str, options: &ImportOptions) -> (Option<Voice>, &'a str) {
    let trimmed = line.trim_start();
    if let Some(rest) = trimmed.strip_prefix("(speaker ") {
        if let Some((id, text)) = rest.split_once(')') {
            let voice = match id.trim() {
                "0" => Some((options.channel_role(0), Some(0))),
                "1" => Some((options.channel_role(1), Some(1))),
                "?" => Some((Speaker::Unknown, None)),
                _ => None,
            };
            if voice.is_some() {
                return (voice, text.trim_start());
            }
        }
    }
    if let Some((label, rest)) = trimmed.split_once(':') {
        if let Some(voice) = voice_for_label(label, options) {
            return (Some(voice), rest.trim_start());
        }
    }
    (None, trimmed)
}

/// Removes markup tags (`<i>`, `<c.x>`, `<00:00:01.000>`, `</v>`) and decodes the usual entities.
pub(crate) fn clean_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&lrm;", "")
        .replace("&rlm;", "")
        .replace("&amp;", "&")
        .trim()
        .to_string()
}

/// Removes SRT's formatting tags (`<i>`, `<b>`, `<u>`, `<font …>` and their ends); SRT has no
/// escaping, so any other `<` is text.
pub(crate) fn clean_srt_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let tag = after.find('>').map(|close| &after[..close]);
        let name = tag.map(|t| {
            t.trim_start_matches('/')
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_lowercase()
        });
        match (tag, name.as_deref()) {
            (Some(tag), Some("i" | "b" | "u" | "font")) => rest = &after[tag.len() + 1..],
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.trim().to_string()
}

/// Turns one cue into segments: a line naming a voice starts a segment, other lines continue it.
pub(crate) fn cue_segments(
    start: f64,
    end: f64,
    lines: Vec<(Option<Voice>, String)>,
    out: &mut Vec<Segment>,
) {
    let mut current: Option<Segment> = None;
    for (voice, text) in lines {
        if text.is_empty() && voice.is_none() {
            continue;
        }
        match (&mut current, voice) {
            (Some(seg), None) => {
                if !seg.text.is_empty() && !text.is_empty() {
                    seg.text.push(' ');
                }
                seg.text.push_str(&text);
            }
            (_, voice) => {
                if let Some(done) = current.take() {
                    push_nonempty(out, done);
                }
                let (speaker, channel) = voice.unwrap_or((Speaker::Unknown, None));
                current = Some(Segment {
                    start: Some(start),
                    end: Some(end),
                    speaker,
                    channel,
                    text,
                    words: None,
                });
            }
        }
    }
    if let Some(done) = current {
        push_nonempty(out, done);
    }
}

fn push_nonempty(out: &mut Vec<Segment>, seg: Segment) {
    if !seg.text.trim().is_empty() {
        out.push(seg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_both_notations() {
        assert_eq!(parse_timestamp("00:01:02.500"), Some(62.5));
        assert_eq!(parse_timestamp("01:02.5"), Some(62.5));
        assert_eq!(parse_timestamp("01:00:00,007"), Some(3600.007));
        assert_eq!(parse_timestamp("00:61:00.000"), None);
        assert_eq!(parse_timestamp("1.5"), None);
        assert_eq!(parse_timestamp("00:00:01.0000"), None);
    }

    #[test]
    fn timing_lines_ignore_settings_and_reject_reversed_cues() {
        assert_eq!(
            parse_timing("00:01.000 --> 00:02.000 align:start"),
            Ok((1.0, 2.0))
        );
        assert_eq!(
            parse_timing("00:03.000 --> 00:02.000"),
            Err("cue ends (00:02.000) before it starts (00:03.000)".to_string())
        );
    }

    #[test]
    fn prefixes_recognise_roles_diarization_and_whisper_channels() {
        let o = ImportOptions::default();
        assert_eq!(
            split_prefix("Agent: hi", &o),
            (Some((Speaker::Agent, None)), "hi")
        );
        assert_eq!(
            split_prefix("spk_1: hi", &o),
            (Some((Speaker::Unknown, None)), "hi")
        );
        assert_eq!(
            split_prefix("(speaker 1) hi", &o),
            (Some((Speaker::Customer, Some(1))), "hi")
        );
        assert_eq!(
            split_prefix("Note: the time is 10:30", &o),
            (None, "Note: the time is 10:30")
        );
    }

    #[test]
    fn markup_is_stripped_and_entities_decoded() {
        assert_eq!(
            clean_text("<i>fish &amp; chips</i> &lt;3"),
            "fish & chips <3"
        );
    }
}
