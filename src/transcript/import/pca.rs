//! The JSON written by the AWS "Post-Call Analytics" (PCA) sample after it parses a Transcribe job:
//! `SpeechSegments[]` with `SegmentStartTime`/`SegmentEndTime` in seconds, `SegmentSpeaker`
//! (`spk_0`, …) and `DisplayText`, and `ConversationAnalytics.SpeakerLabels` naming each speaker.
//!
//! It is not an Amazon output format but a common derivative, and it carries everything scoring
//! needs. Roles come from `SpeakerLabels` (`DisplayText` "Agent"/"Customer"); `--agent-speaker`
//! overrides them, because PCA assigns those names by its own guess and can get them backwards.
//! Reads parsed JSON only; must not depend on audio or clap.

use super::{ImportOptions, JsonReader};
use crate::transcript::load::LoadError;
use crate::transcript::model::{Provenance, Segment, Speaker, Transcript, Word};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// True when the JSON looks like PCA output.
pub(crate) fn detect(root: &Value) -> bool {
    root.get("SpeechSegments").is_some() && root.get("ConversationAnalytics").is_some()
}

pub(crate) fn parse(
    root: &Value,
    path: &Path,
    options: &ImportOptions,
) -> Result<Transcript, LoadError> {
    let r = JsonReader { path };
    let analytics = root
        .get("ConversationAnalytics")
        .filter(|v| v.is_object())
        .ok_or_else(|| r.error("ConversationAnalytics", "expected an object"))?;
    let mut names: HashMap<&str, Speaker> = HashMap::new();
    for (i, label) in r
        .opt_array(analytics, "ConversationAnalytics", "SpeakerLabels")?
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let loc = format!("ConversationAnalytics.SpeakerLabels[{i}]");
        names.insert(
            r.string(label, &loc, "Speaker")?,
            Speaker::from_label(r.string(label, &loc, "DisplayText")?),
        );
    }
    let mut t = Transcript::new(String::new());
    t.language = r
        .opt_string(analytics, "ConversationAnalytics", "LanguageCode")?
        .map(str::to_string);
    for (i, seg) in r.array(root, "", "SpeechSegments")?.iter().enumerate() {
        let loc = format!("SpeechSegments[{i}]");
        let label = r.string(seg, &loc, "SegmentSpeaker")?;
        let speaker = match &options.agent_speaker {
            Some(_) => options.label_role(label),
            None => names.get(label).copied().unwrap_or(Speaker::Unknown),
        };
        let start = r.seconds_string(seg, &loc, "SegmentStartTime")?;
        let end = r.seconds_string(seg, &loc, "SegmentEndTime")?;
        let text = r.string(seg, &loc, "DisplayText")?.trim().to_string();
        let mut words = Vec::new();
        for (j, w) in r
            .opt_array(seg, &loc, "WordConfidence")?
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let wloc = format!("{loc}.WordConfidence[{j}]");
            words.push(Word {
                start: r.seconds_string(w, &wloc, "StartTime")?,
                end: r.seconds_string(w, &wloc, "EndTime")?,
                text: r.string(w, &wloc, "Text")?.trim().to_string(),
                probability: JsonReader::confidence(w.get("Confidence")),
            });
        }
        if text.is_empty() {
            continue;
        }
        t.segments.push(Segment {
            start: Some(start),
            end: Some(end),
            speaker,
            channel: None,
            text,
            words: (!words.is_empty()).then_some(words),
        });
    }
    t.provenance = Provenance {
        format: Some("aws-pca".into()),
        ..Provenance::default()
    };
    Ok(t)
}
