//! Transcripts: the model every stage shares, and reading it from the formats people have.
//!
//! Must not depend on audio, whisper or clap.

pub mod export;
mod import;
mod load;
mod model;

pub use import::{AgentChannel, ImportOptions};
pub use load::{
    LoadError, file_call_id, load_file, load_file_with, parse_bytes_with, parse_transcript,
    parse_transcript_with,
};
pub use model::{Provenance, Segment, Speaker, TRANSCRIPT_VERSION, Transcript, Word};
