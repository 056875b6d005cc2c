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

/// One channel to pack: its 16 kHz samples and its sorted speech spans in seconds.
pub type ChannelSpans<'a> = (&'a [f32], &'a [(f64, f64)]);

/// One span of one channel copied into a packed buffer.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PackedPiece {
    /// Index of the channel in the list the buffer was packed from.
    channel: usize,
    buf_start: f64,
    orig_start: f64,
    len: f64,
}

/// The speech spans of several channels packed into one buffer in the order they were spoken, so whisper
/// pays for the padding of its last 30-second window once per call instead of once per channel. Every piece
/// remembers its channel and its place in the recording; segments are mapped back word by word, so a
/// segment whisper runs across pieces of different channels is split between them.
#[derive(Debug, Clone, PartialEq)]
pub struct PackedStitch {
    pub samples: Vec<f32>,
    pieces: Vec<PackedPiece>,
}

impl PackedStitch {
    /// Packs `channels` (16 kHz samples and their sorted speech spans in seconds), ordering the pieces by
    /// start time (ties: channel order), with [`GAP_SECONDS`] of silence between pieces. (A longer gap where
    /// the channel changes, 0.6 s, was tried: it cost more whisper time than packing saved on a 5-minute
    /// call.)
    pub fn new(channels: &[ChannelSpans<'_>]) -> PackedStitch {
        let mut spans: Vec<(usize, usize, usize)> = Vec::new();
        for (c, (samples, ch_spans)) in channels.iter().enumerate() {
            for &(s, e) in ch_spans.iter() {
                let (a, b) = (
                    to_index(s).min(samples.len()),
                    to_index(e).min(samples.len()),
                );
                if b > a {
                    spans.push((c, a, b));
                }
            }
        }
        spans.sort_by_key(|&(c, a, _)| (a, c));
        let mut out = Vec::new();
        let mut pieces: Vec<PackedPiece> = Vec::with_capacity(spans.len());
        for (channel, a, b) in spans {
            if !pieces.is_empty() {
                out.resize(out.len() + to_index(GAP_SECONDS), 0.0);
            }
            pieces.push(PackedPiece {
                channel,
                buf_start: out.len() as f64 / RATE,
                orig_start: a as f64 / RATE,
                len: (b - a) as f64 / RATE,
            });
            out.extend_from_slice(&channels[channel].0[a..b]);
        }
        PackedStitch {
            samples: out,
            pieces,
        }
    }

    /// True when there is no speech to transcribe.
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// The piece that holds most of `[s, e]` of the buffer, else the nearest one.
    fn piece_for(&self, s: f64, e: f64) -> Option<&PackedPiece> {
        let overlap = |p: &PackedPiece| (e.min(p.buf_start + p.len) - s.max(p.buf_start)).max(0.0);
        let distance = |p: &PackedPiece| {
            let mid = 0.5 * (s + e);
            (p.buf_start - mid)
                .max(mid - (p.buf_start + p.len))
                .max(0.0)
        };
        self.pieces.iter().max_by(|a, b| {
            overlap(a)
                .total_cmp(&overlap(b))
                .then(distance(b).total_cmp(&distance(a)))
        })
    }

    fn map_in(p: &PackedPiece, t: f64) -> f64 {
        p.orig_start + (t - p.buf_start).clamp(0.0, p.len)
    }

    /// Seconds of `[s, e]` that lie on pieces of `channel`.
    fn speech_overlap(&self, channel: usize, s: f64, e: f64) -> f64 {
        self.pieces
            .iter()
            .filter(|p| p.channel == channel)
            .map(|p| (e.min(p.buf_start + p.len) - s.max(p.buf_start)).max(0.0))
            .sum()
    }

    /// Maps whisper's segments back to the recording as `(channel index, segment)`. A segment with word
    /// times is cut where its words move to a piece of another channel; each word goes to the piece that
    /// holds most of it. A segment without words goes whole to the piece holding most of it. As with
    /// [`Stitched::map_segments`], a part is kept only when at least half of it (or half a second) lies on
    /// its channel's speech; the rest is dropped as hallucination.
    pub fn map_segments(&self, segments: Vec<RawSegment>) -> Vec<(usize, RawSegment)> {
        let mut out = Vec::new();
        for seg in segments.into_iter().filter(|s| !s.text.trim().is_empty()) {
            let words = seg.words.clone().unwrap_or_default();
            // Runs of consecutive words on one channel: (channel, words, buffer start, buffer end).
            let mut parts: Vec<(usize, Vec<Word>, f64, f64)> = Vec::new();
            if words.is_empty() {
                if let Some(p) = self.piece_for(seg.start, seg.end) {
                    parts.push((p.channel, Vec::new(), seg.start, seg.end));
                }
            } else {
                for w in words {
                    let Some(p) = self.piece_for(w.start, w.end) else {
                        continue;
                    };
                    match parts.last_mut() {
                        Some(last) if last.0 == p.channel => {
                            last.3 = w.end;
                            last.1.push(w);
                        }
                        _ => parts.push((p.channel, vec![w.clone()], w.start, w.end)),
                    }
                }
            }
            let whole = parts.len() == 1;
            for (channel, part_words, s, e) in parts {
                let overlap = self.speech_overlap(channel, s, e);
                if !(overlap > 0.0 && (overlap >= 0.5 * (e - s) || overlap >= 0.5)) {
                    continue;
                }
                let map = |t: f64| {
                    self.pieces
                        .iter()
                        .filter(|p| p.channel == channel)
                        .min_by(|a, b| {
                            let d = |p: &PackedPiece| {
                                (p.buf_start - t).max(t - (p.buf_start + p.len)).max(0.0)
                            };
                            d(a).total_cmp(&d(b))
                        })
                        .map_or(t, |p| Self::map_in(p, t))
                };
                let text = if whole {
                    seg.text.trim().to_string()
                } else {
                    part_words
                        .iter()
                        .map(|w| w.text.trim())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let words = seg.words.as_ref().map(|_| {
                    part_words
                        .iter()
                        .map(|w| Word {
                            start: map(w.start),
                            end: map(w.end),
                            ..w.clone()
                        })
                        .collect()
                });
                out.push((
                    channel,
                    RawSegment {
                        start: map(s),
                        end: map(e),
                        text,
                        words,
                    },
                ));
            }
        }
        out
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

    fn word(start: f64, end: f64, text: &str) -> Word {
        Word {
            start,
            end,
            text: text.to_string(),
            probability: None,
        }
    }

    #[test]
    fn packs_channels_in_spoken_order_and_maps_each_back_to_its_channel() {
        let left = vec![0.1f32; 16_000 * 10];
        let right = vec![0.2f32; 16_000 * 10];
        let left_spans = [(1.0, 2.0), (6.0, 7.0)];
        let right_spans = [(3.0, 5.0)];
        let packed = PackedStitch::new(&[(&left, &left_spans), (&right, &right_spans)]);
        // left 1 s | 0.3 s | right 2 s | 0.3 s | left 1 s
        assert_eq!(packed.samples.len(), 16_000 * 46 / 10);
        assert_eq!(packed.samples[16_000 + 4_800 - 10], 0.0);
        assert_eq!(packed.samples[16_000 + 4_800 + 10], 0.2);
        let mut seg_across = seg(0.5, 4.0, "hello there yes it is");
        // Whisper ran one segment across the left piece and the right piece: it is cut at the word
        // that moves to the other channel.
        seg_across.words = Some(vec![
            word(0.5, 0.7, "hello"),
            word(0.7, 0.95, "there"),
            word(1.4, 1.8, "yes"),
            word(1.9, 2.3, "it"),
            word(2.4, 3.0, "is"),
        ]);
        let got = packed.map_segments(vec![
            seg_across,
            seg(3.6, 4.5, "goodbye"),
            seg(1.0, 1.3, "in the gap"),
        ]);
        let summary: Vec<(usize, f64, f64, &str)> = got
            .iter()
            .map(|(c, s)| {
                (
                    *c,
                    (s.start * 100.0).round() / 100.0,
                    (s.end * 100.0).round() / 100.0,
                    s.text.as_str(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (0, 1.5, 1.95, "hello there"),
                (1, 3.1, 4.7, "yes it is"),
                (0, 6.0, 6.9, "goodbye"),
            ]
        );
        let words = got[1].1.words.as_ref().map(Vec::len);
        assert_eq!(words, Some(3));
    }

    #[test]
    fn overlapping_speech_of_two_channels_is_packed_one_after_the_other() {
        let left = vec![0.1f32; 16_000 * 4];
        let right = vec![0.2f32; 16_000 * 4];
        let packed = PackedStitch::new(&[(&left, &[(0.0, 2.0)]), (&right, &[(1.0, 3.0)])]);
        assert_eq!(packed.samples.len(), 16_000 * 43 / 10);
        let got = packed.map_segments(vec![seg(0.1, 1.9, "agent"), seg(2.4, 4.2, "customer")]);
        let who: Vec<(usize, f64)> = got.iter().map(|(c, s)| (*c, s.start)).collect();
        assert_eq!(who.len(), 2);
        assert_eq!(who[0].0, 0);
        assert_eq!(who[1].0, 1);
        assert!((who[1].1 - 1.1).abs() < 1e-9, "{who:?}");
        assert!(PackedStitch::new(&[(&left, &[])]).is_empty());
    }
}
