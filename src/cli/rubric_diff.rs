//! `callqa rubric diff OLD NEW TRANSCRIPTS...`: the impact of a rubric change on past calls,
//! scored from transcript files (no ASR).

use super::{exit, write_output};
use crate::check::diff::{diff, render_json, render_markdown, render_table};
use crate::rubric::{Rubric, load_rubric_file};
use crate::scoring::{RubricRef, score};
use crate::transcript::load_file;
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    Table,
    Json,
    Md,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The rubric as it is now.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The changed rubric.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Transcript files or folders of them to score with both rubrics.
    #[arg(required = true, value_name = "TRANSCRIPTS")]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: DiffFormat,
    /// Write the output to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn rubric_ref(r: &Rubric) -> RubricRef {
    RubricRef {
        name: r.name.clone(),
        version: r.version.clone(),
        sha256: r.sha256.clone(),
    }
}

pub fn run(args: DiffArgs) -> ExitCode {
    let (old, new) = match (load_rubric_file(&args.old), load_rubric_file(&args.new)) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            for d in [o.err(), n.err()].into_iter().flatten() {
                eprint!("{d}");
            }
            return ExitCode::from(exit::USAGE);
        }
    };
    let mut old_cards = Vec::new();
    let mut new_cards = Vec::new();
    let mut unreadable = 0;
    for file in super::expand_inputs(&args.inputs, &["json", "txt", "vtt", "srt"]) {
        match file.and_then(|f| load_file(&f).map_err(|e| e.to_string())) {
            Ok(t) => {
                old_cards.push(score(&old, &t));
                new_cards.push(score(&new, &t));
            }
            Err(e) => {
                unreadable += 1;
                eprintln!("error: {e}");
            }
        }
    }
    let report = diff(rubric_ref(&old), rubric_ref(&new), &old_cards, &new_cards);
    let text = match args.format {
        DiffFormat::Table => render_table(&report),
        DiffFormat::Json => render_json(&report),
        DiffFormat::Md => render_markdown(&report),
    };
    if let Err(code) = write_output(args.output.as_deref(), &text) {
        return code;
    }
    if unreadable > 0 {
        eprintln!(
            "{unreadable} file{} could not be scored",
            if unreadable == 1 { "" } else { "s" }
        );
        ExitCode::from(exit::FAILURE)
    } else {
        ExitCode::from(exit::OK)
    }
}
