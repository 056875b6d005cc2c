//! The real transcriber: whisper.cpp through whisper-rs. The model is loaded once per process; every
//! call gets its own `WhisperState`, so parallel workers share the weights but not the decoder state.
//!
//! Must not depend on decoding, stitching or clap.

use super::{AsrError, AsrSettings, RawSegment, Transcriber};
use crate::transcript::Word;
use std::path::Path;
use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};

/// A loaded whisper model.
pub struct WhisperTranscriber {
    ctx: WhisperContext,
}

impl std::fmt::Debug for WhisperTranscriber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WhisperTranscriber").finish_non_exhaustive()
    }
}

impl WhisperTranscriber {
    /// Loads the ggml model at `path` for CPU inference without flash attention (it slows CPU encoding).
    pub fn load(path: &Path) -> Result<WhisperTranscriber, AsrError> {
        let load_err = |detail: String| AsrError::Load {
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
        let mut params = WhisperContextParameters::default();
        params.use_gpu(false).flash_attn(false);
        let ctx =
            WhisperContext::new_with_params(text, params).map_err(|e| load_err(e.to_string()))?;
        Ok(WhisperTranscriber { ctx })
    }
}

fn words_of(segment: &whisper_rs::WhisperSegment<'_>, eot: i32) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    for i in 0..segment.n_tokens() {
        let Some(token) = segment.get_token(i) else {
            continue;
        };
        if token.token_id() >= eot {
            continue;
        }
        let Ok(piece) = token.to_str_lossy() else {
            continue;
        };
        let data = token.token_data();
        let (t0, t1) = (data.t0 as f64 / 100.0, data.t1 as f64 / 100.0);
        match words.last_mut() {
            Some(w) if !piece.starts_with(' ') => {
                w.text.push_str(&piece);
                w.end = t1;
            }
            _ => words.push(Word {
                start: t0,
                end: t1,
                text: piece.trim().to_string(),
                probability: Some(token.token_probability()),
            }),
        }
    }
    words.retain(|w| !w.text.is_empty());
    words
}

impl Transcriber for WhisperTranscriber {
    fn transcribe(
        &self,
        samples: &[f32],
        settings: &AsrSettings,
    ) -> Result<Vec<RawSegment>, AsrError> {
        let run = |e: whisper_rs::WhisperError| AsrError::Run(e.to_string());
        let strategy = match settings.beam_size {
            Some(n) if n > 1 => SamplingStrategy::BeamSearch {
                beam_size: n as i32,
                patience: -1.0,
            },
            _ => SamplingStrategy::Greedy { best_of: 1 },
        };
        let mut params = FullParams::new(strategy);
        params.set_n_threads(settings.threads.max(1) as i32);
        params.set_language(Some(&settings.language));
        if let Some(prompt) = settings.prompt.as_deref().filter(|p| !p.trim().is_empty()) {
            params.set_initial_prompt(prompt);
        }
        params.set_suppress_nst(true);
        params.set_no_speech_thold(0.6);
        params.set_entropy_thold(2.4);
        params.set_logprob_thold(-1.0);
        params.set_temperature_inc(0.2);
        params.set_token_timestamps(settings.word_timestamps);
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        let mut state = self.ctx.create_state().map_err(run)?;
        state.full(params, samples).map_err(run)?;
        let eot = self.ctx.token_eot();
        let mut out = Vec::new();
        for segment in state.as_iter() {
            let text = segment.to_str_lossy().map_err(run)?.trim().to_string();
            out.push(RawSegment {
                start: segment.start_timestamp() as f64 / 100.0,
                end: segment.end_timestamp() as f64 / 100.0,
                words: settings.word_timestamps.then(|| words_of(&segment, eot)),
                text,
            });
        }
        Ok(out)
    }
}
