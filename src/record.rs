//! One scored call as plain data: what `callqa run` stores and what reports read.
//!
//! The results store (SQLite) writes and reads these; the report builder takes a slice of them and knows
//! nothing of SQLite, audio or whisper.

use serde::{Deserialize, Serialize};

use crate::metrics::Metrics;
use crate::scoring::Scorecard;
use crate::transcript::Transcript;

/// Agent id used in reports for calls with no known agent.
pub const UNASSIGNED: &str = "unassigned";

/// Everything known about one scored call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallRecord {
    pub call_id: String,
    /// The recording or transcript file the call came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// Call date, ISO 8601 (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Length of the recording in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    /// The run that scored the call, when it came from the store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Metrics>,
    pub transcript: Transcript,
    pub scorecard: Scorecard,
}

impl CallRecord {
    /// The agent id, or [`UNASSIGNED`].
    pub fn agent_key(&self) -> &str {
        self.agent_id.as_deref().unwrap_or(UNASSIGNED)
    }

    /// The call's date: the record's, else the scorecard's.
    pub fn date(&self) -> Option<&str> {
        self.date.as_deref().or(self.scorecard.date.as_deref())
    }
}
