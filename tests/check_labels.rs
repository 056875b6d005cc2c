//! `callqa check --labels` through the binary: the agreement report is pinned, `--min-agreement`
//! gates on the overall agreement, and labels naming unknown criteria exit 2.

mod support;

use assert_cmd::Command;

const LABELS: &str = "tests/fixtures/check/labels.json";
const CALLS: &[&str] = &[
    "tests/fixtures/transcripts/good-call.json",
    "tests/fixtures/transcripts/rude-call.txt",
    "tests/fixtures/transcripts/asr-mono.json",
    "tests/fixtures/transcripts/collections-good.txt",
];

fn check_labels(labels: &str, extra: &[&str]) -> (i32, String, String) {
    support::output(
        Command::cargo_bin("callqa")
            .expect("binary")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["check", "--labels", labels])
            .args(CALLS)
            .args(extra),
    )
}

#[test]
fn agreement_table_is_pinned() {
    let (code, out, err) = check_labels(LABELS, &[]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("labels_table", out);
}

#[test]
fn agreement_json_has_kappa_and_disagreements() {
    let (code, out, err) = check_labels(LABELS, &["--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(r["overall"]["compared"], 15);
    assert_eq!(r["disagreements"].as_array().map(Vec::len), Some(2));
    insta::assert_snapshot!("labels_json", out);
}

#[test]
fn below_min_agreement_exits_1() {
    let (code, _, err) = check_labels(LABELS, &["--min-agreement", "0.9"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("overall agreement 86.7% is below the minimum 90.0%"),
        "{err}"
    );
    let (code, _, err) = check_labels(LABELS, &["--min-agreement", "0.8"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn unknown_criterion_in_labels_exits_2() {
    let (code, out, err) = check_labels("tests/fixtures/check/labels_bad.json", &[]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "error: tests/fixtures/check/labels_bad.json: call `call-0042`: the rubric has no criterion `greeting.salute`\n"
    );
}

#[test]
fn min_agreement_is_a_fraction() {
    let (code, _, err) = check_labels(LABELS, &["--min-agreement", "90"]);
    assert_eq!(code, 2);
    assert!(err.contains("expected a number from 0 to 1"), "{err}");
}
