//! Each import fixture (written from the tool's published output format) reads as the same
//! conversation as the reference callqa JSON: same speakers, text and times to the millisecond.

use callqa::transcript::{
    AgentChannel, ImportOptions, Speaker, Transcript, load_file, load_file_with,
};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn load(name: &str, options: &ImportOptions) -> Transcript {
    load_file_with(&fixture(name), options).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn ms(t: Option<f64>) -> Option<i64> {
    t.map(|s| (s * 1000.0).round() as i64)
}

/// What scoring sees of a segment: who, what, when (to the millisecond).
fn shape(t: &Transcript) -> Vec<(Speaker, String, Option<i64>, Option<i64>)> {
    t.segments
        .iter()
        .map(|s| (s.speaker, s.text.clone(), ms(s.start), ms(s.end)))
        .collect()
}

fn spk0() -> ImportOptions {
    ImportOptions {
        agent_channel: AgentChannel::Left,
        agent_speaker: Some("spk_0".into()),
    }
}

#[test]
fn every_format_reads_as_the_reference_conversation() {
    let reference = shape(&load("reference_callqa.json", &ImportOptions::default()));
    assert_eq!(reference.len(), 4);
    let cases: [(&str, ImportOptions, &str); 13] = [
        ("reference_turns.json", ImportOptions::default(), "turns"),
        (
            "whisper_oj_di.json",
            ImportOptions::default(),
            "whisper-json",
        ),
        (
            "whisper_ojf_di.json",
            ImportOptions::default(),
            "whisper-json",
        ),
        ("whisper_oj_tdrz.json", spk0(), "whisper-json"),
        ("vtt_voice.vtt", ImportOptions::default(), "vtt"),
        ("vtt_prefix.vtt", ImportOptions::default(), "vtt"),
        ("srt_prefix.srt", ImportOptions::default(), "srt"),
        (
            "aws_transcribe_channels.json",
            ImportOptions::default(),
            "aws-transcribe",
        ),
        ("aws_transcribe_speakers.json", spk0(), "aws-transcribe"),
        (
            "aws_transcribe_audio_segments.json",
            spk0(),
            "aws-transcribe",
        ),
        (
            "aws_call_analytics.json",
            ImportOptions::default(),
            "aws-call-analytics",
        ),
        ("aws_pca.json", ImportOptions::default(), "aws-pca"),
        ("aws_pca.json", spk0(), "aws-pca"),
    ];
    for (name, options, format) in cases {
        let t = load(name, &options);
        assert_eq!(shape(&t), reference, "{name}");
        assert_eq!(t.provenance.format.as_deref(), Some(format), "{name}");
        assert!(t.is_timed(), "{name}");
    }
}

#[test]
fn agent_channel_right_swaps_channel_roles() {
    let right = ImportOptions {
        agent_channel: AgentChannel::Right,
        agent_speaker: None,
    };
    for name in ["whisper_oj_di.json", "aws_transcribe_channels.json"] {
        let t = load(name, &right);
        let speakers: Vec<Speaker> = t.segments.iter().map(|s| s.speaker).collect();
        assert_eq!(
            speakers,
            [
                Speaker::Customer,
                Speaker::Agent,
                Speaker::Customer,
                Speaker::Agent
            ],
            "{name}"
        );
        let channels: Vec<Option<u16>> = t.segments.iter().map(|s| s.channel).collect();
        assert_eq!(channels, [Some(0), Some(1), Some(0), Some(1)], "{name}");
        assert_eq!(t.channels, Some(2), "{name}");
    }
}

#[test]
fn diarized_speakers_stay_unknown_without_agent_speaker() {
    for name in [
        "aws_transcribe_speakers.json",
        "aws_transcribe_audio_segments.json",
        "whisper_oj_tdrz.json",
    ] {
        let t = load(name, &ImportOptions::default());
        assert!(
            t.segments.iter().all(|s| s.speaker == Speaker::Unknown),
            "{name}"
        );
        assert_eq!(t.segments.len(), 4, "{name}");
    }
    let spk1 = ImportOptions {
        agent_channel: AgentChannel::Left,
        agent_speaker: Some("spk_1".into()),
    };
    let t = load("aws_transcribe_speakers.json", &spk1);
    assert_eq!(t.segments[0].speaker, Speaker::Customer);
    assert_eq!(t.segments[1].speaker, Speaker::Agent);
}

#[test]
fn pca_agent_speaker_overrides_its_speaker_labels() {
    let spk1 = ImportOptions {
        agent_channel: AgentChannel::Left,
        agent_speaker: Some("spk_1".into()),
    };
    let t = load("aws_pca.json", &spk1);
    assert_eq!(t.segments[0].speaker, Speaker::Customer);
    assert_eq!(t.segments[1].speaker, Speaker::Agent);
}

#[test]
fn mono_whisper_keeps_segments_as_unknown_speech() {
    let t = load("whisper_oj.json", &ImportOptions::default());
    assert_eq!(t.segments.len(), 4);
    assert!(
        t.segments
            .iter()
            .all(|s| s.speaker == Speaker::Unknown && s.channel.is_none())
    );
    assert_eq!(
        t.segments[0].text,
        "Thank you for calling Acme, my name is Dana."
    );
    assert_eq!(ms(t.segments[3].end), Some(10_400));
    assert_eq!(t.language.as_deref(), Some("en"));
    assert_eq!(
        t.provenance.model.as_deref(),
        Some("models/ggml-base.en.bin")
    );
    assert_eq!(t.channels, None);
    assert_eq!(t.call_id, "whisper_oj");
}

#[test]
fn whisper_full_json_tokens_become_words() {
    let t = load("whisper_ojf_di.json", &ImportOptions::default());
    let words = t.segments[0].words.as_ref().expect("-ojf has tokens");
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Thank", "you", "for", "calling", "Acme,", "my", "name", "is", "Dana."
        ]
    );
    // "calling" is two tokens (" call" p=0.9, "ing" p=0.89): the word keeps the lower probability.
    assert_eq!(words[3].probability, Some(0.89));
    assert_eq!(ms(Some(words[0].start)), Some(0));
    assert_eq!(ms(Some(words[8].end)), Some(2500));
}

#[test]
fn transcribe_without_labels_is_one_unknown_segment_with_punctuation_joined() {
    let t = load("aws_transcribe_plain.json", &ImportOptions::default());
    assert_eq!(t.segments.len(), 1);
    let seg = &t.segments[0];
    assert_eq!(seg.speaker, Speaker::Unknown);
    assert_eq!(
        seg.text,
        "Thank you for calling Acme, my name is Dana. Hi, my card was stolen. I'm sorry to hear that. I can block it now. Yes, please."
    );
    assert_eq!((ms(seg.start), ms(seg.end)), (Some(0), Some(10_400)));
    let words = seg.words.as_ref().expect("words from items");
    assert_eq!(words[4].text, "Acme,");
    assert_eq!(words[4].probability, Some(0.998));
    assert_eq!(t.call_id, "acme-001");
}

#[test]
fn call_analytics_items_become_words_and_channels_come_from_definitions() {
    let t = load("aws_call_analytics.json", &ImportOptions::default());
    assert_eq!(t.language.as_deref(), Some("en-US"));
    assert_eq!(t.segments[0].channel, Some(0));
    assert_eq!(t.segments[1].channel, Some(1));
    let words = t.segments[1].words.as_ref().expect("turn 2 has items");
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(texts, ["Hi,", "my", "card", "was", "stolen."]);
}

#[test]
fn default_loader_detects_by_content_not_extension() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, format) in [
        ("vtt_voice.vtt", "vtt"),
        ("srt_prefix.srt", "srt"),
        ("whisper_oj_di.json", "whisper-json"),
        ("aws_call_analytics.json", "aws-call-analytics"),
    ] {
        let copy = dir.path().join(format!("{name}.txt"));
        std::fs::copy(fixture(name), &copy).expect("copy fixture");
        let t = load_file(&copy).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.provenance.format.as_deref(), Some(format), "{name}");
    }
}
