//! `callqa convert IN --to vtt|srt|txt|json [--output FILE]`: read a transcript in any format
//! callqa understands and write it in another.
//!
//! Also holds [`ImportArgs`], the `--agent-channel`/`--agent-speaker` flags every command that reads
//! transcripts flattens in. Only the CLI knows clap; the library gets plain [`ImportOptions`].

use super::exit;
use crate::transcript::export::{self, ExportFormat};
use crate::transcript::{AgentChannel, ImportOptions, load_file_with};
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// How imported channels and diarized speakers map to agent and customer.
#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// Which stereo channel is the agent; also applies to Transcribe ch_0/ch_1 and whisper speakers 0/1.
    #[arg(long, value_enum, default_value_t = ChannelArg::Left)]
    pub agent_channel: ChannelArg,
    /// The diarization label of the agent in diarized inputs (e.g. spk_0); other labels are the customer.
    #[arg(long, value_name = "LABEL")]
    pub agent_speaker: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChannelArg {
    Left,
    Right,
}

impl From<ChannelArg> for AgentChannel {
    fn from(c: ChannelArg) -> Self {
        match c {
            ChannelArg::Left => AgentChannel::Left,
            ChannelArg::Right => AgentChannel::Right,
        }
    }
}

impl ImportArgs {
    pub fn options(&self) -> ImportOptions {
        ImportOptions {
            agent_channel: self.agent_channel.into(),
            agent_speaker: self.agent_speaker.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ToArg {
    Json,
    Vtt,
    Srt,
    Txt,
}

impl From<ToArg> for ExportFormat {
    fn from(a: ToArg) -> Self {
        match a {
            ToArg::Json => ExportFormat::Json,
            ToArg::Vtt => ExportFormat::Vtt,
            ToArg::Srt => ExportFormat::Srt,
            ToArg::Txt => ExportFormat::Txt,
        }
    }
}

/// Arguments of `callqa convert`.
#[derive(Debug, Clone, Args)]
pub struct ConvertArgs {
    /// Transcript to read: callqa or turns JSON, text, WebVTT, SRT, whisper-cli JSON, Amazon Transcribe or Call Analytics JSON.
    pub input: PathBuf,
    /// Form to write.
    #[arg(long, value_enum)]
    pub to: ToArg,
    /// File to write; standard output when absent.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub import: ImportArgs,
}

/// Runs `callqa convert`.
pub fn run(args: &ConvertArgs) -> ExitCode {
    match convert(args) {
        Ok(()) => ExitCode::from(exit::OK),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(exit::FAILURE)
        }
    }
}

fn convert(args: &ConvertArgs) -> Result<(), String> {
    let transcript =
        load_file_with(&args.input, &args.import.options()).map_err(|e| e.to_string())?;
    let format = ExportFormat::from(args.to);
    if format.needs_times() {
        if let Some(i) = transcript
            .segments
            .iter()
            .position(|s| s.start.is_none() || s.end.is_none())
        {
            return Err(format!(
                "{}: cannot write {format}: segment {} has no start and end times (write json or txt instead)",
                args.input.display(),
                i + 1
            ));
        }
    }
    let text = export::render(&transcript, format);
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| format!("{}: cannot write file: {e}", path.display())),
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(|e| format!("cannot write to standard output: {e}")),
    }
}
