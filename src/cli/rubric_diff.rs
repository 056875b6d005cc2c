//! `callqa rubric diff OLD NEW [TRANSCRIPTS...] [--store PATH]`: the impact of a rubric change on past
//! calls, scored from transcript files and/or the transcripts in a results store (no ASR).

use super::{exit, write_output};
use crate::check::diff::{diff, render_json, render_markdown, render_table};
use crate::rubric::{Rubric, load_rubric_file};
use crate::scoring::{RubricRef, score};
use crate::store::Store;
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
    #[arg(value_name = "TRANSCRIPTS", required_unless_present = "store")]
    pub inputs: Vec<PathBuf>,
    /// Also score every call stored in this results store (see `callqa run`).
    #[arg(long, value_name = "PATH")]
    pub store: Option<PathBuf>,
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
    if let Some(path) = &args.store {
        match Store::open_existing(path).and_then(|s| s.scored_transcripts()) {
            Ok(stored) => {
                for (agent_id, mut t) in stored {
                    if agent_id.is_some() {
                        t.agent_id = agent_id;
                    }
                    old_cards.push(score(&old, &t));
                    new_cards.push(score(&new, &t));
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(exit::USAGE);
            }
        }
    }
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
