//! Text normalization shared by rubric compilation and scoring.
//!
//! Must not depend on whisper, audio or clap.

mod normalize;

pub use normalize::{NormalizedSentence, locate_normalized, normalize, normalize_sentences_into};
