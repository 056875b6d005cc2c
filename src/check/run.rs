//! Runs a validated suite: scores every case with the suite's rubric and compares the scorecard
//! with the case's expectations, then renders the outcome as a table or JSON.
//!
//! Must not depend on whisper, audio or clap.

use super::evidence_lines;
use super::suite::{CaseInput, Suite};
use crate::rubric::Rubric;
use crate::scoring::{RubricRef, Scorecard, score};
use crate::transcript::{Transcript, load_file};
use serde::Serialize;

/// One comparison of an expectation with the engine's verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckResult {
    /// The criterion id, or `score` / `auto_failed`.
    pub check: String,
    pub expected: String,
    pub got: String,
    pub passed: bool,
    /// Evidence behind the verdict, shown for mismatches.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

/// Every check of one case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseResult {
    pub name: String,
    pub passed: bool,
    pub checks: Vec<CheckResult>,
}

/// The outcome of one suite.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuiteResult {
    pub suite: String,
    pub rubric: RubricRef,
    pub cases: Vec<CaseResult>,
}

impl SuiteResult {
    pub fn mismatches(&self) -> usize {
        self.cases
            .iter()
            .flat_map(|c| &c.checks)
            .filter(|c| !c.passed)
            .count()
    }
}

/// Reads every case's transcript: inline turns as written, files from disk. Returns one message
/// per file that cannot be read.
pub fn load_transcripts(suite: &Suite) -> Result<Vec<Transcript>, Vec<String>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for case in &suite.cases {
        match &case.input {
            CaseInput::Inline(t) => out.push(t.as_ref().clone()),
            CaseInput::File(path) => match load_file(path) {
                Ok(t) => out.push(t),
                Err(e) => errors.push(format!(
                    "{}: case `{}`: {e}",
                    suite.path.display(),
                    case.name
                )),
            },
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Scores each case (with its transcript, in case order) and compares.
pub fn run_suite(suite: &Suite, rubric: &Rubric, transcripts: &[Transcript]) -> SuiteResult {
    let mut cases = Vec::new();
    for (case, transcript) in suite.cases.iter().zip(transcripts) {
        let card = score(rubric, transcript);
        let checks = compare(case, &card);
        cases.push(CaseResult {
            name: case.name.clone(),
            passed: checks.iter().all(|c| c.passed),
            checks,
        });
    }
    SuiteResult {
        suite: suite.path.display().to_string(),
        rubric: RubricRef {
            name: rubric.name.clone(),
            version: rubric.version.clone(),
            sha256: rubric.sha256.clone(),
        },
        cases,
    }
}

fn compare(case: &super::suite::Case, card: &Scorecard) -> Vec<CheckResult> {
    let mut checks = Vec::new();
    for e in &case.expect {
        let (got, evidence) = match card.criterion(&e.criterion) {
            Some(r) => (r.outcome.as_str().to_string(), evidence_lines(r)),
            None => ("absent".to_string(), Vec::new()),
        };
        let passed = got == e.outcome.as_str();
        checks.push(CheckResult {
            check: e.criterion.clone(),
            expected: e.outcome.as_str().to_string(),
            got,
            passed,
            evidence: if passed { Vec::new() } else { evidence },
        });
    }
    if let Some((lo, hi)) = case.score {
        let passed = card.score >= lo && card.score <= hi;
        checks.push(CheckResult {
            check: "score".into(),
            expected: format!("[{lo}, {hi}]"),
            got: card.score.to_string(),
            passed,
            evidence: if passed {
                Vec::new()
            } else {
                card.criteria
                    .iter()
                    .filter(|c| c.points < c.max_points)
                    .map(|c| {
                        format!(
                            "{} {} ({}/{})",
                            c.id,
                            c.outcome.as_str(),
                            c.points,
                            c.max_points
                        )
                    })
                    .collect()
            },
        });
    }
    if let Some(expected) = case.auto_failed {
        let passed = card.auto_failed == expected;
        checks.push(CheckResult {
            check: "auto_failed".into(),
            expected: expected.to_string(),
            got: card.auto_failed.to_string(),
            passed,
            evidence: if passed {
                Vec::new()
            } else {
                card.auto_fail_reasons.clone()
            },
        });
    }
    checks
}

/// Plain-text report: one line per case, a diff under each mismatching case, and a summary.
pub fn render_table(results: &[SuiteResult]) -> String {
    let mut out = String::new();
    let (mut cases, mut failed_cases, mut checks, mut mismatches) = (0, 0, 0, 0);
    for r in results {
        out.push_str(&format!(
            "suite {} (rubric {} {})\n",
            r.suite, r.rubric.name, r.rubric.version
        ));
        for case in &r.cases {
            cases += 1;
            checks += case.checks.len();
            if case.passed {
                out.push_str(&format!("  ok    {}\n", case.name));
                continue;
            }
            failed_cases += 1;
            out.push_str(&format!("  FAIL  {}\n", case.name));
            for c in case.checks.iter().filter(|c| !c.passed) {
                mismatches += 1;
                out.push_str(&format!(
                    "        {}: expected {}, got {}\n",
                    c.check, c.expected, c.got
                ));
                for e in &c.evidence {
                    out.push_str(&format!("          evidence: {e}\n"));
                }
            }
        }
    }
    out.push_str(&format!(
        "{} case{}: {} passed, {} failed ({} check{}, {} mismatch{})\n",
        cases,
        plural(cases, "s"),
        cases - failed_cases,
        failed_cases,
        checks,
        plural(checks, "s"),
        mismatches,
        plural(mismatches, "es"),
    ));
    out
}

/// JSON report: the suite results as an array.
pub fn render_json(results: &[SuiteResult]) -> String {
    let mut s = serde_json::to_string_pretty(results).unwrap_or_default();
    s.push('\n');
    s
}

fn plural(n: usize, suffix: &'static str) -> &'static str {
    if n == 1 { "" } else { suffix }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::suite::parse;
    use std::path::Path;

    fn default_suite(src: &str) -> SuiteResult {
        let suite = parse(src, Path::new("t.toml")).expect("valid suite");
        let transcripts = load_transcripts(&suite).expect("inline turns");
        run_suite(&suite, &Rubric::builtin_default(), &transcripts)
    }

    #[test]
    fn a_wrong_expectation_names_the_criterion() {
        let r = default_suite(
            r#"rubric = "x"
[[cases]]
name = "no greeting"
turns = [{ speaker = "agent", text = "Account number?" }]
expect = { "greeting.salutation" = "pass" }
auto_failed = false
"#,
        );
        assert_eq!(r.mismatches(), 1);
        let text = render_table(&[r]);
        assert!(
            text.contains(
                "  FAIL  no greeting\n        greeting.salutation: expected pass, got fail\n"
            ),
            "{text}"
        );
        assert!(
            text.ends_with("1 case: 0 passed, 1 failed (2 checks, 1 mismatch)\n"),
            "{text}"
        );
    }

    #[test]
    fn matching_expectations_pass() {
        let r = default_suite(
            r#"rubric = "x"
[[cases]]
name = "greets"
turns = [{ speaker = "agent", text = "Good morning, thanks for calling." }]
expect = { "greeting.salutation" = "pass" }
score = [0, 100]
"#,
        );
        assert_eq!(r.mismatches(), 0);
        assert!(r.cases[0].passed);
    }
}
