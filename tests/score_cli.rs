//! `callqa score` through the binary: every output format pinned by a snapshot, bad files
//! reported by name without stopping the batch, and every real corpus conversation scored.

mod support;
use support::callqa;

use std::path::Path;

const FIX: &str = "tests/fixtures/transcripts";

#[test]
fn scorecard_json_is_pinned() {
    let (code, out, err) = callqa(&[
        "score",
        &format!("{FIX}/good-call.json"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("good_call_json", out);
    let cards: serde_json::Value = serde_json::from_str(&out).expect("json array");
    assert_eq!(cards[0]["call_id"], "call-0042");
    assert_eq!(cards[0]["agent_id"], "a-17");
    assert_eq!(cards[0]["score"], 100.0);
}

#[test]
fn rude_call_is_auto_failed_with_evidence() {
    let (code, out, _) = callqa(&["score", &format!("{FIX}/rude-call.txt"), "--format", "json"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("rude_call_json", out);
}

#[test]
fn mono_transcript_marks_agent_evidence_unverified() {
    let (_, out, _) = callqa(&["score", &format!("{FIX}/asr-mono.json"), "--format", "json"]);
    insta::assert_snapshot!("mono_json", out);
}

#[test]
fn table_csv_and_jsonl_are_pinned() {
    let files = [
        format!("{FIX}/good-call.json"),
        format!("{FIX}/rude-call.txt"),
        format!("{FIX}/asr-mono.json"),
    ];
    for (format, name) in [
        ("table", "batch_table"),
        ("csv", "batch_csv"),
        ("jsonl", "batch_jsonl"),
    ] {
        let mut args = vec!["score", "--format", format];
        args.extend(files.iter().map(String::as_str));
        let (code, out, _) = callqa(&args);
        assert_eq!(code, 0);
        insta::assert_snapshot!(name, out);
    }
}

#[test]
fn a_bad_file_is_named_and_the_rest_are_scored() {
    let (code, out, err) = callqa(&[
        "score",
        "--format",
        "jsonl",
        &format!("{FIX}/broken.json"),
        &format!("{FIX}/good-call.json"),
        &format!("{FIX}/missing.json"),
    ]);
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 1, "the good file is still scored");
    insta::assert_snapshot!("bad_files_stderr", err.replace('\\', "/"));
}

#[test]
fn output_is_byte_identical_across_runs_and_written_to_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_file = dir.path().join("cards.json");
    let out_path = out_file.to_string_lossy().into_owned();
    let (code, stdout, _) = callqa(&["score", FIX, "--format", "json", "--output", &out_path]);
    assert_eq!(code, 1, "broken.json in the folder fails");
    assert!(stdout.is_empty());
    let first = std::fs::read(&out_file).expect("written");
    callqa(&["score", FIX, "--format", "json", "--output", &out_path]);
    assert_eq!(first, std::fs::read(&out_file).expect("written"));
}

#[test]
fn custom_rubric_and_variables() {
    let file = format!("{FIX}/collections-good.txt");
    let (_, out, _) = callqa(&[
        "score",
        &file,
        "--rubric",
        "rubrics/collections.toml",
        "--format",
        "csv",
    ]);
    assert!(
        out.lines()
            .nth(1)
            .is_some_and(|l| l.contains(",100,true,false,")),
        "{out}"
    );
    let (_, out, _) = callqa(&[
        "score",
        &file,
        "--rubric",
        "rubrics/collections.toml",
        "--var",
        "company=Globex",
        "--format",
        "csv",
    ]);
    assert!(
        out.lines()
            .nth(1)
            .is_some_and(|l| l.contains(",90,true,false,")),
        "{out}"
    );
}

#[test]
fn invalid_rubric_exits_2_with_location() {
    let (code, out, err) = callqa(&[
        "score",
        &format!("{FIX}/good-call.json"),
        "--rubric",
        "tests/fixtures/rubrics/invalid/unknown_key.toml",
    ]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.starts_with(
            "tests/fixtures/rubrics/invalid/unknown_key.toml:11:1: error: unknown key `ponts`"
        ),
        "{err}"
    );
}

#[test]
fn every_external_corpus_conversation_scores() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/external");
    if !corpus.is_dir() {
        panic!("../shared/corpus/external is missing: clone the project beside shared/");
    }
    let (code, out, err) = callqa(&["score", &corpus.to_string_lossy(), "--format", "jsonl"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 30);
    for line in out.lines() {
        let card: serde_json::Value = serde_json::from_str(line).expect("scorecard");
        assert_eq!(card["criteria"].as_array().map(Vec::len), Some(9));
    }
}

#[test]
fn agent_channel_flag_reaches_the_importers() {
    let file = "tests/fixtures/import/whisper_oj_di.json";
    let left = callqa(&["score", file, "--format", "csv"]).1;
    let right = callqa(&["score", file, "--format", "csv", "--agent-channel", "right"]).1;
    assert_ne!(
        left, right,
        "swapping the agent channel must change the verdicts"
    );
    let speaker = callqa(&[
        "score",
        "tests/fixtures/import/aws_transcribe_speakers.json",
        "--agent-speaker",
        "spk_0",
        "--format",
        "json",
    ])
    .1;
    let cards: serde_json::Value = serde_json::from_str(&speaker).expect("json");
    assert_eq!(cards[0]["speakers_verified"], true);
}

#[test]
fn a_transcript_without_speech_is_an_error_not_a_score() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("silent.json");
    std::fs::write(&empty, r#"{"turns": []}"#).expect("write");
    let (code, out, err) = callqa(&["score", &empty.to_string_lossy(), "--format", "jsonl"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(
        err.contains("silent.json: the transcript has no speech to score"),
        "{err}"
    );
}

#[test]
fn metric_rubric_scores_from_segment_times_or_measured_metrics() {
    let rubric = "rubrics/examples/metrics.toml";
    // Times only: metrics derived from the segments, marked approximate.
    let (code, out, err) = callqa(&[
        "score",
        "--rubric",
        rubric,
        "--format",
        "json",
        &format!("{FIX}/good-call.json"),
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("metrics_from_times_json", out);
    let cards: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(cards[0]["metrics"]["approximate"], true);
    let balance = &cards[0]["criteria"][1];
    assert_eq!(balance["id"], "flow.balance");
    assert_eq!(balance["outcome"], "fail");
    assert_eq!(balance["evidence"][0]["kind"], "measure");
    assert_eq!(balance["evidence"][0]["value"], 0.7233);

    // A transcript carrying metrics measured from the recording: those are used as they are.
    let (code, out, err) = callqa(&[
        "score",
        "--rubric",
        rubric,
        "--format",
        "json",
        &format!("{FIX}/measured-call.json"),
    ]);
    assert_eq!(code, 0, "{err}");
    let cards: serde_json::Value = serde_json::from_str(&out).expect("json");
    let interruptions = &cards[0]["criteria"][2];
    assert_eq!(interruptions["outcome"], "fail");
    assert_eq!(
        interruptions["evidence"][0]["note"],
        "interruptions_by_agent 3 > 2 at 00:11–00:12, 00:20–00:20, 00:33–00:34"
    );
    assert_eq!(cards[0]["metrics"]["approximate"], false);

    // Table: a compact metrics line per call; an untimed call has none and its metric criteria
    // are N/A.
    let (code, out, err) = callqa(&[
        "score",
        "--rubric",
        rubric,
        &format!("{FIX}/good-call.json"),
        &format!("{FIX}/measured-call.json"),
        &format!("{FIX}/rude-call.txt"),
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("metrics_table", out);

    // CSV: every metric as a column, empty for the untimed call.
    let (code, out, err) = callqa(&[
        "score",
        "--rubric",
        rubric,
        "--format",
        "csv",
        &format!("{FIX}/good-call.json"),
        &format!("{FIX}/measured-call.json"),
        &format!("{FIX}/rude-call.txt"),
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("metrics_csv", out);
}

#[test]
fn default_rubric_scorecard_carries_measured_metrics_from_the_transcript() {
    let (code, out, err) = callqa(&[
        "score",
        "--format",
        "json",
        &format!("{FIX}/measured-call.json"),
    ]);
    assert_eq!(code, 0, "{err}");
    let cards: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(cards[0]["metrics"]["interruptions_by_agent"], 3);
    let (_, out, _) = callqa(&[
        "score",
        "--format",
        "json",
        &format!("{FIX}/good-call.json"),
    ]);
    let cards: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(cards[0].get("metrics").is_none());
}
