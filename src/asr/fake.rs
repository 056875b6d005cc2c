//! A fake transcriber that returns known segments, so the pipeline (stitching, mapping, merging,
//! hallucination dropping) can be tested without whisper weights.
//!
//! Must not depend on whisper or audio decoding.

use super::{AsrError, AsrSettings, RawSegment, Transcriber};
use std::sync::Mutex;

/// Returns the next scripted answer on every call and records the length of each buffer it was given.
#[derive(Debug, Default)]
pub struct FakeTranscriber {
    answers: Mutex<Vec<Vec<RawSegment>>>,
    calls: Mutex<Vec<usize>>,
}

impl FakeTranscriber {
    /// A fake answering the calls in order with `answers` (further calls get no segments).
    pub fn new(answers: Vec<Vec<RawSegment>>) -> FakeTranscriber {
        let mut answers = answers;
        answers.reverse();
        FakeTranscriber {
            answers: Mutex::new(answers),
            calls: Mutex::new(Vec::new()),
        }
    }

    /// Sample counts of the buffers transcribed so far, in call order.
    pub fn calls(&self) -> Vec<usize> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }
}

/// Shorthand for a segment without words.
pub fn seg(start: f64, end: f64, text: &str) -> RawSegment {
    RawSegment {
        start,
        end,
        text: text.to_string(),
        words: None,
    }
}

impl Transcriber for FakeTranscriber {
    fn transcribe(
        &self,
        samples: &[f32],
        _settings: &AsrSettings,
    ) -> Result<Vec<RawSegment>, AsrError> {
        self.calls
            .lock()
            .map_err(|_| AsrError::Run("fake transcriber poisoned".into()))?
            .push(samples.len());
        let mut answers = self
            .answers
            .lock()
            .map_err(|_| AsrError::Run("fake transcriber poisoned".into()))?;
        Ok(answers.pop().unwrap_or_default())
    }
}
