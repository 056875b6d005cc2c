//! `callqa report` through the binary, over a store filled by `callqa run` on the fixture transcripts.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report/calls")
}

fn callqa() -> Command {
    Command::cargo_bin("callqa").expect("binary")
}

/// A store holding the 48 fixture calls, scored by `callqa run`.
fn store(dir: &Path) -> PathBuf {
    let db = dir.join("results.db");
    callqa()
        .arg("run")
        .arg(fixtures())
        .arg("--store")
        .arg(&db)
        .assert()
        .success();
    db
}

#[test]
fn report_writes_every_file_from_the_store() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = store(dir.path());
    let out = dir.path().join("out");
    let a = callqa()
        .args(["report", "--store"])
        .arg(&db)
        .arg("--output")
        .arg(&out)
        .assert()
        .success();
    let stdout =
        String::from_utf8_lossy(&a.get_output().stdout).replace(&out.display().to_string(), "OUT");
    insta::assert_snapshot!("report_stdout", stdout);
    for f in [
        "index.html",
        "report.md",
        "report.json",
        "calls.csv",
        "agents.csv",
        "agents/a4.html",
        "agents/a4.md",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("json"))
            .expect("json");
    assert_eq!(json["agents"].as_array().map(Vec::len), Some(6));
    assert_eq!(json["team"]["calls"], 48);
}

#[test]
fn agent_and_date_filters_and_formats() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = store(dir.path());
    let out = dir.path().join("out");
    callqa()
        .args(["report", "--store"])
        .arg(&db)
        .arg("-o")
        .arg(&out)
        .args([
            "--agent",
            "a4",
            "--agent",
            "a5",
            "--since",
            "2026-10-12",
            "--until",
            "2026-10-25",
        ])
        .args(["--format", "json,csv"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "3 report file(s) for 8 call(s) and 2 agent(s)",
        ));
    assert!(!out.join("index.html").exists());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("json"))
            .expect("json");
    let ids: Vec<&str> = json["agents"]
        .as_array()
        .expect("agents")
        .iter()
        .map(|a| a["agent_id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["a4", "a5"]);
    let calls = std::fs::read_to_string(out.join("calls.csv")).expect("csv");
    assert!(
        calls.lines().skip(1).all(|l| {
            let date = l.split(',').nth(3).unwrap_or("");
            ("2026-10-12"..="2026-10-25").contains(&date)
        }),
        "{calls}"
    );
}

#[test]
fn run_writes_reports_at_the_end() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("reports");
    callqa()
        .arg("run")
        .arg(fixtures())
        .arg("--store")
        .arg(dir.path().join("s.db"))
        .arg("--reports")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "wrote 17 report file(s) for 48 call(s) and 6 agent(s)",
        ));
    assert!(out.join("agents/a5.html").is_file());
}

#[test]
fn errors_are_clear() {
    let dir = tempfile::tempdir().expect("tmp");
    let missing = callqa()
        .args(["report", "--store"])
        .arg(dir.path().join("none.db"))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&missing.get_output().stderr)
        .replace(&dir.path().display().to_string(), "TMP");
    insta::assert_snapshot!("missing_store", err);

    let bad = callqa()
        .args(["report", "--since", "2026-13-01"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&bad.get_output().stderr).into_owned();
    assert!(
        err.contains("`2026-13-01` is not a date (YYYY-MM-DD)"),
        "{err}"
    );

    let db = store(dir.path());
    let none = callqa()
        .args(["report", "--store"])
        .arg(&db)
        .args(["--agent", "nobody", "-o"])
        .arg(dir.path().join("o"))
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&none.get_output().stderr)
        .replace(&dir.path().display().to_string(), "TMP");
    insta::assert_snapshot!("no_calls", err);
}
