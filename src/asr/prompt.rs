//! The initial prompt whisper is primed with: the `--vocabulary` names and the proper names among a rubric's
//! variable values (company and product names), so they are spelled as the business spells them.
//!
//! Must not depend on clap, the rubric compiler or whisper: it takes plain strings.

/// Longest prompt kept, in characters. whisper.cpp uses at most half its 448-token text context for the
/// prompt; 600 characters of names stays well inside that.
pub const MAX_PROMPT_CHARS: usize = 600;

/// Builds the prompt: the vocabulary's comma-separated names first, then the rubric values that are proper
/// names (they contain an upper-case letter; lower-case values such as "reset" or "refunded" are ordinary
/// words whisper spells anyway). Duplicates (ignoring case) are dropped; names that would pass
/// [`MAX_PROMPT_CHARS`] are left out. `None` when there is nothing to say.
pub fn build_prompt(vocabulary: Option<&str>, rubric_values: &[String]) -> Option<String> {
    let from_vocabulary = vocabulary
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let from_rubric = rubric_values
        .iter()
        .map(|v| v.trim())
        .filter(|v| v.chars().any(char::is_uppercase));
    let mut seen: Vec<String> = Vec::new();
    let mut prompt = String::new();
    for name in from_vocabulary.chain(from_rubric) {
        let key = name.to_lowercase();
        if seen.contains(&key) {
            continue;
        }
        let extra = if prompt.is_empty() { 0 } else { 2 } + name.chars().count();
        if prompt.chars().count() + extra + 1 > MAX_PROMPT_CHARS {
            continue;
        }
        if !prompt.is_empty() {
            prompt.push_str(", ");
        }
        prompt.push_str(name);
        seen.push(key);
    }
    (!prompt.is_empty()).then(|| prompt + ".")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn vocabulary_then_proper_names_from_the_rubric() {
        let got = build_prompt(
            Some(" Acme, FiberMax ,, "),
            &strings(&[
                "Acme Finance",
                "acme",
                "reset",
                "refunded",
                "FiberMax",
                "GigaBox 5",
            ]),
        );
        assert_eq!(
            got.as_deref(),
            Some("Acme, FiberMax, Acme Finance, GigaBox 5.")
        );
    }

    #[test]
    fn nothing_to_say_is_no_prompt() {
        assert_eq!(build_prompt(None, &[]), None);
        assert_eq!(
            build_prompt(Some(" , "), &strings(&["reset", "set up"])),
            None
        );
    }

    #[test]
    fn long_lists_are_cut_to_whole_names() {
        let many: Vec<String> = (0..200).map(|i| format!("Product{i}")).collect();
        let got = build_prompt(None, &many).unwrap_or_default();
        assert!(got.chars().count() <= MAX_PROMPT_CHARS, "{}", got.len());
        assert!(got.starts_with("Product0, Product1, "));
        assert!(got.ends_with('.') && !got.contains(",."));
    }
}
