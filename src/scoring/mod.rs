//! Scoring: judging a transcript against a compiled rubric, with evidence for every verdict.
//!
//! Must not depend on whisper, audio or clap.

mod doc;
mod engine;
mod scorecard;

pub use engine::{format_time, score};
pub use scorecard::{
    CriterionResult, Evidence, EvidenceKind, Outcome, RubricRef, Scorecard, SectionScore,
};

#[cfg(test)]
mod tests;
