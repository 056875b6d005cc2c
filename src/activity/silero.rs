//! Silero VAD through whisper.cpp's `WhisperVadContext`, run with one thread (whisper.cpp's built-in
//! VAD inside `whisper_full` always uses 4 threads, which is far slower on a 2-core machine).
//!
//! Must not depend on the transcript model, ASR stitching or clap.

use super::{
    ActivityError, ChannelActivity, Intervals, SpeechDetector, SpeechFrames, chunk_rms, noise_floor,
};
use std::path::Path;
use whisper_rs::{WhisperVadContext, WhisperVadContextParams, WhisperVadParams};

/// A loaded Silero VAD model.
pub struct SileroDetector {
    ctx: WhisperVadContext,
}

impl std::fmt::Debug for SileroDetector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SileroDetector").finish_non_exhaustive()
    }
}

impl SileroDetector {
    /// Loads the ggml Silero model at `path`.
    pub fn load(path: &Path) -> Result<SileroDetector, ActivityError> {
        let load_err = |detail: String| ActivityError::Load {
            path: path.to_path_buf(),
            detail,
        };
        if !path.is_file() {
            return Err(load_err("no such file".into()));
        }
        let text = path
            .to_str()
            .ok_or_else(|| load_err("the path is not valid UTF-8".into()))?;
        // Routes whisper.cpp's own logging through the `log` facade, which callqa leaves silent.
        whisper_rs::install_logging_hooks();
        let mut params = WhisperVadContextParams::default();
        params.set_n_threads(1);
        params.set_use_gpu(false);
        let ctx = WhisperVadContext::new(text, params).map_err(|e| load_err(e.to_string()))?;
        Ok(SileroDetector { ctx })
    }
}

/// Samples per Silero probability: the model reads 512-sample windows at 16 kHz (32 ms).
const WINDOW: usize = 512;
/// Silero's own speech threshold, also whisper.cpp's default for its spans.
pub const SPEECH_THRESHOLD: f32 = 0.5;
/// Speech that has started goes on while the probability stays above the threshold minus this (Silero's
/// `neg_threshold`, also used by whisper.cpp).
const HYSTERESIS: f32 = 0.15;
/// A window counts as speech only when its RMS is at least this many times the channel's noise floor
/// (6 dB above it).
const GATE_OVER_FLOOR: f32 = 2.0;
/// The quietest RMS that can count as speech whatever the floor (-80 dBFS), so digital silence is never
/// speech.
const GATE_MIN_RMS: f32 = 1e-4;

/// Silero's recurrent state holds the speech probability above 0.5 for about 0.1 s after a voice stops (its
/// hang-over), which would add that much talk time to every turn. A window whose energy is at the line's
/// noise floor cannot hold speech, so the metrics' frames also need energy above the floor: the 10th
/// percentile of the window RMS values (in a two-party call each side is silent far more than a tenth of
/// the time), plus 6 dB. Inside speech the gate only opens short holes (stop consonants), which the
/// metrics' gap bridging closes again.
#[derive(Debug, Clone)]
struct EnergyGate {
    rms: Vec<f32>,
    threshold: f32,
}

impl EnergyGate {
    fn new(samples: &[f32]) -> EnergyGate {
        let rms = chunk_rms(samples, WINDOW);
        let floor = noise_floor(&rms);
        EnergyGate {
            rms,
            threshold: (floor * GATE_OVER_FLOOR).max(GATE_MIN_RMS),
        }
    }

    /// True when window `i` is louder than the gate.
    fn above_floor(&self, i: usize) -> bool {
        self.rms.get(i).is_some_and(|&r| r >= self.threshold)
    }
}

impl SpeechDetector for SileroDetector {
    fn detect(&mut self, samples: &[f32]) -> Result<Intervals, ActivityError> {
        Ok(self.analyse(samples)?.spans)
    }

    /// One pass of the network over the channel. The probabilities give the metrics their frames
    /// (speech where p ≥ 0.5, unpadded, one per 32 ms window); whisper.cpp turns the same probabilities
    /// into the padded spans that are transcribed (speech of at least 250 ms, 30 ms padding).
    fn analyse(&mut self, samples: &[f32]) -> Result<ChannelActivity, ActivityError> {
        self.ctx
            .detect_speech(samples)
            .map_err(|e| ActivityError::Detect(e.to_string()))?;
        let gate = EnergyGate::new(samples);
        // Silero's own hysteresis: speech starts at p ≥ 0.5 and goes on while p ≥ 0.35.
        let mut speaking = false;
        let speech = self
            .ctx
            .probabilities()
            .iter()
            .enumerate()
            .map(|(i, &p)| {
                speaking =
                    p >= SPEECH_THRESHOLD || (speaking && p >= SPEECH_THRESHOLD - HYSTERESIS);
                speaking && gate.above_floor(i)
            })
            .collect();
        let frames = SpeechFrames {
            frame_seconds: WINDOW as f64 / 16_000.0,
            speech,
        };
        let mut params = WhisperVadParams::new();
        params.set_threshold(SPEECH_THRESHOLD);
        let segments = self
            .ctx
            .segments_from_probabilities(params)
            .map_err(|e| ActivityError::Detect(e.to_string()))?;
        let total = samples.len() as f64 / 16_000.0;
        // whisper.cpp reports VAD timestamps in centiseconds.
        let mut out: Intervals = segments
            .map(|s| {
                (
                    (f64::from(s.start) / 100.0).clamp(0.0, total),
                    (f64::from(s.end) / 100.0).clamp(0.0, total),
                )
            })
            .filter(|(s, e)| e > s)
            .collect();
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        Ok(ChannelActivity {
            spans: out,
            frames: Some(frames),
        })
    }

    fn name(&self) -> &'static str {
        "silero"
    }
}
