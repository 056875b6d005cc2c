//! Literal phrases with slots, compiled into one Aho-Corasick automaton over normalized text.
//!
//! Each phrase is a run of tokens: literal words and one-word slots (`{name}`, `{word}`). The
//! automaton finds the first literal run of every phrase in a single pass; the surrounding tokens
//! are then checked word by word. Must not depend on whisper, audio or clap.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::collections::HashMap;

/// A one-word placeholder inside a phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Any single word.
    Word,
    /// A single word that is not a common function word ("my name is {name}" does not match
    /// "my name is not").
    Name,
}

impl Slot {
    pub fn from_name(name: &str) -> Option<Slot> {
        match name {
            "word" => Some(Slot::Word),
            "name" => Some(Slot::Name),
            _ => None,
        }
    }

    fn accepts(self, word: &str) -> bool {
        match self {
            Slot::Word => true,
            Slot::Name => FUNCTION_WORDS.binary_search(&word).is_err(),
        }
    }
}

/// Words a `{name}` slot never stands for: function words, and words that follow "this is" or
/// "I'm" far more often than a name does. Sorted, for a binary search: a slot is checked at every
/// occurrence of its phrase's anchor (e.g. each "i'm" of a call).
const FUNCTION_WORDS: &[&str] = &[
    "a",
    "about",
    "absolutely",
    "actually",
    "afraid",
    "again",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "bad",
    "be",
    "because",
    "been",
    "but",
    "by",
    "calling",
    "can",
    "correct",
    "could",
    "definitely",
    "did",
    "do",
    "does",
    "fine",
    "for",
    "from",
    "glad",
    "going",
    "good",
    "great",
    "had",
    "happy",
    "has",
    "have",
    "he",
    "hello",
    "her",
    "here",
    "hi",
    "him",
    "his",
    "how",
    "i",
    "i'm",
    "if",
    "important",
    "impossible",
    "in",
    "interesting",
    "is",
    "it",
    "it's",
    "just",
    "kind",
    "looking",
    "may",
    "me",
    "my",
    "no",
    "not",
    "now",
    "of",
    "oh",
    "ok",
    "okay",
    "on",
    "or",
    "our",
    "please",
    "possible",
    "quite",
    "really",
    "regarding",
    "ridiculous",
    "right",
    "she",
    "so",
    "sorry",
    "strange",
    "sure",
    "terrible",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "they",
    "this",
    "to",
    "today",
    "true",
    "trying",
    "uh",
    "um",
    "unacceptable",
    "urgent",
    "us",
    "very",
    "was",
    "we",
    "weird",
    "well",
    "what",
    "when",
    "where",
    "which",
    "who",
    "why",
    "will",
    "with",
    "wondering",
    "would",
    "wrong",
    "yes",
    "you",
    "your",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// One or more literal words, normalized, joined by single spaces.
    Literal(String),
    Slot(Slot),
}

#[derive(Debug, Clone)]
struct Phrase {
    set: u32,
    tokens: Vec<Token>,
    /// Index of the literal token the automaton searches for.
    anchor: usize,
    has_slots: bool,
}

/// Builds a [`PhraseMatcher`].
#[derive(Debug, Default)]
pub struct PhraseMatcherBuilder {
    phrases: Vec<Phrase>,
    sets: u32,
}

impl PhraseMatcherBuilder {
    /// Starts a new phrase set and returns its id.
    pub fn new_set(&mut self) -> u32 {
        self.sets += 1;
        self.sets - 1
    }

    /// Adds a phrase (already split into tokens, with at least one literal) to a set.
    pub fn add(&mut self, set: u32, tokens: Vec<Token>) {
        let anchor = tokens
            .iter()
            .position(|t| matches!(t, Token::Literal(_)))
            .unwrap_or(0);
        let has_slots = tokens.iter().any(|t| matches!(t, Token::Slot(_)));
        self.phrases.push(Phrase {
            set,
            tokens,
            anchor,
            has_slots,
        });
    }

    pub fn build(self) -> Result<PhraseMatcher, aho_corasick::BuildError> {
        let mut pattern_index: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut by_pattern: Vec<Vec<u32>> = Vec::new();
        for (i, p) in self.phrases.iter().enumerate() {
            let Some(Token::Literal(lit)) = p.tokens.get(p.anchor) else {
                continue;
            };
            let id = *pattern_index.entry(lit.clone()).or_insert_with(|| {
                patterns.push(lit.clone());
                by_pattern.push(Vec::new());
                patterns.len() - 1
            });
            by_pattern[id].push(i as u32);
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)?;
        Ok(PhraseMatcher {
            automaton,
            by_pattern,
            phrases: self.phrases,
            sets: self.sets,
        })
    }
}

/// One automaton for every phrase of a rubric.
#[derive(Debug, Clone)]
pub struct PhraseMatcher {
    automaton: AhoCorasick,
    by_pattern: Vec<Vec<u32>>,
    phrases: Vec<Phrase>,
    sets: u32,
}

/// A verified phrase occurrence: byte range in the normalized text and the set it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseHit {
    pub set: u32,
    pub start: u32,
    pub end: u32,
}

fn is_sep(b: u8) -> bool {
    b == b' ' || b == b'\n'
}

impl PhraseMatcher {
    pub fn set_count(&self) -> u32 {
        self.sets
    }

    /// Finds every phrase occurrence in `text` (normalized; sentences separated by `\n`) and
    /// appends them to `out`, in order of their end.
    pub fn find_all(&self, text: &str, out: &mut Vec<PhraseHit>) {
        let bytes = text.as_bytes();
        for m in self.automaton.find_overlapping_iter(text) {
            let (s, e) = (m.start(), m.end());
            if (s > 0 && !is_sep(bytes[s - 1])) || (e < bytes.len() && !is_sep(bytes[e])) {
                continue;
            }
            for &pi in &self.by_pattern[m.pattern().as_usize()] {
                let phrase = &self.phrases[pi as usize];
                if let Some((start, end)) = verify(text, phrase, s, e) {
                    out.push(PhraseHit {
                        set: phrase.set,
                        start: start as u32,
                        end: end as u32,
                    });
                }
            }
        }
    }
}

/// Checks the tokens around the anchor; returns the whole phrase's byte range.
fn verify(
    text: &str,
    phrase: &Phrase,
    anchor_start: usize,
    anchor_end: usize,
) -> Option<(usize, usize)> {
    // Words are placed and literals compared first; slot words are looked up only when all of
    // that fits (most anchors, like the "i'm" of "i'm {name} from", fail on a literal).
    if phrase.tokens.len() == 1 {
        return Some((anchor_start, anchor_end));
    }
    let found = span(text, phrase, anchor_start, anchor_end, false)?;
    if phrase.has_slots {
        span(text, phrase, anchor_start, anchor_end, true)
    } else {
        Some(found)
    }
}

/// The phrase's byte range around its anchor if its words are in place, checking slot words
/// only when `check_slots`.
fn span(
    text: &str,
    phrase: &Phrase,
    anchor_start: usize,
    anchor_end: usize,
    check_slots: bool,
) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut start = anchor_start;
    for token in phrase.tokens[..phrase.anchor].iter().rev() {
        // Only slots precede the anchor (it is the first literal).
        let Token::Slot(slot) = token else {
            return None;
        };
        if start < 2 || bytes[start - 1] != b' ' {
            return None;
        }
        let word_end = start - 1;
        let word_start = bytes[..word_end]
            .iter()
            .rposition(|&b| is_sep(b))
            .map_or(0, |i| i + 1);
        if check_slots && !slot.accepts(&text[word_start..word_end]) {
            return None;
        }
        start = word_start;
    }
    let mut end = anchor_end;
    for token in &phrase.tokens[phrase.anchor + 1..] {
        if end >= bytes.len() || bytes[end] != b' ' {
            return None;
        }
        let from = end + 1;
        match token {
            Token::Literal(lit) => {
                let to = from + lit.len();
                if !text[from..].starts_with(lit.as_str())
                    || (to < bytes.len() && !is_sep(bytes[to]))
                {
                    return None;
                }
                end = to;
            }
            Token::Slot(slot) => {
                let to = bytes[from..]
                    .iter()
                    .position(|&b| is_sep(b))
                    .map_or(bytes.len(), |i| from + i);
                if check_slots && !slot.accepts(&text[from..to]) {
                    return None;
                }
                end = to;
            }
        }
    }
    Some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Token {
        Token::Literal(s.into())
    }

    fn hits(m: &PhraseMatcher, text: &str) -> Vec<(u32, String)> {
        let mut out = Vec::new();
        m.find_all(text, &mut out);
        out.iter()
            .map(|h| (h.set, text[h.start as usize..h.end as usize].to_string()))
            .collect()
    }

    #[test]
    fn function_words_are_sorted_for_binary_search() {
        assert!(FUNCTION_WORDS.windows(2).all(|w| w[0] < w[1]));
        for w in ["a", "your", "i'm", "wrong", "sure", "absolutely"] {
            assert!(!Slot::Name.accepts(w), "{w}");
        }
        assert!(Slot::Name.accepts("sam"));
    }

    #[test]
    fn literal_on_word_boundaries_only() {
        let mut b = PhraseMatcherBuilder::default();
        let s = b.new_set();
        b.add(s, vec![lit("hi")]);
        let m = b.build().expect("builds");
        assert_eq!(hits(&m, "hi there"), vec![(0, "hi".to_string())]);
        assert!(hits(&m, "this is high").is_empty());
    }

    #[test]
    fn slots_before_and_after_the_anchor() {
        let mut b = PhraseMatcherBuilder::default();
        let s = b.new_set();
        b.add(s, vec![lit("my name is"), Token::Slot(Slot::Name)]);
        b.add(s, vec![Token::Slot(Slot::Name), lit("speaking")]);
        let m = b.build().expect("builds");
        assert_eq!(
            hits(&m, "hello my name is dana"),
            vec![(0, "my name is dana".into())]
        );
        assert!(hits(&m, "my name is not important").is_empty());
        assert_eq!(
            hits(&m, "acme support sam speaking"),
            vec![(0, "sam speaking".into())]
        );
        assert!(
            hits(&m, "my name is\nsam").is_empty(),
            "slots never cross sentences"
        );
    }

    #[test]
    fn slot_words_and_literals_both_decide() {
        let mut b = PhraseMatcherBuilder::default();
        let s = b.new_set();
        b.add(
            s,
            vec![
                lit("i'm"),
                Token::Slot(Slot::Name),
                lit("from"),
                Token::Slot(Slot::Name),
            ],
        );
        let m = b.build().expect("builds");
        assert_eq!(
            hits(&m, "hi i'm sam from acme"),
            vec![(0, "i'm sam from acme".into())]
        );
        assert!(hits(&m, "i'm sorry from acme").is_empty(), "function word");
        assert!(
            hits(&m, "i'm sam from the").is_empty(),
            "function word last"
        );
        assert!(hits(&m, "i'm sam with acme").is_empty(), "literal");
        assert!(hits(&m, "i'm sam from").is_empty(), "missing slot");
    }

    #[test]
    fn one_pattern_shared_by_two_sets() {
        let mut b = PhraseMatcherBuilder::default();
        let a = b.new_set();
        let c = b.new_set();
        b.add(a, vec![lit("thank you")]);
        b.add(c, vec![lit("thank you"), lit("for calling")]);
        let m = b.build().expect("builds");
        let found = hits(&m, "thank you for calling");
        assert_eq!(
            found,
            vec![(0, "thank you".into()), (1, "thank you for calling".into())]
        );
    }
}
