//! Metric conditions: where a call's metrics come from, how a value is held to its bounds, and the
//! `measure` evidence that explains the verdict ("non_talk_max 74.2 s > 60 s at 02:13–03:27").
//!
//! Reads only the metrics model and the transcript; must not depend on whisper, audio or clap.

use super::engine::format_time;
use super::scorecard::{Evidence, EvidenceKind};
use crate::metrics::{Metrics, transcript_metrics};
use crate::rubric::MetricCondition;
use crate::transcript::Transcript;
use std::borrow::Cow;

/// At most this many spans are written out in a measure's note (all of them stay in `times`).
const MAX_TIMES_IN_NOTE: usize = 3;

/// The metrics a call is scored with, or why there are none.
#[derive(Debug)]
pub(crate) enum CallMetrics<'a> {
    /// Nothing needs metrics and none were given.
    NotNeeded,
    /// Given by the caller or carried by the transcript.
    Given(&'a Metrics),
    /// Derived from the transcript's segment times.
    Derived(Box<Metrics>),
    /// The rubric reads metrics but the call has none: the reason, for N/A evidence.
    Unavailable(String),
}

impl<'a> CallMetrics<'a> {
    /// Metrics given by the caller win, then the transcript's own (measured from the audio); a rubric
    /// that reads metrics otherwise gets them from the segment times (approximate). Rubrics without
    /// metric conditions pay nothing unless metrics were supplied.
    pub(crate) fn resolve(
        uses_metrics: bool,
        transcript: &'a Transcript,
        given: Option<&'a Metrics>,
    ) -> CallMetrics<'a> {
        if let Some(m) = given {
            return CallMetrics::Given(m);
        }
        if !uses_metrics && transcript.metrics.is_none() {
            return CallMetrics::NotNeeded;
        }
        match transcript_metrics(transcript) {
            Ok(Cow::Borrowed(m)) => CallMetrics::Given(m),
            Ok(Cow::Owned(m)) => CallMetrics::Derived(Box::new(m)),
            Err(e) => CallMetrics::Unavailable(e.to_string()),
        }
    }

    /// The metrics for the scorecard.
    pub(crate) fn into_owned(self) -> Option<Metrics> {
        match self {
            CallMetrics::Given(m) => Some(m.clone()),
            CallMetrics::Derived(m) => Some(*m),
            _ => None,
        }
    }
}

/// A metric value held to a condition's bounds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Measured {
    pub metric: &'static str,
    pub value: f64,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub times: Vec<[f64; 2]>,
    pub approximate: bool,
}

/// The outcome of one metric condition.
pub(crate) enum MetricVerdict {
    Measured {
        holds: bool,
        measured: Measured,
    },
    /// The metric cannot be read for this call: why.
    Unknown(String),
}

/// Holds the call's value of `c.metric` to its bounds (inclusive). A value that is missing or not a
/// number cannot be judged.
pub(crate) fn evaluate(c: &MetricCondition, metrics: &CallMetrics) -> MetricVerdict {
    let m: &Metrics = match metrics {
        CallMetrics::Given(m) => m,
        CallMetrics::Derived(m) => m,
        CallMetrics::Unavailable(why) => return MetricVerdict::Unknown(why.clone()),
        CallMetrics::NotNeeded => {
            return MetricVerdict::Unknown("no conversation metrics for this call".into());
        }
    };
    let value = match m.value(c.metric) {
        None => return MetricVerdict::Unknown(unavailable_reason(m, c.metric)),
        Some(v) if v.is_nan() => {
            return MetricVerdict::Unknown(format!("{} is not a number for this call", c.metric));
        }
        Some(v) => v,
    };
    let holds = c.min.is_none_or(|lo| value >= lo) && c.max.is_none_or(|hi| value <= hi);
    MetricVerdict::Measured {
        holds,
        measured: Measured {
            metric: c.metric,
            value,
            min: c.min,
            max: c.max,
            times: m
                .evidence_times(c.metric)
                .into_iter()
                .map(|(s, e)| [s, e])
                .collect(),
            approximate: m.approximate,
        },
    }
}

fn is_per_role(metric: &str) -> bool {
    metric.starts_with("agent_")
        || metric.starts_with("customer_")
        || metric.starts_with("interruptions_")
        || metric == "talk_ratio"
        || metric == "overtalk"
}

/// Why a metric has no value for this call, in words.
fn unavailable_reason(m: &Metrics, metric: &str) -> String {
    if !m.per_role && is_per_role(metric) {
        return format!(
            "{metric} is unavailable: the recording is mono, so agent and customer speech cannot be told apart"
        );
    }
    let role = if metric.starts_with("agent_") {
        "agent"
    } else {
        "customer"
    };
    if metric == "talk_ratio" {
        format!("{metric} is unavailable: nobody speaks in the call")
    } else if metric.ends_with("_wpm") {
        format!("{metric} is unavailable: the {role} has no talk time or no words")
    } else if metric.ends_with("_sentiment_start") {
        format!("{metric} is unavailable: the {role} says nothing in the first third of the call")
    } else if metric.ends_with("_sentiment_end") {
        format!("{metric} is unavailable: the {role} says nothing in the last third of the call")
    } else if metric.ends_with("_sentiment_change") {
        format!(
            "{metric} is unavailable: the {role} says nothing in the first or the last third of the call"
        )
    } else {
        format!("{metric} is unavailable for this call")
    }
}

/// How a metric's values read: seconds, words per minute, a count or a plain number.
fn format_value(metric: &str, x: f64) -> String {
    if metric.ends_with("_wpm") {
        format!("{} wpm", trimmed(x, 1))
    } else if metric.ends_with("_count") || metric.starts_with("interruptions_") {
        trimmed(x, 2)
    } else if metric == "talk_ratio" || metric.contains("_sentiment_") {
        trimmed(x, 4)
    } else {
        format!("{} s", trimmed(x, 2))
    }
}

/// `x` with at most `decimals` decimals and no trailing zeros.
fn trimmed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    if s == "-0" { "0".into() } else { s.to_string() }
}

impl Measured {
    /// "talk_ratio 0.72 > 0.65", "non_talk_max 12.5 s ≤ 60 s at 01:02–01:14", with the source when
    /// approximate.
    pub(crate) fn note(&self) -> String {
        let v = |x: f64| format_value(self.metric, x);
        let value = v(self.value);
        let comparison = match (self.min, self.max) {
            (Some(lo), _) if self.value < lo => format!("{value} < {}", v(lo)),
            (_, Some(hi)) if self.value > hi => format!("{value} > {}", v(hi)),
            (Some(lo), Some(hi)) => format!("{value} is within {}–{}", v(lo), v(hi)),
            (Some(lo), None) => format!("{value} ≥ {}", v(lo)),
            (None, Some(hi)) => format!("{value} ≤ {}", v(hi)),
            (None, None) => value,
        };
        let mut note = format!("{} {comparison}", self.metric);
        if !self.times.is_empty() {
            let shown: Vec<String> = self
                .times
                .iter()
                .take(MAX_TIMES_IN_NOTE)
                .map(|[s, e]| format!("{}–{}", format_time(*s), format_time(*e)))
                .collect();
            note.push_str(" at ");
            note.push_str(&shown.join(", "));
            if self.times.len() > MAX_TIMES_IN_NOTE {
                note.push_str(&format!(
                    " (+{} more)",
                    self.times.len() - MAX_TIMES_IN_NOTE
                ));
            }
        }
        if self.approximate {
            note.push_str(" (approximate: from transcript segment times)");
        }
        note
    }

    pub(crate) fn evidence(&self) -> Evidence {
        let mut e = Evidence::note(EvidenceKind::Measure, self.note());
        e.metric = Some(self.metric.to_string());
        e.value = Some(self.value);
        e.min = self.min;
        e.max = self.max;
        e.times = self.times.clone();
        e.approximate = self.approximate;
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_in_their_units() {
        assert_eq!(format_value("non_talk_max", 74.2), "74.2 s");
        assert_eq!(format_value("non_talk_max", 60.0), "60 s");
        assert_eq!(format_value("agent_wpm", 152.04), "152 wpm");
        assert_eq!(format_value("interruptions_by_agent", 2.0), "2");
        assert_eq!(format_value("talk_ratio", 0.71234), "0.7123");
        assert_eq!(format_value("customer_sentiment_change", -0.0), "0");
        assert_eq!(format_value("customer_sentiment_change", -0.00001), "0");
    }
}
