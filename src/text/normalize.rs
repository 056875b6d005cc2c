//! Normalizes text for matching: lower case, punctuation dropped, words separated by one space,
//! with a map from every normalized byte back to the original text so matches can be quoted exactly.
//!
//! Apostrophes inside words are kept (`you've`), curly ones made straight. Must not depend on
//! whisper, audio or clap.

use std::ops::Range;

/// Normalized text plus, for each of its bytes, the byte offset of the original character.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    pub text: String,
    pub origin: Vec<u32>,
}

/// Normalizes `input` into a new string.
pub fn normalize(input: &str) -> String {
    let mut out = Vec::new();
    normalize_bytes_into(input, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02bc}')
}

/// Appends the normalized form of `input` to `out`; `base` is added to every origin offset.
/// A separating space is inserted before the first word when `out` does not already end in one.
pub fn normalize_into(input: &str, base: u32, out: &mut Normalized) {
    normalize_prefix_into(input, base, usize::MAX, out);
}

/// Like [`normalize_into`], but may stop once `out.text` is longer than `stop` bytes.
pub fn normalize_prefix_into(input: &str, base: u32, stop: usize, out: &mut Normalized) {
    let mut bytes = std::mem::take(&mut out.text).into_bytes();
    out.origin.reserve(input.len());
    normalize_core(
        input,
        base,
        stop,
        &mut Mapped {
            text: &mut bytes,
            origin: &mut out.origin,
        },
    );
    out.text = String::from_utf8(bytes).unwrap_or_default();
}

/// Appends the normalized form of `input` to `text` (bytes of UTF-8) without an origin map.
pub fn normalize_bytes_into(input: &str, text: &mut Vec<u8>) {
    normalize_core(input, 0, usize::MAX, text);
}

/// The original byte offsets (plus `base`) of normalized bytes `first` and `last` of `input`
/// normalized on its own, without building the text or an origin map: what quoting a match needs.
/// `None` when `input` normalizes to fewer than `last + 1` bytes.
pub fn locate_normalized(input: &str, base: u32, first: usize, last: usize) -> Option<(u32, u32)> {
    let mut sink = Locate {
        len: 0,
        want: [first, last],
        found: [None; 2],
    };
    normalize_core(input, base, last, &mut sink);
    Some((sink.found[0]?, sink.found[1]?))
}

/// Where normalized bytes go: plain text, text with an origin map, or only the origins of two
/// positions. One normalization routine serves all three, so they can never disagree.
trait Sink {
    fn len(&self) -> usize;
    /// True when the output so far ends inside a word, so the next word needs a space.
    fn ends_in_word(&self) -> bool;
    fn push(&mut self, b: u8, origin: u32);
    /// Appends an ASCII alphanumeric run, lower-cased; byte `k` comes from `origin + k`.
    fn push_ascii_run(&mut self, run: &[u8], origin: u32);
    /// Appends bytes that all come from one original character at `origin`.
    fn push_char(&mut self, bytes: &[u8], origin: u32);
}

impl Sink for Vec<u8> {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn ends_in_word(&self) -> bool {
        !self.is_empty() && !matches!(self.last(), Some(b' ' | b'\n'))
    }
    fn push(&mut self, b: u8, _: u32) {
        Vec::push(self, b);
    }
    fn push_ascii_run(&mut self, run: &[u8], _: u32) {
        self.extend(run.iter().map(|&b| LOWER[b as usize]));
    }
    fn push_char(&mut self, bytes: &[u8], _: u32) {
        self.extend_from_slice(bytes);
    }
}

struct Mapped<'a> {
    text: &'a mut Vec<u8>,
    origin: &'a mut Vec<u32>,
}

impl Sink for Mapped<'_> {
    fn len(&self) -> usize {
        self.text.len()
    }
    fn ends_in_word(&self) -> bool {
        self.text.ends_in_word()
    }
    fn push(&mut self, b: u8, origin: u32) {
        self.text.push(b);
        self.origin.push(origin);
    }
    fn push_ascii_run(&mut self, run: &[u8], origin: u32) {
        self.text.push_ascii_run(run, origin);
        self.origin
            .extend((0..run.len() as u32).map(|k| origin + k));
    }
    fn push_char(&mut self, bytes: &[u8], origin: u32) {
        self.text.extend_from_slice(bytes);
        self.origin.extend(std::iter::repeat_n(origin, bytes.len()));
    }
}

struct Locate {
    len: usize,
    want: [usize; 2],
    found: [Option<u32>; 2],
}

impl Locate {
    fn note(&mut self, n: usize, origin_at: impl Fn(usize) -> u32) {
        for (w, f) in self.want.iter().zip(&mut self.found) {
            if (self.len..self.len + n).contains(w) {
                *f = Some(origin_at(*w - self.len));
            }
        }
        self.len += n;
    }
}

impl Sink for Locate {
    fn len(&self) -> usize {
        self.len
    }
    fn ends_in_word(&self) -> bool {
        false
    }
    fn push(&mut self, _: u8, origin: u32) {
        self.note(1, |_| origin);
    }
    fn push_ascii_run(&mut self, run: &[u8], origin: u32) {
        self.note(run.len(), |k| origin + k as u32);
    }
    fn push_char(&mut self, bytes: &[u8], origin: u32) {
        self.note(bytes.len(), |_| origin);
    }
}

/// ASCII letters and digits.
const ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// ASCII lower-casing as a table.
const LOWER: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).to_ascii_lowercase();
        b += 1;
    }
    t
};

fn normalize_core(input: &str, base: u32, stop: usize, out: &mut impl Sink) {
    let bytes = input.as_bytes();
    let mut pending_space = out.ends_in_word();
    let mut prev_word_char = false;
    let mut i = 0;
    while i < bytes.len() && out.len() <= stop {
        let b = bytes[i];
        if ALNUM[b as usize] {
            // ASCII word run: copied as one slice, lower-cased.
            let run_start = i;
            i += 1;
            while i < bytes.len() && ALNUM[bytes[i] as usize] {
                i += 1;
            }
            if pending_space {
                out.push(b' ', base + run_start as u32);
                pending_space = false;
            }
            out.push_ascii_run(&bytes[run_start..i], base + run_start as u32);
            prev_word_char = true;
            continue;
        }
        if b.is_ascii() {
            if b == b'\'' && prev_word_char && next_is_alphanumeric(input, i + 1) {
                out.push(b'\'', base + i as u32);
            } else {
                pending_space |= prev_word_char;
                prev_word_char = false;
            }
            i += 1;
            continue;
        }
        let c = input[i..].chars().next().unwrap_or(' ');
        let len = c.len_utf8();
        let word_char = c.is_alphanumeric();
        let apostrophe = !word_char
            && prev_word_char
            && is_apostrophe(c)
            && next_is_alphanumeric(input, i + len);
        if word_char || apostrophe {
            if pending_space {
                out.push(b' ', base + i as u32);
                pending_space = false;
            }
            if apostrophe {
                out.push(b'\'', base + i as u32);
            } else {
                let mut lower = [0u8; 16];
                let mut n = 0;
                for l in c.to_lowercase() {
                    n += l.encode_utf8(&mut lower[n..]).len();
                }
                out.push_char(&lower[..n], base + i as u32);
            }
            prev_word_char = true;
        } else {
            pending_space |= prev_word_char;
            prev_word_char = false;
        }
        i += len;
    }
}

fn next_is_alphanumeric(input: &str, at: usize) -> bool {
    input
        .get(at..)
        .and_then(|s| s.chars().next())
        .is_some_and(char::is_alphanumeric)
}

/// Bytes that may end a sentence: `\n`, `\r`, `.`, `!`, `?` and the lead byte of `…`.
const MAY_END: [bool; 256] = {
    let mut t = [false; 256];
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'.' as usize] = true;
    t[b'!' as usize] = true;
    t[b'?' as usize] = true;
    t[0xE2] = true;
    t
};

/// Splits text into sentences at `.`, `!`, `?` or `…` followed by white space, and at line breaks.
/// Returns the byte ranges of the trimmed sentences; commas do not split.
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    split_sentences_into(text, &mut out);
    out
}

/// Like [`split_sentences`], but fills a caller's buffer (cleared first) to avoid an allocation.
pub fn split_sentences_into(text: &str, out: &mut Vec<Range<usize>>) {
    out.clear();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Skip quickly over bytes that can never end a sentence.
        match bytes[i..].iter().position(|&b| MAY_END[b as usize]) {
            Some(p) => i += p,
            None => break,
        }
        let b = bytes[i];
        let (is_end, len) = match b {
            b'\n' | b'\r' => (true, 1),
            b'.' | b'!' | b'?' => (bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()), 1),
            // U+2026 HORIZONTAL ELLIPSIS
            0xE2 if bytes[i..].starts_with("\u{2026}".as_bytes()) => {
                (bytes.get(i + 3).is_none_or(|n| n.is_ascii_whitespace()), 3)
            }
            _ => (false, 1),
        };
        if is_end {
            push_trimmed(text, start..i + len, out);
            start = i + len;
        }
        i += len;
    }
    if start < bytes.len() {
        push_trimmed(text, start..bytes.len(), out);
    }
}

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[range.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    let r = range.start + lead..range.end - trail;
    if text[r.clone()].chars().any(char::is_alphanumeric) {
        out.push(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_punctuation_and_case() {
        assert_eq!(
            normalize("Thank you,  for CALLING!"),
            "thank you for calling"
        );
        assert_eq!(
            normalize("You’ve reached Acme's desk"),
            "you've reached acme's desk"
        );
        assert_eq!(normalize("'quoted' -- well..."), "quoted well");
        assert_eq!(normalize("e-mail 4111-1111"), "e mail 4111 1111");
    }

    #[test]
    fn origin_maps_back_to_original_bytes() {
        let src = "Hi, Ünal!";
        let mut n = Normalized::default();
        normalize_into(src, 0, &mut n);
        assert_eq!(n.text, "hi ünal");
        assert_eq!(n.origin.len(), n.text.len());
        let u = n.text.find('ü').expect("has ü");
        assert_eq!(&src[n.origin[u] as usize..], "Ünal!");
    }

    #[test]
    fn locating_agrees_with_the_origin_map() {
        for src in [
            "Hi, Ünal! You’ve reached ACME's desk -- İstanbul office.",
            "  'quoted' -- well... e-mail 4111-1111",
            "ß and ǅ: straße",
        ] {
            let mut n = Normalized::default();
            normalize_into(src, 7, &mut n);
            for first in 0..n.text.len() {
                for last in first..n.text.len() {
                    assert_eq!(
                        locate_normalized(src, 7, first, last),
                        Some((n.origin[first], n.origin[last])),
                        "{src:?} {first}..={last}"
                    );
                }
            }
            assert_eq!(locate_normalized(src, 7, 0, n.text.len()), None);
        }
    }

    #[test]
    fn sentences_split_on_terminators_not_commas() {
        let s = "Sorry, could you repeat that? I'm sorry to hear it. Version 3.5 ok\nnext";
        let parts: Vec<&str> = split_sentences(s).into_iter().map(|r| &s[r]).collect();
        assert_eq!(
            parts,
            vec![
                "Sorry, could you repeat that?",
                "I'm sorry to hear it.",
                "Version 3.5 ok",
                "next"
            ]
        );
    }
}
