//! The results model: a scorecard per call, plain serde data read by every output and report.
//!
//! Must not depend on whisper, audio or clap.

use crate::metrics::Metrics;
use crate::transcript::Speaker;
use serde::{Deserialize, Serialize};

/// Verdict of one criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail,
    Na,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Na => "na",
        }
    }

    /// Parses `pass`, `fail` or `na` (also `n/a`), in any case.
    pub fn parse(s: &str) -> Option<Outcome> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pass" => Some(Outcome::Pass),
            "fail" => Some(Outcome::Fail),
            "na" | "n/a" => Some(Outcome::Na),
            _ => None,
        }
    }
}

/// What a piece of evidence shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A quoted span that matched (for a pass, or for a forbidden phrase that caused a fail).
    Match,
    /// What was searched for and where, when nothing was found.
    Searched,
    /// Why the criterion does not apply.
    NotApplicable,
    /// A line from where the behaviour should have happened (for coaching a miss).
    Context,
    /// A measured value that decided the verdict.
    Measure,
}

/// One piece of evidence behind a verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// Plain-language explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Index of the segment in the transcript.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<usize>,
    /// 1-based turn number in the conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<Speaker>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<f64>,
    /// The quoted sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// The part of the quote that matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched: Option<String>,
    /// Byte range of `matched` inside `quote`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<[usize; 2]>,
    /// The speaker of this line is unknown (mono recording), so an agent-only rule is not verified.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unverified: bool,
    /// For `measure` evidence: the metric, its value and the bounds it was held to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// For `measure` evidence: the spans (seconds) behind the value, e.g. the longest silence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub times: Vec<[f64; 2]>,
    /// For `measure` evidence: the value was derived from transcript segment times, not the audio.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
}

impl Evidence {
    /// Evidence that is only an explanation.
    pub fn note(kind: EvidenceKind, note: impl Into<String>) -> Evidence {
        Evidence {
            kind,
            note: Some(note.into()),
            segment: None,
            turn: None,
            speaker: None,
            start: None,
            end: None,
            quote: None,
            matched: None,
            span: None,
            unverified: false,
            metric: None,
            value: None,
            min: None,
            max: None,
            times: Vec::new(),
            approximate: false,
        }
    }
}

/// The verdict and evidence for one criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionResult {
    pub id: String,
    pub section: String,
    pub description: String,
    pub outcome: Outcome,
    pub critical: bool,
    pub points: f64,
    pub max_points: f64,
    pub evidence: Vec<Evidence>,
    /// Coaching text, present when the criterion was missed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coaching: Option<String>,
}

/// Score of one section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionScore {
    pub id: String,
    pub name: String,
    /// 0–100 over the applicable criteria; absent when every criterion is N/A.
    pub score: Option<f64>,
    pub weight: f64,
    pub earned: f64,
    pub possible: f64,
}

/// Which rubric produced a scorecard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RubricRef {
    pub name: String,
    pub version: String,
    pub sha256: String,
}

/// The full result of scoring one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    pub call_id: String,
    pub agent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    pub rubric: RubricRef,
    /// 0–100, rounded to two decimals.
    pub score: f64,
    pub pass_mark: f64,
    pub passed: bool,
    pub auto_failed: bool,
    /// Why the call was auto-failed: one line per failed critical criterion.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auto_fail_reasons: Vec<String>,
    /// False when the transcript has no times and positions were used instead.
    pub timed: bool,
    /// False when some lines have no known speaker (mono recording).
    pub speakers_verified: bool,
    pub sections: Vec<SectionScore>,
    pub criteria: Vec<CriterionResult>,
    /// The call's conversation metrics: present when the rubric reads metrics or the transcript
    /// carries them (`approximate: true` when derived from segment times).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Metrics>,
}

impl Scorecard {
    /// The result for a criterion id.
    pub fn criterion(&self, id: &str) -> Option<&CriterionResult> {
        self.criteria.iter().find(|c| c.id == id)
    }
}
