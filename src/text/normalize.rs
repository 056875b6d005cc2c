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
    let mut out = Normalized::default();
    normalize_into(input, 0, &mut out);
    out.text
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02bc}')
}

/// Appends the normalized form of `input` to `out`; `base` is added to every origin offset.
/// A separating space is inserted before the first word when `out` does not already end in one.
pub fn normalize_into(input: &str, base: u32, out: &mut Normalized) {
    let bytes = input.as_bytes();
    out.text.reserve(bytes.len());
    out.origin.reserve(bytes.len());
    let mut pending_space = !out.text.is_empty() && !out.text.ends_with([' ', '\n']);
    let mut prev_word_char = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII fast path: one byte in, at most one byte out.
        let (c, len) = if b.is_ascii() {
            (b as char, 1)
        } else {
            let c = input[i..].chars().next().unwrap_or(' ');
            (c, c.len_utf8())
        };
        let word_char = if b.is_ascii() {
            b.is_ascii_alphanumeric()
        } else {
            c.is_alphanumeric()
        };
        let keep_apostrophe = !word_char
            && prev_word_char
            && is_apostrophe(c)
            && input[i + len..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric);
        if word_char || keep_apostrophe {
            let at = base + i as u32;
            if pending_space {
                out.text.push(' ');
                out.origin.push(at);
                pending_space = false;
            }
            if keep_apostrophe {
                out.text.push('\'');
                out.origin.push(at);
            } else if b.is_ascii() {
                out.text.push(b.to_ascii_lowercase() as char);
                out.origin.push(at);
            } else {
                for l in c.to_lowercase() {
                    out.text.push(l);
                    out.origin.extend(std::iter::repeat_n(at, l.len_utf8()));
                }
            }
            prev_word_char = true;
        } else {
            pending_space |= prev_word_char;
            prev_word_char = false;
        }
        i += len;
    }
}

/// Splits text into sentences at `.`, `!`, `?` or `…` followed by white space, and at line breaks.
/// Returns the byte ranges of the trimmed sentences; commas do not split.
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
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
            push_trimmed(text, start..i + len, &mut out);
            start = i + len;
        }
        i += len;
    }
    if start < bytes.len() {
        push_trimmed(text, start..bytes.len(), &mut out);
    }
    out
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
