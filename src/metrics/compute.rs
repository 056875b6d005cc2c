//! Conversation metrics from speech intervals: talk time, non-talk (dead air), overtalk, interruptions,
//! speaking rate and longest monologue, per role for stereo calls and talk/non-talk only for mono.
//!
//! Must not depend on audio decoding, the VAD, whisper or clap: the inputs are intervals in seconds and word
//! counts, so any source of intervals (audio, transcript segment times, a test) gives the same numbers.

use super::error::{MetricsError, check_setting};
use super::intervals::{EPSILON, Interval};
use super::sentiment::SentimentSummary;
use serde::{Deserialize, Serialize};

/// Thresholds for the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricSettings {
    /// A silence of both parties counts as non-talk when it lasts at least this long (seconds).
    pub min_non_talk: f64,
    /// Starting to speak over the other party counts as an interruption when the overlap lasts at least this
    /// long (seconds).
    pub min_interruption_overlap: f64,
}

impl Default for MetricSettings {
    fn default() -> MetricSettings {
        MetricSettings {
            min_non_talk: 2.0,
            min_interruption_overlap: 0.5,
        }
    }
}

impl MetricSettings {
    /// Checks the settings read from a file: finite, non-negative thresholds.
    ///
    /// # Errors
    /// [`MetricsError::InvalidSetting`] naming the first setting out of range.
    pub fn validate(&self) -> Result<(), MetricsError> {
        check_setting("min_non_talk", self.min_non_talk, false)?;
        check_setting(
            "min_interruption_overlap",
            self.min_interruption_overlap,
            false,
        )
    }
}

/// A party to the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Agent,
    Customer,
}

/// One party starting to speak while the other was speaking.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interruption {
    /// Who interrupted.
    pub by: Role,
    /// When the interrupter started speaking (seconds).
    pub at: f64,
    /// How long both spoke from `at` until one of them stopped (seconds).
    pub overlap: f64,
}

/// Measurements of one call. Times are seconds, counts are integers. Per-role fields are `None` (JSON
/// `null`) when the recording does not separate the parties (`per_role: false`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Length of the recording.
    pub duration: f64,
    /// Time at least one party speaks.
    pub talk_total: f64,
    pub agent_talk: Option<f64>,
    pub customer_talk: Option<f64>,
    /// Agent talk ÷ (agent talk + customer talk); `None` when nobody speaks.
    pub talk_ratio: Option<f64>,
    /// Total length of the non-talk spans.
    pub non_talk_total: f64,
    /// Length of the longest non-talk span, 0 when there is none.
    pub non_talk_max: f64,
    pub non_talk_count: u32,
    /// Silences of both parties at least `min_non_talk` long, including leading and trailing silence.
    pub non_talk_spans: Vec<Interval>,
    /// Time both parties speak at once.
    pub overtalk: Option<f64>,
    pub overtalk_spans: Vec<Interval>,
    pub interruptions_by_agent: Option<u32>,
    pub interruptions_by_customer: Option<u32>,
    /// Every interruption by either party, in time order.
    pub interruptions: Vec<Interruption>,
    /// Words per minute of the agent's talk time; `None` without word counts or talk.
    pub agent_wpm: Option<f64>,
    pub customer_wpm: Option<f64>,
    /// Longest single speech interval of the agent.
    pub agent_longest_monologue: Option<f64>,
    pub agent_longest_monologue_span: Option<Interval>,
    pub customer_longest_monologue: Option<f64>,
    pub customer_longest_monologue_span: Option<Interval>,
    #[serde(flatten)]
    pub sentiment: SentimentSummary,
    /// True when derived from transcript segment times rather than the audio.
    pub approximate: bool,
    /// False for mono recordings, where the parties cannot be told apart.
    pub per_role: bool,
}

/// Names accepted by [`Metrics::value`], equal to the JSON field names.
const METRIC_NAMES: &[&str] = &[
    "duration",
    "talk_total",
    "agent_talk",
    "customer_talk",
    "talk_ratio",
    "non_talk_total",
    "non_talk_max",
    "non_talk_count",
    "overtalk",
    "interruptions_by_agent",
    "interruptions_by_customer",
    "agent_wpm",
    "customer_wpm",
    "agent_longest_monologue",
    "customer_longest_monologue",
    "agent_sentiment_start",
    "agent_sentiment_end",
    "agent_sentiment_change",
    "customer_sentiment_start",
    "customer_sentiment_end",
    "customer_sentiment_change",
];

impl Metrics {
    /// Every numeric metric name, as used in JSON and rubric conditions.
    pub fn metric_names() -> &'static [&'static str] {
        METRIC_NAMES
    }

    /// The value of a numeric metric by its JSON name (counts as `f64`); `None` for an unknown name or a
    /// metric that is unavailable for this call.
    pub fn value(&self, name: &str) -> Option<f64> {
        let s = &self.sentiment;
        match name {
            "duration" => Some(self.duration),
            "talk_total" => Some(self.talk_total),
            "agent_talk" => self.agent_talk,
            "customer_talk" => self.customer_talk,
            "talk_ratio" => self.talk_ratio,
            "non_talk_total" => Some(self.non_talk_total),
            "non_talk_max" => Some(self.non_talk_max),
            "non_talk_count" => Some(f64::from(self.non_talk_count)),
            "overtalk" => self.overtalk,
            "interruptions_by_agent" => self.interruptions_by_agent.map(f64::from),
            "interruptions_by_customer" => self.interruptions_by_customer.map(f64::from),
            "agent_wpm" => self.agent_wpm,
            "customer_wpm" => self.customer_wpm,
            "agent_longest_monologue" => self.agent_longest_monologue,
            "customer_longest_monologue" => self.customer_longest_monologue,
            "agent_sentiment_start" => s.agent_sentiment_start,
            "agent_sentiment_end" => s.agent_sentiment_end,
            "agent_sentiment_change" => s.agent_sentiment_change,
            "customer_sentiment_start" => s.customer_sentiment_start,
            "customer_sentiment_end" => s.customer_sentiment_end,
            "customer_sentiment_change" => s.customer_sentiment_change,
            _ => None,
        }
    }

    /// The times that explain a metric's value, for verdict evidence: the longest non-talk span for
    /// `non_talk_max`, every span for `non_talk_total`, each interruption (start to end of the overlap), the
    /// overtalk spans, the longest monologue, the thirds used for sentiment. Empty when nothing applies.
    pub fn evidence_times(&self, name: &str) -> Vec<(f64, f64)> {
        let pair = |iv: &Interval| (iv.start, iv.end);
        let interruptions_by = |role: Role| {
            self.interruptions
                .iter()
                .filter(|i| i.by == role)
                .map(|i| (i.at, round_ms(i.at + i.overlap)))
                .collect()
        };
        match name {
            "non_talk_max" => self
                .non_talk_spans
                .iter()
                .max_by(|a, b| a.length().total_cmp(&b.length()))
                .map(pair)
                .into_iter()
                .collect(),
            "non_talk_total" | "non_talk_count" => self.non_talk_spans.iter().map(pair).collect(),
            "overtalk" => self.overtalk_spans.iter().map(pair).collect(),
            "interruptions_by_agent" => interruptions_by(Role::Agent),
            "interruptions_by_customer" => interruptions_by(Role::Customer),
            "agent_longest_monologue" => {
                self.agent_longest_monologue_span.iter().map(pair).collect()
            }
            "customer_longest_monologue" => self
                .customer_longest_monologue_span
                .iter()
                .map(pair)
                .collect(),
            "agent_sentiment_start" | "customer_sentiment_start" => self
                .sentiment
                .sentiment_start_window
                .iter()
                .map(pair)
                .collect(),
            "agent_sentiment_end" | "customer_sentiment_end" => self
                .sentiment
                .sentiment_end_window
                .iter()
                .map(pair)
                .collect(),
            "agent_sentiment_change" | "customer_sentiment_change" => self
                .sentiment
                .sentiment_start_window
                .iter()
                .chain(self.sentiment.sentiment_end_window.iter())
                .map(pair)
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Metrics of a stereo call from each role's speech intervals.
///
/// `words` is (agent words, customer words) from the transcript, or `None` without one (the rates are then
/// `None`). Intervals need not be sorted or disjoint; they are clipped to `[0, duration]`. A `duration` that
/// is not a finite, non-negative number is replaced by the end of the last interval.
pub fn compute_metrics(
    duration: f64,
    agent: &[Interval],
    customer: &[Interval],
    words: Option<(usize, usize)>,
    settings: &MetricSettings,
) -> Metrics {
    compute_with_other(duration, agent, customer, &[], words, settings)
}

/// Metrics of a mono recording from its speech intervals: duration, talk and non-talk; every per-role field
/// is `None` and `per_role` is false.
pub fn compute_mono_metrics(
    duration: f64,
    speech: &[Interval],
    settings: &MetricSettings,
) -> Metrics {
    let duration = effective_duration(duration, speech.iter());
    let speech = normalize(duration, speech);
    let mut metrics = empty_metrics(duration, &speech, settings);
    metrics.per_role = false;
    metrics
}

/// Per-role metrics where `other` is speech that belongs to neither role (e.g. unlabelled transcript
/// segments): it fills non-talk time but counts for nobody.
pub(crate) fn compute_with_other(
    duration: f64,
    agent: &[Interval],
    customer: &[Interval],
    other: &[Interval],
    words: Option<(usize, usize)>,
    settings: &MetricSettings,
) -> Metrics {
    let duration = effective_duration(duration, agent.iter().chain(customer).chain(other));
    let agent = normalize(duration, agent);
    let customer = normalize(duration, customer);
    let other = normalize(duration, other);
    let speech = union(&union(&agent, &customer), &other);
    let mut metrics = empty_metrics(duration, &speech, settings);

    let agent_talk = total(&agent);
    let customer_talk = total(&customer);
    let overtalk_spans = intersect(&agent, &customer);
    let mut interruptions = find_interruptions(
        Role::Agent,
        &agent,
        &customer,
        settings.min_interruption_overlap,
    );
    interruptions.extend(find_interruptions(
        Role::Customer,
        &customer,
        &agent,
        settings.min_interruption_overlap,
    ));
    interruptions.sort_by(|a, b| a.at.total_cmp(&b.at));
    let count = |role: Role| interruptions.iter().filter(|i| i.by == role).count() as u32;
    let wpm = |n: usize, talk: f64| (talk > 0.0).then(|| round_to(n as f64 / (talk / 60.0), 10.0));
    let longest = |ivs: &[Interval]| {
        ivs.iter()
            .max_by(|a, b| a.length().total_cmp(&b.length()))
            .map(|iv| round_interval(*iv))
    };
    let agent_longest = longest(&agent);
    let customer_longest = longest(&customer);

    metrics.agent_talk = Some(round_ms(agent_talk));
    metrics.customer_talk = Some(round_ms(customer_talk));
    metrics.talk_ratio = (agent_talk + customer_talk > 0.0)
        .then(|| round_to(agent_talk / (agent_talk + customer_talk), 10_000.0));
    metrics.overtalk = Some(round_ms(total(&overtalk_spans)));
    metrics.overtalk_spans = overtalk_spans.into_iter().map(round_interval).collect();
    metrics.interruptions_by_agent = Some(count(Role::Agent));
    metrics.interruptions_by_customer = Some(count(Role::Customer));
    metrics.interruptions = interruptions
        .into_iter()
        .map(|i| Interruption {
            by: i.by,
            at: round_ms(i.at),
            overlap: round_ms(i.overlap),
        })
        .collect();
    metrics.agent_wpm = words.and_then(|(a, _)| wpm(a, agent_talk));
    metrics.customer_wpm = words.and_then(|(_, c)| wpm(c, customer_talk));
    metrics.agent_longest_monologue = Some(agent_longest.map_or(0.0, |iv| round_ms(iv.length())));
    metrics.agent_longest_monologue_span = agent_longest;
    metrics.customer_longest_monologue =
        Some(customer_longest.map_or(0.0, |iv| round_ms(iv.length())));
    metrics.customer_longest_monologue_span = customer_longest;
    metrics.per_role = true;
    metrics
}

/// The metrics every recording has (duration, talk, non-talk), with per-role fields unset.
fn empty_metrics(duration: f64, speech: &[Interval], settings: &MetricSettings) -> Metrics {
    let non_talk = silences(duration, speech, settings.min_non_talk);
    Metrics {
        duration: round_ms(duration),
        talk_total: round_ms(total(speech)),
        agent_talk: None,
        customer_talk: None,
        talk_ratio: None,
        non_talk_total: round_ms(total(&non_talk)),
        non_talk_max: round_ms(non_talk.iter().map(Interval::length).fold(0.0, f64::max)),
        non_talk_count: non_talk.len() as u32,
        non_talk_spans: non_talk.into_iter().map(round_interval).collect(),
        overtalk: None,
        overtalk_spans: Vec::new(),
        interruptions_by_agent: None,
        interruptions_by_customer: None,
        interruptions: Vec::new(),
        agent_wpm: None,
        customer_wpm: None,
        agent_longest_monologue: None,
        agent_longest_monologue_span: None,
        customer_longest_monologue: None,
        customer_longest_monologue_span: None,
        sentiment: SentimentSummary::default(),
        approximate: false,
        per_role: false,
    }
}

fn effective_duration<'a>(duration: f64, intervals: impl Iterator<Item = &'a Interval>) -> f64 {
    if duration.is_finite() && duration >= 0.0 {
        duration
    } else {
        intervals
            .map(|iv| iv.end)
            .filter(|e| e.is_finite())
            .fold(0.0, f64::max)
    }
}

/// Clips to `[0, duration]`, drops empty or non-finite intervals, sorts and unions overlapping ones.
fn normalize(duration: f64, intervals: &[Interval]) -> Vec<Interval> {
    let mut clipped: Vec<Interval> = intervals
        .iter()
        .filter(|iv| iv.start.is_finite() && iv.end.is_finite())
        .map(|iv| Interval::new(iv.start.max(0.0), iv.end.min(duration)))
        .filter(|iv| iv.end > iv.start)
        .collect();
    if !clipped.is_sorted_by(|a, b| a.start <= b.start) {
        clipped.sort_by(|a, b| a.start.total_cmp(&b.start));
    }
    let mut out: Vec<Interval> = Vec::with_capacity(clipped.len());
    for iv in clipped {
        match out.last_mut() {
            Some(last) if iv.start <= last.end => last.end = last.end.max(iv.end),
            _ => out.push(iv),
        }
    }
    out
}

/// Sum of the lengths (-0.0 for none; every value shown goes through [`round_to`], which folds it to 0).
fn total(intervals: &[Interval]) -> f64 {
    intervals.iter().map(Interval::length).sum()
}

/// Union of two sorted, disjoint lists.
fn union(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let mut out: Vec<Interval> = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let next = if j >= b.len() || (i < a.len() && a[i].start <= b[j].start) {
            i += 1;
            a[i - 1]
        } else {
            j += 1;
            b[j - 1]
        };
        match out.last_mut() {
            Some(last) if next.start <= last.end => last.end = last.end.max(next.end),
            _ => out.push(next),
        }
    }
    out
}

/// Intersection of two sorted, disjoint lists.
fn intersect(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let start = a[i].start.max(b[j].start);
        let end = a[i].end.min(b[j].end);
        if end > start {
            out.push(Interval::new(start, end));
        }
        if a[i].end < b[j].end {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Gaps in sorted, disjoint `speech` within `[0, duration]` that last at least `min_len`.
fn silences(duration: f64, speech: &[Interval], min_len: f64) -> Vec<Interval> {
    let mut out = Vec::new();
    let mut cursor = 0.0;
    for iv in speech
        .iter()
        .chain(std::iter::once(&Interval::new(duration, duration)))
    {
        if iv.start - cursor >= min_len - EPSILON && iv.start > cursor {
            out.push(Interval::new(cursor, iv.start));
        }
        cursor = f64::max(cursor, iv.end);
    }
    out
}

/// Intervals of `by` that start strictly inside an interval of `other` and overlap it by at least
/// `min_overlap`. Starting at the same instant is not an interruption by either party.
fn find_interruptions(
    by: Role,
    speaker: &[Interval],
    other: &[Interval],
    min_overlap: f64,
) -> Vec<Interruption> {
    let mut out = Vec::new();
    let mut j = 0;
    for iv in speaker {
        while j < other.len() && other[j].end <= iv.start {
            j += 1;
        }
        let Some(held) = other.get(j) else { break };
        if held.start < iv.start {
            let overlap = iv.end.min(held.end) - iv.start;
            if overlap >= min_overlap - EPSILON {
                out.push(Interruption {
                    by,
                    at: iv.start,
                    overlap,
                });
            }
        }
    }
    out
}

fn round_to(x: f64, scale: f64) -> f64 {
    // `+ 0.0` turns -0 (the sum of no intervals) into 0, so JSON never shows `-0.0`.
    (x * scale).round() / scale + 0.0
}

/// Rounds to the millisecond so that JSON shows 12.34, not 12.340000000000002.
fn round_ms(x: f64) -> f64 {
    round_to(x, 1000.0)
}

fn round_interval(iv: Interval) -> Interval {
    Interval::new(round_ms(iv.start), round_ms(iv.end))
}
