//! `callqa metrics AUDIO...`: conversation metrics per recording from voice activity (Silero VAD, or the
//! energy detector when no model is found), or per transcript file from its stored metrics or, failing
//! those, its segment times (marked approximate). Bad files are reported by name while the rest continue;
//! any failure makes the exit code non-zero.
//!
//! Also holds [`MeasureArgs`], the interval and threshold flags `transcribe` shares.

use super::convert::ChannelArg;
use super::exit;
use crate::activity::SpeechDetector;
use crate::activity::energy::EnergyDetector;
use crate::activity::silero::SileroDetector;
use crate::asr::analyse::{MeasureSettings, measure};
use crate::asr::models::DEFAULT_VAD_MODEL;
use crate::asr::pipeline::{Timings, load_audio};
use crate::batch::{INPUT_EXTENSIONS, is_audio};
use crate::metrics::{ActivitySettings, MetricSettings, metrics_from_transcript};
use crate::output::{MeasuredCall, metrics_json, metrics_table};
use crate::transcript::{AgentChannel, ImportOptions, file_call_id, load_file_with};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// How voice activity becomes speech intervals, and the metric thresholds (seconds).
#[derive(Debug, Clone, Args)]
pub struct MeasureArgs {
    /// Silences shorter than this inside one party's speech are bridged.
    #[arg(long, default_value_t = 0.5, value_name = "SECONDS")]
    pub min_gap: f64,
    /// Speech shorter than this (after bridging) is dropped as a click or noise.
    #[arg(long, default_value_t = 0.1, value_name = "SECONDS")]
    pub min_burst: f64,
    /// Silences of both parties count as non-talk from this length on.
    #[arg(long, default_value_t = 2.0, value_name = "SECONDS")]
    pub min_non_talk: f64,
    /// Speaking over the other party counts as an interruption from this much overlap on.
    #[arg(long, default_value_t = 0.5, value_name = "SECONDS")]
    pub min_overlap: f64,
}

impl MeasureArgs {
    /// The settings, checked.
    pub fn settings(&self) -> Result<MeasureSettings, String> {
        let settings = MeasureSettings {
            activity: ActivitySettings {
                merge_gap: self.min_gap,
                min_burst: self.min_burst,
                ..ActivitySettings::default()
            },
            metrics: MetricSettings {
                min_non_talk: self.min_non_talk,
                min_interruption_overlap: self.min_overlap,
            },
        };
        let flag = |e: crate::metrics::MetricsError| {
            e.to_string()
                .replace("`merge_gap`", "--min-gap")
                .replace("`min_burst`", "--min-burst")
                .replace("`min_non_talk`", "--min-non-talk")
                .replace("`min_interruption_overlap`", "--min-overlap")
                .replace("setting ", "")
        };
        settings.activity.validate().map_err(flag)?;
        settings.metrics.validate().map_err(flag)?;
        Ok(settings)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MetricsFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// Recordings (WAV incl. G.711, MP3, FLAC, OGG) or timed transcripts, or folders of them.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Stereo channel the agent speaks on.
    #[arg(long, value_enum, default_value = "left")]
    pub agent_channel: ChannelArg,
    /// Silero VAD model file (else CALLQA_VAD_MODEL, else the models directory; else the energy detector).
    #[arg(long)]
    pub vad_model: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: MetricsFormat,
    #[command(flatten)]
    pub measure: MeasureArgs,
}

/// Loads the detector on first use, so transcript-only runs never need a VAD model.
struct Detector {
    path: Option<PathBuf>,
    loaded: Option<Box<dyn SpeechDetector>>,
}

impl Detector {
    fn get(&mut self) -> Result<&mut dyn SpeechDetector, String> {
        if self.loaded.is_none() {
            let d: Box<dyn SpeechDetector> = match &self.path {
                // One file at a time, so Silero shares its reading among all the cores.
                Some(p) => Box::new(
                    SileroDetector::load_for(p, super::cores()).map_err(|e| e.to_string())?,
                ),
                None => {
                    eprintln!(
                        "note: no VAD model found; using the energy detector (run `callqa models download {DEFAULT_VAD_MODEL}` for Silero VAD)"
                    );
                    Box::new(EnergyDetector::default())
                }
            };
            self.loaded = Some(d);
        }
        match self.loaded.as_deref_mut() {
            Some(d) => Ok(d),
            None => Err("no speech detector".into()),
        }
    }
}

fn measure_file(
    path: &Path,
    args: &MetricsArgs,
    settings: &MeasureSettings,
    detector: &mut Detector,
) -> Result<MeasuredCall, String> {
    let file = path.display().to_string();
    let agent: AgentChannel = args.agent_channel.into();
    if is_audio(path) {
        let mut timings = Timings::default();
        let audio = load_audio(path, &mut timings).map_err(|e| e.to_string())?;
        let det = detector.get()?;
        let (metrics, activity) = measure(&audio, Some(det), agent, &file, settings, &mut timings)
            .map_err(|e| e.to_string())?;
        Ok(MeasuredCall {
            call_id: file_call_id(path),
            file,
            source: "audio",
            detector: Some(activity.detector),
            metrics,
        })
    } else {
        let options = ImportOptions {
            agent_channel: agent,
            agent_speaker: None,
        };
        let t = load_file_with(path, &options).map_err(|e| e.to_string())?;
        let metrics = match t.metrics.clone() {
            Some(m) => m,
            None => metrics_from_transcript(&t, &settings.activity, &settings.metrics)
                .map_err(|e| format!("{file}: {e}"))?,
        };
        Ok(MeasuredCall {
            call_id: t.call_id,
            file,
            source: "transcript",
            detector: None,
            metrics,
        })
    }
}

pub fn run(args: &MetricsArgs) -> ExitCode {
    let settings = match args.measure.settings() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(exit::USAGE);
        }
    };
    let vad_path = super::transcribe::vad_model(args.vad_model.as_deref());
    if let Some(p) = &vad_path
        && !p.is_file()
    {
        eprintln!("error: VAD model {} does not exist", p.display());
        return ExitCode::from(exit::USAGE);
    }
    let mut detector = Detector {
        path: vad_path,
        loaded: None,
    };
    let mut calls = Vec::new();
    let mut failures = 0usize;
    for file in super::expand_inputs(&args.inputs, INPUT_EXTENSIONS) {
        match file.and_then(|f| measure_file(&f, args, &settings, &mut detector)) {
            Ok(call) => calls.push(call),
            Err(e) => {
                failures += 1;
                eprintln!("error: {e}");
            }
        }
    }
    let text = match args.format {
        MetricsFormat::Table => metrics_table(&calls),
        MetricsFormat::Json => metrics_json(&calls),
    };
    if let Err(code) = super::write_output(None, &text) {
        return code;
    }
    if failures > 0 {
        eprintln!(
            "{failures} file{} could not be measured",
            if failures == 1 { "" } else { "s" }
        );
        ExitCode::from(exit::FAILURE)
    } else {
        ExitCode::from(exit::OK)
    }
}
