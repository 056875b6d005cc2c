//! Text normalization shared by rubric compilation and scoring.
//!
//! Must not depend on whisper, audio or clap.

mod normalize;

pub use normalize::{
    Normalized, locate_normalized, normalize, normalize_bytes_into, normalize_into,
    normalize_prefix_into, split_sentences, split_sentences_into,
};
