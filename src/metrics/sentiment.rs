//! Lexicon-based sentiment (VADER, via the `vader_sentiment` crate) per transcript segment, summarised per
//! role for the first and the last third of the call.
//!
//! Must not depend on audio, whisper or clap: it reads only transcript text and segment times.

use super::intervals::Interval;
use crate::transcript::{Speaker, Transcript};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;
use vader_sentiment::SentimentIntensityAnalyzer;

static ANALYZER: LazyLock<SentimentIntensityAnalyzer<'static>> =
    LazyLock::new(SentimentIntensityAnalyzer::new);

/// Mean VADER compound scores (−1 very negative … +1 very positive) per role for the first and last third of
/// the call. A field is `None` when the role says nothing in that third.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SentimentSummary {
    pub agent_sentiment_start: Option<f64>,
    pub agent_sentiment_end: Option<f64>,
    /// End minus start.
    pub agent_sentiment_change: Option<f64>,
    pub customer_sentiment_start: Option<f64>,
    pub customer_sentiment_end: Option<f64>,
    /// End minus start: positive when the customer ends happier than they began.
    pub customer_sentiment_change: Option<f64>,
    /// The first third in seconds, for timed transcripts.
    pub sentiment_start_window: Option<Interval>,
    /// The last third in seconds, for timed transcripts.
    pub sentiment_end_window: Option<Interval>,
}

/// VADER compound score of one piece of text, in −1..=1; 0 for text without sentiment words.
pub fn segment_sentiment(text: &str) -> f64 {
    ANALYZER
        .polarity_scores(text)
        .get("compound")
        .copied()
        .unwrap_or(0.0)
}

/// Sentiment per role for the first and last third of the call.
///
/// Timed transcripts are split by time: a segment belongs to the third that holds its midpoint, the call
/// running from 0 to the transcript's duration (or the last segment end). Untimed transcripts are split by
/// segment position. Segments with empty text and segments of unknown speakers are ignored.
pub fn sentiment_by_thirds(transcript: &Transcript) -> SentimentSummary {
    let segments = &transcript.segments;
    let n = segments.len();
    let timed = transcript.is_timed();
    let length = if timed {
        let last_end = segments
            .iter()
            .filter_map(|s| s.end)
            .filter(|e| e.is_finite())
            .fold(0.0, f64::max);
        transcript
            .duration
            .filter(|d| d.is_finite() && *d > 0.0)
            .unwrap_or(last_end)
    } else {
        n as f64
    };
    let third = length / 3.0;

    let mut sums = [[Mean::default(); 2]; 2];
    for (i, segment) in segments.iter().enumerate() {
        let role = match segment.speaker {
            Speaker::Agent => 0,
            Speaker::Customer => 1,
            Speaker::Unknown => continue,
        };
        if segment.text.trim().is_empty() {
            continue;
        }
        let position = match (timed, segment.start, segment.end) {
            (true, Some(s), Some(e)) => (s + e) / 2.0,
            _ => i as f64 + 0.5,
        };
        let part = if position < third {
            0
        } else if position >= length - third {
            1
        } else {
            continue;
        };
        sums[role][part].add(segment_sentiment(&segment.text));
    }

    let [agent, customer] = sums.map(|[start, end]| (start.mean(), end.mean()));
    let change = |(start, end): (Option<f64>, Option<f64>)| match (start, end) {
        (Some(s), Some(e)) => Some(round4(round4(e) - round4(s))),
        _ => None,
    };
    SentimentSummary {
        agent_sentiment_start: agent.0.map(round4),
        agent_sentiment_end: agent.1.map(round4),
        agent_sentiment_change: change(agent),
        customer_sentiment_start: customer.0.map(round4),
        customer_sentiment_end: customer.1.map(round4),
        customer_sentiment_change: change(customer),
        sentiment_start_window: (timed && length > 0.0)
            .then(|| Interval::new(0.0, round_ms(third))),
        sentiment_end_window: (timed && length > 0.0)
            .then(|| Interval::new(round_ms(length - third), round_ms(length))),
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Mean {
    sum: f64,
    count: u32,
}

impl Mean {
    fn add(&mut self, x: f64) {
        self.sum += x;
        self.count += 1;
    }

    fn mean(self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / f64::from(self.count))
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn round_ms(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::Segment;

    fn seg(start: Option<f64>, end: Option<f64>, speaker: Speaker, text: &str) -> Segment {
        Segment {
            start,
            end,
            speaker,
            channel: None,
            text: text.to_string(),
            words: None,
        }
    }

    fn transcript(segments: Vec<Segment>) -> Transcript {
        let mut t = Transcript::new("t");
        t.segments = segments;
        t
    }

    #[test]
    fn polarity_of_clear_phrases() {
        assert!(segment_sentiment("This is terrible, I am furious and very angry.") < -0.5);
        assert!(
            segment_sentiment("Thank you so much, that is great, I really appreciate it!") > 0.5
        );
        assert_eq!(
            segment_sentiment("the reference is four four two nine"),
            0.0
        );
        assert_eq!(segment_sentiment(""), 0.0);
    }

    #[test]
    fn customer_who_ends_happier_has_a_positive_change() {
        let t = transcript(vec![
            seg(
                Some(0.0),
                Some(5.0),
                Speaker::Customer,
                "This is terrible, I am furious.",
            ),
            seg(
                Some(5.0),
                Some(10.0),
                Speaker::Agent,
                "I am sorry to hear that.",
            ),
            seg(
                Some(12.0),
                Some(18.0),
                Speaker::Agent,
                "Let me check the order.",
            ),
            seg(Some(21.0), Some(25.0), Speaker::Agent, "It is fixed now."),
            seg(
                Some(25.0),
                Some(30.0),
                Speaker::Customer,
                "Great, thank you so much, that is wonderful!",
            ),
        ]);
        let s = sentiment_by_thirds(&t);
        let start = s
            .customer_sentiment_start
            .expect("customer speaks in the first third");
        let end = s
            .customer_sentiment_end
            .expect("customer speaks in the last third");
        assert!(start < -0.5, "{start}");
        assert!(end > 0.5, "{end}");
        assert_eq!(s.customer_sentiment_change, Some(round4(end - start)));
        assert_eq!(s.customer_sentiment_start, Some(round4(start)));
        assert!(s.customer_sentiment_change.is_some_and(|c| c > 1.0));
        assert_eq!(s.sentiment_start_window, Some(Interval::new(0.0, 10.0)));
        assert_eq!(s.sentiment_end_window, Some(Interval::new(20.0, 30.0)));
        // Agent: "sorry" (midpoint 7.5, first third) and "fixed" (midpoint 23, last third); 15 is the middle.
        assert!(s.agent_sentiment_start.is_some());
        assert!(s.agent_sentiment_end.is_some());
    }

    #[test]
    fn middle_third_is_ignored_and_missing_roles_are_none() {
        let t = transcript(vec![
            seg(Some(0.0), Some(1.0), Speaker::Agent, "hello"),
            seg(
                Some(1.0),
                Some(2.0),
                Speaker::Customer,
                "I hate this awful service",
            ),
            seg(Some(2.0), Some(3.0), Speaker::Agent, "goodbye"),
        ]);
        let s = sentiment_by_thirds(&t);
        assert_eq!(s.customer_sentiment_start, None);
        assert_eq!(s.customer_sentiment_end, None);
        assert_eq!(s.customer_sentiment_change, None);
    }

    #[test]
    fn untimed_transcripts_split_by_position() {
        let t = transcript(vec![
            seg(None, None, Speaker::Customer, "I am really upset and angry"),
            seg(None, None, Speaker::Agent, "okay"),
            seg(
                None,
                None,
                Speaker::Customer,
                "Perfect, thanks, you were very helpful",
            ),
        ]);
        let s = sentiment_by_thirds(&t);
        assert!(s.customer_sentiment_start.is_some_and(|v| v < 0.0));
        assert!(s.customer_sentiment_end.is_some_and(|v| v > 0.0));
        assert!(s.customer_sentiment_change.is_some_and(|v| v > 0.0));
        assert_eq!(s.agent_sentiment_start, None);
        assert_eq!(s.sentiment_start_window, None);
    }

    #[test]
    fn odd_text_scores_within_range() {
        for text in [
            "a",
            "!!!???",
            "not",
            "kind of",
            "but",
            "at least very good",
            "NOT GOOD at ALL but fine",
            "😠 😀 👨🏿‍🎓",
            "ça va très bien, merci",
            "never so this without doubt good",
            "   \t\n ",
        ] {
            let score = segment_sentiment(text);
            assert!((-1.0..=1.0).contains(&score), "{text}: {score}");
        }
        assert!(segment_sentiment("I am not happy") < 0.0);
    }

    #[test]
    fn empty_transcript_gives_no_scores() {
        assert_eq!(
            sentiment_by_thirds(&transcript(vec![])),
            SentimentSummary::default()
        );
    }
}
