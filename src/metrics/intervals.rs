//! Speech intervals from voice activity: per-frame flags or probabilities, or raw spans from a VAD, become
//! sorted, disjoint intervals in seconds with short gaps merged and short bursts dropped.
//!
//! Must not depend on audio decoding, the VAD model, whisper or clap: the input is plain data, so the same
//! rules apply to Silero output, the energy fallback and hand-written test cases.

use super::error::{MetricsError, check_setting};
use serde::{Deserialize, Serialize};

/// Slack for comparing durations built from frame counts, so that 50 frames of 10 ms count as exactly 0.5 s
/// despite floating-point rounding.
pub(crate) const EPSILON: f64 = 1e-9;

/// A stretch of time in seconds from the start of the recording, `start <= end`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub start: f64,
    pub end: f64,
}

impl Interval {
    pub fn new(start: f64, end: f64) -> Interval {
        Interval { start, end }
    }

    /// Length in seconds.
    pub fn length(&self) -> f64 {
        self.end - self.start
    }
}

/// How voice activity becomes speech intervals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ActivitySettings {
    /// Length of one activity frame in seconds.
    pub frame_seconds: f64,
    /// Silences shorter than this (seconds) inside one party's speech are bridged.
    pub merge_gap: f64,
    /// Speech shorter than this (seconds), after bridging, is dropped as a click or noise.
    pub min_burst: f64,
}

impl Default for ActivitySettings {
    fn default() -> ActivitySettings {
        ActivitySettings {
            frame_seconds: 0.01,
            merge_gap: 0.5,
            min_burst: 0.1,
        }
    }
}

impl ActivitySettings {
    /// Checks the settings read from a file: a positive frame length, non-negative thresholds.
    ///
    /// # Errors
    /// [`MetricsError::InvalidSetting`] naming the first setting out of range.
    pub fn validate(&self) -> Result<(), MetricsError> {
        check_setting("frame_seconds", self.frame_seconds, true)?;
        check_setting("merge_gap", self.merge_gap, false)?;
        check_setting("min_burst", self.min_burst, false)
    }
}

/// Speech intervals from one flag per frame (`true` = speech).
pub fn intervals_from_frames(frames: &[bool], settings: &ActivitySettings) -> Vec<Interval> {
    runs_to_intervals(frames.iter().copied(), frames.len(), settings)
}

/// Speech intervals from one speech probability per frame; a frame is speech when its probability is at
/// least `threshold` (NaN is never speech).
pub fn intervals_from_probabilities(
    probabilities: &[f32],
    threshold: f32,
    settings: &ActivitySettings,
) -> Vec<Interval> {
    runs_to_intervals(
        probabilities.iter().map(|&p| p >= threshold),
        probabilities.len(),
        settings,
    )
}

/// Applies the same gap and burst rules to spans in seconds as produced by a VAD. The spans may be unsorted
/// or overlapping; spans that are empty, reversed or not finite are ignored and negative times clipped to 0.
pub fn clean_spans(spans: &[(f64, f64)], settings: &ActivitySettings) -> Vec<Interval> {
    let mut sorted: Vec<Interval> = spans
        .iter()
        .filter(|(s, e)| s.is_finite() && e.is_finite())
        .map(|&(s, e)| Interval::new(s.max(0.0), e))
        .filter(|iv| iv.end > iv.start)
        .collect();
    sorted.sort_by(|a, b| a.start.total_cmp(&b.start));
    let mut union: Vec<Interval> = Vec::with_capacity(sorted.len());
    for iv in sorted {
        match union.last_mut() {
            Some(last) if iv.start <= last.end => last.end = last.end.max(iv.end),
            _ => union.push(iv),
        }
    }
    merge_and_filter(union, settings)
}

fn runs_to_intervals(
    frames: impl Iterator<Item = bool>,
    count: usize,
    settings: &ActivitySettings,
) -> Vec<Interval> {
    let step = settings.frame_seconds;
    let mut raw = Vec::new();
    let mut run_start: Option<usize> = None;
    for (i, speech) in frames.enumerate() {
        match (speech, run_start) {
            (true, None) => run_start = Some(i),
            (false, Some(s)) => {
                raw.push(Interval::new(s as f64 * step, i as f64 * step));
                run_start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = run_start {
        raw.push(Interval::new(s as f64 * step, count as f64 * step));
    }
    merge_and_filter(raw, settings)
}

/// Bridges short gaps, then drops short bursts. Bridging first keeps speech that the detector chopped into
/// syllable-sized pieces, which dropping first would throw away piece by piece.
fn merge_and_filter(sorted_disjoint: Vec<Interval>, settings: &ActivitySettings) -> Vec<Interval> {
    let mut merged: Vec<Interval> = Vec::with_capacity(sorted_disjoint.len());
    for iv in sorted_disjoint {
        match merged.last_mut() {
            Some(last) if iv.start - last.end < settings.merge_gap - EPSILON => last.end = iv.end,
            _ => merged.push(iv),
        }
    }
    merged.retain(|iv| iv.length() >= settings.min_burst - EPSILON);
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(pattern: &[(bool, usize)]) -> Vec<bool> {
        pattern
            .iter()
            .flat_map(|&(v, n)| std::iter::repeat_n(v, n))
            .collect()
    }

    fn pairs(ivs: &[Interval]) -> Vec<(f64, f64)> {
        ivs.iter()
            .map(|iv| {
                (
                    (iv.start * 1000.0).round() / 1000.0,
                    (iv.end * 1000.0).round() / 1000.0,
                )
            })
            .collect()
    }

    #[test]
    fn settings_out_of_range_are_named() {
        assert_eq!(ActivitySettings::default().validate(), Ok(()));
        let bad = ActivitySettings {
            merge_gap: -0.5,
            ..ActivitySettings::default()
        };
        assert_eq!(
            bad.validate().map_err(|e| e.to_string()),
            Err("setting `merge_gap` must be a finite number of at least 0, got -0.5".to_string())
        );
        let bad = ActivitySettings {
            frame_seconds: 0.0,
            ..ActivitySettings::default()
        };
        assert_eq!(
            bad.validate().map_err(|e| e.to_string()),
            Err(
                "setting `frame_seconds` must be a finite number greater than 0, got 0".to_string()
            )
        );
    }

    #[test]
    fn frames_become_intervals_in_seconds() {
        let f = frames(&[(false, 100), (true, 150), (false, 200), (true, 50)]);
        let ivs = intervals_from_frames(&f, &ActivitySettings::default());
        assert_eq!(pairs(&ivs), vec![(1.0, 2.5), (4.5, 5.0)]);
    }

    #[test]
    fn gaps_shorter_than_merge_gap_are_bridged_and_equal_ones_are_not() {
        // 0.49 s gap: bridged. 0.50 s gap: kept.
        let f = frames(&[
            (true, 100),
            (false, 49),
            (true, 100),
            (false, 50),
            (true, 100),
        ]);
        let ivs = intervals_from_frames(&f, &ActivitySettings::default());
        assert_eq!(pairs(&ivs), vec![(0.0, 2.49), (2.99, 3.99)]);
    }

    #[test]
    fn bursts_shorter_than_min_burst_are_dropped_and_equal_ones_kept() {
        let f = frames(&[(true, 9), (false, 100), (true, 10), (false, 100)]);
        let ivs = intervals_from_frames(&f, &ActivitySettings::default());
        assert_eq!(pairs(&ivs), vec![(1.09, 1.19)]);
    }

    #[test]
    fn short_pieces_close_together_survive_as_one_interval() {
        // Five 50 ms pieces 100 ms apart: each alone is a dropped burst, bridged they are 0.45 s of speech.
        let f = frames(&[
            (true, 5),
            (false, 5),
            (true, 5),
            (false, 5),
            (true, 5),
            (false, 5),
            (true, 5),
            (false, 5),
            (true, 5),
        ]);
        let ivs = intervals_from_frames(&f, &ActivitySettings::default());
        assert_eq!(pairs(&ivs), vec![(0.0, 0.45)]);
    }

    #[test]
    fn settings_are_honoured() {
        let settings = ActivitySettings {
            frame_seconds: 0.02,
            merge_gap: 0.0,
            min_burst: 0.0,
        };
        let f = frames(&[(true, 1), (false, 1), (true, 1)]);
        assert_eq!(
            pairs(&intervals_from_frames(&f, &settings)),
            vec![(0.0, 0.02), (0.04, 0.06)]
        );
    }

    #[test]
    fn probabilities_use_the_threshold_inclusively() {
        let mut p = vec![0.0f32; 300];
        p[100..200].fill(0.5);
        p[150] = f32::NAN;
        let ivs = intervals_from_probabilities(&p, 0.5, &ActivitySettings::default());
        assert_eq!(pairs(&ivs), vec![(1.0, 2.0)]);
        assert!(intervals_from_probabilities(&p, 0.51, &ActivitySettings::default()).is_empty());
    }

    #[test]
    fn speech_to_the_last_frame_is_closed() {
        let f = frames(&[(false, 10), (true, 20)]);
        assert_eq!(
            pairs(&intervals_from_frames(&f, &ActivitySettings::default())),
            vec![(0.1, 0.3)]
        );
        assert!(intervals_from_frames(&[], &ActivitySettings::default()).is_empty());
    }

    #[test]
    fn raw_spans_are_sorted_unioned_merged_and_filtered() {
        let spans = [
            (5.0, 6.0),
            (0.5, 1.0),
            (0.8, 1.2),
            (1.5, 2.0),
            (10.0, 10.05),
            (f64::NAN, 3.0),
            (4.0, 3.0),
            (-1.0, 0.2),
        ];
        let ivs = clean_spans(&spans, &ActivitySettings::default());
        // (-1,0.2)->(0,0.2); bridged with (0.5,1.2) (gap 0.3) and (1.5,2.0) (gap 0.3); (10,10.05) too short.
        assert_eq!(pairs(&ivs), vec![(0.0, 2.0), (5.0, 6.0)]);
    }
}
