//! Stitching: the speech spans of one channel are copied into one buffer separated by short silent
//! gaps, so whisper sees only speech; times whisper reports in that buffer are mapped back to the
//! recording, and segments that fall outside the stitched speech are dropped as hallucinations.
//!
//! Must not depend on whisper, decoding or clap.

use super::RawSegment;
use crate::transcript::Word;

/// Silence inserted between stitched spans, in seconds.
pub const GAP_SECONDS: f64 = 0.3;
const RATE: f64 = 16_000.0;

/// One span of speech copied into the stitched buffer.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Piece {
    /// Start in the stitched buffer (seconds).
    buf_start: f64,
    /// Start in the recording (seconds).
    orig_start: f64,
    len: f64,
}

/// A stitched buffer and the map from its time line back to the recording's.
#[derive(Debug, Clone, PartialEq)]
pub struct Stitched {
    pub samples: Vec<f32>,
    pieces: Vec<Piece>,
}

fn to_index(t: f64) -> usize {
    (t * RATE).round().max(0.0) as usize
}

impl Stitched {
    /// Copies the `spans` (seconds, sorted) of `samples` (16 kHz) into one buffer with short gaps.
    pub fn new(samples: &[f32], spans: &[(f64, f64)]) -> Stitched {
        let gap = vec![0.0f32; to_index(GAP_SECONDS)];
        let mut out = Vec::new();
        let mut pieces = Vec::new();
        for &(s, e) in spans {
            let (a, b) = (
                to_index(s).min(samples.len()),
                to_index(e).min(samples.len()),
            );
            if b <= a {
                continue;
            }
            if !out.is_empty() {
                out.extend_from_slice(&gap);
            }
            pieces.push(Piece {
                buf_start: out.len() as f64 / RATE,
                orig_start: a as f64 / RATE,
                len: (b - a) as f64 / RATE,
            });
            out.extend_from_slice(&samples[a..b]);
        }
        Stitched {
            samples: out,
            pieces,
        }
    }

    /// True when there is no speech to transcribe.
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// Maps a time in the stitched buffer to the recording; a time in a gap maps to the end of the span before it.
    pub fn map_time(&self, t: f64) -> f64 {
        let idx = self
            .pieces
            .partition_point(|p| p.buf_start <= t)
            .saturating_sub(1);
        match self.pieces.get(idx) {
            Some(p) => p.orig_start + (t - p.buf_start).clamp(0.0, p.len),
            None => t,
        }
    }

    /// Seconds of the buffer interval `[s, e]` that lie on stitched speech (not on gaps or padding).
    fn speech_overlap(&self, s: f64, e: f64) -> f64 {
        self.pieces
            .iter()
            .map(|p| (e.min(p.buf_start + p.len) - s.max(p.buf_start)).max(0.0))
            .sum()
    }

    /// Maps whisper's segments back to the recording, dropping those placed outside the speech:
    /// a segment is kept when at least half of it (or at least half a second) lies on speech.
    pub fn map_segments(&self, segments: Vec<RawSegment>) -> Vec<RawSegment> {
        segments
            .into_iter()
            .filter(|s| !s.text.trim().is_empty())
            .filter(|s| {
                let overlap = self.speech_overlap(s.start, s.end);
                overlap > 0.0 && (overlap >= 0.5 * (s.end - s.start) || overlap >= 0.5)
            })
            .map(|s| RawSegment {
                start: self.map_time(s.start),
                end: self.map_time(s.end),
                text: s.text.trim().to_string(),
                words: s.words.map(|ws| {
                    ws.into_iter()
                        .map(|w| Word {
                            start: self.map_time(w.start),
                            end: self.map_time(w.end),
                            ..w
                        })
                        .collect()
                }),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asr::fake::seg;

    #[test]
    fn stitches_and_maps_back() {
        let samples = vec![0.1f32; 16_000 * 10];
        let st = Stitched::new(&samples, &[(1.0, 2.0), (5.0, 7.0)]);
        // 1 s + 0.3 s gap + 2 s
        assert_eq!(st.samples.len(), 16_000 * 33 / 10);
        assert!((st.map_time(0.5) - 1.5).abs() < 1e-9);
        assert!((st.map_time(1.3) - 5.0).abs() < 1e-9);
        assert!((st.map_time(2.3) - 6.0).abs() < 1e-9);
        // Inside the gap: clamps to the end of the first span.
        assert!((st.map_time(1.1) - 2.0).abs() < 1e-9);
        let kept = st.map_segments(vec![
            seg(0.0, 1.0, " hello "),
            seg(1.0, 1.3, "gap only"),
            seg(3.4, 6.0, "past the end"),
            seg(1.5, 3.3, "second"),
        ]);
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].text, "hello");
        assert!((kept[1].start - 5.2).abs() < 1e-9 && (kept[1].end - 7.0).abs() < 1e-9);
    }
}
