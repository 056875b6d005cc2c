//! Shared by the integration tests: running the binary, and the coaching-report fixture as scored
//! call records.

#![allow(dead_code)]

use assert_cmd::Command;
use callqa::metrics::{ActivitySettings, MetricSettings, metrics_from_transcript};
use callqa::record::CallRecord;
use callqa::rubric::Rubric;
use callqa::scoring::score;
use callqa::transcript::load_file;
use std::path::{Path, PathBuf};

/// Runs `cmd` and returns its exit code (-1 when killed by a signal), stdout and stderr.
pub fn output(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `callqa ARGS` in the package folder.
pub fn callqa(args: &[&str]) -> (i32, String, String) {
    output(
        Command::cargo_bin("callqa")
            .expect("binary")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(args),
    )
}

pub fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report/calls")
}

/// Every fixture call scored with the default rubric, with metrics from the transcript times.
pub fn fixture_records() -> Vec<CallRecord> {
    let rubric = Rubric::builtin_default();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixture_dir())
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let t = load_file(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let card = score(&rubric, &t);
            let metrics = metrics_from_transcript(
                &t,
                &ActivitySettings::default(),
                &MetricSettings::default(),
            )
            .ok();
            CallRecord {
                call_id: t.call_id.clone(),
                source: Some(format!(
                    "calls/{}",
                    p.file_name().unwrap_or_default().to_string_lossy()
                )),
                agent_id: t.agent_id.clone(),
                agent_name: t.agent_name.clone(),
                team: Some("Northwind".into()),
                queue: None,
                date: t.date.clone(),
                duration: metrics.as_ref().map(|m| m.duration),
                run_id: Some(1),
                metrics,
                transcript: t,
                scorecard: card,
            }
        })
        .collect()
}
