//! Scoring: judging a transcript against a compiled rubric, with evidence for every verdict.
//!
//! Must not depend on whisper, audio or clap.

mod scorecard;

pub use scorecard::{
    CriterionResult, Evidence, EvidenceKind, Outcome, RubricRef, Scorecard, SectionScore,
};
