//! Text normalization shared by rubric compilation and scoring.
//!
//! Must not depend on whisper, audio or clap.

mod normalize;

pub use normalize::{Normalized, normalize, normalize_into, split_sentences};
