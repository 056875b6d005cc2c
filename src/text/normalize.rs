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
    let mut pending_space = !out.text.is_empty() && !out.text.ends_with([' ', '\n']);
    let mut prev_word_char = false;
    let mut chars = input.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let word_char = c.is_alphanumeric();
        let keep_apostrophe = is_apostrophe(c)
            && prev_word_char
            && chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        if word_char || keep_apostrophe {
            if pending_space {
                out.text.push(' ');
                out.origin.push(base + i as u32);
                pending_space = false;
            }
            if keep_apostrophe {
                out.text.push('\'');
                out.origin.push(base + i as u32);
            } else if c.is_ascii() {
                out.text.push(c.to_ascii_lowercase());
                out.origin.push(base + i as u32);
            } else {
                for l in c.to_lowercase() {
                    out.text.push(l);
                    out.origin.extend(std::iter::repeat_n(base + i as u32, l.len_utf8()));
                }
            }
            prev_word_char = true;
        } else {
            if prev_word_char {
                pending_space = true;
            }
            prev_word_char = false;
        }
    }
}

/// Splits text into sentences at `.`, `!`, `?` or `…` followed by white space, and at line breaks.
/// Returns the byte ranges of the trimmed sentences; commas do not split.
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let end_here = match c {
            '\n' | '\r' => true,
            '.' | '!' | '?' | '…' => iter.peek().is_none_or(|&(_, n)| n.is_whitespace()),
            _ => false,
        };
        if end_here {
            push_trimmed(text, start..i + c.len_utf8(), &mut out);
            start = i + c.len_utf8();
        }
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
        assert_eq!(normalize("Thank you,  for CALLING!"), "thank you for calling");
        assert_eq!(normalize("You’ve reached Acme's desk"), "you've reached acme's desk");
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
