//! The compiled rubric: validated, with phrases compiled into one automaton. Built only by
//! `compile`; read by scoring.
//!
//! Must not depend on whisper, audio or clap.

use super::phrase::PhraseMatcher;
use regex::Regex;

/// Whose speech a condition looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpeakerFilter {
    Agent,
    Customer,
    Any,
}

impl SpeakerFilter {
    pub fn as_str(self) -> &'static str {
        match self {
            SpeakerFilter::Agent => "agent",
            SpeakerFilter::Customer => "customer",
            SpeakerFilter::Any => "any speaker",
        }
    }
}

/// Where in the call a condition looks. Several bounds form a union ("whichever is longer").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Window {
    pub first_seconds: Option<f64>,
    pub last_seconds: Option<f64>,
    pub first_turns: Option<u32>,
    pub last_turns: Option<u32>,
    /// Percent range of the call, 0–100.
    pub percent: Option<(f64, f64)>,
}

impl Window {
    pub fn is_whole_call(&self) -> bool {
        *self == Window::default()
    }
}

/// A condition tree.
#[derive(Debug, Clone)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    /// A named condition from `[conditions]`, by index.
    Ref(usize),
    Leaf(Box<Leaf>),
    /// A bound on a conversation metric (talk ratio, dead air, interruptions, …).
    Metric(MetricCondition),
}

/// A condition on one conversation metric: it holds when the value lies within the bounds
/// (inclusive). It cannot be judged when the metric is unavailable for the call.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricCondition {
    /// One of `Metrics::metric_names()`.
    pub metric: &'static str,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// A condition that finds matching sentences.
#[derive(Debug, Clone)]
pub struct Leaf {
    pub speaker: SpeakerFilter,
    pub window: Window,
    /// Phrase set id in the rubric's matcher.
    pub phrases: Option<u32>,
    pub regex: Option<Regex>,
    /// Phrase set whose presence in a sentence cancels matches in that sentence.
    pub unless: Option<u32>,
    pub min_count: u32,
    pub max_count: Option<u32>,
    /// Only matches after the first match of this named condition count.
    pub after: Option<usize>,
    /// Only matches before the first match of this named condition count.
    pub before: Option<usize>,
    /// Sentences with fewer words do not count (mostly for phrase-less "speech" conditions).
    pub min_words: u32,
    /// What the condition looks for, in words, for evidence ("agent saying …").
    pub what: String,
    /// Where it looks, in words ("in the first 2 agent turns or the first 30 s").
    pub where_: String,
}

#[derive(Debug, Clone)]
pub struct NamedCondition {
    pub name: String,
    pub condition: Condition,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub name: String,
    pub weight: f64,
}

#[derive(Debug, Clone)]
pub struct Criterion {
    pub id: String,
    /// Index into `Rubric::sections`.
    pub section: usize,
    pub description: String,
    pub points: f64,
    pub critical: bool,
    pub coaching: Option<String>,
    pub condition: Condition,
    pub applies_when: Option<Condition>,
}

/// A validated rubric, ready to score with.
#[derive(Debug, Clone)]
pub struct Rubric {
    pub name: String,
    pub version: String,
    pub description: Option<String>,
    pub pass_mark: f64,
    /// SHA-256 of the rubric file's bytes (after variable overrides, of the effective source).
    pub sha256: String,
    pub sections: Vec<Section>,
    pub criteria: Vec<Criterion>,
    pub named: Vec<NamedCondition>,
    /// True when some condition (in a criterion or a named condition) reads a metric, so scoring
    /// needs the call's metrics.
    pub uses_metrics: bool,
    pub(crate) matcher: PhraseMatcher,
}

impl Rubric {
    /// Ids of all criteria, in file order.
    pub fn criterion_ids(&self) -> impl Iterator<Item = &str> {
        self.criteria.iter().map(|c| c.id.as_str())
    }
}
