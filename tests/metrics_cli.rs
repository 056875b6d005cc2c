//! `callqa metrics` through the binary: the table and JSON output (pinned by snapshots), mono recordings
//! with per-role metrics unavailable, transcripts (their stored metrics, or approximate ones from segment
//! times), the energy fallback, and bad files named while the rest are measured.
//!
//! Must not touch the network: the VAD model comes from ../shared/models.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn silero() -> String {
    root()
        .join("../shared/models/ggml-silero-v6.2.0.bin")
        .display()
        .to_string()
}

/// Runs `callqa metrics` from the repository root (so paths in the output are relative) with no VAD model
/// in the environment or the models directory.
fn metrics(models: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("callqa")
        .expect("binary")
        .current_dir(root())
        .arg("metrics")
        .args(args)
        .env("CALLQA_MODELS_DIR", models)
        .env_remove("CALLQA_VAD_MODEL")
        .output()
        .expect("run callqa")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn table_of_stereo_calls_with_silero() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let vad = silero();
    let out = metrics(
        tmp.path(),
        &[
            "tests/fixtures/metrics-calls/call-a.wav",
            "tests/fixtures/metrics-calls/call-c.wav",
            "samples/call-002.wav",
            "--vad-model",
            &vad,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    insta::assert_snapshot!("table_silero", text(&out.stdout));
}

#[test]
fn json_has_the_issue_field_names_under_metrics() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let vad = silero();
    let out = metrics(
        tmp.path(),
        &[
            "tests/fixtures/metrics-calls/call-b.wav",
            "--agent-channel",
            "right",
            "--format",
            "json",
            "--vad-model",
            &vad,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let m = &json[0]["metrics"];
    for field in [
        "duration",
        "agent_talk",
        "customer_talk",
        "talk_ratio",
        "non_talk_total",
        "non_talk_max",
        "overtalk",
        "interruptions_by_agent",
        "interruptions_by_customer",
        "agent_wpm",
        "customer_wpm",
        "agent_longest_monologue",
        "customer_longest_monologue",
    ] {
        assert!(m.get(field).is_some(), "{field} missing: {m}");
    }
    assert!(m["interruptions_by_agent"].is_u64());
    insta::assert_snapshot!("json_silero_agent_right", text(&out.stdout));
}

#[test]
fn mono_recording_marks_per_role_metrics_unavailable() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let vad = silero();
    let out = metrics(
        tmp.path(),
        &[
            "samples/call-002.wav",
            "--format",
            "json",
            "--vad-model",
            &vad,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let m = &json[0]["metrics"];
    assert_eq!(m["per_role"], false);
    for field in [
        "agent_talk",
        "customer_talk",
        "talk_ratio",
        "overtalk",
        "interruptions_by_agent",
        "interruptions_by_customer",
    ] {
        assert!(m[field].is_null(), "{field}: {m}");
    }
    assert!(m["duration"].as_f64().is_some_and(|d| d > 7.0), "{m}");
    assert!(m["talk_total"].as_f64().is_some_and(|d| d > 4.0), "{m}");
    assert!(m["non_talk_total"].is_number());
}

#[test]
fn transcripts_give_approximate_metrics_unless_they_carry_measured_ones() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // A transcript that carries metrics measured from audio keeps them as they are.
    let stored = tmp.path().join("measured.json");
    std::fs::write(
        &stored,
        r#"{"call_id": "m1", "duration": 30.0, "segments": [
             {"start": 0.0, "end": 2.0, "speaker": "agent", "text": "Hello"}],
           "metrics": {"duration": 30.0, "talk_total": 12.5, "agent_talk": 8.0, "customer_talk": 4.5,
             "talk_ratio": 0.64, "non_talk_total": 17.5, "non_talk_max": 9.0, "non_talk_count": 2,
             "non_talk_spans": [], "overtalk": 0.0, "overtalk_spans": [], "interruptions_by_agent": 0,
             "interruptions_by_customer": 1, "interruptions": [], "approximate": false, "per_role": true}}"#,
    )
    .expect("write");
    let stored = stored.display().to_string();
    let out = metrics(
        tmp.path(),
        &[
            "samples/transcripts/call-0042.json",
            &stored,
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // No audio, so no VAD model was looked for or loaded.
    assert_eq!(text(&out.stderr), "");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json[0]["source"], "transcript");
    assert_eq!(json[0]["metrics"]["approximate"], true);
    assert!(
        json[0]["metrics"]["agent_wpm"]
            .as_f64()
            .is_some_and(|w| w > 60.0)
    );
    assert_eq!(json[1]["call_id"], "m1");
    assert_eq!(json[1]["metrics"]["approximate"], false);
    assert_eq!(json[1]["metrics"]["agent_talk"], 8.0);

    let table = metrics(tmp.path(), &["samples/transcripts/call-0042.json"]);
    insta::assert_snapshot!("table_transcript", text(&table.stdout));
}

#[test]
fn energy_fallback_is_announced_and_named() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = metrics(
        tmp.path(),
        &[
            "tests/fixtures/metrics-calls/call-a.wav",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    insta::assert_snapshot!("energy_note", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json[0]["detector"], "energy");
    assert_eq!(json[0]["metrics"]["per_role"], true);
}

#[test]
fn bad_files_are_named_and_the_rest_measured() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        tmp.path().join("corrupt.wav"),
        b"RIFF\x10\x00\x00\x00WAVEjunkjunk",
    )
    .expect("write");
    std::fs::write(
        tmp.path().join("untimed.json"),
        r#"{"call_id": "u1", "segments": [{"speaker": "agent", "text": "Hello"}]}"#,
    )
    .expect("write");
    std::fs::write(tmp.path().join("broken.json"), "{\"call_id\": ").expect("write");
    let vad = silero();
    let out = Command::cargo_bin("callqa")
        .expect("binary")
        .current_dir(tmp.path())
        .arg("metrics")
        .args(["missing.wav", "corrupt.wav", "untimed.json", "broken.json"])
        .arg(root().join("tests/fixtures/metrics-calls/call-a.wav"))
        .args(["--vad-model", &vad])
        .env_remove("CALLQA_VAD_MODEL")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("bad_files_stderr", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("call-a"), "{stdout}");
    assert_eq!(stdout.lines().count(), 2, "header and one call: {stdout}");
}

#[test]
fn bad_settings_and_missing_vad_model_are_usage_errors() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = metrics(tmp.path(), &["samples/call-001.wav", "--min-gap=-1"]);
    assert_eq!(out.status.code(), Some(2));
    let missing = metrics(
        tmp.path(),
        &["samples/call-001.wav", "--vad-model", "no/such/silero.bin"],
    );
    assert_eq!(missing.status.code(), Some(2));
    insta::assert_snapshot!(
        "usage_errors",
        format!("{}{}", text(&out.stderr), text(&missing.stderr))
    );
}

#[test]
fn thresholds_change_the_measurement() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let vad = silero();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "tests/fixtures/metrics-calls/call-c.wav",
            "--format",
            "json",
            "--vad-model",
            &vad,
        ];
        args.extend_from_slice(extra);
        let out = metrics(tmp.path(), &args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        json[0]["metrics"].clone()
    };
    let default = run(&[]);
    // call-c's 3.5 s of dead air is non-talk at the default 2 s, not at 5 s.
    let strict = run(&["--min-non-talk", "5"]);
    assert!(default["non_talk_max"].as_f64().is_some_and(|v| v > 3.0));
    assert_eq!(strict["non_talk_max"], 0.0);
    // Both interruptions overlap by under 1.5 s, so a 1.5 s minimum overlap leaves none.
    let lenient = run(&["--min-overlap", "1.5"]);
    assert_eq!(default["interruptions_by_customer"], 1);
    assert_eq!(lenient["interruptions_by_customer"], 0);
    assert_eq!(lenient["interruptions_by_agent"], 0);
    // Bridging gaps up to 3 s merges turns, so there are fewer, longer monologues.
    let merged = run(&["--min-gap", "3"]);
    assert!(
        merged["agent_longest_monologue"].as_f64() > default["agent_longest_monologue"].as_f64(),
        "{merged} {default}"
    );
}
