//! `callqa merge STORES... --store OUT`: merges shard stores into one, reporting conflicting rows.

use super::exit;
use crate::store::{MergeReport, Store};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Stores to merge (e.g. one per shard).
    #[arg(required = true, value_name = "STORES")]
    pub stores: Vec<PathBuf>,
    /// The store to merge into (created when absent).
    #[arg(long, value_name = "PATH", required = true)]
    pub store: PathBuf,
}

pub fn run(args: MergeArgs) -> ExitCode {
    let mut target = match Store::open(&args.store) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(exit::USAGE);
        }
    };
    let mut report = MergeReport::default();
    let mut unreadable = 0;
    for path in &args.stores {
        if let Err(e) = target.merge_from(path, &mut report) {
            unreadable += 1;
            eprintln!("error: {e}");
        }
    }
    for c in &report.conflicts {
        let rubric = c.rubric_sha256.as_ref().map_or_else(String::new, |r| {
            format!(" (rubric {})", r.get(..12).unwrap_or(r))
        });
        eprintln!(
            "conflict: {}: call {}{rubric}: {}",
            c.store, c.call_id, c.detail
        );
    }
    println!(
        "merged {} store{} into {}: {} calls and {} scorecards added, {} duplicate rows skipped, {} failures kept, {} conflict{}",
        report.stores,
        if report.stores == 1 { "" } else { "s" },
        args.store.display(),
        report.calls_added,
        report.scorecards_added,
        report.duplicates,
        report.failures_added,
        report.conflicts.len(),
        if report.conflicts.len() == 1 { "" } else { "s" }
    );
    if unreadable > 0 || !report.conflicts.is_empty() {
        ExitCode::from(exit::FAILURE)
    } else {
        ExitCode::from(exit::OK)
    }
}
