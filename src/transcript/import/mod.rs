//! Importers for transcripts written by other tools: whisper-cli JSON, WebVTT, SRT, Amazon
//! Transcribe and Amazon Transcribe Call Analytics JSON.
//!
//! Each format lives in its own file and turns already-read text or JSON into a [`Transcript`];
//! `load.rs` decides which one applies by looking at the content. This module holds what they share:
//! the role-mapping options, JSON navigation that reports errors as JSON paths, and speaker
//! labels. Must not depend on audio, whisper or clap: [`ImportOptions`] is plain data the CLI fills in.
//!
//! Role mapping, in one place so every format agrees:
//! - explicit roles (`Agent`, `Customer`, Call Analytics `AGENT`/`CUSTOMER`) are taken as written;
//! - channels (Transcribe `ch_0`/`ch_1`, whisper `-di` speakers `"0"`/`"1"`): channel 0 (left) is
//!   the agent unless [`AgentChannel::Right`] is chosen; the other channel is the customer;
//! - diarized labels (`spk_0`, tinydiarize turns, any other voice name): the label equal to
//!   [`ImportOptions::agent_speaker`] is the agent and every other label the customer; without
//!   that option they stay [`Speaker::Unknown`], because guessing a role from who spoke first
//!   would silently give wrong verdicts. Unknown speech is still scored as speech of the call.

pub(crate) mod aws_call_analytics;
pub(crate) mod aws_transcribe;
pub(crate) mod cues;
pub(crate) mod pca;
pub(crate) mod srt;
pub(crate) mod vtt;
pub(crate) mod whisper_json;

use super::load::LoadError;
use super::model::{Speaker, Word};
use serde_json::Value;
use std::path::Path;

/// Which stereo channel carries the agent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AgentChannel {
    /// Channel 0: the left channel, Transcribe `ch_0`, whisper speaker `"0"`.
    #[default]
    Left,
    /// Channel 1: the right channel, Transcribe `ch_1`, whisper speaker `"1"`.
    Right,
}

/// How imported speakers and channels become agent and customer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    pub agent_channel: AgentChannel,
    /// The diarization label of the agent (e.g. `spk_0`); every other label is then the customer.
    pub agent_speaker: Option<String>,
}

impl ImportOptions {
    /// The role of audio channel `channel` (0 = left).
    pub fn channel_role(&self, channel: u16) -> Speaker {
        let agent = match self.agent_channel {
            AgentChannel::Left => 0,
            AgentChannel::Right => 1,
        };
        match channel {
            c if c == agent => Speaker::Agent,
            0 | 1 => Speaker::Customer,
            _ => Speaker::Unknown,
        }
    }

    /// The role of a speaker label: a role name as written, else the diarization rule.
    pub fn label_role(&self, label: &str) -> Speaker {
        let label = label.trim();
        match Speaker::from_label(label) {
            Speaker::Unknown => match &self.agent_speaker {
                _ if label.eq_ignore_ascii_case("unknown") => Speaker::Unknown,
                Some(agent) if agent.trim().eq_ignore_ascii_case(label) => Speaker::Agent,
                Some(_) => Speaker::Customer,
                None => Speaker::Unknown,
            },
            known => known,
        }
    }
}

/// Parses a channel label such as `ch_0` into its number.
pub(crate) fn channel_number(label: &str) -> Option<u16> {
    label.trim().strip_prefix("ch_")?.parse().ok()
}

/// Reads JSON for one importer and reports problems at a JSON path inside the named file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct JsonReader<'p> {
    pub path: &'p Path,
}

impl JsonReader<'_> {
    pub fn error(&self, location: impl Into<String>, message: impl Into<String>) -> LoadError {
        LoadError::Shape {
            path: self.path.to_path_buf(),
            location: location.into(),
            message: message.into(),
        }
    }

    fn required<'v>(
        &self,
        parent: &'v Value,
        parent_loc: &str,
        key: &str,
    ) -> Result<&'v Value, LoadError> {
        match parent.get(key) {
            Some(v) if !v.is_null() => Ok(v),
            _ => Err(self.error(
                if parent_loc.is_empty() {
                    "(top level)".to_string()
                } else {
                    parent_loc.to_string()
                },
                format!("missing `{key}`"),
            )),
        }
    }

    pub fn array<'v>(
        &self,
        parent: &'v Value,
        parent_loc: &str,
        key: &str,
    ) -> Result<&'v [Value], LoadError> {
        self.required(parent, parent_loc, key)?
            .as_array()
            .map(Vec::as_slice)
            .ok_or_else(|| self.error(join(parent_loc, key), "expected an array"))
    }

    pub fn opt_array<'v>(
        &self,
        parent: &'v Value,
        parent_loc: &str,
        key: &str,
    ) -> Result<Option<&'v [Value]>, LoadError> {
        match parent.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a.as_slice())),
            Some(_) => Err(self.error(join(parent_loc, key), "expected an array")),
        }
    }

    pub fn string<'v>(
        &self,
        parent: &'v Value,
        parent_loc: &str,
        key: &str,
    ) -> Result<&'v str, LoadError> {
        self.required(parent, parent_loc, key)?
            .as_str()
            .ok_or_else(|| self.error(join(parent_loc, key), "expected a string"))
    }

    pub fn opt_string<'v>(
        &self,
        parent: &'v Value,
        parent_loc: &str,
        key: &str,
    ) -> Result<Option<&'v str>, LoadError> {
        match parent.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.error(join(parent_loc, key), "expected a string")),
        }
    }

    /// A whole number of milliseconds, returned as seconds.
    pub fn millis(&self, parent: &Value, parent_loc: &str, key: &str) -> Result<f64, LoadError> {
        let v = self.required(parent, parent_loc, key)?;
        match v.as_f64() {
            Some(ms) if ms >= 0.0 && ms.is_finite() => Ok(ms / 1000.0),
            _ => Err(self.error(
                join(parent_loc, key),
                "expected a non-negative number of milliseconds",
            )),
        }
    }

    /// Seconds written as a decimal string (`"4.87"`), as Amazon Transcribe does; numbers are accepted too.
    pub fn seconds_string(
        &self,
        parent: &Value,
        parent_loc: &str,
        key: &str,
    ) -> Result<f64, LoadError> {
        let v = self.required(parent, parent_loc, key)?;
        let parsed = match v {
            Value::String(s) => s.trim().parse::<f64>().ok(),
            Value::Number(n) => n.as_f64(),
            _ => None,
        };
        match parsed {
            Some(s) if s >= 0.0 && s.is_finite() => Ok(s),
            _ => Err(self.error(
                join(parent_loc, key),
                format!("expected a non-negative number of seconds such as \"4.87\", found {v}"),
            )),
        }
    }

    /// A confidence written as a string or number; anything else is treated as absent.
    pub fn confidence(value: Option<&Value>) -> Option<f32> {
        let c = match value? {
            Value::String(s) => s.trim().parse::<f64>().ok()?,
            Value::Number(n) => n.as_f64()?,
            _ => return None,
        };
        Some(c as f32)
    }
}

/// `a.b` or `b` when there is no parent.
pub(crate) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// Appends a recognised token to running text: words get a space, punctuation sticks to the word before.
pub(crate) fn push_token(text: &mut String, token: &str, is_punctuation: bool) {
    if !is_punctuation && !text.is_empty() {
        text.push(' ');
    }
    text.push_str(token);
}

/// Attaches a punctuation item to the last word, so words read as they do in the text.
pub(crate) fn attach_punctuation(words: &mut [Word], punctuation: &str) {
    if let Some(last) = words.last_mut() {
        last.text.push_str(punctuation);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_roles_follow_agent_channel() {
        let left = ImportOptions::default();
        assert_eq!(left.channel_role(0), Speaker::Agent);
        assert_eq!(left.channel_role(1), Speaker::Customer);
        assert_eq!(left.channel_role(2), Speaker::Unknown);
        let right = ImportOptions {
            agent_channel: AgentChannel::Right,
            agent_speaker: None,
        };
        assert_eq!(right.channel_role(0), Speaker::Customer);
        assert_eq!(right.channel_role(1), Speaker::Agent);
    }

    #[test]
    fn diarized_labels_need_agent_speaker() {
        let none = ImportOptions::default();
        assert_eq!(none.label_role("spk_0"), Speaker::Unknown);
        assert_eq!(none.label_role("Agent"), Speaker::Agent);
        let spk1 = ImportOptions {
            agent_channel: AgentChannel::Left,
            agent_speaker: Some("spk_1".into()),
        };
        assert_eq!(spk1.label_role("spk_1"), Speaker::Agent);
        assert_eq!(spk1.label_role("spk_0"), Speaker::Customer);
        assert_eq!(spk1.label_role("Customer"), Speaker::Customer);
        assert_eq!(spk1.label_role("unknown"), Speaker::Unknown);
    }

    #[test]
    fn channel_labels_parse() {
        assert_eq!(channel_number("ch_1"), Some(1));
        assert_eq!(channel_number("spk_1"), None);
    }
}
