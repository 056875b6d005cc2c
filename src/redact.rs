//! Redaction of personal data in transcript text before it goes into a report or export.
//!
//! Replaces, in this order: email addresses (`[email]`); card numbers spoken as digit words ("four one one
//! one …", with "oh"/"zero" and "double"/"triple") or written as digits, alone or in groups separated by spaces
//! or dashes, when they have 13–19 digits and pass the Luhn check (`[card]`); social security numbers
//! (`[ssn]`); phone numbers (`[phone]`). Spoken digit runs that are not cards are read like written ones: 9
//! digits is an SSN, 7, 10, or 11 digits starting with 1 is a phone number. Dates, amounts and numbers that
//! fail the Luhn check are left alone. Plain text in, plain text out: must not depend on the store, the
//! report format or clap.

use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

pub const CARD: &str = "[card]";
pub const SSN: &str = "[ssn]";
pub const PHONE: &str = "[phone]";
pub const EMAIL: &str = "[email]";

static EMAIL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b")
        .expect("email regex")
});
/// 13–19 digits, optionally in groups separated by single spaces or dashes.
static CARD_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b\d(?:[ -]?\d){12,18}\b").expect("card regex"));
static SSN_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b\d{3}-\d{2}-\d{4}\b|\b\d{3} \d{2} \d{4}\b").expect("ssn regex")
});
/// North American numbers with or without +1 and brackets, and international +CC numbers.
static PHONE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:\+1[ .-]?|\b1[ .-])?(?:\(\d{3}\) ?|\b\d{3}[ .-]?)\d{3}[ .-]?\d{4}\b|\+\d{1,3}(?:[ .-]?\d){7,12}\b|\b\d{3}-\d{4}\b",
    )
    .expect("phone regex")
});
/// Words and digit runs, for finding spoken numbers.
static TOKEN_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z]+|\d+").expect("token regex"));

/// Redacts every kind of personal data this module knows in `text`.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    replace_into(&mut out, &EMAIL_RE, EMAIL);
    if let Some(spoken) = redact_spoken(&out) {
        out = Cow::Owned(spoken);
    }
    replace_into(&mut out, &CARD_RE, |c: &regex::Captures| {
        let m = &c[0];
        let digits: Vec<u8> = m
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        if luhn(&digits) {
            CARD.to_string()
        } else {
            m.to_string()
        }
    });
    replace_into(&mut out, &SSN_RE, SSN);
    replace_into(&mut out, &PHONE_RE, PHONE);
    out
}

/// Applies one replacement to `out`, which stays borrowed (no copy) unless the text really changed.
fn replace_into(out: &mut Cow<'_, str>, re: &Regex, rep: impl regex::Replacer) {
    let replaced = match re.replace_all(out, rep) {
        Cow::Owned(s) if s != **out => Some(s),
        _ => None,
    };
    if let Some(s) = replaced {
        *out = Cow::Owned(s);
    }
}

/// True when the digits pass the Luhn checksum used by payment cards.
pub fn luhn(digits: &[u8]) -> bool {
    if digits.len() < 2 {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

fn digit_word(w: &str) -> Option<u8> {
    Some(match w.to_ascii_lowercase().as_str() {
        "zero" | "oh" | "o" => 0,
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        _ => return None,
    })
}

fn repeat_word(w: &str) -> Option<usize> {
    match w.to_ascii_lowercase().as_str() {
        "double" => Some(2),
        "triple" => Some(3),
        _ => None,
    }
}

/// A run of spoken digits: byte range in the text and the digits.
struct Run {
    start: usize,
    end: usize,
    digits: Vec<u8>,
    words: usize,
}

/// Replaces runs of digit words (mixed with written digits) that read as a card, SSN or phone number.
fn redact_spoken(text: &str) -> Option<String> {
    let tokens: Vec<(usize, usize)> = TOKEN_RE
        .find_iter(text)
        .map(|m| (m.start(), m.end()))
        .collect();
    let mut runs: Vec<Run> = Vec::new();
    let mut cur: Option<Run> = None;
    let mut repeat = 1;
    for (i, &(s, e)) in tokens.iter().enumerate() {
        let tok = &text[s..e];
        let (digits, is_word) = if let Some(d) = digit_word(tok) {
            (vec![d; std::mem::replace(&mut repeat, 1)], true)
        } else if tok.as_bytes()[0].is_ascii_digit() && repeat == 1 {
            (tok.bytes().map(|b| b - b'0').collect(), false)
        } else {
            match (repeat_word(tok), tokens.get(i + 1)) {
                (Some(n), Some(&(ns, ne))) if digit_word(&text[ns..ne]).is_some() => {
                    repeat = n;
                    (Vec::new(), true)
                }
                _ => {
                    repeat = 1;
                    runs.extend(cur.take());
                    continue;
                }
            }
        };
        let joined = cur.as_ref().is_some_and(|r| {
            text[r.end..s]
                .chars()
                .all(|c| c.is_whitespace() || c == ',' || c == '-')
        });
        if !joined {
            runs.extend(cur.take());
        }
        let r = cur.get_or_insert(Run {
            start: s,
            end: e,
            digits: Vec::new(),
            words: 0,
        });
        r.end = e;
        r.digits.extend(digits);
        r.words += usize::from(is_word);
    }
    runs.extend(cur);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut changed = false;
    for r in runs.iter().filter(|r| r.words > 0) {
        let n = r.digits.len();
        let label = if (13..=19).contains(&n) && luhn(&r.digits) {
            CARD
        } else if n == 9 {
            SSN
        } else if n == 7 || n == 10 || (n == 11 && r.digits[0] == 1) {
            PHONE
        } else {
            continue;
        };
        out.push_str(&text[last..r.start]);
        out.push_str(label);
        last = r.end;
        changed = true;
    }
    if !changed {
        return None;
    }
    out.push_str(&text[last..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_checksum() {
        let d = |s: &str| s.bytes().map(|b| b - b'0').collect::<Vec<u8>>();
        assert!(luhn(&d("4111111111111111")));
        assert!(luhn(&d("79927398713")));
        assert!(!luhn(&d("4111111111111112")));
        assert!(!luhn(&d("1")));
    }

    #[test]
    fn cards_written_as_digits() {
        assert_eq!(redact("it's 4111111111111111 ok"), "it's [card] ok");
        assert_eq!(redact("card 4111 1111 1111 1111."), "card [card].");
        assert_eq!(redact("card 4111-1111-1111-1111"), "card [card]");
        assert_eq!(redact("amex 3782 822463 10005"), "amex [card]");
        // Not Luhn-valid: stays.
        assert_eq!(redact("ref 4111111111111112"), "ref 4111111111111112");
        assert_eq!(redact("ref 4111 1111 1111 1112"), "ref 4111 1111 1111 1112");
    }

    #[test]
    fn cards_spoken_as_words() {
        let spoken =
            "my card is four one one one one one one one one one one one one one one one thanks";
        assert_eq!(redact(spoken), "my card is [card] thanks");
        assert_eq!(
            redact("Four one one one, double one one one, one one one one, one one one one."),
            "[card]."
        );
        assert_eq!(
            redact("it's 4111 one one one one one one one one one one one one"),
            "it's [card]"
        );
        // 5500 0000 0000 0004 with "oh".
        assert_eq!(
            redact("five five oh oh, oh oh oh oh, zero zero zero zero, oh oh oh four"),
            "[card]"
        );
        // 16 spoken digits that fail Luhn stay.
        let bad = "four one one one one one one one one one one one one one one two";
        assert_eq!(redact(bad), bad);
    }

    #[test]
    fn words_that_are_not_numbers_stay() {
        let t = "Oh no, I have one question and two more about the nine o'clock slot";
        assert_eq!(redact(t), t);
        assert!(matches!(redact(t), Cow::Borrowed(_)));
    }

    #[test]
    fn ssn() {
        assert_eq!(redact("SSN 123-45-6789."), "SSN [ssn].");
        assert_eq!(redact("it's 123 45 6789"), "it's [ssn]");
        assert_eq!(
            redact("social is one two three four five six seven eight nine"),
            "social is [ssn]"
        );
    }

    #[test]
    fn phone_numbers() {
        assert_eq!(redact("call 555-123-4567"), "call [phone]");
        assert_eq!(redact("call (555) 123-4567 now"), "call [phone] now");
        assert_eq!(redact("call +1 555 123 4567"), "call [phone]");
        assert_eq!(redact("call 5551234567"), "call [phone]");
        assert_eq!(redact("call +44 20 7946 0958"), "call [phone]");
        assert_eq!(redact("call 555-1234"), "call [phone]");
        assert_eq!(
            redact("it's five five five one two three four five six seven"),
            "it's [phone]"
        );
    }

    #[test]
    fn emails() {
        assert_eq!(
            redact("mail dana.reyes+qa@acme-telecom.co.uk please"),
            "mail [email] please"
        );
        assert_eq!(redact("meet @ 5"), "meet @ 5");
    }

    #[test]
    fn dates_amounts_and_small_numbers_stay() {
        for t in [
            "on 2026-11-02 we charged $1,234.56",
            "due 12/25/2026 for 49.99",
            "order 12345 arrives in 3 days",
            "your balance is two hundred dollars",
            "at 10:30 on 11/02",
            "the year 2026 and 1999",
        ] {
            assert_eq!(redact(t), t, "{t}");
        }
    }

    #[test]
    fn several_kinds_in_one_line() {
        assert_eq!(
            redact("card 4111 1111 1111 1111, email a@b.com, phone 555-123-4567, ssn 123-45-6789"),
            "card [card], email [email], phone [phone], ssn [ssn]"
        );
    }
}
