//! The real [`AudioTranscriber`]: [`RecordingTranscriber`] (one whisper model shared by every worker, the
//! transcript cache) behind the batch's trait, with a pool of speech detectors (Silero or energy) that
//! workers borrow one call at a time. This is the one call site of the ASR pipeline in a batch.
//!
//! Must not depend on clap or environment variables: the CLI resolves paths and settings.

use super::{AudioTranscriber, Transcribed};
use crate::activity::SpeechDetector;
use crate::asr::recording::{RecordingTranscriber, speech_detector};
use crate::transcript::AgentChannel;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Whisper behind [`AudioTranscriber`].
pub struct WhisperAudio {
    pub recording: RecordingTranscriber,
    pub vad_path: Option<PathBuf>,
    detectors: Mutex<Vec<Box<dyn SpeechDetector + Send>>>,
}

impl std::fmt::Debug for WhisperAudio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WhisperAudio")
            .field("recording", &self.recording)
            .field("vad_path", &self.vad_path)
            .finish_non_exhaustive()
    }
}

impl WhisperAudio {
    pub fn new(recording: RecordingTranscriber, vad_path: Option<PathBuf>) -> WhisperAudio {
        WhisperAudio {
            recording,
            vad_path,
            detectors: Mutex::new(Vec::new()),
        }
    }

    fn detector(&self) -> Box<dyn SpeechDetector + Send> {
        if let Some(d) = self.detectors.lock().ok().and_then(|mut d| d.pop()) {
            return d;
        }
        let (detector, warning) =
            speech_detector(self.vad_path.as_deref(), self.recording.settings.threads);
        if let Some(w) = warning {
            eprintln!("warning: {w}");
        }
        detector
    }
}

impl AudioTranscriber for WhisperAudio {
    fn model(&self) -> (String, String) {
        (
            self.recording.model_name.clone(),
            self.recording.model_sha1.clone(),
        )
    }

    fn transcribe(
        &self,
        path: &Path,
        call_id: &str,
        content_hash: &str,
        agent: AgentChannel,
    ) -> Result<Transcribed, String> {
        let mut detector = self.detector();
        let result =
            self.recording
                .transcribe(path, call_id, content_hash, agent, detector.as_mut());
        if let Ok(mut pool) = self.detectors.lock() {
            pool.push(detector);
        }
        result.map(|r| Transcribed {
            transcript: r.transcript,
            whisper: r.timings.whisper,
        })
    }
}
