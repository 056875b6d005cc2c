//! End-to-end `callqa transcribe` with whisper.cpp's header-only tiny.en model (loads and runs real
//! inference, outputs no text) and the real Silero VAD: output naming, JSON fields, bad files reported
//! by name while the rest continue, the transcript cache, and the offline error.
//!
//! Must not touch the network: models come from ../shared/models.

use assert_cmd::Command;
use callqa::activity::SpeechDetector;
use callqa::activity::silero::SileroDetector;
use callqa::asr::pipeline::{Timings, load_audio};
use callqa::audio::TARGET_RATE;
use std::path::{Path, PathBuf};

fn shared(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/")).join(rel)
}

fn sample(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/samples")).join(name)
}

fn transcribe(cache: &Path, models: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("callqa")
        .expect("binary")
        .arg("transcribe")
        .args([
            "--model",
            shared("models/for-tests-ggml-tiny.en.bin")
                .to_str()
                .expect("utf8"),
        ])
        .args([
            "--vad-model",
            shared("models/ggml-silero-v6.2.0.bin")
                .to_str()
                .expect("utf8"),
        ])
        .args(["--threads", "2"])
        .args(args)
        .env("CALLQA_CACHE_DIR", cache)
        .env("CALLQA_MODELS_DIR", models)
        .env_remove("CALLQA_VAD_MODEL")
        .output()
        .expect("run callqa")
}

#[test]
fn silero_finds_speech_per_channel() {
    let mut vad = SileroDetector::load(&shared("models/ggml-silero-v6.2.0.bin")).expect("load VAD");
    let jfk = load_audio(&shared("audio/jfk.wav"), &mut Timings::default()).expect("decode jfk");
    let spans = vad.detect(&jfk.channels[0]).expect("vad");
    let speech: f64 = spans.iter().map(|(s, e)| e - s).sum();
    assert!(
        !spans.is_empty() && speech > 6.0 && speech < 11.0,
        "{spans:?}"
    );

    // call-001: agent on the left speaks first, the customer's first line comes after it.
    let call = load_audio(&sample("call-001.wav"), &mut Timings::default()).expect("decode call");
    assert_eq!(call.sample_rate, TARGET_RATE);
    let left = vad.detect(&call.channels[0]).expect("vad left");
    let right = vad.detect(&call.channels[1]).expect("vad right");
    assert!(left.len() >= 3 && right.len() >= 2, "{left:?} {right:?}");
    assert!(left[0].0 < 0.5, "{left:?}");
    assert!(right[0].0 > left[0].1 - 0.3, "{left:?} {right:?}");
}

#[test]
fn transcribes_files_reports_bad_ones_and_caches() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (cache, models, out) = (
        tmp.path().join("cache"),
        tmp.path().join("models"),
        tmp.path().join("out"),
    );
    let empty = tmp.path().join("broken.wav");
    std::fs::write(&empty, b"").expect("write");
    let files = [
        sample("call-001.wav"),
        empty.clone(),
        shared("audio/jfk.wav"),
        shared("audio/jfk.mp3"),
    ];
    let mut args: Vec<&str> = files.iter().map(|p| p.to_str().expect("utf8")).collect();
    args.extend(["--output", out.to_str().expect("utf8"), "--timings"]);

    let first = transcribe(&cache, &models, &args);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert_eq!(first.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("error: {}: the file is empty", empty.display())),
        "{stderr}"
    );
    assert!(stderr.contains("1 of 4 files failed"), "{stderr}");
    assert!(!stderr.contains("cached"), "{stderr}");

    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("call-001.wav.json")).expect("call-001.wav.json"),
    )
    .expect("json");
    assert_eq!(json["call_id"], "call-001");
    assert_eq!(json["channels"], 2);
    assert!(
        (json["duration"].as_f64().unwrap_or(0.0) - 11.303).abs() < 0.01,
        "{json}"
    );
    assert!(json["segments"].is_array());
    assert_eq!(json["provenance"]["parameters"]["vad"], "silero");
    // The same VAD run gave the conversation metrics, carried in the transcript.
    let metrics = &json["metrics"];
    assert_eq!(metrics["per_role"], true, "{json}");
    assert_eq!(metrics["approximate"], false);
    assert!(
        metrics["agent_talk"].as_f64().is_some_and(|t| t > 4.0),
        "{metrics}"
    );
    assert!(
        metrics["customer_talk"].as_f64().is_some_and(|t| t > 2.0),
        "{metrics}"
    );
    assert!(
        json["provenance"]["audio_hash"]
            .as_str()
            .is_some_and(|h| h.starts_with("blake3:"))
    );
    // jfk.wav and jfk.mp3 do not collide.
    assert!(out.join("jfk.wav.json").is_file() && out.join("jfk.mp3.json").is_file());
    assert!(!out.join("broken.wav.json").exists());

    let second = transcribe(&cache, &models, &args);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(
        stderr.matches("(cached, no ASR)").count(),
        3,
        "second run must do no ASR: {stderr}"
    );

    let jfk = shared("audio/jfk.wav");
    let uncached = [
        jfk.to_str().expect("utf8"),
        "--output",
        out.to_str().expect("utf8"),
        "--timings",
        "--no-cache",
    ];
    let third = transcribe(&cache, &models, &uncached);
    let stderr = String::from_utf8_lossy(&third.stderr);
    assert!(
        third.status.success() && !stderr.contains("cached"),
        "{stderr}"
    );
}

#[test]
fn text_formats_carry_speakers() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    for format in ["vtt", "srt", "txt"] {
        let o = transcribe(
            &tmp.path().join("cache"),
            &tmp.path().join("models"),
            &[
                shared("audio/jfk.wav").to_str().expect("utf8"),
                "--format",
                format,
                "--output",
                out.to_str().expect("utf8"),
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(out.join(format!("jfk.wav.{format}")).is_file());
    }
    let vtt = std::fs::read_to_string(out.join("jfk.wav.vtt")).expect("vtt");
    assert!(vtt.starts_with("WEBVTT\n"));
}

#[test]
fn offline_missing_model_says_what_to_run() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let o = Command::cargo_bin("callqa")
        .expect("binary")
        .args(["transcribe", "--model", "tiny.en", "--offline"])
        .arg(shared("audio/jfk.wav"))
        .env("CALLQA_MODELS_DIR", tmp.path())
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "error: model 'tiny.en' is not in {0}; run `callqa models download tiny.en` or put the file at {0}/ggml-tiny.en.bin\n",
            tmp.path().display()
        )
    );
}

#[test]
fn metric_thresholds_reach_the_transcript() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (cache, models) = (tmp.path().join("cache"), tmp.path().join("models"));
    let call = sample("call-001.wav");
    let run = |out: &str, extra: &[&str]| {
        let out = tmp.path().join(out);
        let mut args = vec![
            call.to_str().expect("utf8"),
            "--output",
            out.to_str().expect("utf8"),
        ];
        args.extend_from_slice(extra);
        let done = transcribe(&cache, &models, &args);
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        let json: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.join("call-001.wav.json")).expect("transcript"),
        )
        .expect("json");
        json["metrics"]["non_talk_count"].as_u64().expect("count")
    };
    let default = run("default", &[]);
    // Counting every pause of 0.3 s or more between turns finds more non-talk than the 2 s default.
    let fine = run("fine", &["--min-non-talk", "0.3"]);
    assert!(fine > default, "{fine} vs {default}");
    // Packing both channels into one buffer changes what whisper sees, not the VAD or the metrics.
    let packed = run("packed", &["--pack-channels"]);
    assert_eq!(packed, default);

    let bad = transcribe(
        &cache,
        &models,
        &[call.to_str().expect("utf8"), "--min-burst=-1"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr),
        "error: --min-burst must be a finite number of at least 0, got -1\n"
    );
}

#[test]
fn two_workers_write_what_one_writes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let files = [
        sample("call-001.wav"),
        sample("call-003.mp3"),
        shared("audio/jfk.wav"),
    ];
    let run = |jobs: &str, out: &Path| {
        let output = Command::cargo_bin("callqa")
            .expect("binary")
            .arg("transcribe")
            .args(&files)
            .arg("--model")
            .arg(shared("models/for-tests-ggml-tiny.en.bin"))
            .arg("--vad-model")
            .arg(shared("models/ggml-silero-v6.2.0.bin"))
            .args(["--jobs", jobs, "--threads", "1", "--no-cache", "--output"])
            .arg(out)
            .env("CALLQA_MODELS_DIR", tmp.path().join("models"))
            .env_remove("CALLQA_VAD_MODEL")
            .output()
            .expect("run callqa");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    run("1", &one);
    run("2", &two);
    for name in ["call-001.wav.json", "call-003.mp3.json", "jfk.wav.json"] {
        let read = |dir: &Path| std::fs::read_to_string(dir.join(name)).expect(name);
        assert_eq!(
            read(&one),
            read(&two),
            "{name} differs between 1 and 2 jobs"
        );
    }
}
