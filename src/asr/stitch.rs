//! Stitching: the speech spans of one channel are copied into one buffer separated by short silent
//! gaps, so whisper sees only speech; times whisper reports in that buffer are mapped back to the
//! recording, and segments that fall outside the stitched speech are dropped as hallucinations. A long
//! buffer is cut at its gaps into chunks of at most one whisper window ([`plan_chunks`]), each transcribed
//! on its own.
//!
//! Must not depend on whisper, decoding or clap.

use super::RawSegment;
use crate::transcript::Word;
use std::ops::Range;

/// Silence inserted between stitched spans, in seconds.
pub const GAP_SECONDS: f64 = 0.3;
const RATE: f64 = 16_000.0;
/// Longest chunk of a stitched buffer handed to whisper in one call, in samples: whisper.cpp encodes
/// 30-second windows, so a chunk up to this long is normally decoded in one window.
pub const CHUNK_SAMPLES: usize = 30 * 16_000;

/// Cuts a buffer made of `pieces` (sample ranges, in order, separated by gaps) into chunks at the gaps,
/// greedily: whole pieces are added to a chunk while it stays at most `max_len` samples from the start of
/// its first piece to the end of its last. A piece longer than `max_len` is a chunk of its own (whisper
/// windows it itself). Returns the chunks as sample ranges of the buffer, from the start of their first
/// piece to the end of their last, so no chunk starts or ends in a gap.
pub fn plan_chunks(pieces: &[Range<usize>], max_len: usize) -> Vec<Range<usize>> {
    let mut chunks: Vec<Range<usize>> = Vec::new();
    for p in pieces {
        match chunks.last_mut() {
            Some(c) if p.end.saturating_sub(c.start) <= max_len => c.end = p.end,
            _ => chunks.push(p.clone()),
        }
    }
    chunks
}

/// Moves a segment found in a chunk that starts `by` seconds into the buffer onto the buffer's time line.
pub fn shift_segment(segment: RawSegment, by: f64) -> RawSegment {
    RawSegment {
        start: segment.start + by,
        end: segment.end + by,
        words: segment.words.map(|ws| {
            ws.into_iter()
                .map(|w| Word {
                    start: w.start + by,
                    end: w.end + by,
                    ..w
                })
                .collect()
        }),
        ..segment
    }
}

/// [`plan_chunks`] with [`CHUNK_SAMPLES`] over pieces given as (buffer start, length) in seconds.
fn chunks_of(pieces: impl Iterator<Item = (f64, f64)>) -> Vec<Range<usize>> {
    let ranges: Vec<Range<usize>> = pieces
        .map(|(start, len)| to_index(start)..to_index(start + len))
        .collect();
    plan_chunks(&ranges, CHUNK_SAMPLES)
}

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

/// Seconds of the buffer interval `[s, e]` that lie on a piece starting at `buf_start`, `len` long.
fn overlap(buf_start: f64, len: f64, s: f64, e: f64) -> f64 {
    (e.min(buf_start + len) - s.max(buf_start)).max(0.0)
}

/// Whether a segment `[s, e]` of the buffer with `on_speech` seconds on speech is kept: at least half of
/// it, or at least half a second, must lie on speech; the rest is hallucination.
fn keeps(on_speech: f64, s: f64, e: f64) -> bool {
    on_speech > 0.0 && (on_speech >= 0.5 * (e - s) || on_speech >= 0.5)
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

    /// The buffer cut at its gaps into chunks of at most [`CHUNK_SAMPLES`] ([`plan_chunks`]).
    pub fn chunks(&self) -> Vec<Range<usize>> {
        chunks_of(self.pieces.iter().map(|p| (p.buf_start, p.len)))
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
            .map(|p| overlap(p.buf_start, p.len, s, e))
            .sum()
    }

    /// Maps whisper's segments back to the recording, dropping those placed outside the speech:
    /// a segment is kept when at least half of it (or at least half a second) lies on speech.
    pub fn map_segments(&self, segments: Vec<RawSegment>) -> Vec<RawSegment> {
        segments
            .into_iter()
            .filter(|s| !s.text.trim().is_empty())
            .filter(|s| keeps(self.speech_overlap(s.start, s.end), s.start, s.end))
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

    /// The buffer cut at its gaps into chunks of at most [`CHUNK_SAMPLES`] ([`plan_chunks`]).
    pub fn chunks(&self) -> Vec<Range<usize>> {
        chunks_of(self.pieces.iter().map(|p| (p.buf_start, p.len)))
    }

    /// The piece that holds most of `[s, e]` of the buffer, else the nearest one.
    fn piece_for(&self, s: f64, e: f64) -> Option<&PackedPiece> {
        let on = |p: &PackedPiece| overlap(p.buf_start, p.len, s, e);
        let distance = |p: &PackedPiece| {
            let mid = 0.5 * (s + e);
            (p.buf_start - mid)
                .max(mid - (p.buf_start + p.len))
                .max(0.0)
        };
        self.pieces.iter().max_by(|a, b| {
            on(a)
                .total_cmp(&on(b))
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
            .map(|p| overlap(p.buf_start, p.len, s, e))
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
            let RawSegment {
                start: seg_start,
                end: seg_end,
                text: seg_text,
                words,
            } = seg;
            let had_words = words.is_some();
            let words = words.unwrap_or_default();
            // Runs of consecutive words on one channel: (channel, words, buffer start, buffer end).
            let mut parts: Vec<(usize, Vec<Word>, f64, f64)> = Vec::new();
            if words.is_empty() {
                if let Some(p) = self.piece_for(seg_start, seg_end) {
                    parts.push((p.channel, Vec::new(), seg_start, seg_end));
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
                        _ => {
                            let (start, end) = (w.start, w.end);
                            parts.push((p.channel, vec![w], start, end));
                        }
                    }
                }
            }
            let whole = parts.len() == 1;
            for (channel, part_words, s, e) in parts {
                if !keeps(self.speech_overlap(channel, s, e), s, e) {
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
                    seg_text.trim().to_string()
                } else {
                    part_words
                        .iter()
                        .map(|w| w.text.trim())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let words = had_words.then(|| {
                    part_words
                        .into_iter()
                        .map(|w| Word {
                            start: map(w.start),
                            end: map(w.end),
                            ..w
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

    /// Checks the rules of [`plan_chunks`] for `pieces`: every chunk starts at a piece's start and ends
    /// at a piece's end, holds whole pieces only, is at most `max` long unless it is one piece, and every
    /// piece lies in exactly one chunk.
    fn check_plan(pieces: &[Range<usize>], max: usize) -> Vec<Range<usize>> {
        let chunks = plan_chunks(pieces, max);
        for c in &chunks {
            let inside: Vec<&Range<usize>> = pieces
                .iter()
                .filter(|p| p.start >= c.start && p.end <= c.end)
                .collect();
            assert!(pieces.iter().any(|p| p.start == c.start), "{c:?}");
            assert!(pieces.iter().any(|p| p.end == c.end), "{c:?}");
            assert!(c.end - c.start <= max || inside.len() == 1, "{c:?}");
            // No piece is cut: one that overlaps the chunk lies inside it.
            for p in pieces {
                let overlaps = p.start < c.end && c.start < p.end;
                assert!(
                    !overlaps || (p.start >= c.start && p.end <= c.end),
                    "{p:?} {c:?}"
                );
            }
        }
        for p in pieces {
            let holders = chunks
                .iter()
                .filter(|c| p.start >= c.start && p.end <= c.end)
                .count();
            assert_eq!(holders, 1, "{p:?} in {chunks:?}");
        }
        chunks
    }

    #[test]
    fn chunks_are_cut_at_gaps_greedily_up_to_the_limit() {
        // Pieces of 12, 12, 10, 10 and 35 units with 1-unit gaps, limit 30.
        let pieces = [0..12, 13..25, 26..36, 37..47, 48..83];
        assert_eq!(check_plan(&pieces, 30), vec![0..25, 26..47, 48..83]);
        // A chunk exactly at the limit is kept whole; one more sample starts a new chunk.
        assert_eq!(check_plan(&[0..10, 11..30], 30), vec![0..30]);
        assert_eq!(check_plan(&[0..10, 11..31], 30), vec![0..10, 11..31]);
        // A long piece between short ones is its own chunk; the pieces after it start a new one.
        assert_eq!(
            check_plan(&[0..5, 6..50, 51..55, 56..60], 30),
            vec![0..5, 6..50, 51..60]
        );
        assert!(plan_chunks(&[], 30).is_empty());
    }

    #[test]
    fn chunk_plans_of_many_buffers_keep_every_rule() {
        // Piece and gap lengths from a fixed pseudo-random sequence, around the limit.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..200 {
            let mut pieces = Vec::new();
            let mut at = 0usize;
            for _ in 0..(x % 40) as usize {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let len = 1 + (x >> 33) as usize % 45;
                pieces.push(at..at + len);
                at += len + 1 + (x >> 20) as usize % 3;
            }
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let chunks = check_plan(&pieces, 30);
            // Greedy: a chunk could not have taken the next piece too.
            for pair in chunks.windows(2) {
                let next_end = pieces
                    .iter()
                    .find(|p| p.start == pair[1].start)
                    .map_or(0, |p| p.end);
                assert!(next_end - pair[0].start > 30, "{chunks:?}");
            }
        }
    }

    #[test]
    fn stitched_chunks_fall_on_piece_bounds_in_samples() {
        let samples = vec![0.1f32; 16_000 * 100];
        // Pieces of 20 s, 15 s and 40 s: [0, 20], [20.3, 35.3], [35.6, 75.6].
        let st = Stitched::new(&samples, &[(0.0, 20.0), (30.0, 45.0), (50.0, 90.0)]);
        assert_eq!(
            st.chunks(),
            vec![0..320_000, 324_800..564_800, 569_600..1_209_600]
        );
        assert_eq!(st.samples.len(), 1_209_600);
    }

    #[test]
    fn shifting_moves_segment_and_word_times() {
        let mut s = seg(1.0, 2.5, "hi there");
        s.words = Some(vec![word(1.0, 1.4, "hi"), word(1.6, 2.5, "there")]);
        let moved = shift_segment(s, 24.6);
        assert!((moved.start - 25.6).abs() < 1e-9 && (moved.end - 27.1).abs() < 1e-9);
        let words: Vec<(f64, f64)> = moved
            .words
            .unwrap_or_default()
            .iter()
            .map(|w| (w.start, w.end))
            .collect();
        assert_eq!(words.len(), 2);
        assert!((words[1].0 - 26.2).abs() < 1e-9 && (words[1].1 - 27.1).abs() < 1e-9);
        assert_eq!(moved.text, "hi there");
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
