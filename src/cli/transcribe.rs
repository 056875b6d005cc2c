//! `callqa transcribe AUDIO...`: resolves the whisper and VAD models, runs the per-call pipeline on
//! every file (in `--jobs` workers sharing one loaded model), uses the transcript cache, and writes
//! `NAME.EXT.json|vtt|srt|txt` beside each other in `--output`. Bad files are reported by name while
//! the rest continue; any failure makes the exit code non-zero.
//!
//! Must not depend on the scoring core; it only produces transcripts.

use super::convert::ChannelArg;
use super::exit;
use super::metrics::MeasureArgs;
use crate::activity::SpeechDetector;
use crate::asr::AsrSettings;
use crate::asr::cache::{self, TranscriptCache};
use crate::asr::models::{self, DEFAULT_MODEL, DEFAULT_VAD_MODEL, ModelError};
use crate::asr::pipeline::{Packing, Timings};
use crate::asr::prompt::build_prompt;
use crate::asr::recording::{RecordingTranscriber, speech_detector};
use crate::transcript::export::{self, ExportFormat};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Vtt,
    Srt,
    Txt,
}

#[derive(Debug, Args)]
pub struct TranscribeArgs {
    /// Recordings to transcribe (WAV incl. G.711, MP3, FLAC, OGG; mono or stereo).
    #[arg(required = true)]
    pub audio: Vec<PathBuf>,
    /// Whisper model: a known name (see `callqa models list`) or a path to a ggml file.
    #[arg(long, default_value = DEFAULT_MODEL)]
    pub model: String,
    /// Silero VAD model file (else CALLQA_VAD_MODEL, else the models directory).
    #[arg(long)]
    pub vad_model: Option<PathBuf>,
    /// Stereo channel the agent speaks on.
    #[arg(long, value_enum, default_value = "left")]
    pub agent_channel: ChannelArg,
    /// Directory the transcripts are written to.
    #[arg(long, short, default_value = ".")]
    pub output: PathBuf,
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,
    /// Files transcribed in parallel.
    #[arg(long, default_value_t = 1)]
    pub jobs: usize,
    /// Threads per whisper run (default: cores ÷ jobs).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Never download a missing model.
    #[arg(long)]
    pub offline: bool,
    /// Neither read nor write the transcript cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Names to prime recognition with, e.g. "Acme, FiberMax".
    #[arg(long)]
    pub vocabulary: Option<String>,
    /// Rubric whose variable values that are proper names (company, products) also prime recognition.
    #[arg(long, value_name = "FILE")]
    pub rubric: Option<PathBuf>,
    /// Overrides a rubric variable for the prompt, as in `callqa score` (NAME=VALUE, `|` between alternatives).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = super::parse_var)]
    pub vars: Vec<(String, Vec<String>)>,
    #[arg(long, default_value = "en")]
    pub language: String,
    /// Beam search width (default: greedy decoding).
    #[arg(long)]
    pub beam_size: Option<u32>,
    /// Include per-word timings in JSON output.
    #[arg(long)]
    pub word_timestamps: bool,
    /// Print per-stage timings to stderr.
    #[arg(long)]
    pub timings: bool,
    /// Transcribe both channels of a stereo call from one buffer (their speech packed in spoken order, cut
    /// into chunks of at most 30 s) instead of one buffer per channel; see docs/transcribe.md.
    #[arg(long)]
    pub pack_channels: bool,
    /// Thresholds of the conversation metrics written into the transcript.
    #[command(flatten)]
    pub measure: MeasureArgs,
}

/// The values of a rubric's `[variables]`, in file order, with `--var` overrides applied. The rubric is
/// compiled first through the rubric API, so an invalid one is reported with its diagnostics (and `Err`).
pub(super) fn rubric_values(
    path: Option<&Path>,
    vars: &[(String, Vec<String>)],
) -> Result<Vec<String>, ExitCode> {
    let mut table: Vec<(String, Vec<String>)> = Vec::new();
    if let Some(path) = path {
        super::load_rubric(Some(path), vars)?;
        let text = std::fs::read_to_string(path).map_err(|e| {
            eprintln!("error: {}: cannot read rubric: {e}", path.display());
            ExitCode::from(exit::USAGE)
        })?;
        let doc: toml::Table = text.parse().map_err(|e| {
            eprintln!("error: {}: {e}", path.display());
            ExitCode::from(exit::USAGE)
        })?;
        if let Some(toml::Value::Table(variables)) = doc.get("variables") {
            for (name, value) in variables {
                let values = match value {
                    toml::Value::String(s) => vec![s.clone()],
                    toml::Value::Array(a) => a
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect(),
                    _ => Vec::new(),
                };
                table.push((name.clone(), values));
            }
        }
    }
    for (name, values) in vars {
        match table.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1.clone_from(values),
            None => table.push((name.clone(), values.clone())),
        }
    }
    Ok(table.into_iter().flat_map(|(_, v)| v).collect())
}

/// The transcript cache directory: `CALLQA_CACHE_DIR`, else the user's cache directory + `callqa/transcripts`.
pub(super) fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CALLQA_CACHE_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("", "", "callqa").map_or_else(
        || PathBuf::from(".callqa").join("transcripts"),
        |d| d.cache_dir().join("transcripts"),
    )
}

/// Finds the whisper model, downloading a known one unless `offline`; returns its path and checksum.
pub(super) fn whisper_model(spec: &str, offline: bool) -> Result<(PathBuf, String), ModelError> {
    let dir = super::models::models_dir();
    match models::resolve(spec, &dir) {
        Ok(path) => {
            let sum = match models::find(spec) {
                Some(m) => m.sha1.to_string(),
                None => models::sha1_file(&path)?,
            };
            Ok((path, sum))
        }
        Err(ModelError::Missing { .. }) if !offline => {
            let model = models::find(spec).ok_or_else(|| ModelError::Unknown(spec.into()))?;
            eprintln!("note: model '{spec}' not found; downloading it");
            let path = super::models::download(model)?;
            Ok((path, model.sha1.to_string()))
        }
        Err(e) => Err(e),
    }
}

/// The VAD model: `--vad-model`, `CALLQA_VAD_MODEL`, then the models directory.
pub(super) fn vad_model(flag: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = flag {
        return Some(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os("CALLQA_VAD_MODEL").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    models::find(DEFAULT_VAD_MODEL)
        .map(|m| m.path_in(&super::models::models_dir()))
        .filter(|p| p.is_file())
}

impl From<Format> for ExportFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Json => ExportFormat::Json,
            Format::Vtt => ExportFormat::Vtt,
            Format::Srt => ExportFormat::Srt,
            Format::Txt => ExportFormat::Txt,
        }
    }
}

/// What each worker needs to know, shared read-only.
struct Job<'a> {
    args: &'a TranscribeArgs,
    recording: RecordingTranscriber,
    vad_path: Option<PathBuf>,
}

/// Outcome of one file.
struct Done {
    audio_seconds: f64,
    timings: Timings,
    cached: bool,
}

impl Job<'_> {
    fn one(&self, path: &Path, detector: &mut dyn SpeechDetector) -> Result<Done, String> {
        let audio_hash = cache::hash_file(path).map_err(|e| e.to_string())?;
        let name = path
            .file_name()
            .map_or_else(|| "audio".into(), |n| n.to_string_lossy().into_owned());
        let out_path = self.args.output.join(format!(
            "{name}.{}",
            ExportFormat::from(self.args.format).extension()
        ));
        let call_id = crate::transcript::file_call_id(path);
        let done = self.recording.transcribe(
            path,
            &call_id,
            &audio_hash,
            self.args.agent_channel.into(),
            detector,
        )?;
        let text = export::render(&done.transcript, self.args.format.into());
        std::fs::write(&out_path, text).map_err(|e| format!("{}: {e}", out_path.display()))?;
        Ok(Done {
            audio_seconds: done.transcript.duration.unwrap_or(0.0),
            timings: done.timings,
            cached: done.cached,
        })
    }
}

/// The whisper model (path and SHA-1) and the VAD model for `transcribe` and `run`, after the checks and
/// notes users see: a missing VAD file is an error, no VAD model is a note, more jobs × threads than
/// cores is a warning. `Err` once the error is printed.
pub(super) fn asr_models(
    model: &str,
    offline: bool,
    vad_flag: Option<&Path>,
    jobs: usize,
    threads: usize,
) -> Result<(PathBuf, String, Option<PathBuf>), ()> {
    let cores = super::cores();
    if jobs * threads > cores {
        eprintln!(
            "warning: {jobs} jobs × {threads} threads exceeds the {cores} cores; expect slowdowns"
        );
    }
    let (model_path, model_sha1) = whisper_model(model, offline).map_err(|e| {
        eprintln!("error: {e}");
    })?;
    let vad = vad_model(vad_flag);
    if let Some(p) = &vad
        && !p.is_file()
    {
        eprintln!("error: VAD model {} does not exist", p.display());
        return Err(());
    }
    if vad.is_none() {
        eprintln!(
            "note: no VAD model found; using the energy detector (run `callqa models download {DEFAULT_VAD_MODEL}` for Silero VAD)"
        );
    }
    Ok((model_path, model_sha1, vad))
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

pub fn run(args: TranscribeArgs) -> u8 {
    let wall = Instant::now();
    let cores = super::cores();
    let jobs = args.jobs.clamp(1, args.audio.len().max(1));
    let threads = args.threads.unwrap_or((cores / jobs).max(1)).max(1);
    let Ok((model_path, model_sha1, vad_path)) = asr_models(
        &args.model,
        args.offline,
        args.vad_model.as_deref(),
        jobs,
        threads,
    ) else {
        return exit::USAGE;
    };
    if let Err(e) = std::fs::create_dir_all(&args.output) {
        eprintln!("error: {}: {e}", args.output.display());
        return exit::USAGE;
    }
    let measure = match args.measure.settings() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let values = match rubric_values(args.rubric.as_deref(), &args.vars) {
        Ok(v) => v,
        Err(_) => return exit::USAGE,
    };
    let prompt = build_prompt(args.vocabulary.as_deref(), &values);
    if args.timings
        && let Some(p) = &prompt
    {
        eprintln!("prompt: {p}");
    }
    let mut recording = RecordingTranscriber::new(
        args.model.clone(),
        model_path,
        model_sha1,
        AsrSettings {
            language: args.language.clone(),
            beam_size: args.beam_size,
            prompt,
            word_timestamps: args.word_timestamps,
            threads,
        },
        (!args.no_cache).then(|| TranscriptCache::new(cache_dir())),
    );
    recording.measure = measure;
    if args.pack_channels {
        recording.packing = Packing::Packed;
    }
    let job = Job {
        recording,
        vad_path,
        args: &args,
    };
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(args.audio.len() as u64);
        if let Ok(style) =
            ProgressStyle::with_template("{bar:30} {pos}/{len} files, {msg} [{elapsed_precise}]")
        {
            bar.set_style(style);
        }
        bar.set_message("0 s of audio");
        bar
    } else {
        ProgressBar::hidden()
    };
    let next = AtomicUsize::new(0);
    let failures = AtomicUsize::new(0);
    let totals = Mutex::new((Timings::default(), 0.0f64));
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                let (mut detector, warning) = speech_detector(job.vad_path.as_deref(), job.recording.settings.threads);
                if let Some(w) = warning {
                    bar.suspend(|| eprintln!("warning: {w}"));
                }
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(path) = job.args.audio.get(i) else {
                        break;
                    };
                    match job.one(path, detector.as_mut()) {
                        Ok(done) => {
                            if let Ok(mut t) = totals.lock() {
                                t.0.add(&done.timings);
                                t.1 += done.audio_seconds;
                                bar.set_message(format!("{:.0} s of audio", t.1));
                            }
                            if job.args.timings {
                                let t = done.timings;
                                bar.suspend(|| {
                                    eprintln!(
                                        "{}: {:.1} s audio{} decode {:.3} s, resample {:.3} s, vad {:.3} s, whisper {:.3} s",
                                        path.display(),
                                        done.audio_seconds,
                                        if done.cached { " (cached, no ASR);" } else { ";" },
                                        secs(t.decode),
                                        secs(t.resample),
                                        secs(t.vad),
                                        secs(t.whisper)
                                    )
                                });
                            }
                        }
                        Err(e) => {
                            failures.fetch_add(1, Ordering::SeqCst);
                            bar.suspend(|| eprintln!("error: {e}"));
                        }
                    }
                    bar.inc(1);
                }
            });
        }
    });
    bar.finish_and_clear();
    if args.timings
        && let Ok(t) = totals.lock()
    {
        let (t, audio) = *t;
        let whisper = secs(t.whisper);
        let wall = secs(wall.elapsed());
        eprintln!(
            "total: {audio:.1} s audio in {wall:.3} s wall; decode {:.3} s, resample {:.3} s, vad {:.3} s, whisper {whisper:.3} s; wall ÷ whisper {:.3}",
            secs(t.decode),
            secs(t.resample),
            secs(t.vad),
            if whisper > 0.0 { wall / whisper } else { 0.0 }
        );
    }
    let failed = failures.load(Ordering::SeqCst);
    if failed > 0 {
        eprintln!("{failed} of {} files failed", args.audio.len());
        exit::FAILURE
    } else {
        exit::OK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rubric(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("rubrics")
            .join(name)
    }

    #[test]
    fn prompt_joins_vocabulary_and_the_rubric_s_names() {
        let values = rubric_values(Some(&rubric("collections.toml")), &[]).unwrap_or_default();
        assert_eq!(
            build_prompt(Some("FiberMax"), &values).as_deref(),
            Some("FiberMax, Acme Finance, Acme.")
        );
        // --var replaces the rubric's value, as it does for scoring.
        let vars = [("company".to_string(), vec!["Globex".to_string()])];
        let values = rubric_values(Some(&rubric("collections.toml")), &vars).unwrap_or_default();
        assert_eq!(build_prompt(None, &values).as_deref(), Some("Globex."));
        // The default rubric's variables are ordinary words: they add nothing.
        let values = rubric_values(Some(&rubric("default.toml")), &[]).unwrap_or_default();
        assert!(!values.is_empty());
        assert_eq!(
            build_prompt(Some("Acme"), &values).as_deref(),
            Some("Acme.")
        );
    }

    #[test]
    fn an_invalid_rubric_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "[rubric]\nname = 3\n").expect("write");
        assert!(rubric_values(Some(&bad), &[]).is_err());
        assert!(rubric_values(Some(&dir.path().join("missing.toml")), &[]).is_err());
    }

    #[test]
    fn every_format_maps_to_the_shared_exporter_with_its_extension() {
        let pairs = [
            (Format::Json, "json"),
            (Format::Vtt, "vtt"),
            (Format::Srt, "srt"),
            (Format::Txt, "txt"),
        ];
        for (f, ext) in pairs {
            assert_eq!(ExportFormat::from(f).extension(), ext);
        }
    }
}
