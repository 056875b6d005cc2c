//! Voice activity: where on one 16 kHz channel someone is speaking, as plain `(start, end)` intervals
//! in seconds. Silero VAD through whisper.cpp when its model is available, an energy detector otherwise.
//!
//! Must not depend on the transcript model, ASR or clap; talk-time metrics reuse these intervals.

pub mod energy;
pub mod silero;

/// Speech intervals of one channel, in seconds, sorted and non-overlapping.
pub type Intervals = Vec<(f64, f64)>;

/// Why speech detection failed.
#[derive(Debug, thiserror::Error)]
pub enum ActivityError {
    #[error("cannot load the VAD model {}: {detail}", path.display())]
    Load {
        path: std::path::PathBuf,
        detail: String,
    },
    #[error("voice activity detection failed: {0}")]
    Detect(String),
}

/// Finds speech in 16 kHz mono samples.
pub trait SpeechDetector {
    /// Returns the speech intervals in `samples` (16 kHz).
    fn detect(&mut self, samples: &[f32]) -> Result<Intervals, ActivityError>;
    /// Short name for provenance ("silero", "energy").
    fn name(&self) -> &'static str;
}
