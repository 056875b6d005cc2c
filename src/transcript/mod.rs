//! Transcripts: the model every stage shares, and reading it from the formats people have.
//!
//! Must not depend on audio, whisper or clap.

mod load;
mod model;

pub use load::{LoadError, load_file, parse_transcript};
pub use model::{Provenance, Segment, Speaker, TRANSCRIPT_VERSION, Transcript, Word};
