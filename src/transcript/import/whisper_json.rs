//! whisper-cli `-oj` / `-ojf` JSON: a `transcription` array of segments with `offsets {from, to}`
//! in milliseconds and `text`.
//!
//! With `-di` (stereo diarization) each segment has `speaker`: `"0"` for the left channel, `"1"` for
//! the right, `"?"` when the energy test could not tell. With `-tdrz` each segment has
//! `speaker_turn_next`, true when the next segment is spoken by someone else; the turns alternate
//! between the labels `spk_0` and `spk_1` (first speaker `spk_0`) so `--agent-speaker` can name
//! one. With `-ojf` each segment has `tokens`, which become words (special tokens such as
//! `[_BEG_]` are dropped). Reads parsed JSON only; must not depend on whisper itself, audio or clap.

use super::{ImportOptions, JsonReader};
use crate::transcript::load::LoadError;
use crate::transcript::model::{Provenance, Segment, Speaker, Transcript, Word};
use serde_json::Value;
use std::path::Path;

/// True when the JSON looks like whisper-cli output.
pub(crate) fn detect(root: &Value) -> bool {
    root.get("transcription").is_some_and(Value::is_array)
}

pub(crate) fn parse(
    root: &Value,
    path: &Path,
    options: &ImportOptions,
) -> Result<Transcript, LoadError> {
    let r = JsonReader { path };
    let items = r.array(root, "", "transcription")?;
    let mut t = Transcript::new(String::new());
    t.language = root
        .pointer("/result/language")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut tdrz_turn = 0u16;
    let mut stereo = false;
    for (i, item) in items.iter().enumerate() {
        let loc = format!("transcription[{i}]");
        if !item.is_object() {
            return Err(r.error(loc, "expected an object"));
        }
        let offsets = read_offsets(&r, item, &loc)?;
        let text = r.string(item, &loc, "text")?.trim().to_string();
        let (speaker, channel) = match r.opt_string(item, &loc, "speaker")? {
            Some(label) => {
                stereo = true;
                match label.trim() {
                    "0" => (options.channel_role(0), Some(0)),
                    "1" => (options.channel_role(1), Some(1)),
                    "?" => (Speaker::Unknown, None),
                    other => {
                        return Err(r.error(
                            format!("{loc}.speaker"),
                            format!("expected \"0\", \"1\" or \"?\", found {other:?}"),
                        ));
                    }
                }
            }
            None => match item.get("speaker_turn_next") {
                Some(Value::Bool(_)) => (options.label_role(&format!("spk_{tdrz_turn}")), None),
                Some(_) => {
                    return Err(
                        r.error(format!("{loc}.speaker_turn_next"), "expected true or false")
                    );
                }
                None => (Speaker::Unknown, None),
            },
        };
        if item.get("speaker_turn_next") == Some(&Value::Bool(true)) {
            tdrz_turn = 1 - tdrz_turn;
        }
        let words = match r.opt_array(item, &loc, "tokens")? {
            Some(tokens) => Some(words_from_tokens(&r, tokens, &loc)?),
            None => None,
        };
        if text.is_empty() {
            continue;
        }
        t.segments.push(Segment {
            start: Some(offsets.0),
            end: Some(offsets.1),
            speaker,
            channel,
            text,
            words: words.filter(|w| !w.is_empty()),
        });
    }
    if stereo {
        t.channels = Some(2);
    }
    t.provenance = Provenance {
        format: Some("whisper-json".into()),
        model: root
            .pointer("/params/model")
            .and_then(Value::as_str)
            .map(str::to_string),
        ..Provenance::default()
    };
    Ok(t)
}

fn read_offsets(r: &JsonReader<'_>, item: &Value, loc: &str) -> Result<(f64, f64), LoadError> {
    let offsets = match item.get("offsets") {
        Some(o) if o.is_object() => o,
        Some(_) => {
            return Err(r.error(
                format!("{loc}.offsets"),
                "expected an object with `from` and `to`",
            ));
        }
        None => return Err(r.error(loc, "missing `offsets`")),
    };
    let oloc = format!("{loc}.offsets");
    let from = r.millis(offsets, &oloc, "from")?;
    let to = r.millis(offsets, &oloc, "to")?;
    if to < from {
        return Err(r.error(
            oloc,
            format!(
                "`to` ({}) is before `from` ({})",
                to * 1000.0,
                from * 1000.0
            ),
        ));
    }
    Ok((from, to))
}

/// Joins sub-word tokens into words: a token starting with a space starts a new word.
fn words_from_tokens(
    r: &JsonReader<'_>,
    tokens: &[Value],
    loc: &str,
) -> Result<Vec<Word>, LoadError> {
    let mut words: Vec<Word> = Vec::new();
    for (j, token) in tokens.iter().enumerate() {
        let tloc = format!("{loc}.tokens[{j}]");
        let text = r.string(token, &tloc, "text")?;
        if is_special(text) || text.trim().is_empty() {
            continue;
        }
        let (start, end) = match token.get("offsets") {
            Some(_) => read_offsets(r, token, &tloc)?,
            None => continue,
        };
        let p = JsonReader::confidence(token.get("p"));
        let continues = !text.starts_with(' ') && !words.is_empty();
        match words.last_mut() {
            Some(last) if continues => {
                last.text.push_str(text);
                last.end = end;
                last.probability = match (last.probability, p) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
            _ => words.push(Word {
                start,
                end,
                text: text.trim().to_string(),
                probability: p,
            }),
        }
    }
    Ok(words)
}

/// whisper's control tokens: `[_BEG_]`, `[_TT_150]`, `[_SOT_]`, `<|endoftext|>` …
fn is_special(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with("[_") && t.ends_with(']')) || (t.starts_with("<|") && t.ends_with("|>"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_tokens_are_recognised() {
        assert!(is_special("[_BEG_]"));
        assert!(is_special("[_TT_42]"));
        assert!(is_special("<|endoftext|>"));
        assert!(!is_special(" hello"));
        assert!(!is_special("[laughs]"));
    }
}
