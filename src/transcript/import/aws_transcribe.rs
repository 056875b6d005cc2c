//! Amazon Transcribe (standard batch) output JSON.
//!
//! The words are `results.items`: `pronunciation` items with `start_time`/`end_time` as decimal
//! strings and `alternatives[0].content`, and `punctuation` items without times, joined to the word
//! before them. Speakers come from `channel_label` (channel identification, `ch_0`/`ch_1`) or
//! `speaker_label` (diarization, `spk_N`) on each item; files that carry them only in
//! `results.channel_labels` / `results.speaker_labels` are matched by start time. When
//! `results.audio_segments` is present its segments are used as they are; otherwise consecutive
//! words of one speaker form a segment. Reads parsed JSON only; must not depend on audio or clap.

use super::{ImportOptions, JsonReader, attach_punctuation, channel_number, push_token};
use crate::transcript::load::LoadError;
use crate::transcript::model::{Provenance, Segment, Speaker, Transcript, Word};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// True when the JSON looks like Amazon Transcribe batch output.
pub(crate) fn detect(root: &Value) -> bool {
    root.get("results")
        .is_some_and(|r| r.get("items").is_some() || r.get("transcripts").is_some())
}

/// Who said an item, as written in the file.
#[derive(Debug, Clone, PartialEq)]
enum Label {
    Channel(u16),
    Speaker(String),
    None,
}

#[derive(Debug)]
struct Item {
    id: Option<u64>,
    word: Word,
    punctuation: bool,
    label: Label,
}

pub(crate) fn parse(
    root: &Value,
    path: &Path,
    options: &ImportOptions,
) -> Result<Transcript, LoadError> {
    let r = JsonReader { path };
    let results = root
        .get("results")
        .filter(|v| v.is_object())
        .ok_or_else(|| r.error("results", "expected an object"))?;
    let fallback = fallback_labels(&r, results)?;
    let raw_items = r.array(results, "results", "items")?;
    let mut items = Vec::with_capacity(raw_items.len());
    for (i, raw) in raw_items.iter().enumerate() {
        items.push(read_item(
            &r,
            raw,
            &format!("results.items[{i}]"),
            &fallback,
        )?);
    }

    let mut t = Transcript::new(r.opt_string(root, "", "jobName")?.unwrap_or_default());
    t.language = r
        .opt_string(results, "results", "language_code")?
        .map(str::to_string);
    let mut channels = false;
    let role = |label: &Label| match label {
        Label::Channel(c) => options.channel_role(*c),
        Label::Speaker(s) => options.label_role(s),
        Label::None => Speaker::Unknown,
    };
    match r.opt_array(results, "results", "audio_segments")? {
        Some(audio_segments) if !audio_segments.is_empty() => {
            let by_id: HashMap<u64, usize> = items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| item.id.map(|id| (id, i)))
                .collect();
            for (i, seg) in audio_segments.iter().enumerate() {
                let loc = format!("results.audio_segments[{i}]");
                let start = r.seconds_string(seg, &loc, "start_time")?;
                let end = r.seconds_string(seg, &loc, "end_time")?;
                let text = r.string(seg, &loc, "transcript")?.trim().to_string();
                let mut words: Vec<Word> = Vec::new();
                let mut first_label = Label::None;
                for (j, id) in r
                    .opt_array(seg, &loc, "items")?
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                {
                    let item = id
                        .as_u64()
                        .and_then(|id| by_id.get(&id))
                        .and_then(|&k| items.get(k))
                        .ok_or_else(|| {
                            r.error(
                                format!("{loc}.items[{j}]"),
                                format!("no item in results.items has id {id}"),
                            )
                        })?;
                    if first_label == Label::None {
                        first_label = item.label.clone();
                    }
                    if item.punctuation {
                        attach_punctuation(&mut words, &item.word.text);
                    } else {
                        words.push(item.word.clone());
                    }
                }
                let label = if let Some(ch) = r.opt_string(seg, &loc, "channel_label")? {
                    channel_label(&r, ch, &format!("{loc}.channel_label"))?
                } else if let Some(spk) = r.opt_string(seg, &loc, "speaker_label")? {
                    Label::Speaker(spk.to_string())
                } else {
                    first_label
                };
                channels |= matches!(label, Label::Channel(_));
                if text.is_empty() {
                    continue;
                }
                t.segments.push(Segment {
                    start: Some(start),
                    end: Some(end),
                    speaker: role(&label),
                    channel: channel_of(&label),
                    text,
                    words: (!words.is_empty()).then_some(words),
                });
            }
        }
        _ => {
            // Channel-identified files list each channel's words separately; the call reads in
            // time order. Punctuation has no time: it keeps its place after the word before it.
            let mut keys = Vec::with_capacity(items.len());
            let mut last_end = 0.0;
            for item in &items {
                if !item.punctuation {
                    last_end = item.word.start;
                }
                keys.push(last_end);
            }
            let mut order: Vec<usize> = (0..items.len()).collect();
            order.sort_by(|&a, &b| keys[a].total_cmp(&keys[b]));
            let order = order.into_iter().map(|i| &items[i]);
            let mut current: Option<(Label, Vec<Word>, String)> = None;
            for item in order {
                if item.punctuation {
                    if let Some((_, words, text)) = current.as_mut() {
                        attach_punctuation(words, &item.word.text);
                        push_token(text, &item.word.text, true);
                    }
                    continue;
                }
                match current.as_mut() {
                    Some((label, words, text)) if *label == item.label => {
                        push_token(text, &item.word.text, false);
                        words.push(item.word.clone());
                    }
                    _ => {
                        if let Some(done) = current.take() {
                            t.segments.push(segment_from_words(done, &role));
                        }
                        channels |= matches!(item.label, Label::Channel(_));
                        current = Some((
                            item.label.clone(),
                            vec![item.word.clone()],
                            item.word.text.clone(),
                        ));
                    }
                }
            }
            if let Some(done) = current.take() {
                t.segments.push(segment_from_words(done, &role));
            }
        }
    }
    if channels {
        t.channels = Some(2);
    }
    t.provenance = Provenance {
        format: Some("aws-transcribe".into()),
        ..Provenance::default()
    };
    Ok(t)
}

fn segment_from_words(
    (label, words, text): (Label, Vec<Word>, String),
    role: &impl Fn(&Label) -> Speaker,
) -> Segment {
    Segment {
        start: words.first().map(|w| w.start),
        end: words.last().map(|w| w.end),
        speaker: role(&label),
        channel: channel_of(&label),
        text,
        words: Some(words),
    }
}

fn channel_of(label: &Label) -> Option<u16> {
    match label {
        Label::Channel(c) => Some(*c),
        _ => None,
    }
}

fn channel_label(r: &JsonReader<'_>, label: &str, loc: &str) -> Result<Label, LoadError> {
    channel_number(label).map(Label::Channel).ok_or_else(|| {
        r.error(
            loc,
            format!("expected a channel label such as \"ch_0\", found {label:?}"),
        )
    })
}

/// Labels keyed by start time, from `results.channel_labels` and `results.speaker_labels`.
fn fallback_labels(
    r: &JsonReader<'_>,
    results: &Value,
) -> Result<HashMap<String, Label>, LoadError> {
    let mut map = HashMap::new();
    if let Some(cl) = results.get("channel_labels").filter(|v| !v.is_null()) {
        for (i, ch) in r
            .array(cl, "results.channel_labels", "channels")?
            .iter()
            .enumerate()
        {
            let loc = format!("results.channel_labels.channels[{i}]");
            let label = channel_label(
                r,
                r.string(ch, &loc, "channel_label")?,
                &format!("{loc}.channel_label"),
            )?;
            for item in r.opt_array(ch, &loc, "items")?.unwrap_or_default() {
                if let Some(start) = item.get("start_time").and_then(Value::as_str) {
                    map.insert(start.to_string(), label.clone());
                }
            }
        }
    }
    if let Some(sl) = results.get("speaker_labels").filter(|v| !v.is_null()) {
        for (i, seg) in r
            .opt_array(sl, "results.speaker_labels", "segments")?
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let loc = format!("results.speaker_labels.segments[{i}]");
            for item in r.opt_array(seg, &loc, "items")?.unwrap_or_default() {
                if let (Some(start), Some(spk)) = (
                    item.get("start_time").and_then(Value::as_str),
                    item.get("speaker_label").and_then(Value::as_str),
                ) {
                    map.entry(start.to_string())
                        .or_insert_with(|| Label::Speaker(spk.to_string()));
                }
            }
        }
    }
    Ok(map)
}

fn read_item(
    r: &JsonReader<'_>,
    raw: &Value,
    loc: &str,
    fallback: &HashMap<String, Label>,
) -> Result<Item, LoadError> {
    if !raw.is_object() {
        return Err(r.error(loc, "expected an object"));
    }
    let kind = r.string(raw, loc, "type")?;
    let punctuation = match kind {
        "pronunciation" => false,
        "punctuation" => true,
        other => {
            return Err(r.error(
                format!("{loc}.type"),
                format!("expected \"pronunciation\" or \"punctuation\", found {other:?}"),
            ));
        }
    };
    let alternatives = r.array(raw, loc, "alternatives")?;
    let best = alternatives.first().ok_or_else(|| {
        r.error(
            format!("{loc}.alternatives"),
            "expected at least one alternative",
        )
    })?;
    let aloc = format!("{loc}.alternatives[0]");
    let content = r.string(best, &aloc, "content")?.to_string();
    let (start, end) = if punctuation {
        (0.0, 0.0)
    } else {
        (
            r.seconds_string(raw, loc, "start_time")?,
            r.seconds_string(raw, loc, "end_time")?,
        )
    };
    let label = if let Some(ch) = r.opt_string(raw, loc, "channel_label")? {
        channel_label(r, ch, &format!("{loc}.channel_label"))?
    } else if let Some(spk) = r.opt_string(raw, loc, "speaker_label")? {
        Label::Speaker(spk.to_string())
    } else {
        raw.get("start_time")
            .and_then(Value::as_str)
            .and_then(|s| fallback.get(s).cloned())
            .unwrap_or(Label::None)
    };
    Ok(Item {
        id: raw.get("id").and_then(Value::as_u64),
        word: Word {
            start,
            end,
            text: content,
            probability: JsonReader::confidence(best.get("confidence")),
        },
        punctuation,
        label,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(start: &str, end: &str, content: &str) -> String {
        format!(
            r#"{{"start_time":"{start}","end_time":"{end}","alternatives":[{{"confidence":"1.0","content":"{content}"}}],"type":"pronunciation"}}"#
        )
    }

    fn parse_str(json: &str, options: &ImportOptions) -> Transcript {
        let value: Value = serde_json::from_str(json).expect("test JSON");
        parse(&value, Path::new("t.json"), options).expect("parses")
    }

    #[test]
    fn labels_only_in_channel_labels_are_found_by_start_time() {
        let json = format!(
            r#"{{"results":{{"channel_labels":{{"number_of_channels":2,"channels":[
                {{"channel_label":"ch_0","items":[{{"start_time":"0.1","end_time":"0.4"}}]}},
                {{"channel_label":"ch_1","items":[{{"start_time":"1.0","end_time":"1.3"}}]}}]}},
              "items":[{},{},{{"type":"punctuation","alternatives":[{{"content":"?"}}]}}]}}}}"#,
            word("1.0", "1.3", "yes"),
            word("0.1", "0.4", "hello"),
        );
        let t = parse_str(&json, &ImportOptions::default());
        let got: Vec<(Speaker, &str, Option<u16>)> = t
            .segments
            .iter()
            .map(|s| (s.speaker, s.text.as_str(), s.channel))
            .collect();
        // Time order, and the punctuation stays with "hello", the word before it in the file.
        assert_eq!(
            got,
            [
                (Speaker::Agent, "hello?", Some(0)),
                (Speaker::Customer, "yes", Some(1))
            ]
        );
    }

    #[test]
    fn labels_only_in_speaker_labels_are_found_by_start_time() {
        let json = format!(
            r#"{{"results":{{"speaker_labels":{{"speakers":2,"segments":[
                {{"start_time":"0.1","end_time":"0.9","speaker_label":"spk_0","items":[
                    {{"start_time":"0.1","end_time":"0.4","speaker_label":"spk_0"}},
                    {{"start_time":"0.5","end_time":"0.9","speaker_label":"spk_0"}}]}},
                {{"start_time":"1.0","end_time":"1.3","speaker_label":"spk_1","items":[
                    {{"start_time":"1.0","end_time":"1.3","speaker_label":"spk_1"}}]}}]}},
              "items":[{},{},{}]}}}}"#,
            word("0.1", "0.4", "good"),
            word("0.5", "0.9", "morning"),
            word("1.0", "1.3", "hi"),
        );
        let options = ImportOptions {
            agent_channel: crate::transcript::import::AgentChannel::Left,
            agent_speaker: Some("spk_0".into()),
        };
        let t = parse_str(&json, &options);
        assert_eq!(t.segments.len(), 2);
        assert_eq!(t.segments[0].text, "good morning");
        assert_eq!(t.segments[0].speaker, Speaker::Agent);
        assert_eq!(
            (t.segments[0].start, t.segments[0].end),
            (Some(0.1), Some(0.9))
        );
        assert_eq!(t.segments[1].speaker, Speaker::Customer);
    }
}
