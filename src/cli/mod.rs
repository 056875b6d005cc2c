//! Command-line interface: the only module that knows clap, environment variables and default paths.
//!
//! Each subcommand lives in its own file and turns arguments into explicit settings for the
//! library stages below it.

mod check;
pub mod convert;
mod merge;
pub mod metrics;
mod report;
mod rubric;
mod rubric_diff;
mod run;
mod score;

use crate::rubric::{Rubric, load_rubric_file_with};
pub mod models;
pub mod transcribe;

use clap::{Parser, Subcommand};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit codes, documented in the README.
pub mod exit {
    /// Everything succeeded.
    pub const OK: u8 = 0;
    /// Some input failed (a file could not be scored, a check mismatched, lint found errors).
    pub const FAILURE: u8 = 1;
    /// The command could not run at all (bad arguments, invalid rubric or configuration).
    pub const USAGE: u8 = 2;
}

#[derive(Debug, Parser)]
#[command(
    name = "callqa",
    version,
    about = "Local, offline contact-center quality assurance"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a transcript in another form (json, vtt, srt, txt).
    Convert(convert::ConvertArgs),
    /// Score transcripts against a rubric.
    Score(score::ScoreArgs),
    /// Run rubric regression suites, or measure agreement with human labels.
    Check(check::CheckArgs),
    /// Work with rubric files.
    Rubric(rubric::RubricArgs),
    /// Transcribe recordings locally with whisper.cpp into speaker-labelled transcripts.
    Transcribe(transcribe::TranscribeArgs),
    /// List, download and locate whisper and VAD models.
    Models(models::ModelsArgs),
    /// Conversation metrics (talk, non-talk, overtalk, interruptions) of recordings or timed transcripts.
    Metrics(metrics::MetricsArgs),
    /// Transcribe, measure and score folders of recordings and transcripts into the results store.
    Run(run::RunArgs),
    /// Merge results stores (e.g. one per shard) into one.
    Merge(merge::MergeArgs),
    /// Write coaching reports (HTML, Markdown, JSON, CSV) from the results store.
    Report(report::ReportArgs),
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Convert(a) => convert::run(&a),
        Command::Score(a) => score::run(a),
        Command::Rubric(a) => rubric::run(a),
        Command::Check(a) => check::run(a),
        Command::Transcribe(args) => ExitCode::from(transcribe::run(args)),
        Command::Models(args) => ExitCode::from(models::run(args)),
        Command::Metrics(a) => metrics::run(&a),
        Command::Run(args) => run::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Report(args) => report::run(args),
    }
}

/// Parses `NAME=VALUE` (with `|` between alternative values) for `--var`.
fn parse_var(s: &str) -> Result<(String, Vec<String>), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=VALUE, found `{s}`"))?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("`{name}` is not a variable name"));
    }
    let values = value
        .split('|')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    Ok((name.to_string(), values))
}

/// Loads the rubric named on the command line, or the built-in default; prints diagnostics and
/// returns the usage exit code when it is invalid.
fn load_rubric(path: Option<&Path>, vars: &[(String, Vec<String>)]) -> Result<Rubric, ExitCode> {
    let overrides: BTreeMap<String, Vec<String>> = vars.iter().cloned().collect();
    let result = match path {
        Some(p) => load_rubric_file_with(p, &overrides),
        None => Rubric::builtin_default_with(&overrides),
    };
    result.map_err(|d| {
        eprint!("{d}");
        ExitCode::from(exit::USAGE)
    })
}

/// The cores this process may use (1 when that cannot be told): the default for jobs × threads.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Expands folders into the files below them with one of `extensions`, sorted; files named
/// directly are kept whatever their extension. Unreadable folders become errors in place.
fn expand_inputs(inputs: &[PathBuf], extensions: &[&str]) -> Vec<Result<PathBuf, String>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found = Vec::new();
            let mut stack = vec![input.clone()];
            while let Some(dir) = stack.pop() {
                match std::fs::read_dir(&dir) {
                    Ok(entries) => {
                        for entry in entries.flatten() {
                            let p = entry.path();
                            if p.is_dir() {
                                stack.push(p);
                            } else if p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                                extensions.contains(&e.to_ascii_lowercase().as_str())
                            }) {
                                found.push(p);
                            }
                        }
                    }
                    Err(e) => out.push(Err(format!("{}: cannot read folder: {e}", dir.display()))),
                }
            }
            found.sort();
            out.extend(found.into_iter().map(Ok));
        } else {
            out.push(Ok(input.clone()));
        }
    }
    out
}

/// Writes command output to a file or standard output.
fn write_output(path: Option<&Path>, text: &str) -> Result<(), ExitCode> {
    match path {
        Some(p) => std::fs::write(p, text).map_err(|e| {
            eprintln!("error: {}: cannot write output: {e}", p.display());
            ExitCode::from(exit::USAGE)
        }),
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => {
                    eprintln!("error: cannot write output: {e}");
                    Err(ExitCode::from(exit::USAGE))
                }
            }
        }
    }
}
