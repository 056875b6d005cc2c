//! Normalizes text for matching: lower case, punctuation dropped, words separated by one space,
//! split into sentences; the original characters of any normalized byte can be found again, so matches
//! can be quoted exactly.
//!
//! Apostrophes inside words are kept (`you've`), curly ones made straight. Must not depend on
//! whisper, audio or clap.

use std::ops::Range;

/// Normalizes `input` into a new string.
pub fn normalize(input: &str) -> String {
    let mut out = Vec::new();
    normalize_core(input, 0, usize::MAX, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02bc}')
}

/// One sentence of a text normalized by [`normalize_sentences_into`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedSentence {
    /// Byte range of the sentence in the input, without surrounding white space.
    pub orig: Range<usize>,
    /// Byte range of its normalized text in the output.
    pub norm: Range<usize>,
    /// Number of words in the normalized text.
    pub words: u32,
}

/// Splits `input` into sentences, at `.`, `!`, `?` or `…` followed by white space and at line
/// breaks (not at commas), and appends each one's normalized text, followed by `\n`, to `text`,
/// describing it in `sentences`; a sentence without a word is skipped. One pass over the input.
pub fn normalize_sentences_into(
    input: &str,
    text: &mut Vec<u8>,
    sentences: &mut Vec<NormalizedSentence>,
) {
    let start = text.len();
    // Normalized text is rarely longer than its input; this saves growing it word by word.
    text.reserve(input.len() + 1);
    normalize_core(
        input,
        0,
        usize::MAX,
        &mut Sentences {
            text,
            sentences,
            start,
        },
    );
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

/// Where normalized bytes go: plain text, text split into sentences, or only the origins of two
/// positions (and, in the tests, text with a full origin map). One normalization routine serves
/// them all, so they can never disagree.
trait Sink {
    fn len(&self) -> usize;
    fn push(&mut self, b: u8, origin: u32);
    /// Appends bytes that all come from one original character at `origin`.
    fn push_char(&mut self, bytes: &[u8], origin: u32);
    /// Appends the ASCII alphanumeric run of `bytes` that starts at `start` (which is one),
    /// lower-cased; byte `k` comes from `base + k`. Returns where the run ends.
    fn push_ascii_word(&mut self, bytes: &[u8], start: usize, base: u32) -> usize;
    /// Whether the input is split into sentences as it is normalized (see [`normalize_sentences_into`]).
    const SPLITS: bool = false;
    /// Called, when [`Sink::SPLITS`], at the end of each sentence: `raw` is its untrimmed byte range
    /// in `input` and `words` the number of words it normalized to.
    fn end_sentence(&mut self, _input: &str, _raw: Range<usize>, _words: u32) {}
}

impl Sink for Vec<u8> {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn push(&mut self, b: u8, _: u32) {
        Vec::push(self, b);
    }
    fn push_char(&mut self, bytes: &[u8], _: u32) {
        self.extend_from_slice(bytes);
    }
    fn push_ascii_word(&mut self, bytes: &[u8], start: usize, _: u32) -> usize {
        // Scanned and copied in one pass: one table gives each byte's lower case, or 0 when it
        // ends the word.
        let mut i = start;
        while let Some(&b) = bytes.get(i) {
            let lower = ALNUM_LOWER[b as usize];
            if lower == 0 {
                break;
            }
            self.push(lower);
            i += 1;
        }
        i
    }
}

/// Plain text, split into sentences as it is written.
struct Sentences<'a> {
    text: &'a mut Vec<u8>,
    sentences: &'a mut Vec<NormalizedSentence>,
    /// Where the current sentence's text starts.
    start: usize,
}

impl Sink for Sentences<'_> {
    const SPLITS: bool = true;
    fn len(&self) -> usize {
        self.text.len()
    }
    fn push(&mut self, b: u8, _: u32) {
        self.text.push(b);
    }
    fn push_char(&mut self, bytes: &[u8], _: u32) {
        self.text.extend_from_slice(bytes);
    }
    fn push_ascii_word(&mut self, bytes: &[u8], start: usize, base: u32) -> usize {
        self.text.push_ascii_word(bytes, start, base)
    }
    fn end_sentence(&mut self, input: &str, raw: Range<usize>, words: u32) {
        // A sentence without a word normalizes to nothing and is skipped.
        if self.text.len() > self.start {
            self.sentences.push(NormalizedSentence {
                orig: trimmed(input, raw),
                norm: self.start..self.text.len(),
                words,
            });
            self.text.push(b'\n');
        }
        self.start = self.text.len();
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
    fn push(&mut self, _: u8, origin: u32) {
        self.note(1, |_| origin);
    }
    fn push_ascii_word(&mut self, bytes: &[u8], start: usize, base: u32) -> usize {
        let end = bytes[start..]
            .iter()
            .position(|&b| !ALNUM[b as usize])
            .map_or(bytes.len(), |n| start + n);
        self.note(end - start, |k| base + (start + k) as u32);
        end
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

/// ASCII letters and digits lower-cased, 0 for every other byte.
const ALNUM_LOWER: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        if ALNUM[b] {
            t[b] = (b as u8).to_ascii_lowercase();
        }
        b += 1;
    }
    t
};

fn normalize_core<S: Sink>(input: &str, base: u32, stop: usize, out: &mut S) {
    let bytes = input.as_bytes();
    let mut pending_space = false;
    let mut prev_word_char = false;
    let mut words = 0u32;
    // Start of the current sentence, when splitting.
    let mut sentence_start = 0;
    let mut i = 0;
    while i < bytes.len() && out.len() <= stop {
        let b = bytes[i];
        if ALNUM[b as usize] {
            // ASCII word run: copied lower-cased.
            if pending_space {
                out.push(b' ', base + i as u32);
                pending_space = false;
            }
            i = out.push_ascii_word(bytes, i, base);
            words += u32::from(!prev_word_char);
            prev_word_char = true;
            continue;
        }
        if b == b' ' {
            // The commonest separator, which can neither keep a word going nor end a sentence.
            pending_space |= prev_word_char;
            prev_word_char = false;
            i += 1;
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
            if S::SPLITS && ends_sentence(bytes, i - 1) {
                out.end_sentence(input, sentence_start..i, words);
                (sentence_start, words, pending_space, prev_word_char) = (i, 0, false, false);
            }
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
            words += u32::from(!prev_word_char);
            prev_word_char = true;
        } else {
            pending_space |= prev_word_char;
            prev_word_char = false;
        }
        i += len;
        if S::SPLITS && ends_sentence(bytes, i - len) {
            out.end_sentence(input, sentence_start..i, words);
            (sentence_start, words, pending_space, prev_word_char) = (i, 0, false, false);
        }
    }
    if S::SPLITS {
        out.end_sentence(input, sentence_start..bytes.len(), words);
    }
}

fn next_is_alphanumeric(input: &str, at: usize) -> bool {
    input
        .get(at..)
        .and_then(|s| s.chars().next())
        .is_some_and(char::is_alphanumeric)
}

/// Whether the character at byte `at` ends a sentence: a line break, or `.`, `!`, `?` or `…`
/// followed by white space or the end of the text.
fn ends_sentence(bytes: &[u8], at: usize) -> bool {
    let followed_by_space = |next: usize| bytes.get(next).is_none_or(u8::is_ascii_whitespace);
    match bytes[at] {
        b'\n' | b'\r' => true,
        b'.' | b'!' | b'?' => followed_by_space(at + 1),
        // U+2026 HORIZONTAL ELLIPSIS
        0xE2 if bytes[at..].starts_with("\u{2026}".as_bytes()) => followed_by_space(at + 3),
        _ => false,
    }
}

/// `range` without leading and trailing white space (empty, not reversed, when it is all white
/// space).
fn trimmed(text: &str, range: Range<usize>) -> Range<usize> {
    let s = &text[range.clone()];
    let rest = s.trim_start();
    let start = range.start + (s.len() - rest.len());
    start..start + rest.trim_end().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Normalized text plus, for each of its bytes, the byte offset of the original character: the
    /// plain specification of where each normalized byte comes from, to check quoting against.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    struct Normalized {
        text: String,
        origin: Vec<u32>,
    }

    /// The normalized form of `input` with its origin map; `base` is added to every origin offset.
    fn normalize_into(input: &str, base: u32, out: &mut Normalized) {
        let mut bytes = std::mem::take(&mut out.text).into_bytes();
        normalize_core(
            input,
            base,
            usize::MAX,
            &mut Mapped {
                text: &mut bytes,
                origin: &mut out.origin,
            },
        );
        out.text = String::from_utf8(bytes).unwrap_or_default();
    }

    struct Mapped<'a> {
        text: &'a mut Vec<u8>,
        origin: &'a mut Vec<u32>,
    }

    impl Sink for Mapped<'_> {
        fn len(&self) -> usize {
            self.text.len()
        }
        fn push(&mut self, b: u8, origin: u32) {
            self.text.push(b);
            self.origin.push(origin);
        }
        fn push_ascii_word(&mut self, bytes: &[u8], start: usize, base: u32) -> usize {
            let end = self.text.push_ascii_word(bytes, start, base);
            self.origin
                .extend((start as u32..end as u32).map(|k| base + k));
            end
        }
        fn push_char(&mut self, bytes: &[u8], origin: u32) {
            self.text.extend_from_slice(bytes);
            self.origin.extend(std::iter::repeat_n(origin, bytes.len()));
        }
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
    ///
    /// The scoring document uses [`normalize_sentences_into`], which splits the same way while it
    /// normalizes; this is the plain form.
    fn split_sentences(text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let bytes = text.as_bytes();
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            // Skip quickly over bytes that can never end a sentence.
            match bytes[i..].iter().position(|&b| MAY_END[b as usize]) {
                Some(p) => i += p,
                None => break,
            }
            if ends_sentence(bytes, i) {
                let end = i + if bytes[i] == 0xE2 { 3 } else { 1 };
                push_if_words(text, trimmed(text, start..end), &mut out);
                start = end;
                i = end;
            } else {
                i += 1;
            }
        }
        if start < bytes.len() {
            push_if_words(text, trimmed(text, start..bytes.len()), &mut out);
        }
        out
    }

    fn push_if_words(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
        if text[range.clone()].chars().any(char::is_alphanumeric) {
            out.push(range);
        }
    }

    /// Normalization written plainly, one character at a time, as the specification.
    fn normalize_slowly(input: &str) -> String {
        let chars: Vec<char> = input.chars().collect();
        let mut out = String::new();
        let mut in_word = false;
        for (k, &c) in chars.iter().enumerate() {
            let next_is_word = chars.get(k + 1).is_some_and(|n| n.is_alphanumeric());
            if c.is_alphanumeric() {
                if !in_word && !out.is_empty() {
                    out.push(' ');
                }
                out.extend(c.to_lowercase());
                in_word = true;
            } else if in_word && is_apostrophe(c) && next_is_word {
                out.push('\'');
            } else {
                in_word = false;
            }
        }
        out
    }

    #[test]
    fn normalization_agrees_with_the_plain_specification() {
        let long = "Supercalifragilistic EXPIALIDOCIOUS 1234567890123 abcdefgh ABCDEFGHI";
        for input in mixed_texts().iter().map(String::as_str).chain([long]) {
            assert_eq!(normalize(input), normalize_slowly(input), "{input:?}");
        }
    }

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

    /// Deterministic text mixing ASCII and Unicode words, every kind of separator and sentence
    /// end, apostrophes in and around words, and case that lower-cases to more bytes.
    fn mixed_texts() -> Vec<String> {
        const PIECES: &[&str] = &[
            "Hello",
            "WORLD",
            "it's",
            "you\u{2019}ve",
            "3.5",
            "4111",
            "Ünal",
            "İstanbul",
            "straße",
            "ǅ",
            "日本",
            "x",
            " ",
            " ",
            " ",
            "  ",
            "\t",
            "\n",
            "\r\n",
            "\r",
            ".",
            ". ",
            "!",
            "? ",
            "?!",
            "...",
            "\u{2026}",
            "\u{2026} ",
            "\u{2026}x",
            ",",
            ", ",
            "-",
            "--",
            "'",
            " '",
            "' ",
            "\u{2018}",
            "\u{a0}",
            "\u{2028}",
            "\u{0b}",
            "\u{0c}",
            "\u{3000}",
            "(",
            ")",
            "\"",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut texts: Vec<String> = ["", " ", ".", "a", "a.", " a. b ", "\n\nA\n"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for _ in 0..3000 {
            let n = next(24);
            texts.push((0..n).map(|_| PIECES[next(PIECES.len())]).collect());
        }
        texts
    }

    #[test]
    fn splitting_while_normalizing_agrees_with_split_then_normalize() {
        for input in mixed_texts() {
            let mut text = b"earlier\n".to_vec();
            let mut sentences = Vec::new();
            normalize_sentences_into(&input, &mut text, &mut sentences);
            let mut want_text = "earlier\n".to_string();
            let mut want = Vec::new();
            for r in split_sentences(&input) {
                let norm = normalize(&input[r.clone()]);
                assert!(
                    !norm.is_empty(),
                    "{input:?}: split kept a sentence without words"
                );
                let start = want_text.len();
                want_text.push_str(&norm);
                want.push(NormalizedSentence {
                    orig: r,
                    norm: start..want_text.len(),
                    words: norm.split(' ').count() as u32,
                });
                want_text.push('\n');
            }
            assert_eq!(String::from_utf8_lossy(&text), want_text, "{input:?}");
            assert_eq!(sentences, want, "{input:?}");
        }
    }

    #[test]
    fn white_space_only_pieces_are_dropped() {
        assert!(split_sentences("   ").is_empty());
        assert!(split_sentences("\u{a0}\t").is_empty());
        let s = "Hi. \n ok";
        let parts: Vec<&str> = split_sentences(s).into_iter().map(|r| &s[r]).collect();
        assert_eq!(parts, vec!["Hi.", "ok"]);
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
