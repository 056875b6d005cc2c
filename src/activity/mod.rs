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

/// One speech decision per fixed-length frame, before any padding or bridging: what talk-time metrics
/// are measured from.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeechFrames {
    /// Length of one frame in seconds.
    pub frame_seconds: f64,
    /// `true` where the frame is speech.
    pub speech: Vec<bool>,
}

/// Everything one run of a detector found on one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelActivity {
    /// Speech spans to transcribe (padded so that word edges are not cut off).
    pub spans: Intervals,
    /// The unpadded per-frame decisions, when the detector has them.
    pub frames: Option<SpeechFrames>,
}

/// Finds speech in 16 kHz mono samples.
pub trait SpeechDetector {
    /// Runs the detector once and returns both the spans to transcribe and, when the detector has them, its
    /// per-frame decisions for the metrics.
    fn analyse(&mut self, samples: &[f32]) -> Result<ChannelActivity, ActivityError>;
    /// Short name for provenance ("silero", "energy").
    fn name(&self) -> &'static str;
    /// [`SpeechDetector::analyse`] of each of `channels`, in order; a detector that can read several at
    /// once does.
    fn analyse_channels(
        &mut self,
        channels: &[&[f32]],
    ) -> Result<Vec<ChannelActivity>, ActivityError> {
        channels.iter().map(|c| self.analyse(c)).collect()
    }
    /// Returns the speech intervals in `samples` (16 kHz): the spans of [`SpeechDetector::analyse`].
    fn detect(&mut self, samples: &[f32]) -> Result<Intervals, ActivityError> {
        Ok(self.analyse(samples)?.spans)
    }
}

/// The RMS of each `size`-sample chunk of `samples` (the last chunk may be shorter).
pub(crate) fn chunk_rms(samples: &[f32], size: usize) -> Vec<f32> {
    samples
        .chunks(size)
        .map(|c| (c.iter().map(|v| v * v).sum::<f32>() / c.len() as f32).sqrt())
        .collect()
}

/// A channel's noise floor: the 10th percentile of its chunk RMS values (0 for none). In a two-party
/// call each side is silent for far more than a tenth of the time.
pub(crate) fn noise_floor(rms: &[f32]) -> f32 {
    let mut sorted = rms.to_vec();
    sorted.sort_by(f32::total_cmp);
    sorted.get(sorted.len() / 10).copied().unwrap_or(0.0)
}
