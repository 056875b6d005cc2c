//! Conversation metrics: speech intervals from voice activity, talk/non-talk/overtalk/interruption/rate
//! measurements, the same from transcript segment times, and lexicon sentiment by thirds of the call.
//!
//! Must not depend on audio decoding, the VAD model, whisper or clap: everything here takes plain data
//! (frame flags, intervals, transcripts) and returns plain serde data.
//!
//! From a recording: each channel's activity → [`intervals_from_frames`] or [`clean_spans`] →
//! [`compute_metrics`] (stereo, with [`word_counts`] of the transcript when there is one) or
//! [`compute_mono_metrics`]; then set `metrics.sentiment = sentiment_by_thirds(&transcript)`. From a timed
//! transcript alone: [`metrics_from_transcript`], which does all of that from segment times and marks the
//! result approximate. Rubric conditions read [`Metrics::value`] and [`Metrics::evidence_times`].

mod compute;
mod error;
mod from_transcript;
mod intervals;
mod sentiment;

pub use compute::{
    Interruption, MetricSettings, Metrics, Role, compute_metrics, compute_mono_metrics,
};
pub use error::MetricsError;
pub use from_transcript::{metrics_from_transcript, transcript_metrics, word_counts};
pub use intervals::{
    ActivitySettings, Interval, clean_spans, intervals_from_frames, intervals_from_probabilities,
};
pub use sentiment::{SentimentSummary, segment_sentiment, sentiment_by_thirds};
