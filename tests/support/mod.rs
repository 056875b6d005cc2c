//! The coaching-report fixture as scored call records, shared by the report tests.

#![allow(dead_code)]

use callqa::metrics::{ActivitySettings, MetricSettings, metrics_from_transcript};
use callqa::record::CallRecord;
use callqa::rubric::Rubric;
use callqa::scoring::score;
use callqa::transcript::load_file;
use std::path::{Path, PathBuf};

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
