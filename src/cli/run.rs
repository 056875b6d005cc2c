//! `callqa run INPUTS...`: resolves the rubric, models, manifest and store path, shows progress
//! (bars on a terminal, log lines otherwise), stops on Ctrl-C, and prints the summary. The batch
//! itself is `crate::batch`.

use super::convert::ImportArgs;
use super::transcribe::{asr_models, cache_dir, rubric_values};
use super::{exit, load_rubric, parse_var};
use crate::asr::AsrSettings;
use crate::asr::cache::TranscriptCache;
use crate::asr::models::DEFAULT_MODEL;
use crate::asr::prompt::build_prompt;
use crate::asr::recording::RecordingTranscriber;
use crate::batch::agents::{AgentPattern, Manifest};
use crate::batch::shard::Shard;
use crate::batch::whisper::WhisperAudio;
use crate::batch::{
    AgentSources, AudioTranscriber, BatchSettings, INPUT_EXTENSIONS, Observer, Outcome, is_audio,
    run_batch,
};
use crate::report::ReportOptions;
use crate::store::{DEFAULT_STORE, RecordFilter};
use clap::Args;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Recordings (WAV, MP3, FLAC, OGG) and transcript files, or folders searched recursively.
    #[arg(required = true, value_name = "INPUTS")]
    pub inputs: Vec<PathBuf>,
    /// Rubric file (TOML); the built-in default rubric when omitted.
    #[arg(long, value_name = "FILE")]
    pub rubric: Option<PathBuf>,
    /// Define or override a rubric variable (NAME=VALUE, `|` between alternatives).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, Vec<String>)>,
    /// Whisper model for recordings: a known name (see `callqa models list`) or a ggml file.
    #[arg(long, default_value = DEFAULT_MODEL)]
    pub model: String,
    /// Silero VAD model file (else CALLQA_VAD_MODEL, else the models directory, else the energy detector).
    #[arg(long, value_name = "PATH")]
    pub vad_model: Option<PathBuf>,
    /// Who handled each call: CSV or JSON with `file` or `call_id`, and agent_id, agent_name, team, date,
    /// agent_channel, queue.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Regex over file names with named groups agent, date and/or call, e.g.
    /// `(?P<agent>[A-Za-z]+)_(?P<date>\d{8})_(?P<call>\w+)\.wav`.
    #[arg(long, value_name = "REGEX")]
    pub agent_pattern: Option<AgentPattern>,
    /// The results store (SQLite).
    #[arg(long, value_name = "PATH", default_value = DEFAULT_STORE)]
    pub store: PathBuf,
    /// Write reports into this folder at the end (see `callqa report`).
    #[arg(long, value_name = "DIR")]
    pub reports: Option<PathBuf>,
    /// Calls processed in parallel (default: the number of cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Threads per whisper run (default: cores ÷ jobs).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Take only shard I of N (numbered from 0), split by content hash.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
    /// Never download a missing model.
    #[arg(long)]
    pub offline: bool,
    /// Retry inputs that failed in earlier runs.
    #[arg(long)]
    pub retry_failed: bool,
    /// Neither read nor write the transcript cache.
    #[arg(long)]
    pub no_cache: bool,
    #[arg(long, default_value = "en")]
    pub language: String,
    /// Names to prime recognition with, e.g. "Acme, FiberMax".
    #[arg(long)]
    pub vocabulary: Option<String>,
    /// Print where the wall time went (whisper vs. everything else).
    #[arg(long)]
    pub timings: bool,
    #[command(flatten)]
    pub import: ImportArgs,
}

/// Bars on a terminal: calls done/total with audio hours and ETA, and one line per worker.
struct Bars {
    total: ProgressBar,
    workers: Vec<ProgressBar>,
    audio: Mutex<f64>,
}

/// Plain log lines, one per finished input.
struct Lines;

fn describe(outcome: &Outcome) -> Option<String> {
    match outcome {
        Outcome::Scored {
            source,
            call_id,
            score,
            passed,
            rescored,
            ..
        } => Some(format!(
            "scored {call_id} ({source}): {score:.1} {}{}",
            if *passed { "pass" } else { "fail" },
            if *rescored {
                ", re-scored from the store"
            } else {
                ""
            }
        )),
        Outcome::Done { source, .. } => Some(format!("skipped {source}: already scored")),
        Outcome::FailedBefore { source, .. } => {
            Some(format!("skipped {source}: failed in an earlier run"))
        }
        Outcome::Failed { reason, .. } => Some(format!("failed: {reason}")),
        Outcome::OtherShard => None,
    }
}

impl Observer for Lines {
    fn started(&self, _worker: usize, _path: &Path) {}
    fn finished(&self, _worker: usize, outcome: &Outcome) {
        if let Some(line) = describe(outcome) {
            eprintln!("{line}");
        }
    }
}

impl Observer for Bars {
    fn started(&self, worker: usize, path: &Path) {
        if let Some(bar) = self.workers.get(worker) {
            bar.set_message(path.display().to_string());
        }
    }
    fn finished(&self, worker: usize, outcome: &Outcome) {
        if let Outcome::Scored { audio_seconds, .. } = outcome
            && let Ok(mut a) = self.audio.lock()
        {
            *a += audio_seconds;
            self.total
                .set_message(format!("{:.2} h of audio", *a / 3600.0));
        }
        if let Outcome::Failed { reason, .. } = outcome {
            self.total.suspend(|| eprintln!("failed: {reason}"));
        }
        if let Some(bar) = self.workers.get(worker) {
            bar.set_message("");
        }
        self.total.inc(1);
    }
}

pub fn run(args: RunArgs) -> ExitCode {
    let rubric = match load_rubric(args.rubric.as_deref(), &args.vars) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let manifest = match args.manifest.as_deref().map(Manifest::load).transpose() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(exit::USAGE);
        }
    };
    let mut inputs = Vec::new();
    let mut unreadable = 0;
    for found in super::expand_inputs(&args.inputs, INPUT_EXTENSIONS) {
        match found {
            Ok(p) if p.is_file() => inputs.push(p),
            Ok(p) => {
                unreadable += 1;
                eprintln!("error: {}: no such file or folder", p.display());
            }
            Err(e) => {
                unreadable += 1;
                eprintln!("error: {e}");
            }
        }
    }
    let cores = super::cores();
    let jobs = args.jobs.unwrap_or(cores).clamp(1, inputs.len().max(1));
    let threads = args.threads.unwrap_or((cores / jobs).max(1)).max(1);
    let has_audio = inputs.iter().any(|p| is_audio(p));
    let whisper = if has_audio {
        let Ok((model_path, model_sha1, vad)) = asr_models(
            &args.model,
            args.offline,
            args.vad_model.as_deref(),
            jobs,
            threads,
        ) else {
            return ExitCode::from(exit::USAGE);
        };
        let Ok(values) = rubric_values(args.rubric.as_deref(), &args.vars) else {
            return ExitCode::from(exit::USAGE);
        };
        let recording = RecordingTranscriber::new(
            args.model.clone(),
            model_path,
            model_sha1,
            AsrSettings {
                language: args.language.clone(),
                beam_size: None,
                prompt: build_prompt(args.vocabulary.as_deref(), &values),
                word_timestamps: false,
                threads,
            },
            (!args.no_cache).then(|| TranscriptCache::new(cache_dir())),
        );
        Some(WhisperAudio::new(recording, vad))
    } else {
        None
    };
    let settings = BatchSettings {
        store: args.store.clone(),
        jobs,
        shard: args.shard,
        retry_failed: args.retry_failed,
        import: args.import.options(),
        settings_json: serde_json::json!({
            "jobs": jobs,
            "threads": threads,
            "shard": args.shard.map(|s| format!("{}/{}", s.index, s.count)),
            "language": args.language,
            "vocabulary": args.vocabulary,
            "manifest": args.manifest.as_ref().map(|p| p.display().to_string()),
            "agent_pattern": args.agent_pattern.as_ref().map(|p| p.to_string()),
        }),
    };
    let agents = AgentSources {
        manifest,
        pattern: args.agent_pattern.clone(),
    };
    static STOP: AtomicBool = AtomicBool::new(false);
    if let Err(e) = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\ninterrupted: finishing the calls in progress (Ctrl-C again to quit now)");
    }) {
        eprintln!("warning: cannot catch Ctrl-C: {e}");
    }
    let asr = whisper.as_ref().map(|w| w as &dyn AudioTranscriber);
    let result = if std::io::stderr().is_terminal() {
        let multi = MultiProgress::new();
        let total = multi.add(ProgressBar::new(inputs.len() as u64));
        if let Ok(style) = ProgressStyle::with_template(
            "{bar:30} {pos}/{len} calls, {msg}, ETA {eta} [{elapsed_precise}]",
        ) {
            total.set_style(style);
        }
        total.set_message("0.00 h of audio");
        let workers = (0..jobs)
            .map(|_| {
                let bar = multi.add(ProgressBar::new_spinner());
                if let Ok(style) = ProgressStyle::with_template("  {msg}") {
                    bar.set_style(style);
                }
                bar
            })
            .collect();
        let bars = Bars {
            total,
            workers,
            audio: Mutex::new(0.0),
        };
        let result = run_batch(&inputs, &rubric, &agents, asr, &settings, &bars, &STOP);
        let _ = multi.clear();
        result
    } else {
        run_batch(&inputs, &rubric, &agents, asr, &settings, &Lines, &STOP)
    };
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(exit::USAGE);
        }
    };
    print!("{}", summary.render(&args.store.display().to_string()));
    if args.timings {
        eprint!("{}", summary.render_timings(jobs));
    }
    let mut code = ExitCode::from(exit::OK);
    if let Some(dir) = &args.reports {
        let filter = RecordFilter {
            rubric_sha256: Some(rubric.sha256.clone()),
            ..RecordFilter::default()
        };
        match super::report::load_records(&args.store, &filter) {
            Ok(records) => {
                code = super::report::write_and_tell(&records, &ReportOptions::new(dir));
            }
            Err(e) => {
                eprintln!(
                    "error: cannot read {} for reports: {e}",
                    args.store.display()
                );
                code = ExitCode::from(exit::FAILURE);
            }
        }
    }
    if summary.any_failed() || unreadable > 0 || summary.interrupted {
        ExitCode::from(exit::FAILURE)
    } else {
        code
    }
}
