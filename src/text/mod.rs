//! Text normalization shared by rubric compilation and scoring.
//!
//! Must not depend on whisper, audio or clap.

mod normalize;

pub use normalize::{
    Normalized, NormalizedSentence, locate_normalized, normalize, normalize_into,
    normalize_prefix_into, normalize_sentences_into, split_sentences,
};
