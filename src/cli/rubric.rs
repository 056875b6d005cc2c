//! `callqa rubric`: work with rubric files (`lint`).

use super::exit;
use crate::rubric::load_rubric_file;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct RubricArgs {
    #[command(subcommand)]
    pub command: RubricCommand,
}

#[derive(Debug, Subcommand)]
pub enum RubricCommand {
    /// Check rubric files and report every problem with file:line:col.
    Lint(LintArgs),
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Rubric files to check.
    #[arg(required = true, value_name = "FILES")]
    pub files: Vec<PathBuf>,
}

pub fn run(args: RubricArgs) -> ExitCode {
    match args.command {
        RubricCommand::Lint(a) => lint(a),
    }
}

fn lint(args: LintArgs) -> ExitCode {
    let mut errors = 0;
    for file in &args.files {
        match load_rubric_file(file) {
            Ok(r) => println!(
                "{}: ok: rubric {} {} ({} sections, {} criteria)",
                file.display(),
                r.name,
                r.version,
                r.sections.len(),
                r.criteria.len()
            ),
            Err(d) => {
                errors += d.0.len();
                print!("{d}");
            }
        }
    }
    if errors > 0 {
        println!("{errors} error{} found", if errors == 1 { "" } else { "s" });
        ExitCode::from(exit::FAILURE)
    } else {
        ExitCode::from(exit::OK)
    }
}
