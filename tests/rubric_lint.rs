//! `callqa rubric lint`: one fixture per kind of rubric error, each message pinned by a snapshot.

use assert_cmd::Command;
use std::path::Path;

fn lint(file: &str) -> (i32, String) {
    let out = Command::cargo_bin("callqa")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["rubric", "lint", file])
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn every_invalid_fixture_is_reported_with_location() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rubrics/invalid");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 10);
    for name in names {
        let (code, out) = lint(&format!("tests/fixtures/rubrics/invalid/{name}"));
        assert_eq!(code, 1, "{name} must fail lint");
        insta::assert_snapshot!(name.trim_end_matches(".toml").to_string(), out);
    }
}

#[test]
fn shipped_rubrics_are_clean() {
    for file in [
        "rubrics/default.toml",
        "rubrics/collections.toml",
        "rubrics/examples/metrics.toml",
    ] {
        let (code, out) = lint(file);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains(": ok: rubric"), "{out}");
    }
}

#[test]
fn missing_file_is_named() {
    let (code, out) = lint("tests/fixtures/rubrics/nope.toml");
    assert_eq!(code, 1);
    assert!(
        out.starts_with("tests/fixtures/rubrics/nope.toml:1:1: error: cannot read rubric:"),
        "{out}"
    );
}
