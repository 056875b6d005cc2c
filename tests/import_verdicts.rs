//! The same conversation written in every importable format gets exactly the verdicts its callqa
//! JSON gets from the default rubric: same outcome and points for every criterion, same score.

use callqa::rubric::Rubric;
use callqa::scoring::{Scorecard, score};
use callqa::transcript::{AgentChannel, ImportOptions, load_file_with};
use std::path::Path;

fn scorecard(name: &str, options: &ImportOptions) -> Scorecard {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name);
    let transcript = load_file_with(&path, options).unwrap_or_else(|e| panic!("{name}: {e}"));
    score(&Rubric::builtin_default(), &transcript)
}

/// What a verdict consists of, without ids of the source file.
fn verdicts(card: &Scorecard) -> (Vec<(String, String, f64)>, f64, bool, bool) {
    let criteria = card
        .criteria
        .iter()
        .map(|c| (c.id.clone(), c.outcome.as_str().to_string(), c.points))
        .collect();
    (criteria, card.score, card.passed, card.auto_failed)
}

fn with_agent_speaker(label: &str) -> ImportOptions {
    ImportOptions {
        agent_channel: AgentChannel::Left,
        agent_speaker: Some(label.into()),
    }
}

#[test]
fn every_format_gets_the_reference_verdicts() {
    let reference = verdicts(&scorecard(
        "reference_callqa.json",
        &ImportOptions::default(),
    ));
    let outcomes: Vec<&str> = reference.0.iter().map(|(_, o, _)| o.as_str()).collect();
    assert!(
        outcomes.contains(&"pass"),
        "the conversation must pass something: {outcomes:?}"
    );
    let cases = [
        ("reference_turns.json", ImportOptions::default()),
        ("whisper_oj_di.json", ImportOptions::default()),
        ("whisper_ojf_di.json", ImportOptions::default()),
        ("whisper_oj_tdrz.json", with_agent_speaker("spk_0")),
        ("vtt_voice.vtt", ImportOptions::default()),
        ("vtt_prefix.vtt", ImportOptions::default()),
        ("srt_prefix.srt", ImportOptions::default()),
        ("aws_transcribe_channels.json", ImportOptions::default()),
        ("aws_transcribe_speakers.json", with_agent_speaker("spk_0")),
        (
            "aws_transcribe_audio_segments.json",
            with_agent_speaker("spk_0"),
        ),
        ("aws_call_analytics.json", ImportOptions::default()),
        ("aws_pca.json", ImportOptions::default()),
    ];
    for (name, options) in cases {
        assert_eq!(verdicts(&scorecard(name, &options)), reference, "{name}");
    }
}

#[test]
fn role_mapping_changes_the_verdicts() {
    // Guards the test above: if roles were ignored, swapping them would not matter.
    let reference = verdicts(&scorecard(
        "reference_callqa.json",
        &ImportOptions::default(),
    ));
    let swapped = verdicts(&scorecard(
        "aws_transcribe_speakers.json",
        &with_agent_speaker("spk_1"),
    ));
    assert_ne!(swapped, reference);
    let right = ImportOptions {
        agent_channel: AgentChannel::Right,
        agent_speaker: None,
    };
    assert_ne!(
        verdicts(&scorecard("whisper_oj_di.json", &right)),
        reference
    );
}
