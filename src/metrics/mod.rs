//! Conversation metrics: speech intervals from voice activity, talk/non-talk/overtalk/interruption/rate
//! measurements, the same from transcript segment times, and lexicon sentiment by thirds of the call.
//!
//! Must not depend on audio decoding, the VAD model, whisper or clap: everything here takes plain data
//! (frame flags, intervals, transcripts) and returns plain serde data.

mod compute;
mod from_transcript;
mod intervals;
mod sentiment;

pub use compute::{
    Interruption, MetricSettings, Metrics, Role, compute_metrics, compute_mono_metrics,
};
pub use from_transcript::{MetricsError, metrics_from_transcript, word_counts};
pub use intervals::{
    ActivitySettings, Interval, clean_spans, intervals_from_frames, intervals_from_probabilities,
};
pub use sentiment::{SentimentSummary, segment_sentiment, sentiment_by_thirds};
