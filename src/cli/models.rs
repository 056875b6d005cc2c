//! `callqa models list|download|path`, and the model lookups the other commands share: the models
//! directory (`CALLQA_MODELS_DIR` or `~/.cache/callqa/models`), the download location override
//! (`CALLQA_MODELS_URL`) and the progress bar shown while downloading.
//!
//! Must not depend on whisper or audio decoding; the registry and downloader live in `asr::models`.

use super::exit;
use crate::asr::models::{self, KNOWN_MODELS, KnownModel, ModelError, ModelKind};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ModelsArgs {
    #[command(subcommand)]
    pub command: ModelsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// List the known whisper models and the VAD model, with size, SHA-1 and whether installed.
    List,
    /// Download a model into the models directory and check its SHA-1.
    Download { name: String },
    /// Print where a model lives (exit code 1 when it is not there yet).
    Path { name: String },
}

/// The models directory: `CALLQA_MODELS_DIR`, else the user's cache directory + `callqa/models`.
pub fn models_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CALLQA_MODELS_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("", "", "callqa").map_or_else(
        || PathBuf::from(".callqa").join("models"),
        |d| d.cache_dir().join("models"),
    )
}

/// Download location override (a mirror, or a local server in tests).
fn base_url() -> Option<String> {
    std::env::var("CALLQA_MODELS_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// Downloads `model` into the models directory, with a progress bar on a terminal.
pub fn download(model: &KnownModel) -> Result<PathBuf, ModelError> {
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(format!("downloading {}", model.name));
        bar
    } else {
        ProgressBar::hidden()
    };
    let result = models::download(
        model,
        &models_dir(),
        base_url().as_deref(),
        &mut |done, total| {
            if let Some(total) = total {
                bar.set_length(total);
            }
            bar.set_position(done);
        },
    );
    bar.finish_and_clear();
    result
}

pub fn run(args: ModelsArgs) -> u8 {
    let dir = models_dir();
    match args.command {
        ModelsCommand::List => {
            println!(
                "{:<16} {:<8} {:>8}  {:<40}  installed",
                "name", "kind", "size", "sha1"
            );
            for m in KNOWN_MODELS {
                let kind = match m.kind {
                    ModelKind::Whisper => "whisper",
                    ModelKind::Vad => "vad",
                };
                let installed = if m.path_in(&dir).is_file() {
                    "yes"
                } else {
                    "no"
                };
                println!(
                    "{:<16} {:<8} {:>8}  {:<40}  {installed}",
                    m.name, kind, m.size, m.sha1
                );
            }
            println!("models directory: {}", dir.display());
            exit::OK
        }
        ModelsCommand::Download { name } => {
            let Some(model) = models::find(&name) else {
                eprintln!("error: {}", ModelError::Unknown(name));
                return exit::USAGE;
            };
            match download(model) {
                Ok(path) => {
                    println!("{}", path.display());
                    exit::OK
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    exit::FAILURE
                }
            }
        }
        ModelsCommand::Path { name } => {
            let Some(model) = models::find(&name) else {
                eprintln!("error: {}", ModelError::Unknown(name));
                return exit::USAGE;
            };
            let path = model.path_in(&dir);
            println!("{}", path.display());
            if path.is_file() {
                exit::OK
            } else {
                eprintln!(
                    "note: not downloaded yet; run `callqa models download {}`",
                    model.name
                );
                exit::FAILURE
            }
        }
    }
}
