//! `callqa report`: reads scored calls from the results store and writes coaching reports.
//!
//! Thin: turns arguments into a [`RecordFilter`] and [`ReportOptions`]; the work is in [`crate::report`].

use super::exit;
use crate::record::CallRecord;
use crate::report::{Format, ReportOptions, write_reports};
use crate::store::{DEFAULT_STORE, RecordFilter, Store};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Html,
    Md,
    Json,
    Csv,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Html => Format::Html,
            FormatArg::Md => Format::Md,
            FormatArg::Json => Format::Json,
            FormatArg::Csv => Format::Csv,
        }
    }
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The results store written by `callqa run`.
    #[arg(long, value_name = "PATH", default_value = DEFAULT_STORE)]
    pub store: PathBuf,
    /// Folder to write the reports into (created when missing).
    #[arg(long, short, value_name = "DIR", default_value = "reports")]
    pub output: PathBuf,
    /// Formats to write, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "html,md,json,csv")]
    pub format: Vec<FormatArg>,
    /// Only these agents (repeatable); `unassigned` selects calls with no agent.
    #[arg(long = "agent", value_name = "ID")]
    pub agents: Vec<String>,
    /// First call date to include (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<String>,
    /// Last call date to include (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub until: Option<String>,
    /// Folder of templates replacing the built-in ones of the same name (see docs/reports.md).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Quote transcript text as stored, without redacting card numbers, SSNs, phone numbers and emails.
    #[arg(long)]
    pub no_redact: bool,
}

fn parse_date(s: &str) -> Result<String, String> {
    crate::report::trend::iso_week(s)
        .filter(|_| s.len() == 10)
        .map(|_| s.to_string())
        .ok_or_else(|| format!("`{s}` is not a date (YYYY-MM-DD)"))
}

/// Writes reports for `records`, printing what was written; used by `callqa report` and `callqa run --reports`.
pub fn write_and_tell(records: &[CallRecord], opts: &ReportOptions) -> ExitCode {
    match write_reports(records, opts) {
        Ok(w) => {
            println!(
                "wrote {} report file(s) for {} call(s) and {} agent(s) to {}",
                w.files.len(),
                w.calls,
                w.agents,
                opts.output.display()
            );
            ExitCode::from(exit::OK)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(exit::FAILURE)
        }
    }
}

/// Reads the records selected by `filter` from the store at `path`.
pub fn load_records(path: &Path, filter: &RecordFilter) -> Result<Vec<CallRecord>, String> {
    let store = Store::open_existing(path).map_err(|e| e.to_string())?;
    store.records(filter).map_err(|e| e.to_string())
}

pub fn run(args: ReportArgs) -> ExitCode {
    if let (Some(s), Some(u)) = (&args.since, &args.until)
        && s > u
    {
        eprintln!("error: --since {s} is after --until {u}");
        return ExitCode::from(exit::USAGE);
    }
    let filter = RecordFilter {
        agents: args.agents.clone(),
        since: args.since.clone(),
        until: args.until.clone(),
        ..RecordFilter::default()
    };
    let records = match load_records(&args.store, &filter) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(exit::USAGE);
        }
    };
    if records.is_empty() {
        eprintln!(
            "error: no scored calls in {} match the selection",
            args.store.display()
        );
        return ExitCode::from(exit::FAILURE);
    }
    let formats: Vec<Format> = args.format.iter().map(|&f| f.into()).collect();
    let opts = ReportOptions {
        output: args.output,
        formats,
        templates: args.templates,
        redact: !args.no_redact,
    };
    write_and_tell(&records, &opts)
}
