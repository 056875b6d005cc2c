//! `callqa score`: score transcript files against a rubric.

use super::convert::ImportArgs;
use super::{exit, load_rubric, parse_var, write_output};
use crate::output::{ScoreFormat, render_scorecards};
use crate::scoring::score;
use crate::transcript::load_file_with;
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Table,
    Json,
    Jsonl,
    Csv,
}

impl From<FormatArg> for ScoreFormat {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Table => ScoreFormat::Table,
            FormatArg::Json => ScoreFormat::Json,
            FormatArg::Jsonl => ScoreFormat::Jsonl,
            FormatArg::Csv => ScoreFormat::Csv,
        }
    }
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Transcript files (callqa, turns, whisper.cpp or Amazon Transcribe JSON, WebVTT, SRT, or
    /// `Agent:`/`Customer:` text), or folders of them.
    #[arg(required = true, value_name = "TRANSCRIPTS")]
    pub inputs: Vec<PathBuf>,
    /// Rubric file (TOML); the built-in default rubric when omitted.
    #[arg(long, value_name = "FILE")]
    pub rubric: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: FormatArg,
    /// Write the output to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Define or override a rubric variable, e.g. `--var company=Acme` (repeat for more; `|` separates alternatives).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, Vec<String>)>,
    #[command(flatten)]
    pub import: ImportArgs,
}

pub fn run(args: ScoreArgs) -> ExitCode {
    let rubric = match load_rubric(args.rubric.as_deref(), &args.vars) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let files = super::expand_inputs(&args.inputs, &["json", "txt", "vtt", "srt"]);
    let options = args.import.options();
    let mut failures = 0;
    let mut cards = Vec::new();
    for file in files {
        let loaded = file.and_then(|f| match load_file_with(&f, &options) {
            Ok(t) if t.segments.iter().all(|s| s.text.trim().is_empty()) => Err(format!(
                "{}: the transcript has no speech to score",
                f.display()
            )),
            Ok(t) => Ok(t),
            Err(e) => Err(e.to_string()),
        });
        match loaded {
            Ok(t) => cards.push(score(&rubric, &t)),
            Err(e) => {
                failures += 1;
                eprintln!("error: {e}");
            }
        }
    }
    let text = render_scorecards(&cards, args.format.into());
    if let Err(code) = write_output(args.output.as_deref(), &text) {
        return code;
    }
    if failures > 0 {
        eprintln!(
            "{failures} file{} could not be scored",
            if failures == 1 { "" } else { "s" }
        );
        ExitCode::from(exit::FAILURE)
    } else {
        ExitCode::from(exit::OK)
    }
}
