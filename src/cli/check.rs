//! `callqa check`: run rubric regression suites, or measure agreement with human labels.

use super::{exit, load_rubric, write_output};
use crate::check::agreement::{self, Labels};
use crate::check::junit::render_junit;
use crate::check::run::{self, SuiteResult, load_transcripts, run_suite};
use crate::check::suite::Suite;
use crate::rubric::load_rubric_file;
use crate::scoring::score;
use crate::transcript::load_file;
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CheckFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Suite files (TOML); with `--labels`, transcript files or folders instead.
    #[arg(required = true, value_name = "SUITES")]
    pub inputs: Vec<PathBuf>,
    /// Also write JUnit XML here: one test case per case × criterion.
    #[arg(long, value_name = "FILE", conflicts_with = "labels")]
    pub junit: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: CheckFormat,
    /// Human labels (JSON) to measure the rubric against; the inputs are then transcripts.
    #[arg(long, value_name = "LABELS.json")]
    pub labels: Option<PathBuf>,
    /// Rubric for `--labels`; the built-in default rubric when omitted.
    #[arg(long, value_name = "FILE", requires = "labels")]
    pub rubric: Option<PathBuf>,
    /// With `--labels`: exit 1 when the overall agreement (0–1) is below this.
    #[arg(long, value_name = "X", requires = "labels", value_parser = parse_fraction)]
    pub min_agreement: Option<f64>,
}

fn parse_fraction(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("expected a number from 0 to 1, found `{s}`")),
    }
}

pub fn run(args: CheckArgs) -> ExitCode {
    match args.labels.clone() {
        Some(labels) => run_labels(args, labels),
        None => run_suites(args),
    }
}

fn run_suites(args: CheckArgs) -> ExitCode {
    let mut invalid = false;
    let mut results: Vec<SuiteResult> = Vec::new();
    for path in &args.inputs {
        let suite = match Suite::load(path) {
            Ok(s) => s,
            Err(d) => {
                eprint!("{d}");
                invalid = true;
                continue;
            }
        };
        let rubric = match load_rubric_file(&suite.rubric) {
            Ok(r) => r,
            Err(d) => {
                eprint!("{d}");
                invalid = true;
                continue;
            }
        };
        let unknown = suite.check_criteria(rubric.criterion_ids());
        if !unknown.0.is_empty() {
            eprint!("{unknown}");
            invalid = true;
            continue;
        }
        match load_transcripts(&suite) {
            Ok(transcripts) => results.push(run_suite(&suite, &rubric, &transcripts)),
            Err(errors) => {
                for e in errors {
                    eprintln!("error: {e}");
                }
                invalid = true;
            }
        }
    }
    if invalid {
        eprintln!("error: invalid suite or rubric; no cases were checked");
        return ExitCode::from(exit::USAGE);
    }
    let text = match args.format {
        CheckFormat::Table => run::render_table(&results),
        CheckFormat::Json => run::render_json(&results),
    };
    if let Err(code) = write_output(None, &text) {
        return code;
    }
    if let Some(path) = &args.junit {
        let xml = match render_junit(&results) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("error: cannot render JUnit XML: {e}");
                return ExitCode::from(exit::USAGE);
            }
        };
        if let Err(code) = write_output(Some(path), &xml) {
            return code;
        }
    }
    if results.iter().any(|r| r.mismatches() > 0) {
        ExitCode::from(exit::FAILURE)
    } else {
        ExitCode::from(exit::OK)
    }
}

fn run_labels(args: CheckArgs, labels_path: PathBuf) -> ExitCode {
    let rubric = match load_rubric(args.rubric.as_deref(), &[]) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let labels = match std::fs::read_to_string(&labels_path)
        .map_err(|e| format!("{}: cannot read labels: {e}", labels_path.display()))
        .and_then(|text| Labels::parse(&text, &labels_path))
    {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(exit::USAGE);
        }
    };
    let unknown = labels.unknown_criteria(rubric.criterion_ids());
    if !unknown.is_empty() {
        for (call, criterion) in unknown {
            eprintln!(
                "error: {}: call `{call}`: the rubric has no criterion `{criterion}`",
                labels_path.display()
            );
        }
        return ExitCode::from(exit::USAGE);
    }
    let mut cards = Vec::new();
    let mut unreadable = 0;
    for file in super::expand_inputs(&args.inputs, &["json", "txt", "vtt", "srt"]) {
        match file.and_then(|f| load_file(&f).map_err(|e| e.to_string())) {
            Ok(t) => cards.push(score(&rubric, &t)),
            Err(e) => {
                unreadable += 1;
                eprintln!("error: {e}");
            }
        }
    }
    let report = agreement::compare(&labels, &cards);
    let text = match args.format {
        CheckFormat::Table => agreement::render_table(&report),
        CheckFormat::Json => agreement::render_json(&report),
    };
    if let Err(code) = write_output(None, &text) {
        return code;
    }
    if unreadable > 0 {
        return ExitCode::from(exit::FAILURE);
    }
    match (args.min_agreement, report.overall.agreement) {
        (Some(min), Some(a)) if a < min => {
            eprintln!(
                "overall agreement {:.1}% is below the minimum {:.1}%",
                a * 100.0,
                min * 100.0
            );
            ExitCode::from(exit::FAILURE)
        }
        (Some(_), None) => {
            eprintln!("no labelled criterion matched a scored call; agreement cannot be measured");
            ExitCode::from(exit::FAILURE)
        }
        _ => ExitCode::from(exit::OK),
    }
}
