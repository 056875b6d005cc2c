//! Silero VAD through whisper.cpp's `WhisperVadContext`, run with one thread (whisper.cpp's built-in
//! VAD inside `whisper_full` always uses 4 threads, which is far slower on a 2-core machine).
//!
//! Must not depend on the transcript model, ASR stitching or clap.

use super::{ActivityError, Intervals, SpeechDetector};
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

impl SpeechDetector for SileroDetector {
    fn detect(&mut self, samples: &[f32]) -> Result<Intervals, ActivityError> {
        let params = WhisperVadParams::new();
        let segments = self
            .ctx
            .segments_from_samples(params, samples)
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
        Ok(out)
    }

    fn name(&self) -> &'static str {
        "silero"
    }
}
