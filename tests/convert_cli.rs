//! `callqa convert` and the export writers: exact output per format, and round trips that keep
//! speakers, text and times.

use assert_cmd::Command;
use callqa::transcript::export::{ExportFormat, render};
use callqa::transcript::{Speaker, Transcript, load_file, parse_transcript};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn callqa() -> Command {
    Command::cargo_bin("callqa").expect("binary builds")
}

fn stdout_of(args: &[&str]) -> String {
    let out = callqa().args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn ms(t: Option<f64>) -> Option<i64> {
    t.map(|s| (s * 1000.0).round() as i64)
}

fn shape(t: &Transcript) -> Vec<(Speaker, String, Option<i64>, Option<i64>)> {
    t.segments
        .iter()
        .map(|s| (s.speaker, s.text.clone(), ms(s.start), ms(s.end)))
        .collect()
}

#[test]
fn vtt_output_uses_voice_tags() {
    let input = fixture("reference_callqa.json");
    let out = stdout_of(&["convert", input.to_str().expect("path"), "--to", "vtt"]);
    assert_eq!(
        out,
        "WEBVTT

00:00:00.000 --> 00:00:02.500
<v Agent>Thank you for calling Acme, my name is Dana.</v>

00:00:03.000 --> 00:00:05.200
<v Customer>Hi, my card was stolen.</v>

00:00:05.500 --> 00:00:08.750
<v Agent>I'm sorry to hear that. I can block it now.</v>

00:00:09.000 --> 00:00:10.400
<v Customer>Yes, please.</v>
"
    );
}

#[test]
fn srt_and_txt_outputs_use_speaker_prefixes() {
    let input = fixture("reference_callqa.json");
    let input = input.to_str().expect("path");
    assert_eq!(
        stdout_of(&["convert", input, "--to", "srt"]),
        "1
00:00:00,000 --> 00:00:02,500
Agent: Thank you for calling Acme, my name is Dana.

2
00:00:03,000 --> 00:00:05,200
Customer: Hi, my card was stolen.

3
00:00:05,500 --> 00:00:08,750
Agent: I'm sorry to hear that. I can block it now.

4
00:00:09,000 --> 00:00:10,400
Customer: Yes, please.
"
    );
    assert_eq!(
        stdout_of(&["convert", input, "--to", "txt"]),
        "Agent: Thank you for calling Acme, my name is Dana.
Customer: Hi, my card was stolen.
Agent: I'm sorry to hear that. I can block it now.
Customer: Yes, please.
"
    );
}

#[test]
fn callqa_json_round_trips_through_every_format() {
    let original = load_file(&fixture("reference_callqa.json")).expect("loads");
    for format in [ExportFormat::Vtt, ExportFormat::Srt, ExportFormat::Json] {
        let written = render(&original, format);
        let name = format!("back.{format}");
        let back = parse_transcript(&written, Path::new(&name)).expect("reads back");
        assert_eq!(shape(&back), shape(&original), "{format}");
    }
    let back = parse_transcript(&render(&original, ExportFormat::Txt), Path::new("back.txt"))
        .expect("reads back");
    let who_said_what = |t: &Transcript| -> Vec<(Speaker, String)> {
        t.segments
            .iter()
            .map(|s| (s.speaker, s.text.clone()))
            .collect()
    };
    assert_eq!(who_said_what(&back), who_said_what(&original));
}

#[test]
fn round_trip_keeps_odd_times_markup_characters_and_unknown_speakers() {
    let json = r#"{"call_id":"odd","segments":[
        {"start":3599.9995,"end":3723.004,"speaker":"unknown","text":"1 < 2 & 3 > 2\nnext line"},
        {"start":0.001,"end":0.002,"speaker":"customer","text":"Agent: quoted"}]}"#;
    let original = parse_transcript(json, Path::new("odd.json")).expect("parses");
    for format in [ExportFormat::Vtt, ExportFormat::Srt] {
        let back = parse_transcript(&render(&original, format), Path::new("odd"))
            .unwrap_or_else(|e| panic!("{format}: {e}"));
        assert_eq!(
            shape(&back),
            vec![
                (
                    Speaker::Unknown,
                    "1 < 2 & 3 > 2 next line".to_string(),
                    Some(3_600_000),
                    Some(3_723_004)
                ),
                (
                    Speaker::Customer,
                    "Agent: quoted".to_string(),
                    Some(1),
                    Some(2)
                ),
            ],
            "{format}"
        );
    }
}

#[test]
fn convert_writes_the_output_file_and_applies_role_options() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("call.srt");
    let input = fixture("aws_transcribe_speakers.json");
    callqa()
        .args([
            "convert",
            input.to_str().expect("path"),
            "--to",
            "srt",
            "--agent-speaker",
            "spk_1",
        ])
        .arg("--output")
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let back = load_file(&out).expect("reads the written SRT");
    let speakers: Vec<Speaker> = back.segments.iter().map(|s| s.speaker).collect();
    assert_eq!(
        speakers,
        [
            Speaker::Customer,
            Speaker::Agent,
            Speaker::Customer,
            Speaker::Agent
        ]
    );

    let input = fixture("whisper_oj_di.json");
    let txt = stdout_of(&[
        "convert",
        input.to_str().expect("path"),
        "--to",
        "txt",
        "--agent-channel",
        "right",
    ]);
    assert!(
        txt.starts_with("Customer: Thank you for calling Acme"),
        "{txt}"
    );
}

#[test]
fn convert_reports_bad_input_with_file_and_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.vtt");
    std::fs::write(&bad, "WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\nAgent: hi\n").expect("write");
    callqa()
        .args(["convert", bad.to_str().expect("path"), "--to", "json"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "error: {}: line 3: invalid end time \"00:00:0x.000\"\n",
            bad.display()
        ));

    let untimed = dir.path().join("chat.txt");
    std::fs::write(&untimed, "Agent: hello\nCustomer: hi\n").expect("write");
    callqa()
        .args(["convert", untimed.to_str().expect("path"), "--to", "vtt"])
        .assert()
        .code(1)
        .stderr(format!(
            "error: {}: cannot write vtt: segment 1 has no start and end times (write json or txt instead)\n",
            untimed.display()
        ));
    callqa()
        .args(["convert", untimed.to_str().expect("path"), "--to", "txt"])
        .assert()
        .success()
        .stdout("Agent: hello\nCustomer: hi\n");
}

#[test]
fn convert_rejects_unknown_target_as_usage_error() {
    let input = fixture("reference_callqa.json");
    callqa()
        .args(["convert", input.to_str().expect("path"), "--to", "docx"])
        .assert()
        .code(2);
}
