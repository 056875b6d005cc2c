//! One recording file to a measured transcript, as `callqa transcribe` and `callqa run` both do it: the
//! transcript cache first, else decode → voice activity once per channel → whisper → metrics
//! ([`analyse::transcribe_and_measure`]), with the provenance stamped and the result cached. The whisper
//! model is loaded on first use and shared by every worker; each worker brings its own speech detector.
//!
//! Must not depend on clap, environment variables or default paths: callers resolve every path.

use super::AsrSettings;
use super::analyse::{self, MeasureSettings, Origin};
use super::cache::{self, TranscriptCache};
use super::pipeline::{self, Packing, Timings};
use super::whisper::WhisperTranscriber;
use crate::activity::SpeechDetector;
use crate::activity::energy::EnergyDetector;
use crate::activity::silero::SileroDetector;
use crate::transcript::{AgentChannel, Transcript};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Everything that decides a recording's transcript, shared by all workers of a process.
pub struct RecordingTranscriber {
    /// The model as the user named it (recorded in provenance), its file and SHA-1.
    pub model_name: String,
    pub model_path: PathBuf,
    pub model_sha1: String,
    pub settings: AsrSettings,
    pub packing: Packing,
    pub measure: MeasureSettings,
    pub cache: Option<TranscriptCache>,
    transcriber: OnceLock<Result<WhisperTranscriber, String>>,
}

impl std::fmt::Debug for RecordingTranscriber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordingTranscriber")
            .field("model_path", &self.model_path)
            .finish_non_exhaustive()
    }
}

/// One recording done.
#[derive(Debug, Clone)]
pub struct Recording {
    /// The transcript, with the metrics measured from the recording in its `metrics`.
    pub transcript: Transcript,
    /// Time per stage (all zero when it came from the cache).
    pub timings: Timings,
    pub cached: bool,
}

/// A speech detector for one worker with `threads` threads: Silero from `vad_model` when given and
/// loadable (sharing its reading among `threads` threads), else the energy detector. The
/// warning, when Silero could not be loaded, is returned for the caller to show.
pub fn speech_detector(
    vad_model: Option<&Path>,
    threads: usize,
) -> (Box<dyn SpeechDetector + Send>, Option<String>) {
    match vad_model {
        Some(p) => match SileroDetector::load_for(p, threads) {
            Ok(d) => (Box::new(d), None),
            Err(e) => (
                Box::new(EnergyDetector::default()),
                Some(format!("{e}; using the energy detector")),
            ),
        },
        None => (Box::new(EnergyDetector::default()), None),
    }
}

/// Version of what the pipeline does with the same audio and settings: voice activity, stitching,
/// chunking, metrics. Part of the cache key; raise it with any change to their output, so transcripts
/// cached by earlier code are not served. 2: chunks of at most 30 s; 3: Silero skips quiet stretches;
/// 4: Silero pads what it reads by 128 ms, not 0.5 s, and a buffer's chunks share one whisper state.
const PIPELINE_VERSION: u32 = 4;

impl RecordingTranscriber {
    pub fn new(
        model_name: String,
        model_path: PathBuf,
        model_sha1: String,
        settings: AsrSettings,
        cache: Option<TranscriptCache>,
    ) -> RecordingTranscriber {
        RecordingTranscriber {
            model_name,
            model_path,
            model_sha1,
            settings,
            packing: Packing::default(),
            measure: MeasureSettings::default(),
            cache,
            transcriber: OnceLock::new(),
        }
    }

    /// The settings part of the cache key: everything besides the audio and the model that changes the
    /// transcript or its metrics.
    fn settings_key(&self, vad: &str, agent: AgentChannel) -> String {
        serde_json::json!({
            "language": self.settings.language,
            "beam_size": self.settings.beam_size,
            "prompt": self.settings.prompt,
            "word_timestamps": self.settings.word_timestamps,
            "agent_channel": format!("{agent:?}"),
            "vad": vad,
            "metrics": format!("{:?}", self.measure),
            "packing": format!("{:?}", self.packing),
            "pipeline": PIPELINE_VERSION,
        })
        .to_string()
    }

    /// Transcribes and measures the recording at `path`, whose blake3 content hash (hex) is
    /// `content_hash`, or takes it from the cache. The transcript's call id is `call_id`.
    ///
    /// # Errors
    /// A message naming the file: undecodable audio, a model that cannot load, a whisper failure.
    pub fn transcribe(
        &self,
        path: &Path,
        call_id: &str,
        content_hash: &str,
        agent: AgentChannel,
        detector: &mut dyn SpeechDetector,
    ) -> Result<Recording, String> {
        let key = cache::key(
            content_hash,
            &self.model_sha1,
            &self.settings_key(detector.name(), agent),
        );
        if let Some(mut transcript) = self.cache.as_ref().and_then(|c| c.get(&key)) {
            transcript.call_id = call_id.to_string();
            return Ok(Recording {
                transcript,
                timings: Timings::default(),
                cached: true,
            });
        }
        let mut timings = Timings::default();
        let audio = pipeline::load_audio(path, &mut timings).map_err(|e| e.to_string())?;
        let transcriber = self
            .transcriber
            .get_or_init(|| WhisperTranscriber::load(&self.model_path).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(Clone::clone)?;
        let label = path.display().to_string();
        let vad = detector.name();
        let mut transcript = analyse::transcribe_and_measure(
            &audio,
            Some(detector),
            transcriber,
            &self.settings,
            self.packing,
            agent,
            call_id,
            &label,
            &self.measure,
            &mut timings,
        )
        .map_err(|e| e.to_string())?;
        analyse::stamp_provenance(
            &mut transcript,
            &Origin {
                source: &label,
                audio_hash: content_hash,
                model: &self.model_name,
                model_sha1: &self.model_sha1,
                vad,
                agent,
            },
            &self.settings,
        );
        if let Some(c) = &self.cache
            && let Err(e) = c.put(&key, &transcript)
        {
            eprintln!("warning: cannot write the transcript cache: {e}");
        }
        Ok(Recording {
            transcript,
            timings,
            cached: false,
        })
    }
}
