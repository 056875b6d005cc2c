//! Unit tests of the rule primitives, the default rubric's traps and the scoring math.

use super::*;
use crate::rubric::{Rubric, compile};
use crate::transcript::{Segment, Speaker, Transcript};
use std::collections::BTreeMap;
use std::path::Path;

fn seg(speaker: Speaker, text: &str, times: Option<(f64, f64)>) -> Segment {
    Segment {
        start: times.map(|t| t.0),
        end: times.map(|t| t.1),
        speaker,
        channel: None,
        text: text.to_string(),
        words: None,
    }
}

fn role(s: &str) -> Speaker {
    match s {
        "A" => Speaker::Agent,
        "C" => Speaker::Customer,
        _ => Speaker::Unknown,
    }
}

/// An untimed transcript from `("A"|"C"|"U", text)` lines.
fn call(lines: &[(&str, &str)]) -> Transcript {
    let mut t = Transcript::new("t");
    t.segments = lines.iter().map(|(s, x)| seg(role(s), x, None)).collect();
    t
}

/// A timed transcript from `(speaker, start, end, text)`.
fn timed(lines: &[(&str, f64, f64, &str)]) -> Transcript {
    let mut t = Transcript::new("t");
    t.segments = lines
        .iter()
        .map(|(s, a, b, x)| seg(role(s), x, Some((*a, *b))))
        .collect();
    t
}

/// A one-criterion rubric `s.c` with the given condition table body and extra top-level TOML.
fn rubric(condition: &str, extra: &str) -> Rubric {
    let src = format!(
        "{extra}\n[rubric]\nname = \"t\"\nversion = \"1\"\n[[sections]]\nid = \"s\"\n[[criteria]]\nid = \"s.c\"\n[criteria.condition]\n{condition}\n"
    );
    compile(&src, Path::new("t.toml"), &BTreeMap::new()).unwrap_or_else(|e| panic!("{e}"))
}

fn outcome(r: &Rubric, t: &Transcript) -> Outcome {
    score(r, t).criteria[0].outcome
}

fn default_outcome(t: &Transcript, id: &str) -> Outcome {
    let card = score(&Rubric::builtin_default(), t);
    card.criterion(id)
        .map(|c| c.outcome)
        .unwrap_or_else(|| panic!("no {id}"))
}

#[test]
fn white_space_only_lines_are_skipped_not_fatal() {
    let r = rubric(r#"phrases = ["thank you"]"#, "");
    let t = call(&[("A", "Hi. \n"), ("C", "   "), ("A", "Thank you.\u{a0}\n")]);
    let card = score(&r, &t);
    assert_eq!(card.criteria[0].outcome, Outcome::Pass);
    assert_eq!(card.criteria[0].evidence[0].segment, Some(2));
    assert_eq!(
        card.criteria[0].evidence[0].quote.as_deref(),
        Some("Thank you.")
    );
}

#[test]
fn phrases_ignore_case_punctuation_and_spacing() {
    let r = rubric(r#"phrases = ["thank you, for calling"]"#, "");
    assert_eq!(
        outcome(&r, &call(&[("A", "Thank you   for CALLING!")])),
        Outcome::Pass
    );
    assert_eq!(
        outcome(&r, &call(&[("A", "thank you forcalling")])),
        Outcome::Fail
    );
}

#[test]
fn pass_evidence_quotes_sentence_and_span() {
    let r = rubric(r#"phrases = ["my name is {name}"]"#, "");
    let t = timed(&[(
        "A",
        1.0,
        4.0,
        "Hello there. My name is Dana, how can I help?",
    )]);
    let card = score(&r, &t);
    let e = &card.criteria[0].evidence[0];
    assert_eq!(e.kind, EvidenceKind::Match);
    assert_eq!(e.quote.as_deref(), Some("My name is Dana, how can I help?"));
    assert_eq!(e.matched.as_deref(), Some("My name is Dana"));
    assert_eq!(e.span, Some([0, 15]));
    assert_eq!((e.start, e.end, e.turn), (Some(1.0), Some(4.0), Some(1)));
    assert_eq!(e.speaker, Some(Speaker::Agent));
}

#[test]
fn slots_and_variables() {
    let r = rubric(
        r#"phrases = ["you've reached {company}", "{name} speaking"]"#,
        r#"[variables]
company = ["Acme", "Acme Bank"]"#,
    );
    assert_eq!(
        outcome(&r, &call(&[("A", "You’ve reached Acme Bank.")])),
        Outcome::Pass
    );
    assert_eq!(
        outcome(&r, &call(&[("A", "you've reached the wrong place")])),
        Outcome::Fail
    );
    assert_eq!(
        outcome(&r, &call(&[("A", "Billing, Sam speaking")])),
        Outcome::Pass
    );
    assert_eq!(outcome(&r, &call(&[("A", "I am speaking")])), Outcome::Fail);
}

#[test]
fn variable_overrides_replace_definitions() {
    let src = "[rubric]\nname=\"t\"\nversion=\"1\"\n[variables]\ncompany=\"Acme\"\n[[sections]]\nid=\"s\"\n[[criteria]]\nid=\"s.c\"\ncondition={phrases=[\"welcome to {company}\"]}\n";
    let mut o = BTreeMap::new();
    o.insert("company".to_string(), vec!["Globex".to_string()]);
    let r = compile(src, Path::new("t.toml"), &o).expect("compiles");
    assert_eq!(
        outcome(&r, &call(&[("A", "Welcome to Globex")])),
        Outcome::Pass
    );
    assert_eq!(
        outcome(&r, &call(&[("A", "Welcome to Acme")])),
        Outcome::Fail
    );
}

#[test]
fn regex_runs_on_normalized_text() {
    let r = rubric(r#"regex = "\\bcase (number )?\\d{4,}""#, "");
    assert_eq!(
        outcome(&r, &call(&[("A", "Your CASE number: 123456.")])),
        Outcome::Pass
    );
    assert_eq!(outcome(&r, &call(&[("A", "case 12")])), Outcome::Fail);
}

#[test]
fn speaker_filter_and_unknown_speech_is_unverified() {
    let r = rubric(
        r#"speaker = "agent"
phrases = ["hello"]"#,
        "",
    );
    assert_eq!(outcome(&r, &call(&[("C", "hello")])), Outcome::Fail);
    let card = score(&r, &call(&[("U", "hello")]));
    assert_eq!(card.criteria[0].outcome, Outcome::Pass);
    assert!(card.criteria[0].evidence[0].unverified);
    assert!(!card.speakers_verified);
    let any = rubric(r#"phrases = ["hello"]"#, "");
    assert!(!score(&any, &call(&[("U", "hello")])).criteria[0].evidence[0].unverified);
}

#[test]
fn windows_by_seconds_turns_and_percent() {
    let t = timed(&[
        ("A", 0.0, 5.0, "good morning"),
        ("C", 5.0, 10.0, "hi"),
        ("A", 10.0, 20.0, "one moment"),
        ("C", 20.0, 40.0, "ok"),
        ("A", 40.0, 60.0, "hello again"),
    ]);
    let first = |w: &str, p: &str| {
        rubric(
            &format!("speaker = \"agent\"\nwindow = {w}\nphrases = [\"{p}\"]"),
            "",
        )
    };
    assert_eq!(
        outcome(&first("{ first_seconds = 8 }", "good morning"), &t),
        Outcome::Pass
    );
    assert_eq!(
        outcome(&first("{ first_seconds = 8 }", "one moment"), &t),
        Outcome::Fail
    );
    assert_eq!(
        outcome(&first("{ first_turns = 2 }", "one moment"), &t),
        Outcome::Pass
    );
    // Union: first 1 turn or first 15 s reaches the second agent turn by time.
    assert_eq!(
        outcome(
            &first("{ first_turns = 1, first_seconds = 15 }", "one moment"),
            &t
        ),
        Outcome::Pass
    );
    assert_eq!(
        outcome(&first("{ last_turns = 1 }", "hello again"), &t),
        Outcome::Pass
    );
    assert_eq!(
        outcome(&first("{ last_turns = 1 }", "one moment"), &t),
        Outcome::Fail
    );
    assert_eq!(
        outcome(&first("{ last_seconds = 10 }", "hello again"), &t),
        Outcome::Pass
    );
    assert_eq!(
        outcome(&first("{ percent = [50, 100] }", "one moment"), &t),
        Outcome::Fail
    );
    assert_eq!(
        outcome(&first("{ percent = [10, 40] }", "one moment"), &t),
        Outcome::Pass
    );
}

#[test]
fn untimed_windows_use_positions_and_say_so() {
    let r = rubric(
        r#"window = { first_seconds = 2 }
phrases = ["late phrase"]"#,
        "",
    );
    let words = "word ".repeat(20);
    let t = call(&[("A", words.as_str()), ("A", "late phrase")]);
    let card = score(&r, &t);
    assert_eq!(card.criteria[0].outcome, Outcome::Fail);
    assert!(!card.timed);
    let note = card.criteria[0].evidence[0]
        .note
        .clone()
        .unwrap_or_default();
    assert!(note.contains("the transcript has no times"), "{note}");
    assert!(
        score(&r, &call(&[("A", "late phrase")])).criteria[0].evidence[0]
            .start
            .is_none()
    );
}

#[test]
fn order_after_and_before_named_conditions() {
    let extra = r#"[conditions.problem]
speaker = "customer"
phrases = ["broken"]"#;
    let after = rubric(
        r#"speaker = "agent"
after = "problem"
phrases = ["sorry"]"#,
        extra,
    );
    assert_eq!(
        outcome(&after, &call(&[("A", "sorry"), ("C", "it's broken")])),
        Outcome::Fail
    );
    assert_eq!(
        outcome(&after, &call(&[("C", "it's broken"), ("A", "sorry")])),
        Outcome::Pass
    );
    let card = score(&after, &call(&[("A", "sorry")]));
    let note = card.criteria[0].evidence[0]
        .note
        .clone()
        .unwrap_or_default();
    assert!(
        note.contains("after problem (which never happens)"),
        "{note}"
    );
    let before = rubric(
        r#"speaker = "agent"
before = "problem"
phrases = ["hello"]"#,
        extra,
    );
    assert_eq!(
        outcome(&before, &call(&[("A", "hello"), ("C", "broken")])),
        Outcome::Pass
    );
    assert_eq!(
        outcome(&before, &call(&[("C", "broken"), ("A", "hello")])),
        Outcome::Fail
    );
}

#[test]
fn after_and_before_a_named_condition_without_phrases() {
    // A named condition that matches every sentence in its scope; `after`/`before` read only its
    // first position, which must be the first sentence in scope, not the first of the call.
    let extra = r#"[conditions.customer_talks]
speaker = "customer"
min_words = 3
window = { last_turns = 2 }"#;
    let lines = [
        ("C", "my card is broken"),
        ("A", "hello there"),
        ("C", "hi"),
        ("A", "sorry about that"),
        ("C", "it still fails today"),
        ("A", "thanks for waiting"),
    ];
    let after = rubric(
        r#"speaker = "agent"
after = "customer_talks"
phrases = ["sorry"]"#,
        extra,
    );
    assert_eq!(outcome(&after, &call(&lines)), Outcome::Fail);
    let before = rubric(
        r#"speaker = "agent"
before = "customer_talks"
phrases = ["sorry"]"#,
        extra,
    );
    assert_eq!(outcome(&before, &call(&lines)), Outcome::Pass);
    let nothing_in_scope = [("A", "sorry"), ("C", "ok")];
    assert_eq!(outcome(&after, &call(&nothing_in_scope)), Outcome::Fail);
    assert_eq!(outcome(&before, &call(&nothing_in_scope)), Outcome::Pass);
}

#[test]
fn counts_at_least_and_at_most() {
    let min2 = rubric(
        r#"count = { min = 2 }
phrases = ["please", "thank you"]"#,
        "",
    );
    assert_eq!(
        outcome(&min2, &call(&[("A", "thank you so much")])),
        Outcome::Fail
    );
    assert_eq!(
        outcome(&min2, &call(&[("A", "please hold. Thank you!")])),
        Outcome::Pass
    );
    let max1 = rubric(
        r#"count = { max = 1 }
phrases = ["um"]"#,
        "",
    );
    assert_eq!(outcome(&max1, &call(&[("A", "um ok")])), Outcome::Pass);
    let card = score(&max1, &call(&[("A", "um, um, ok")]));
    assert_eq!(card.criteria[0].outcome, Outcome::Fail);
    assert_eq!(
        card.criteria[0].evidence.len(),
        3,
        "two quotes and the note"
    );
}

#[test]
fn overlapping_phrases_count_once() {
    let r = rubric(
        r#"count = { min = 2 }
phrases = ["my pleasure", "pleasure"]"#,
        "",
    );
    assert_eq!(outcome(&r, &call(&[("A", "my pleasure")])), Outcome::Fail);
}

#[test]
fn unless_cancels_only_its_own_sentence() {
    let r = rubric(
        r#"phrases = ["sorry"]
unless = ["repeat that"]"#,
        "",
    );
    assert_eq!(
        outcome(&r, &call(&[("A", "Sorry, could you repeat that?")])),
        Outcome::Fail
    );
    assert_eq!(
        outcome(
            &r,
            &call(&[(
                "A",
                "Sorry, could you repeat that? I'm so sorry about the delay."
            )])
        ),
        Outcome::Pass
    );
}

#[test]
fn combinators_all_any_not() {
    let r = rubric(
        r#"all = [ { phrases = ["a1"] }, { any = [ { phrases = ["b1"] }, { not = { phrases = ["c1"] } } ] } ]"#,
        "",
    );
    assert_eq!(outcome(&r, &call(&[("A", "a1 b1 c1")])), Outcome::Pass);
    assert_eq!(outcome(&r, &call(&[("A", "a1")])), Outcome::Pass);
    assert_eq!(outcome(&r, &call(&[("A", "a1 c1")])), Outcome::Fail);
    assert_eq!(outcome(&r, &call(&[("A", "b1")])), Outcome::Fail);
}

#[test]
fn applies_when_false_gives_na_with_reason() {
    let src = "[rubric]\nname=\"t\"\nversion=\"1\"\n[[sections]]\nid=\"s\"\n[[criteria]]\nid=\"s.c\"\ncondition={phrases=[\"sorry\"]}\napplies_when={speaker=\"customer\", phrases=[\"broken\"]}\n";
    let r = compile(src, Path::new("t.toml"), &BTreeMap::new()).expect("compiles");
    let card = score(&r, &call(&[("C", "what time is it")]));
    let c = &card.criteria[0];
    assert_eq!((c.outcome, c.points, c.max_points), (Outcome::Na, 0.0, 0.0));
    assert_eq!(c.evidence[0].kind, EvidenceKind::NotApplicable);
    assert!(
        c.evidence[0]
            .note
            .as_deref()
            .unwrap_or("")
            .starts_with("does not apply: no match for the customer")
    );
}

#[test]
fn scoring_math_weights_sections_and_skips_na() {
    let src = r#"
[rubric]
name = "m"
version = "1"
pass_mark = 70
[[sections]]
id = "a"
weight = 3
[[sections]]
id = "b"
weight = 1
[[sections]]
id = "c"
weight = 5
[[criteria]]
id = "a.one"
points = 3
condition = { phrases = ["alpha"] }
[[criteria]]
id = "a.two"
points = 1
condition = { phrases = ["beta"] }
[[criteria]]
id = "b.one"
condition = { phrases = ["gamma"] }
[[criteria]]
id = "c.one"
condition = { phrases = ["delta"] }
applies_when = { phrases = ["never said"] }
"#;
    let r = compile(src, Path::new("m.toml"), &BTreeMap::new()).expect("compiles");
    let card = score(&r, &call(&[("A", "alpha gamma")]));
    // a = 3/4 = 75, b = 100, c is N/A: (75*3 + 100*1) / 4 = 81.25
    assert_eq!(card.sections[0].score, Some(75.0));
    assert_eq!(card.sections[2].score, None);
    assert_eq!(card.score, 81.25);
    assert!(card.passed);
    let card = score(&r, &call(&[("A", "beta")]));
    // a = 1/4 = 25, b = 0: (25*3 + 0*1) / 4
    assert_eq!(card.score, 18.75);
    assert!(!card.passed);
}

#[test]
fn critical_failure_zeroes_the_score_with_reason() {
    let card = score(
        &Rubric::builtin_default(),
        &timed(&[
            (
                "A",
                0.0,
                4.0,
                "Hello, thank you for calling Acme, my name is Sam, how can I help?",
            ),
            ("C", 4.0, 8.0, "My bill is wrong again and I'm furious."),
            (
                "A",
                65.0,
                70.0,
                "Calm down, please. I've corrected the bill, thank you.",
            ),
        ]),
    );
    assert!(card.auto_failed);
    assert_eq!(card.score, 0.0);
    assert!(!card.passed);
    assert_eq!(
        card.auto_fail_reasons,
        vec!["professionalism.respect failed: \"Calm down\" at 01:05"]
    );
}

#[test]
fn same_input_gives_byte_identical_output() {
    let t = call(&[
        ("A", "hello, my name is Sam"),
        ("C", "my card was stolen"),
        ("A", "I'm so sorry to hear that"),
    ]);
    let r = Rubric::builtin_default();
    let a = serde_json::to_string(&score(&r, &t)).expect("json");
    let b = serde_json::to_string(&score(&Rubric::builtin_default(), &t)).expect("json");
    assert_eq!(a, b);
}

// ---- The default rubric's traps -------------------------------------------------------------

#[test]
fn trap_refusing_to_apologise_is_not_an_apology() {
    let t = call(&[
        ("C", "You charged me twice, this is ridiculous."),
        ("A", "I'm not going to apologise for the bank's rules."),
    ]);
    assert_eq!(default_outcome(&t, "empathy.acknowledge"), Outcome::Fail);
}

#[test]
fn trap_sorry_for_not_hearing_is_not_empathy() {
    for line in [
        "Sorry, could you repeat that?",
        "sorry I didn't catch that",
        "sorry can you say that again",
    ] {
        let t = call(&[("C", "My package never arrived."), ("A", line)]);
        assert_eq!(
            default_outcome(&t, "empathy.acknowledge"),
            Outcome::Fail,
            "{line}"
        );
    }
    let t = call(&[
        ("C", "My package never arrived."),
        (
            "A",
            "Sorry, I didn't catch that. Oh no, I'm sorry it hasn't arrived.",
        ),
    ]);
    assert_eq!(default_outcome(&t, "empathy.acknowledge"), Outcome::Pass);
}

#[test]
fn trap_asking_for_more_account_details_is_not_offering_help() {
    let t = call(&[
        ("A", "Hi"),
        ("C", "My card is lost"),
        ("A", "Do you have anything else on the account?"),
        ("C", "No."),
        ("A", "Thanks, bye."),
    ]);
    assert_eq!(
        default_outcome(&t, "resolution.anything_else"),
        Outcome::Fail
    );
    let t = call(&[
        ("A", "Hi"),
        ("C", "My card is lost"),
        ("A", "Done. Is there anything else I can help you with?"),
        ("C", "No."),
        ("A", "Thanks, bye."),
    ]);
    assert_eq!(
        default_outcome(&t, "resolution.anything_else"),
        Outcome::Pass
    );
}

#[test]
fn trap_customer_thanking_for_the_call_is_not_the_agent_greeting() {
    let t = call(&[
        ("C", "Hi, thank you for calling me back."),
        ("A", "Can I get your account number?"),
    ]);
    assert_eq!(default_outcome(&t, "greeting.salutation"), Outcome::Fail);
}

#[test]
fn offer_help_fails_when_agent_asks_for_details_and_is_na_when_request_came_first() {
    let t = call(&[
        ("A", "Hello, Acme billing. Account number?"),
        ("C", "12345"),
    ]);
    assert_eq!(default_outcome(&t, "greeting.offer_help"), Outcome::Fail);
    let t = call(&[
        ("C", "Hi, I need to change my flight to Friday please"),
        ("A", "Hi! Sure, let me look."),
    ]);
    assert_eq!(default_outcome(&t, "greeting.offer_help"), Outcome::Na);
    let t = call(&[
        ("C", "hello?"),
        ("A", "hello this is acme how can i help you today"),
    ]);
    assert_eq!(default_outcome(&t, "greeting.offer_help"), Outcome::Pass);
}

#[test]
fn empathy_is_na_for_a_plain_request() {
    let t = call(&[
        ("A", "Hello, how can I help?"),
        ("C", "What's my balance?"),
        ("A", "Your balance is $40."),
    ]);
    assert_eq!(default_outcome(&t, "empathy.acknowledge"), Outcome::Na);
}

#[test]
fn closing_is_na_when_the_customer_left_first() {
    let t = call(&[
        ("A", "Hello, how can I help?"),
        ("C", "Forget it, I have to go. Bye."),
    ]);
    assert_eq!(default_outcome(&t, "resolution.closing"), Outcome::Na);
    let t = call(&[
        ("A", "Hello, how can I help?"),
        ("C", "Bye."),
        ("A", "Okay."),
    ]);
    assert_eq!(default_outcome(&t, "resolution.closing"), Outcome::Fail);
    let t = call(&[
        (
            "A",
            "Your card is on its way. Thanks for calling, take care!",
        ),
        ("C", "Bye."),
    ]);
    assert_eq!(default_outcome(&t, "resolution.closing"), Outcome::Pass);
}

#[test]
fn speech_recognizer_style_call_scores_full_marks() {
    let t = call(&[
        (
            "A",
            "uh hi thank you for calling harper valley bank this is john how can i help you",
        ),
        ("C", "hi um my debit card got stolen yesterday"),
        (
            "A",
            "oh no im so sorry to hear that um please give me a moment",
        ),
        (
            "A",
            "okay so ive blocked the old card and a new card will arrive in five business days",
        ),
        ("A", "is there anything else i can help you with"),
        ("C", "no thats all thanks"),
        ("A", "thanks for calling have a great day"),
    ]);
    let card = score(&Rubric::builtin_default(), &t);
    let failed: Vec<&str> = card
        .criteria
        .iter()
        .filter(|c| c.outcome != Outcome::Pass)
        .map(|c| c.id.as_str())
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(card.score, 100.0);
}

fn metric_rubric(condition: &str) -> Rubric {
    rubric(condition, "")
}

/// A timed two-party call: agent 0–10, customer 10.5–20, silence 20–50 (30 s), agent 50–60.
fn measured_call() -> Transcript {
    timed(&[
        ("A", 0.0, 10.0, "Hello, thanks for calling, how can I help?"),
        ("C", 10.5, 20.0, "My card was charged twice."),
        ("A", 50.0, 60.0, "I have refunded the duplicate charge."),
    ])
}

#[test]
fn metric_bounds_are_inclusive() {
    let t = measured_call();
    let at = score(&metric_rubric("metric = \"non_talk_max\"\nmax = 30"), &t);
    assert_eq!(
        at.criteria[0].outcome,
        Outcome::Pass,
        "{:?}",
        at.criteria[0]
    );
    let below = metric_rubric("metric = \"non_talk_max\"\nmax = 29.9");
    assert_eq!(outcome(&below, &t), Outcome::Fail);
    let min_eq = metric_rubric("metric = \"non_talk_max\"\nmin = 30");
    assert_eq!(outcome(&min_eq, &t), Outcome::Pass);
    let min_above = metric_rubric("metric = \"non_talk_max\"\nmin = 30.1");
    assert_eq!(outcome(&min_above, &t), Outcome::Fail);
}

#[test]
fn metric_range_checks_both_ends() {
    let t = measured_call();
    // Agent talk 20 s, customer 9.5 s: ratio 0.678.
    let r = metric_rubric("metric = \"talk_ratio\"\nmin = 0.35\nmax = 0.65");
    let card = score(&r, &t);
    assert_eq!(card.criteria[0].outcome, Outcome::Fail);
    let e = &card.criteria[0].evidence[0];
    assert_eq!(e.kind, EvidenceKind::Measure);
    assert_eq!(e.metric.as_deref(), Some("talk_ratio"));
    assert_eq!(e.value, Some(0.678));
    assert_eq!((e.min, e.max), (Some(0.35), Some(0.65)));
    assert_eq!(
        e.note.as_deref(),
        Some("talk_ratio 0.678 > 0.65 (approximate: from transcript segment times)")
    );
    assert!(e.approximate);
    let wide = metric_rubric("metric = \"talk_ratio\"\nmin = 0.35\nmax = 0.7");
    assert_eq!(outcome(&wide, &t), Outcome::Pass);
    let narrow_low = metric_rubric("metric = \"talk_ratio\"\nmin = 0.7\nmax = 0.9");
    assert_eq!(outcome(&narrow_low, &t), Outcome::Fail);
}

#[test]
fn metric_evidence_gives_value_bound_and_times() {
    let card = score(
        &metric_rubric("metric = \"non_talk_max\"\nmax = 20"),
        &measured_call(),
    );
    let e = &card.criteria[0].evidence[0];
    assert_eq!(
        e.note.as_deref(),
        Some(
            "non_talk_max 30 s > 20 s at 00:20–00:50 (approximate: from transcript segment times)"
        )
    );
    assert_eq!(e.times, vec![[20.0, 50.0]]);
    assert!(card.metrics.as_ref().is_some_and(|m| m.approximate));
}

#[test]
fn untimed_transcript_makes_metric_criteria_na_with_the_reason() {
    let t = call(&[("A", "Hello, how can I help?"), ("C", "Hi.")]);
    let card = score(&metric_rubric("metric = \"non_talk_max\"\nmax = 60"), &t);
    let c = &card.criteria[0];
    assert_eq!(c.outcome, Outcome::Na);
    assert_eq!(c.evidence[0].kind, EvidenceKind::NotApplicable);
    assert!(
        c.evidence[0]
            .note
            .as_deref()
            .is_some_and(|n| n.starts_with("cannot be judged: transcript `t` has no segment times")),
        "{c:?}"
    );
    assert!(card.metrics.is_none());
}

#[test]
fn critical_metric_criterion_is_na_not_auto_failed_when_unmeasurable() {
    let src = "[rubric]\nname = \"t\"\nversion = \"1\"\n[[sections]]\nid = \"s\"\n[[criteria]]\nid = \"s.c\"\ncritical = true\n[criteria.condition]\nmetric = \"interruptions_by_agent\"\nmax = 0\n[[criteria]]\nid = \"s.d\"\n[criteria.condition]\nphrases = [\"hello\"]\n";
    let r = compile(src, Path::new("t.toml"), &BTreeMap::new()).unwrap_or_else(|e| panic!("{e}"));
    let t = call(&[("A", "Hello there.")]);
    let card = score(&r, &t);
    assert_eq!(card.criteria[0].outcome, Outcome::Na);
    assert!(!card.auto_failed);
    assert_eq!(card.score, 100.0);
}

#[test]
fn per_role_metric_on_mono_is_na() {
    let t = timed(&[
        ("U", 0.0, 5.0, "Hello, how can I help?"),
        ("U", 6.0, 9.0, "My card is blocked."),
    ]);
    let c = &score(&metric_rubric("metric = \"agent_wpm\"\nmax = 200"), &t).criteria[0];
    assert_eq!(c.outcome, Outcome::Na);
    assert!(
        c.evidence[0]
            .note
            .as_deref()
            .is_some_and(|n| n.contains("the recording is mono")),
        "{c:?}"
    );
    // Whole-call metrics still work on mono.
    let dur = metric_rubric("metric = \"duration\"\nmin = 9");
    assert_eq!(outcome(&dur, &t), Outcome::Pass);
}

#[test]
fn missing_or_nan_metric_value_is_na() {
    let mut t = measured_call();
    let mut m =
        crate::metrics::metrics_from_transcript(&t, &Default::default(), &Default::default())
            .unwrap_or_else(|e| panic!("{e}"));
    m.talk_ratio = Some(f64::NAN);
    m.sentiment.customer_sentiment_change = None;
    m.approximate = false;
    t.metrics = Some(m);
    let ratio = score(&metric_rubric("metric = \"talk_ratio\"\nmax = 1"), &t);
    assert_eq!(ratio.criteria[0].outcome, Outcome::Na);
    assert!(
        ratio.criteria[0].evidence[0]
            .note
            .as_deref()
            .is_some_and(|n| n.contains("talk_ratio is not a number"))
    );
    let sentiment = metric_rubric("metric = \"customer_sentiment_change\"\nmin = 0");
    let c = &score(&sentiment, &t).criteria[0];
    assert_eq!(c.outcome, Outcome::Na);
    assert!(
        c.evidence[0]
            .note
            .as_deref()
            .is_some_and(|n| n.contains("the customer says nothing in the first or the last third")),
        "{c:?}"
    );
}

#[test]
fn transcript_metrics_win_over_segment_times_and_given_metrics_win_over_both() {
    let mut t = measured_call();
    let mut m =
        crate::metrics::metrics_from_transcript(&t, &Default::default(), &Default::default())
            .unwrap_or_else(|e| panic!("{e}"));
    m.approximate = false;
    m.interruptions_by_agent = Some(3);
    t.metrics = Some(m.clone());
    let r = metric_rubric("metric = \"interruptions_by_agent\"\nmax = 2");
    let card = score(&r, &t);
    assert_eq!(card.criteria[0].outcome, Outcome::Fail);
    assert!(!card.criteria[0].evidence[0].approximate);
    assert_eq!(card.metrics.as_ref(), Some(&m));
    let mut given = m.clone();
    given.interruptions_by_agent = Some(1);
    let card = score_with_metrics(&r, &t, Some(&given));
    assert_eq!(card.criteria[0].outcome, Outcome::Pass);
    assert_eq!(card.metrics, Some(given));
}

#[test]
fn metrics_cost_nothing_and_stay_out_of_the_scorecard_when_unused() {
    let r = rubric(r#"phrases = ["hello"]"#, "");
    assert!(!r.uses_metrics);
    let card = score(&r, &measured_call());
    assert!(card.metrics.is_none());
    assert!(metric_rubric("metric = \"duration\"\nmin = 1").uses_metrics);
}

#[test]
fn metric_conditions_combine_with_three_valued_logic() {
    let untimed = call(&[("A", "Hello, how can I help?")]);
    // A known false child decides `all`; a known true child decides `any`, even beside an
    // unmeasurable metric.
    let all = metric_rubric(
        "all = [{ metric = \"non_talk_max\", max = 60 }, { phrases = [\"goodbye\"] }]",
    );
    assert_eq!(outcome(&all, &untimed), Outcome::Fail);
    let any =
        metric_rubric("any = [{ metric = \"non_talk_max\", max = 60 }, { phrases = [\"hello\"] }]");
    assert_eq!(outcome(&any, &untimed), Outcome::Pass);
    let all_unknown =
        metric_rubric("all = [{ metric = \"non_talk_max\", max = 60 }, { phrases = [\"hello\"] }]");
    assert_eq!(outcome(&all_unknown, &untimed), Outcome::Na);
    let not = metric_rubric("not = { metric = \"non_talk_max\", max = 20 }");
    assert_eq!(outcome(&not, &measured_call()), Outcome::Pass);
    assert_eq!(outcome(&not, &untimed), Outcome::Na);
}

#[test]
fn metric_in_applies_when_makes_the_criterion_na() {
    let src = "[rubric]\nname = \"t\"\nversion = \"1\"\n[[sections]]\nid = \"s\"\n[[criteria]]\nid = \"s.c\"\napplies_when = { metric = \"duration\", min = 120 }\n[criteria.condition]\nphrases = [\"hello\"]\n";
    let r = compile(src, Path::new("t.toml"), &BTreeMap::new()).unwrap_or_else(|e| panic!("{e}"));
    let c = &score(&r, &measured_call()).criteria[0];
    assert_eq!(c.outcome, Outcome::Na);
    assert_eq!(c.evidence[1].kind, EvidenceKind::Measure);
    assert_eq!(
        c.evidence[1].note.as_deref(),
        Some("duration 60 s < 120 s (approximate: from transcript segment times)")
    );
}

#[test]
fn customer_sentiment_ending_no_worse_passes() {
    let t = timed(&[
        ("A", 0.0, 5.0, "Hello, how can I help?"),
        ("C", 5.0, 10.0, "This is terrible, I am angry and upset."),
        ("A", 10.0, 20.0, "I am sorry, let me fix that."),
        ("C", 20.0, 30.0, "Thank you so much, that is great!"),
    ]);
    let r = metric_rubric("metric = \"customer_sentiment_change\"\nmin = 0");
    let card = score(&r, &t);
    assert_eq!(card.criteria[0].outcome, Outcome::Pass);
    let e = &card.criteria[0].evidence[0];
    assert!(e.value.is_some_and(|v| v > 0.0));
    assert_eq!(e.times, vec![[0.0, 10.0], [20.0, 30.0]]);
}
