//! JUnit XML for suite results (quick-junit): one test suite per suite file, one test case per
//! case × check, so CI systems list every criterion. No times or timestamps are written, so the
//! output is deterministic.
//!
//! Must not depend on whisper, audio or clap.

use super::run::SuiteResult;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

/// Renders suite results as JUnit XML.
pub fn render_junit(results: &[SuiteResult]) -> Result<String, String> {
    let mut report = Report::new("callqa check");
    for r in results {
        let mut suite = TestSuite::new(r.suite.as_str());
        for case in &r.cases {
            for c in &case.checks {
                let status = if c.passed {
                    TestCaseStatus::success()
                } else {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    s.set_message(format!("expected {}, got {}", c.expected, c.got));
                    s.set_type("mismatch");
                    if !c.evidence.is_empty() {
                        s.set_description(c.evidence.join("\n"));
                    }
                    s
                };
                let mut tc = TestCase::new(format!("{} :: {}", case.name, c.check), status);
                tc.set_classname(r.suite.as_str());
                suite.add_test_case(tc);
            }
        }
        report.add_test_suite(suite);
    }
    report.to_string().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::run::{CaseResult, CheckResult};
    use crate::scoring::RubricRef;

    #[test]
    fn one_testcase_per_check_with_failures() {
        let r = SuiteResult {
            suite: "s.toml".into(),
            rubric: RubricRef {
                name: "r".into(),
                version: "1".into(),
                sha256: "00".into(),
            },
            cases: vec![CaseResult {
                name: "c".into(),
                passed: false,
                checks: vec![
                    CheckResult {
                        check: "a.b".into(),
                        expected: "pass".into(),
                        got: "pass".into(),
                        passed: true,
                        evidence: vec![],
                    },
                    CheckResult {
                        check: "a.c".into(),
                        expected: "pass".into(),
                        got: "fail".into(),
                        passed: false,
                        evidence: vec!["searched: agent <hi>".into()],
                    },
                ],
            }],
        };
        let xml = render_junit(&[r]).expect("serializes");
        insta::assert_snapshot!(xml, @r#"
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites name="callqa check" tests="2" skipped="0" failures="1" errors="0">
            <testsuite name="s.toml" tests="2" skipped="0" errors="0" failures="1">
                <testcase name="c :: a.b" classname="s.toml"/>
                <testcase name="c :: a.c" classname="s.toml">
                    <failure message="expected pass, got fail" type="mismatch">searched: agent &lt;hi&gt;</failure>
                </testcase>
            </testsuite>
        </testsuites>
        "#);
    }
}
