//! Amazon Transcribe Call Analytics (post-call) output JSON.
//!
//! The conversation is the `Transcript` array: one turn per element with `ParticipantRole`
//! (`AGENT` or `CUSTOMER`), `BeginOffsetMillis`, `EndOffsetMillis` and `Content`, and optionally
//! `Items` (words and punctuation with their own offsets). Roles are explicit, so
//! `--agent-channel` and `--agent-speaker` do not apply; `ChannelDefinitions` only fills in
//! which channel each role was on. Reads parsed JSON only; must not depend on audio or clap.

use super::{ImportOptions, JsonReader, attach_punctuation};
use crate::transcript::load::LoadError;
use crate::transcript::model::{Provenance, Segment, Speaker, Transcript, Word};
use serde_json::Value;
use std::path::Path;

/// True when the JSON looks like Call Analytics output.
pub(crate) fn detect(root: &Value) -> bool {
    root.get("Transcript").is_some_and(Value::is_array)
}

pub(crate) fn parse(
    root: &Value,
    path: &Path,
    _options: &ImportOptions,
) -> Result<Transcript, LoadError> {
    let r = JsonReader { path };
    let turns = r.array(root, "", "Transcript")?;
    let mut t = Transcript::new(r.opt_string(root, "", "JobName")?.unwrap_or_default());
    t.language = r.opt_string(root, "", "LanguageCode")?.map(str::to_string);
    let mut role_channels: Vec<(Speaker, u16)> = Vec::new();
    for (i, def) in r
        .opt_array(root, "", "ChannelDefinitions")?
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let loc = format!("ChannelDefinitions[{i}]");
        let role = role(
            &r,
            r.string(def, &loc, "ParticipantRole")?,
            &format!("{loc}.ParticipantRole"),
        )?;
        let id = def
            .get("ChannelId")
            .and_then(Value::as_u64)
            .and_then(|c| u16::try_from(c).ok())
            .ok_or_else(|| r.error(format!("{loc}.ChannelId"), "expected a channel number"))?;
        role_channels.push((role, id));
    }
    if !role_channels.is_empty() {
        t.channels = Some(2);
    }
    for (i, turn) in turns.iter().enumerate() {
        let loc = format!("Transcript[{i}]");
        if !turn.is_object() {
            return Err(r.error(loc, "expected an object"));
        }
        let speaker = role(
            &r,
            r.string(turn, &loc, "ParticipantRole")?,
            &format!("{loc}.ParticipantRole"),
        )?;
        let start = r.millis(turn, &loc, "BeginOffsetMillis")?;
        let end = r.millis(turn, &loc, "EndOffsetMillis")?;
        let text = r.string(turn, &loc, "Content")?.trim().to_string();
        let mut words: Vec<Word> = Vec::new();
        for (j, item) in r
            .opt_array(turn, &loc, "Items")?
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let iloc = format!("{loc}.Items[{j}]");
            let content = r.string(item, &iloc, "Content")?;
            if item.get("Type").and_then(Value::as_str) == Some("punctuation") {
                attach_punctuation(&mut words, content);
                continue;
            }
            words.push(Word {
                start: r.millis(item, &iloc, "BeginOffsetMillis")?,
                end: r.millis(item, &iloc, "EndOffsetMillis")?,
                text: content.to_string(),
                probability: JsonReader::confidence(item.get("Confidence")),
            });
        }
        if text.is_empty() {
            continue;
        }
        t.segments.push(Segment {
            start: Some(start),
            end: Some(end),
            speaker,
            channel: role_channels
                .iter()
                .find(|(r, _)| *r == speaker)
                .map(|(_, c)| *c),
            text,
            words: (!words.is_empty()).then_some(words),
        });
    }
    t.provenance = Provenance {
        format: Some("aws-call-analytics".into()),
        ..Provenance::default()
    };
    Ok(t)
}

fn role(r: &JsonReader<'_>, value: &str, loc: &str) -> Result<Speaker, LoadError> {
    match value {
        "AGENT" => Ok(Speaker::Agent),
        "CUSTOMER" => Ok(Speaker::Customer),
        other => Err(r.error(
            loc,
            format!("expected \"AGENT\" or \"CUSTOMER\", found {other:?}"),
        )),
    }
}
