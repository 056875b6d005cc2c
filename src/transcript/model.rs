//! The transcript model: plain serde data passed from ASR or importers to scoring.
//!
//! Must not depend on audio, whisper or clap (the metrics it may carry are plain data too). Inputs are
//! lenient (unknown fields are ignored).

use crate::metrics::Metrics;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of callqa's own transcript JSON.
pub const TRANSCRIPT_VERSION: u32 = 1;

/// Who spoke a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    Agent,
    Customer,
    Unknown,
}

impl Speaker {
    /// Maps a speaker label as written by people and tools to a role.
    pub fn from_label(label: &str) -> Speaker {
        match label.trim().to_ascii_lowercase().as_str() {
            "agent" | "rep" | "representative" | "csr" | "advisor" | "adviser" | "operator"
            | "associate" | "support" | "assistant" => Speaker::Agent,
            "customer" | "caller" | "client" | "user" | "consumer" | "member" | "guest" => {
                Speaker::Customer
            }
            _ => Speaker::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Speaker::Agent => "agent",
            Speaker::Customer => "customer",
            Speaker::Unknown => "unknown",
        }
    }
}

/// One word with its timing, when the recognizer gives them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub start: f64,
    pub end: f64,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f32>,
}

/// One stretch of speech by one speaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// Seconds from the start of the recording; absent for untimed transcripts (chats, plain text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<f64>,
    pub speaker: Speaker,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<u16>,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub words: Option<Vec<Word>>,
}

/// Where a transcript came from and how it was made.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Input format the transcript was read from (e.g. "callqa", "turns", "text").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, serde_json::Value>,
}

/// A call transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    #[serde(default = "default_version")]
    pub version: u32,
    pub call_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Length of the recording in seconds, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    /// Channel count of the recording, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    pub segments: Vec<Segment>,
    #[serde(default)]
    pub provenance: Provenance,
    /// Conversation metrics measured from the recording (or derived from segment times, then marked
    /// approximate), when they were computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Metrics>,
}

fn default_version() -> u32 {
    TRANSCRIPT_VERSION
}

impl Transcript {
    /// An empty transcript with the given call id.
    pub fn new(call_id: impl Into<String>) -> Transcript {
        Transcript {
            version: TRANSCRIPT_VERSION,
            call_id: call_id.into(),
            agent_id: None,
            agent_name: None,
            date: None,
            duration: None,
            channels: None,
            language: None,
            segments: Vec::new(),
            provenance: Provenance::default(),
            metrics: None,
        }
    }

    /// True when every segment carries start and end times.
    pub fn is_timed(&self) -> bool {
        !self.segments.is_empty()
            && self
                .segments
                .iter()
                .all(|s| s.start.is_some() && s.end.is_some())
    }
}
