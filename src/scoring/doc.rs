//! The scoring view of a transcript: sentences, normalized into one text with `\n` between
//! sentences, turn numbers, and times (estimated from word positions when the transcript has none).
//!
//! Built once per transcript and shared by every criterion. Must not depend on whisper, audio or clap.

use crate::text::{locate_normalized, normalize_sentences_into};
use crate::transcript::{Speaker, Transcript};
use std::ops::Range;

/// Speaking rate used to place untimed lines on a time axis (150 words per minute).
pub const ESTIMATED_WORDS_PER_SECOND: f64 = 2.5;

#[derive(Debug, Clone)]
pub struct SegmentInfo {
    pub speaker: Speaker,
    /// 1-based turn number in the conversation (a turn is a run of one speaker's segments).
    pub turn: usize,
    pub start: f64,
    pub end: f64,
}

#[derive(Debug, Clone)]
pub struct Sentence {
    pub segment: usize,
    /// Byte range in `Doc::text`.
    pub norm: Range<u32>,
    /// Byte range in the segment's original text.
    pub orig: Range<usize>,
    pub words: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Doc {
    /// Normalized text of every sentence, one per line.
    pub text: String,
    pub sentences: Vec<Sentence>,
    pub segments: Vec<SegmentInfo>,
    /// Start of each sentence in `text`, for locating a match.
    pub sentence_starts: Vec<u32>,
    pub duration: f64,
    pub timed: bool,
    pub has_unknown: bool,
    /// Turns per role view: for agent (agent + unknown), customer (customer + unknown) and any.
    pub turn_counts: [usize; 3],
    /// For each segment, its turn number within each role view (0 when not eligible).
    pub view_turns: Vec<[usize; 3]>,
}

/// Index of a role view in `turn_counts`/`view_turns`.
pub fn view_index(filter: crate::rubric::SpeakerFilter) -> usize {
    match filter {
        crate::rubric::SpeakerFilter::Agent => 0,
        crate::rubric::SpeakerFilter::Customer => 1,
        crate::rubric::SpeakerFilter::Any => 2,
    }
}

fn eligible(view: usize, speaker: Speaker) -> bool {
    match view {
        0 => matches!(speaker, Speaker::Agent | Speaker::Unknown),
        1 => matches!(speaker, Speaker::Customer | Speaker::Unknown),
        _ => true,
    }
}

impl Doc {
    pub fn build(t: &Transcript) -> Doc {
        let timed = t.is_timed();
        let mut doc = Doc {
            timed,
            ..Doc::default()
        };
        let capacity = t.segments.iter().map(|s| s.text.len() + 2).sum();
        let mut text: Vec<u8> = Vec::with_capacity(capacity);
        doc.sentences.reserve(t.segments.len() * 2);
        doc.sentence_starts.reserve(t.segments.len() * 2);
        doc.segments.reserve(t.segments.len());
        doc.view_turns.reserve(t.segments.len());
        let mut spans = Vec::new();
        let mut words_before = 0u32;
        let mut turn = 0usize;
        let mut prev: Option<Speaker> = None;
        let mut view_turn = [0usize; 3];
        let mut prev_eligible = [false; 3];
        for (i, seg) in t.segments.iter().enumerate() {
            if prev != Some(seg.speaker) {
                turn += 1;
            }
            let mut vt = [0usize; 3];
            for v in 0..3 {
                if eligible(v, seg.speaker) {
                    if !(prev_eligible[v] && prev == Some(seg.speaker)) {
                        view_turn[v] += 1;
                    }
                    vt[v] = view_turn[v];
                    prev_eligible[v] = true;
                } else {
                    prev_eligible[v] = false;
                }
            }
            prev = Some(seg.speaker);
            doc.has_unknown |= seg.speaker == Speaker::Unknown;
            let seg_words_start = words_before;
            normalize_sentences_into(&seg.text, &mut text, &mut spans);
            for s in spans.drain(..) {
                words_before += s.words;
                doc.sentence_starts.push(s.norm.start as u32);
                doc.sentences.push(Sentence {
                    segment: i,
                    norm: s.norm.start as u32..s.norm.end as u32,
                    orig: s.orig,
                    words: s.words,
                });
            }
            let (start, end) = match (seg.start, seg.end) {
                (Some(s), Some(e)) if timed => (s, e.max(s)),
                _ => (
                    f64::from(seg_words_start) / ESTIMATED_WORDS_PER_SECOND,
                    f64::from(words_before) / ESTIMATED_WORDS_PER_SECOND,
                ),
            };
            doc.segments.push(SegmentInfo {
                speaker: seg.speaker,
                turn,
                start,
                end,
            });
            doc.view_turns.push(vt);
        }
        doc.turn_counts = view_turn;
        // Normalization only writes whole characters, so this never fails.
        doc.text = String::from_utf8(text).unwrap_or_default();
        let last_end = doc.segments.iter().map(|s| s.end).fold(0.0, f64::max);
        doc.duration = match t.duration {
            Some(d) if timed && d > 0.0 => d.max(last_end),
            _ => last_end,
        };
        doc
    }

    /// The sentence containing normalized byte `pos`.
    pub fn sentence_at(&self, pos: u32) -> usize {
        self.sentence_starts
            .partition_point(|&s| s <= pos)
            .saturating_sub(1)
    }

    /// Maps a normalized byte range inside `sentence` to a byte range of the original segment
    /// text, by walking that one sentence's normalization again without building any text (only
    /// evidence needs it).
    pub fn original_span(
        &self,
        t: &Transcript,
        sentence: usize,
        range: Range<u32>,
    ) -> Range<usize> {
        let s = &self.sentences[sentence];
        let seg_text = &t.segments[s.segment].text;
        let (from, to) = (
            (range.start - s.norm.start) as usize,
            (range.end - s.norm.start) as usize,
        );
        match locate_normalized(
            &seg_text[s.orig.clone()],
            s.orig.start as u32,
            from,
            to.saturating_sub(1),
        ) {
            Some((start, last)) => {
                let (start, last) = (start as usize, last as usize);
                start..last + seg_text[last..].chars().next().map_or(0, char::len_utf8)
            }
            // Matches always lie inside their sentence; quote the whole sentence if not.
            None => s.orig.clone(),
        }
    }
}
