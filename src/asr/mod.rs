//! Speech recognition: the `Transcriber` trait over whisper (real) and a fixture (fake), the stitching
//! of speech spans into one buffer per channel cut into chunks of at most 30 s, and the per-call
//! pipeline that merges channels into a speaker-labelled transcript. Also the model
//! registry/downloader and the transcript cache.
//!
//! Must not depend on clap or on the scoring core; settings come in as plain values.

pub mod analyse;
pub mod cache;
pub mod fake;
pub mod models;
pub mod pipeline;
pub mod prompt;
pub mod recording;
pub mod stitch;
pub mod whisper;

use crate::transcript::Word;
use std::ops::Range;

/// One recognised stretch of text, with times in seconds relative to the buffer that was transcribed.
#[derive(Debug, Clone, PartialEq)]
pub struct RawSegment {
    pub start: f64,
    pub end: f64,
    pub text: String,
    pub words: Option<Vec<Word>>,
}

/// Decoding settings for one transcription.
#[derive(Debug, Clone, PartialEq)]
pub struct AsrSettings {
    /// Language code, e.g. "en".
    pub language: String,
    /// Beam width; `None` means greedy decoding.
    pub beam_size: Option<u32>,
    /// Initial prompt (vocabulary: company and product names).
    pub prompt: Option<String>,
    pub word_timestamps: bool,
    /// Threads for one whisper run.
    pub threads: usize,
}

impl Default for AsrSettings {
    fn default() -> Self {
        AsrSettings {
            language: "en".into(),
            beam_size: None,
            prompt: None,
            word_timestamps: false,
            threads: 1,
        }
    }
}

/// Why recognition failed.
#[derive(Debug, thiserror::Error)]
pub enum AsrError {
    #[error("cannot load the whisper model {}: {detail}", path.display())]
    Load {
        path: std::path::PathBuf,
        detail: String,
    },
    #[error("whisper failed: {0}")]
    Run(String),
}

/// Turns 16 kHz mono samples into timed text.
pub trait Transcriber: Sync {
    /// Transcribes `samples` (16 kHz mono); segment times are relative to the start of `samples`.
    fn transcribe(
        &self,
        samples: &[f32],
        settings: &AsrSettings,
    ) -> Result<Vec<RawSegment>, AsrError>;

    /// Transcribes each of the `chunks` (sample ranges) of `samples` on its own, in order; each chunk's
    /// segment times are relative to its own start. A transcriber may carry decoder state from one chunk
    /// to the next (whisper makes one state for all of them), so the same buffer and chunks always give
    /// the same result, but a chunk alone may come out differently.
    fn transcribe_chunks(
        &self,
        samples: &[f32],
        chunks: &[Range<usize>],
        settings: &AsrSettings,
    ) -> Result<Vec<Vec<RawSegment>>, AsrError> {
        chunks
            .iter()
            .map(|c| self.transcribe(chunk_of(samples, c)?, settings))
            .collect()
    }
}

/// The samples of `chunk`, or an error when it lies outside `samples`.
pub(crate) fn chunk_of<'a>(
    samples: &'a [f32],
    chunk: &Range<usize>,
) -> Result<&'a [f32], AsrError> {
    samples.get(chunk.clone()).ok_or_else(|| {
        AsrError::Run(format!(
            "chunk {}..{} lies outside the {} samples",
            chunk.start,
            chunk.end,
            samples.len()
        ))
    })
}
