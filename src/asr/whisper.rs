//! The real transcriber: whisper.cpp through whisper-rs. The model is loaded once per process; every
//! call (one buffer, or one buffer's chunks) gets its own `WhisperState`, so parallel workers share the
//! weights but not the decoder state.
//!
//! A state costs 2–15 ms to make. The chunks of one buffer share one state, made for them and dropped
//! after them; a state is never kept for other calls: whisper.cpp seeds the random generator of its first
//! decoder only when it makes the state, so on a kept state the temperature fallback would sample
//! differently depending on which calls came before, and the same recording could come out as different
//! text depending on which worker took it. Within one buffer the chunks always run in the same order, so
//! its transcript depends only on the audio and the settings.
//!
//! Must not depend on decoding, stitching or clap.

use super::{AsrError, AsrSettings, RawSegment, Transcriber, chunk_of};
use crate::transcript::Word;
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use whisper_rs::{
    FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters, WhisperState,
};

/// A loaded whisper model.
pub struct WhisperTranscriber {
    ctx: WhisperContext,
    /// Nanoseconds spent inside `whisper_full` by every call so far.
    full_nanos: AtomicU64,
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
        Ok(WhisperTranscriber {
            ctx,
            full_nanos: AtomicU64::new(0),
        })
    }

    fn new_state(&self) -> Result<WhisperState, AsrError> {
        self.ctx
            .create_state()
            .map_err(|e| AsrError::Run(e.to_string()))
    }

    /// Time spent inside `whisper_full` by every call so far: the transcription itself, without making
    /// each call's state or reading its segments.
    pub fn full_time(&self) -> Duration {
        Duration::from_nanos(self.full_nanos.load(Ordering::Relaxed))
    }

    /// One `whisper_full` run on `samples` with `state`, timed into `full_time`.
    fn run(
        &self,
        state: &mut WhisperState,
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
        // Chunks share a state: none may carry its text into the next as a prompt.
        params.set_no_context(true);
        let started = Instant::now();
        let ran = state.full(params, samples);
        self.full_nanos
            .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        ran.map_err(run)?;
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
        let mut state = self.new_state()?;
        self.run(&mut state, samples, settings)
    }

    fn transcribe_chunks(
        &self,
        samples: &[f32],
        chunks: &[Range<usize>],
        settings: &AsrSettings,
    ) -> Result<Vec<Vec<RawSegment>>, AsrError> {
        let mut state = self.new_state()?;
        chunks
            .iter()
            .map(|c| self.run(&mut state, chunk_of(samples, c)?, settings))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// A tiny.en model with random weights and the real shapes, written by ../shared/tools: its output is
    /// noise, but it samples with the temperature fallback on every window, which is what a state kept
    /// across calls would change.
    fn random_model(dir: &Path) -> std::path::PathBuf {
        let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
        let out = dir.join("tiny-random.bin");
        let status = Command::new("python3")
            .arg(shared.join("tools/gen_random_model.py"))
            .arg(shared.join("models/for-tests-ggml-tiny.en.bin"))
            .arg("f16")
            .arg(&out)
            .status()
            .expect("python3 runs ../shared/tools/gen_random_model.py");
        assert!(status.success(), "gen_random_model.py failed");
        out
    }

    /// `seconds` of a vowel-like buzz whose pitch moves with `seed`.
    fn buzz(seconds: f32, seed: f32) -> Vec<f32> {
        (0..(seconds * 16_000.0) as usize)
            .map(|i| {
                let t = i as f32 / 16_000.0;
                0.2 * (t * (140.0 + 30.0 * seed) * std::f32::consts::TAU).sin()
                    * (1.0 + (t * 3.0 * (1.0 + seed)).sin())
            })
            .collect()
    }

    #[test]
    fn a_buffers_chunks_come_out_the_same_whatever_ran_before() {
        let dir = tempfile::tempdir().expect("temp dir");
        let whisper = WhisperTranscriber::load(&random_model(dir.path())).expect("random model");
        let settings = AsrSettings::default();
        let call = buzz(4.0, 0.0);
        let chunks = [0..24_000, 24_000..64_000];
        let first = whisper
            .transcribe_chunks(&call, &chunks, &settings)
            .expect("run");
        assert_eq!(first.len(), 2, "one result per chunk");
        assert!(
            first.iter().flatten().any(|s| !s.text.is_empty()),
            "the random model writes some text to compare: {first:?}"
        );
        whisper
            .transcribe(&buzz(3.0, 1.0), &settings)
            .expect("another call in between");
        let again = whisper
            .transcribe_chunks(&call, &chunks, &settings)
            .expect("run");
        assert_eq!(first, again);
        assert!(whisper.full_time() > Duration::ZERO);
        let past_the_end = 0..64_001;
        let outside =
            whisper.transcribe_chunks(&call, std::slice::from_ref(&past_the_end), &settings);
        assert!(
            matches!(&outside, Err(AsrError::Run(m)) if m.contains("outside the 64000 samples")),
            "{outside:?}"
        );
    }
}
