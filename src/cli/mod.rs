//! Command-line interface: the only module that knows clap, environment variables and default paths.

pub mod models;
pub mod transcribe;

use clap::{Parser, Subcommand};
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
    /// Transcribe recordings locally with whisper.cpp into speaker-labelled transcripts.
    Transcribe(transcribe::TranscribeArgs),
    /// List, download and locate whisper and VAD models.
    Models(models::ModelsArgs),
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Transcribe(args) => ExitCode::from(transcribe::run(args)),
        Command::Models(args) => ExitCode::from(models::run(args)),
    }
}
