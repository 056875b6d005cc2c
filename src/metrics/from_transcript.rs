//! Conversation metrics from a timed transcript's segment times instead of the audio, marked approximate
//! because segment boundaries include pauses the recognizer did not split on.
//!
//! Must not depend on audio decoding, the VAD, whisper or clap: it reads only the transcript model.

use super::compute::{MetricSettings, Metrics, compute_mono_metrics, compute_with_other};
use super::error::MetricsError;
use super::intervals::{ActivitySettings, clean_spans};
use super::sentiment::sentiment_by_thirds;
use crate::transcript::{Segment, Speaker, Transcript};
use std::borrow::Cow;

/// A transcript's metrics: those it carries (measured from its recording), else derived from its segment
/// times with the default settings (approximate).
///
/// # Errors
/// As [`metrics_from_transcript`], for a transcript that carries none and has no times.
pub fn transcript_metrics(transcript: &Transcript) -> Result<Cow<'_, Metrics>, MetricsError> {
    match &transcript.metrics {
        Some(m) => Ok(Cow::Borrowed(m)),
        None => metrics_from_transcript(
            transcript,
            &ActivitySettings::default(),
            &MetricSettings::default(),
        )
        .map(Cow::Owned),
    }
}

/// Metrics from segment times: agent and customer segments become each role's speech intervals (cleaned with
/// the same gap and burst rules as voice activity), words are counted from the text, sentiment is added, and
/// the result is marked `approximate`.
///
/// The duration is the transcript's, or the last segment end when absent. Segments of unknown speakers fill
/// non-talk time but count for nobody; a transcript whose segments are all of unknown speakers gives mono
/// metrics (`per_role: false`).
///
/// # Errors
/// [`MetricsError::Untimed`] when any segment lacks a start or end time, or there are no segments: such a
/// transcript says nothing about when anyone spoke.
pub fn metrics_from_transcript(
    transcript: &Transcript,
    activity: &ActivitySettings,
    settings: &MetricSettings,
) -> Result<Metrics, MetricsError> {
    if !transcript.is_timed() {
        return Err(MetricsError::Untimed {
            call_id: transcript.call_id.clone(),
        });
    }
    let spans_of = |speaker: Speaker| {
        let spans: Vec<(f64, f64)> = transcript
            .segments
            .iter()
            .filter(|s| s.speaker == speaker)
            .filter_map(|s| Some((s.start?, s.end?)))
            .collect();
        clean_spans(&spans, activity)
    };
    let agent = spans_of(Speaker::Agent);
    let customer = spans_of(Speaker::Customer);
    let other = spans_of(Speaker::Unknown);
    let duration = transcript
        .duration
        .filter(|d| d.is_finite() && *d >= 0.0)
        .unwrap_or_else(|| {
            transcript
                .segments
                .iter()
                .filter_map(|s| s.end)
                .filter(|e| e.is_finite())
                .fold(0.0, f64::max)
        });
    let has_roles = transcript
        .segments
        .iter()
        .any(|s| s.speaker != Speaker::Unknown);

    let mut metrics = if has_roles {
        compute_with_other(
            duration,
            &agent,
            &customer,
            &other,
            Some(word_counts(transcript)),
            settings,
        )
    } else {
        compute_mono_metrics(duration, &other, settings)
    };
    metrics.sentiment = sentiment_by_thirds(transcript);
    metrics.approximate = true;
    Ok(metrics)
}

/// Words spoken by (agent, customer): the recognizer's word list when a segment has one, otherwise the
/// whitespace-separated tokens of its text that contain a letter or digit.
pub fn word_counts(transcript: &Transcript) -> (usize, usize) {
    let count = |speaker: Speaker| -> usize {
        transcript
            .segments
            .iter()
            .filter(|s| s.speaker == speaker)
            .map(segment_words)
            .sum()
    };
    (count(Speaker::Agent), count(Speaker::Customer))
}

fn segment_words(segment: &Segment) -> usize {
    match &segment.words {
        Some(words) => words.len(),
        None => segment
            .text
            .split_whitespace()
            .filter(|t| t.chars().any(char::is_alphanumeric))
            .count(),
    }
}
