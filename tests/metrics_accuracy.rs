//! Accuracy of `callqa metrics` on synthetic calls whose speech intervals are known exactly
//! (tests/fixtures/metrics-calls, made by its make.sh): 8 kHz μ-law and A-law, line hiss at -50 dBFS,
//! designed overlaps, interruptions and holds, hold music, the agent on either channel. Runs the real
//! binary with the real Silero model and compares with the metrics of the true intervals:
//! talk per role within 3% or 0.3 s, non_talk_max and overtalk within 0.5 s, interruption counts exact.
//!
//! Must not touch the network: the VAD model comes from ../shared/models.

use assert_cmd::Command;
use callqa::metrics::{ActivitySettings, Interval, MetricSettings, clean_spans, compute_metrics};
use serde_json::Value;
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/metrics-calls"
    ))
}

fn silero() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/models/ggml-silero-v6.2.0.bin"
    ))
}

fn spans(v: &Value) -> Vec<(f64, f64)> {
    v.as_array()
        .expect("intervals")
        .iter()
        .map(|p| (p[0].as_f64().expect("start"), p[1].as_f64().expect("end")))
        .collect()
}

fn num(m: &Value, key: &str) -> f64 {
    m[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing in {m}"))
}

#[test]
fn silero_metrics_match_the_known_intervals() {
    let names = ["call-a", "call-b", "call-c"];
    let files: Vec<PathBuf> = names
        .iter()
        .map(|n| fixtures().join(format!("{n}.wav")))
        .collect();
    let mut measured = Vec::new();
    // Each call's agent channel is in its truth file; run the calls with the same side together.
    for side in ["left", "right"] {
        let batch: Vec<&PathBuf> = files
            .iter()
            .zip(names)
            .filter(|(_, n)| {
                let truth: Value = serde_json::from_str(
                    &std::fs::read_to_string(fixtures().join(format!("{n}.truth.json")))
                        .expect("truth"),
                )
                .expect("truth json");
                truth["agent_channel"] == side
            })
            .map(|(f, _)| f)
            .collect();
        if batch.is_empty() {
            continue;
        }
        let out = Command::cargo_bin("callqa")
            .expect("binary")
            .arg("metrics")
            .args(&batch)
            .args(["--agent-channel", side, "--format", "json", "--vad-model"])
            .arg(silero())
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let calls: Value = serde_json::from_slice(&out.stdout).expect("json");
        measured.extend(calls.as_array().expect("array").iter().cloned());
    }
    assert_eq!(measured.len(), names.len());

    let mut report = String::new();
    let mut failures = Vec::new();
    for call in &measured {
        let file = PathBuf::from(call["file"].as_str().expect("file"));
        let stem = file.file_stem().and_then(|s| s.to_str()).expect("stem");
        let truth: Value = serde_json::from_str(
            &std::fs::read_to_string(fixtures().join(format!("{stem}.truth.json"))).expect("truth"),
        )
        .expect("truth json");
        let activity = ActivitySettings::default();
        let agent: Vec<Interval> = clean_spans(&spans(&truth["agent"]), &activity);
        let customer: Vec<Interval> = clean_spans(&spans(&truth["customer"]), &activity);
        let want = compute_metrics(
            num(&truth, "duration"),
            &agent,
            &customer,
            None,
            &MetricSettings::default(),
        );
        let want = serde_json::to_value(&want).expect("metrics json");
        let got = &call["metrics"];
        assert_eq!(call["detector"], "silero");
        for key in ["agent_talk", "customer_talk"] {
            let (g, w) = (num(got, key), num(&want, key));
            let allowed = f64::max(0.03 * w, 0.3);
            report.push_str(&format!("{stem} {key}: got {g:.2}, true {w:.2}\n"));
            if (g - w).abs() > allowed {
                failures.push(format!("{stem} {key}: got {g}, true {w}"));
            }
        }
        for key in ["non_talk_max", "overtalk"] {
            let (g, w) = (num(got, key), num(&want, key));
            report.push_str(&format!("{stem} {key}: got {g:.2}, true {w:.2}\n"));
            if (g - w).abs() > 0.5 {
                failures.push(format!("{stem} {key}: got {g}, true {w}"));
            }
        }
        for key in ["interruptions_by_agent", "interruptions_by_customer"] {
            report.push_str(&format!(
                "{stem} {key}: got {}, true {}\n",
                got[key], want[key]
            ));
            if got[key] != want[key] {
                failures.push(format!(
                    "{stem} {key}: got {}, true {}",
                    got[key], want[key]
                ));
            }
        }
        assert!(
            want["interruptions_by_agent"].as_u64().unwrap_or(0)
                + want["interruptions_by_customer"].as_u64().unwrap_or(0)
                > 0,
            "{stem}: every call is designed with an interruption"
        );
    }
    println!("{report}");
    assert!(failures.is_empty(), "{failures:#?}\n{report}");
}

#[test]
fn two_networks_read_a_call_as_one_network_does_in_turn() {
    use callqa::activity::SpeechDetector;
    use callqa::activity::silero::SileroDetector;
    use callqa::asr::pipeline::{Timings, load_audio};
    let mut one = SileroDetector::load(&silero()).expect("VAD model");
    let mut two = SileroDetector::load_for(&silero(), 2).expect("VAD model");
    for name in ["call-a", "call-b", "call-c"] {
        let audio = load_audio(
            &fixtures().join(format!("{name}.wav")),
            &mut Timings::default(),
        )
        .expect("fixture");
        let channels: Vec<&[f32]> = audio.channels.iter().map(Vec::as_slice).collect();
        let in_turn = one.analyse_channels(&channels).expect("one network");
        let at_once = two.analyse_channels(&channels).expect("two networks");
        assert_eq!(in_turn.len(), 2);
        assert!(
            in_turn.iter().all(|c| !c.spans.is_empty()),
            "{name}: both parties speak"
        );
        assert_eq!(in_turn, at_once, "{name}");
        // Reversed, each channel goes to the other network: still the same per channel.
        let reversed: Vec<&[f32]> = channels.iter().rev().copied().collect();
        let mut back = two.analyse_channels(&reversed).expect("two networks");
        back.reverse();
        assert_eq!(in_turn, back, "{name} reversed");
        // One channel alone: the two networks share its loud stretches.
        assert_eq!(
            two.analyse(channels[0]).expect("two networks"),
            in_turn[0],
            "{name} left alone"
        );
    }
}
