//! `callqa run` as a library: every input (recording or transcript) → content hash → shard → agent →
//! skip, re-score from the store, or transcribe → metrics → score → one transaction in the store.
//! Workers share one [`AudioTranscriber`]; one writer thread owns the store connection; a stop flag
//! (Ctrl-C) ends the batch between calls.
//!
//! Must not depend on clap, terminals or whisper directly: recordings go through the
//! [`AudioTranscriber`] trait (whisper in [`whisper`], a fake in tests) and progress through
//! [`Observer`].

pub mod agents;
mod call;
pub mod shard;
pub mod summary;
pub mod whisper;

use crate::rubric::Rubric;
use crate::store::{CallOrigin, Failure, RunInfo, Store, StoreError};
use crate::transcript::{AgentChannel, ImportOptions, Transcript};
use agents::{AgentPattern, Manifest};
use shard::Shard;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};
pub use summary::Summary;

/// File extensions read as recordings; every other input is read as a transcript.
pub const AUDIO_EXTENSIONS: &[&str] = &["wav", "mp3", "flac", "ogg", "oga"];
/// File extensions a folder is searched for.
pub const INPUT_EXTENSIONS: &[&str] = &[
    "wav", "mp3", "flac", "ogg", "oga", "json", "txt", "vtt", "srt",
];

/// True when `path` is read as a recording.
pub fn is_audio(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// A recording turned into a transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcribed {
    /// The transcript, with the metrics measured from the recording's voice activity in its `metrics`.
    pub transcript: Transcript,
    /// Time spent inside whisper.
    pub whisper: Duration,
}

/// Turns recordings into transcripts; shared by all workers.
pub trait AudioTranscriber: Sync {
    /// The model name and its checksum: a stored transcript made with another checksum is redone.
    fn model(&self) -> (String, String);
    /// Transcribes one recording.
    ///
    /// # Errors
    /// A message naming the file: undecodable audio, a model that cannot load, a whisper failure.
    fn transcribe(
        &self,
        path: &Path,
        call_id: &str,
        content_hash: &str,
        agent: AgentChannel,
    ) -> Result<Transcribed, String>;
}

/// Where agent information comes from, in order: the manifest, the file-name pattern, the transcript.
#[derive(Debug, Clone, Default)]
pub struct AgentSources {
    pub manifest: Option<Manifest>,
    pub pattern: Option<AgentPattern>,
}

/// Everything a batch runs with.
#[derive(Debug, Clone)]
pub struct BatchSettings {
    pub store: PathBuf,
    pub jobs: usize,
    pub shard: Option<Shard>,
    pub retry_failed: bool,
    pub import: ImportOptions,
    /// Extra settings recorded in the `runs` table.
    pub settings_json: serde_json::Value,
}

/// What happened to one input.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Scored {
        source: String,
        call_id: String,
        score: f64,
        passed: bool,
        assigned: bool,
        audio_seconds: f64,
        /// True when the stored transcript was re-scored (no ASR, no parsing).
        rescored: bool,
    },
    /// Already scored with this rubric and model.
    Done {
        source: String,
    },
    /// Failed in an earlier run with the same content; `--retry-failed` retries it.
    FailedBefore {
        source: String,
        reason: String,
    },
    Failed {
        source: String,
        reason: String,
    },
    OtherShard,
}

/// Hears about progress; called from worker threads and the writer thread.
pub trait Observer: Sync {
    /// A worker took `path`.
    fn started(&self, worker: usize, path: &Path);
    /// An input is finished (and, when scored, committed to the store).
    fn finished(&self, worker: usize, outcome: &Outcome);
}

enum Message {
    Store(Box<crate::record::CallRecord>, CallOrigin, Outcome),
    Fail(Failure, Outcome),
    Note(Outcome),
}

/// The order inputs are taken in: recordings first, longest (largest file) first, then transcripts in
/// the given order. Workers then finish together instead of one being left with a long recording at the
/// end (longest-processing-time-first scheduling).
fn work_order(inputs: &[PathBuf]) -> Vec<usize> {
    let mut order: Vec<(usize, Option<u64>)> = inputs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let size = is_audio(p).then(|| std::fs::metadata(p).map_or(0, |m| m.len()));
            (i, size)
        })
        .collect();
    // Stable: equal keys keep the given order.
    order.sort_by_key(|&(_, size)| std::cmp::Reverse(size));
    order.into_iter().map(|(i, _)| i).collect()
}

/// Runs a batch over `inputs` (files, already expanded), scoring with `rubric` into the store.
/// Stops taking new inputs once `stop` is set.
///
/// # Errors
/// The store cannot be opened or the run recorded. Failures of single inputs are in the summary.
pub fn run_batch(
    inputs: &[PathBuf],
    rubric: &Rubric,
    agents: &AgentSources,
    asr: Option<&dyn AudioTranscriber>,
    settings: &BatchSettings,
    observer: &dyn Observer,
    stop: &AtomicBool,
) -> Result<Summary, StoreError> {
    let wall = Instant::now();
    let mut store = Store::open(&settings.store)?;
    let run_id = store.begin_run(&RunInfo {
        rubric_sha256: rubric.sha256.clone(),
        rubric_name: rubric.name.clone(),
        rubric_version: rubric.version.clone(),
        model: asr.map(|a| a.model().0),
        settings: settings.settings_json.to_string(),
    })?;
    let jobs = settings.jobs.clamp(1, inputs.len().max(1));
    // Each worker reads the store through its own connection, opened here so that a store that cannot
    // be read fails the run instead of leaving every input unstarted.
    let readers = (0..jobs)
        .map(|_| Store::open_existing(&settings.store))
        .collect::<Result<Vec<_>, _>>()?;
    let order = work_order(inputs);
    let next = AtomicUsize::new(0);
    let claimed: Mutex<HashMap<String, String>> = Mutex::new(HashMap::new());
    let whisper_time = Mutex::new(Duration::ZERO);
    let (tx, rx) = mpsc::channel::<(usize, Message)>();
    let summary = std::thread::scope(|scope| {
        let writer = scope.spawn(move || {
            let mut summary = Summary::default();
            for (worker, message) in rx {
                let outcome = match message {
                    Message::Store(record, origin, outcome) => {
                        match store.put_call(run_id, &record, &origin) {
                            Ok(()) => outcome,
                            Err(e) => Outcome::Failed {
                                source: record.source.clone().unwrap_or_default(),
                                reason: e.to_string(),
                            },
                        }
                    }
                    Message::Fail(failure, outcome) => {
                        if let Err(e) = store.put_failure(run_id, &failure) {
                            eprintln!("warning: {e}");
                        }
                        outcome
                    }
                    Message::Note(outcome) => outcome,
                };
                summary.add(&outcome);
                observer.finished(worker, &outcome);
            }
            summary
        });
        for (worker, reader) in readers.into_iter().enumerate() {
            let tx = tx.clone();
            let (next, claimed, whisper_time, order) = (&next, &claimed, &whisper_time, &order);
            scope.spawn(move || {
                let cx = call::Context {
                    rubric,
                    agents,
                    asr,
                    settings,
                    reader: &reader,
                    claimed,
                };
                while !stop.load(Ordering::SeqCst) {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(path) = order.get(i).map(|&k| &inputs[k]) else {
                        break;
                    };
                    observer.started(worker, path);
                    let (message, whisper) = cx.process(path);
                    if let Ok(mut w) = whisper_time.lock() {
                        *w += whisper;
                    }
                    if tx.send((worker, message)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        writer.join().unwrap_or_default()
    });
    let mut summary = summary;
    summary.inputs = inputs.len();
    summary.not_started = inputs
        .len()
        .saturating_sub(next.load(Ordering::SeqCst).min(inputs.len()));
    summary.interrupted = stop.load(Ordering::SeqCst);
    summary.wall = wall.elapsed();
    summary.whisper = whisper_time.into_inner().unwrap_or_default();
    summary.run_id = run_id;
    Ok(summary)
}

#[cfg(test)]
mod tests;
