//! Reading transcripts: callqa's own JSON, "turns" JSON, `Agent:`/`Customer:` plain text, and the
//! formats of other tools through `import` (whisper-cli JSON, WebVTT, SRT, Amazon Transcribe,
//! Transcribe Call Analytics, PCA).
//!
//! The format is detected from the content, not the extension. Inputs are lenient: unknown fields
//! are ignored. Must not depend on audio, whisper or clap.

use super::import::{self, ImportOptions};
use super::model::{Provenance, Segment, Speaker, TRANSCRIPT_VERSION, Transcript};
use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A transcript file that could not be read or understood.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read file: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: invalid JSON: {message}")]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {location}: {message}")]
    Shape {
        path: PathBuf,
        location: String,
        message: String,
    },
    #[error("{path}: {message}")]
    Content { path: PathBuf, message: String },
}

/// Reads and parses one transcript file with the default role mapping.
pub fn load_file(path: &Path) -> Result<Transcript, LoadError> {
    load_file_with(path, &ImportOptions::default())
}

/// Reads and parses one transcript file; `options` say how channels and diarized speakers map to roles.
pub fn load_file_with(path: &Path, options: &ImportOptions) -> Result<Transcript, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_bytes_with(bytes, path, options)
}

/// Parses a transcript file's bytes, already read; `path` names the source in errors.
pub fn parse_bytes_with(
    bytes: Vec<u8>,
    path: &Path,
    options: &ImportOptions,
) -> Result<Transcript, LoadError> {
    let text = String::from_utf8(bytes).map_err(|e| LoadError::Content {
        path: path.to_path_buf(),
        message: format!(
            "not UTF-8 text (invalid byte at offset {}); is this an audio file?",
            e.utf8_error().valid_up_to()
        ),
    })?;
    parse_transcript_with(&text, path, options)
}

/// Parses transcript text with the default role mapping; `path` names the source in errors and
/// provides the fallback call id.
pub fn parse_transcript(text: &str, path: &Path) -> Result<Transcript, LoadError> {
    parse_transcript_with(text, path, &ImportOptions::default())
}

/// Parses transcript text; `options` say how channels and diarized speakers map to roles.
pub fn parse_transcript_with(
    text: &str,
    path: &Path,
    options: &ImportOptions,
) -> Result<Transcript, LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(LoadError::Content {
            path: path.to_path_buf(),
            message: "the file is empty".into(),
        });
    }
    let mut transcript = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let value: Value = serde_json::from_str(text).map_err(|e| LoadError::Json {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: strip_serde_position(&e.to_string()),
        })?;
        from_json(value, path, options)?
    } else if import::vtt::detect(trimmed) {
        import::vtt::parse(text, path, options)?
    } else if import::srt::detect(trimmed) {
        import::srt::parse(text, path, options)?
    } else {
        from_plain_text(text, path)?
    };
    if transcript.call_id.trim().is_empty() {
        transcript.call_id = file_call_id(path);
    }
    if transcript.provenance.source.is_none() {
        transcript.provenance.source = Some(path.display().to_string());
    }
    Ok(transcript)
}

/// The call id a file gets when its content names none: the file name without its extension.
pub fn file_call_id(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn strip_serde_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn shape(path: &Path, location: impl Into<String>, message: impl Into<String>) -> LoadError {
    LoadError::Shape {
        path: path.to_path_buf(),
        location: location.into(),
        message: message.into(),
    }
}

fn from_json(value: Value, path: &Path, options: &ImportOptions) -> Result<Transcript, LoadError> {
    if import::whisper_json::detect(&value) {
        return import::whisper_json::parse(&value, path, options);
    }
    if import::aws_transcribe::detect(&value) {
        return import::aws_transcribe::parse(&value, path, options);
    }
    if import::aws_call_analytics::detect(&value) {
        return import::aws_call_analytics::parse(&value, path, options);
    }
    if import::pca::detect(&value) {
        return import::pca::parse(&value, path, options);
    }
    match &value {
        Value::Array(_) => from_turns(&value, None, path),
        Value::Object(map) => {
            if map.contains_key("segments") && !map.contains_key("turns") {
                from_callqa(value, path)
            } else if map.contains_key("turns") {
                from_turns(&map["turns"], Some(&value), path)
            } else {
                Err(LoadError::Content {
                    path: path.to_path_buf(),
                    message: "unrecognised transcript JSON: expected callqa's `segments`, a `turns` array, a bare array of turns, whisper-cli's `transcription`, Amazon Transcribe's `results` or Call Analytics' `Transcript`".into(),
                })
            }
        }
        _ => Err(LoadError::Content {
            path: path.to_path_buf(),
            message: "a transcript must be a JSON object or array".into(),
        }),
    }
}

fn from_callqa(value: Value, path: &Path) -> Result<Transcript, LoadError> {
    if let Some(segments) = value.get("segments").and_then(Value::as_array) {
        for (i, seg) in segments.iter().enumerate() {
            check_turn_fields(seg, &format!("segments[{i}]"), path)?;
        }
    }
    let mut t = Transcript::deserialize(&value).map_err(|e| {
        shape(
            path,
            "callqa transcript",
            strip_serde_position(&e.to_string()),
        )
    })?;
    if t.version > TRANSCRIPT_VERSION {
        return Err(shape(
            path,
            "version",
            format!(
                "transcript version {} is newer than this callqa understands ({TRANSCRIPT_VERSION})",
                t.version
            ),
        ));
    }
    if t.provenance.format.is_none() {
        t.provenance.format = Some("callqa".into());
    }
    Ok(t)
}

/// Checks the fields of one turn/segment, so errors point at the element that is wrong.
fn check_turn_fields(turn: &Value, location: &str, path: &Path) -> Result<(), LoadError> {
    let Some(obj) = turn.as_object() else {
        return Err(shape(path, location, "expected an object"));
    };
    match obj.get("text") {
        Some(Value::String(_)) => {}
        Some(_) => return Err(shape(path, format!("{location}.text"), "expected a string")),
        None => return Err(shape(path, location, "missing `text`")),
    }
    for key in ["start", "end"] {
        match obj.get(key) {
            None | Some(Value::Null) | Some(Value::Number(_)) => {}
            Some(_) => {
                return Err(shape(
                    path,
                    format!("{location}.{key}"),
                    "expected a number of seconds",
                ));
            }
        }
    }
    Ok(())
}

fn string_field(obj: Option<&Value>, keys: &[&str]) -> Option<String> {
    let obj = obj?.as_object()?;
    keys.iter().find_map(|k| match obj.get(*k) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

fn from_turns(turns: &Value, root: Option<&Value>, path: &Path) -> Result<Transcript, LoadError> {
    let Some(items) = turns.as_array() else {
        return Err(shape(path, "turns", "expected an array of turns"));
    };
    let mut t = Transcript::new(
        string_field(root, &["call_id", "id"]).unwrap_or_else(|| file_call_id(path)),
    );
    t.agent_id = string_field(root, &["agent_id", "agent"]);
    t.agent_name = string_field(root, &["agent_name"]);
    t.date = string_field(root, &["date"]);
    t.language = string_field(root, &["language"]);
    t.duration = root.and_then(|r| r.get("duration")).and_then(Value::as_f64);
    let prefix = if root.is_some() { "turns" } else { "" };
    for (i, turn) in items.iter().enumerate() {
        let location = format!("{prefix}[{i}]");
        check_turn_fields(turn, &location, path)?;
        let speaker = match string_field(Some(turn), &["speaker", "role", "participant"]) {
            Some(label) => Speaker::from_label(&label),
            None => Speaker::Unknown,
        };
        t.segments.push(Segment {
            start: turn.get("start").and_then(Value::as_f64),
            end: turn.get("end").and_then(Value::as_f64),
            speaker,
            channel: None,
            text: turn["text"].as_str().unwrap_or_default().to_string(),
            words: None,
        });
    }
    t.provenance = Provenance {
        format: Some("turns".into()),
        ..Provenance::default()
    };
    Ok(t)
}

/// Splits `Agent: hello` into a role and the rest; only known speaker labels count as prefixes.
fn speaker_prefix(line: &str) -> Option<(Speaker, &str)> {
    let (label, rest) = line.split_once(':')?;
    let label = label.trim();
    if label.is_empty() || label.len() > 20 {
        return None;
    }
    match Speaker::from_label(label) {
        Speaker::Unknown if !label.eq_ignore_ascii_case("unknown") => None,
        speaker => Some((speaker, rest.trim())),
    }
}

fn from_plain_text(text: &str, path: &Path) -> Result<Transcript, LoadError> {
    let mut t = Transcript::new(file_call_id(path));
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match speaker_prefix(line) {
            Some((speaker, rest)) => t.segments.push(Segment {
                start: None,
                end: None,
                speaker,
                channel: None,
                text: rest.to_string(),
                words: None,
            }),
            None => match t.segments.last_mut() {
                Some(last) => {
                    last.text.push(' ');
                    last.text.push_str(line);
                }
                None => {
                    return Err(LoadError::Shape {
                        path: path.to_path_buf(),
                        location: format!("line {}", number + 1),
                        message: format!(
                            "expected a speaker prefix such as `Agent:` or `Customer:`, found {:?}",
                            truncate(line, 40)
                        ),
                    });
                }
            },
        }
    }
    if t.segments.is_empty() {
        return Err(LoadError::Content {
            path: path.to_path_buf(),
            message: "no `Agent:` or `Customer:` lines found".into(),
        });
    }
    t.provenance.format = Some("text".into());
    Ok(t)
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Transcript, LoadError> {
        parse_transcript(text, Path::new("calls/c-17.json"))
    }

    #[test]
    fn turns_object_maps_known_fields_and_synonyms() {
        let t = parse(r#"{"id":"abc","agent_id":"a7","agent_name":"Dana","extra":1,
            "turns":[{"speaker":"REP","text":"hi","start":0,"end":1.5},{"speaker":"Caller","text":"hello"}]}"#)
        .expect("parses");
        assert_eq!(t.call_id, "abc");
        assert_eq!(t.agent_id.as_deref(), Some("a7"));
        assert_eq!(t.agent_name.as_deref(), Some("Dana"));
        assert_eq!(t.segments[0].speaker, Speaker::Agent);
        assert_eq!(t.segments[0].end, Some(1.5));
        assert_eq!(t.segments[1].speaker, Speaker::Customer);
        assert!(!t.is_timed());
    }

    #[test]
    fn bare_array_takes_call_id_from_file_name() {
        let t = parse(r#"[{"speaker":"csr","text":"hi"}]"#).expect("parses");
        assert_eq!(t.call_id, "c-17");
        assert_eq!(t.segments[0].speaker, Speaker::Agent);
    }

    #[test]
    fn plain_text_prefixes_and_continuation_lines() {
        let t = parse(
            "Agent: Hello, thanks for calling.\nHow can I help?\ncustomer: My card is lost\n",
        )
        .expect("parses");
        assert_eq!(t.segments.len(), 2);
        assert_eq!(
            t.segments[0].text,
            "Hello, thanks for calling. How can I help?"
        );
        assert_eq!(t.segments[1].speaker, Speaker::Customer);
    }

    #[test]
    fn errors_name_file_and_place() {
        let e = parse(r#"{"turns":[{"speaker":"agent","text":"hi"},{"speaker":"agent","start":"x","text":"a"}]}"#)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "calls/c-17.json: turns[1].start: expected a number of seconds"
        );
        let e = parse("{\"turns\": [\n  {\"text\": }]}")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "calls/c-17.json:2:12: invalid JSON: expected value");
        let e = parse("hello there").unwrap_err().to_string();
        assert_eq!(
            e,
            "calls/c-17.json: line 1: expected a speaker prefix such as `Agent:` or `Customer:`, found \"hello there\""
        );
    }

    #[test]
    fn callqa_json_round_trips() {
        let mut t = Transcript::new("x1");
        t.segments.push(Segment {
            start: Some(0.0),
            end: Some(2.0),
            speaker: Speaker::Agent,
            channel: Some(0),
            text: "hello".into(),
            words: None,
        });
        let json = serde_json::to_string(&t).expect("serializes");
        let back = parse(&json).expect("parses");
        assert_eq!(back.segments, t.segments);
        assert_eq!(back.call_id, "x1");
        assert!(back.is_timed());
    }
}
