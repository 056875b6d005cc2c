//! The real [`AudioTranscriber`]: one whisper model loaded on first use and shared by every worker
//! (each whisper run has its own state), a pool of speech detectors (Silero or energy), and the
//! transcript cache. This is the one call site of the ASR pipeline in a batch.
//!
//! Must not depend on clap or environment variables: the CLI resolves paths and settings.

use super::{AudioTranscriber, Transcribed};
use crate::activity::SpeechDetector;
use crate::activity::energy::EnergyDetector;
use crate::activity::silero::SileroDetector;
use crate::asr::AsrSettings;
use crate::asr::analyse::{self, MeasureSettings};
use crate::asr::cache::{self, TranscriptCache};
use crate::asr::pipeline::{self, Packing, Timings};
use crate::asr::whisper::WhisperTranscriber;
use crate::transcript::AgentChannel;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Whisper behind [`AudioTranscriber`].
pub struct WhisperAudio {
    pub model_name: String,
    pub model_path: PathBuf,
    pub model_sha1: String,
    pub vad_path: Option<PathBuf>,
    pub settings: AsrSettings,
    pub cache: Option<TranscriptCache>,
    transcriber: OnceLock<Result<WhisperTranscriber, String>>,
    detectors: Mutex<Vec<Box<dyn SpeechDetector + Send>>>,
}

impl std::fmt::Debug for WhisperAudio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WhisperAudio")
            .field("model_path", &self.model_path)
            .finish_non_exhaustive()
    }
}

impl WhisperAudio {
    pub fn new(
        model_name: String,
        model_path: PathBuf,
        model_sha1: String,
        vad_path: Option<PathBuf>,
        settings: AsrSettings,
        cache: Option<TranscriptCache>,
    ) -> WhisperAudio {
        WhisperAudio {
            model_name,
            model_path,
            model_sha1,
            vad_path,
            settings,
            cache,
            transcriber: OnceLock::new(),
            detectors: Mutex::new(Vec::new()),
        }
    }

    fn detector(&self) -> Box<dyn SpeechDetector + Send> {
        if let Some(d) = self.detectors.lock().ok().and_then(|mut d| d.pop()) {
            return d;
        }
        match &self.vad_path {
            Some(p) => match SileroDetector::load(p) {
                Ok(d) => Box::new(d),
                Err(e) => {
                    eprintln!("warning: {e}; using the energy detector");
                    Box::new(EnergyDetector::default())
                }
            },
            None => Box::new(EnergyDetector::default()),
        }
    }

    fn settings_key(&self, vad: &str, agent: AgentChannel) -> String {
        serde_json::json!({
            "language": self.settings.language,
            "beam_size": self.settings.beam_size,
            "prompt": self.settings.prompt,
            "word_timestamps": self.settings.word_timestamps,
            "agent_channel": format!("{agent:?}"),
            "vad": vad,
        })
        .to_string()
    }
}

impl AudioTranscriber for WhisperAudio {
    fn model(&self) -> (String, String) {
        (self.model_name.clone(), self.model_sha1.clone())
    }

    fn transcribe(
        &self,
        path: &Path,
        call_id: &str,
        content_hash: &str,
        agent: AgentChannel,
    ) -> Result<Transcribed, String> {
        let mut detector = self.detector();
        let result = self.transcribe_with(path, call_id, content_hash, agent, detector.as_mut());
        if let Ok(mut pool) = self.detectors.lock() {
            pool.push(detector);
        }
        result
    }
}

impl WhisperAudio {
    fn transcribe_with(
        &self,
        path: &Path,
        call_id: &str,
        content_hash: &str,
        agent: AgentChannel,
        detector: &mut (dyn SpeechDetector + Send),
    ) -> Result<Transcribed, String> {
        let key = cache::key(
            content_hash,
            &self.model_sha1,
            &self.settings_key(detector.name(), agent),
        );
        if let Some(mut t) = self.cache.as_ref().and_then(|c| c.get(&key)) {
            t.call_id = call_id.to_string();
            return Ok(Transcribed {
                transcript: t,
                whisper: std::time::Duration::ZERO,
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
        let (mut t, _) = analyse::transcribe_and_measure(
            &audio,
            Some(detector),
            transcriber,
            &self.settings,
            Packing::PerChannel,
            agent,
            call_id,
            &label,
            &MeasureSettings::default(),
            &mut timings,
        )
        .map_err(|e| e.to_string())?;
        analyse::stamp_provenance(
            &mut t,
            &analyse::Origin {
                source: &label,
                audio_hash: content_hash,
                model: &self.model_name,
                model_sha1: &self.model_sha1,
                vad: detector.name(),
                agent,
            },
            &self.settings,
        );
        if let Some(c) = &self.cache
            && let Err(e) = c.put(&key, &t)
        {
            eprintln!("warning: cannot write the transcript cache: {e}");
        }
        Ok(Transcribed {
            transcript: t,
            whisper: timings.whisper,
            cached: false,
        })
    }
}
