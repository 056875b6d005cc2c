//! Scoring: judging a transcript against a compiled rubric, with evidence for every verdict.
//!
//! Must not depend on whisper, audio or clap.

mod doc;
mod engine;
mod measure;
mod scorecard;

pub use engine::{format_time, score, score_with_metrics};
pub use scorecard::{
    CriterionResult, Evidence, EvidenceKind, Outcome, RubricRef, Scorecard, SectionScore,
};

#[cfg(test)]
mod tests;
