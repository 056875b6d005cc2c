//! `callqa check` through the binary: the shipped suites gate the project, every exit code is
//! exercised, and the table, JSON and JUnit outputs are pinned by snapshots.

mod support;
use support::callqa;

const FIX: &str = "tests/fixtures/check";

#[test]
fn shipped_rubric_suites_pass() {
    let mut suites: Vec<String> = std::fs::read_dir("rubrics/tests")
        .expect("rubrics/tests exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.display().to_string())
        .collect();
    suites.sort();
    assert!(!suites.is_empty());
    let mut args = vec!["check"];
    args.extend(suites.iter().map(String::as_str));
    let (code, out, err) = callqa(&args);
    assert_eq!(code, 0, "the shipped rubric suites fail:\n{out}{err}");
}

#[test]
fn shipped_default_suite_covers_every_criterion_both_ways() {
    let (code, out, err) = callqa(&["check", "rubrics/tests/default.toml", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let results: serde_json::Value = serde_json::from_str(&out).expect("json");
    let mut seen = std::collections::BTreeSet::new();
    for case in results[0]["cases"].as_array().expect("cases") {
        for c in case["checks"].as_array().expect("checks") {
            seen.insert(format!(
                "{} {}",
                c["check"].as_str().unwrap_or(""),
                c["expected"].as_str().unwrap_or("")
            ));
        }
    }
    let rubric = callqa::rubric::Rubric::builtin_default();
    for id in rubric.criterion_ids() {
        for outcome in ["pass", "fail"] {
            assert!(
                seen.contains(&format!("{id} {outcome}")),
                "no case expects {id} = {outcome}"
            );
        }
    }
    assert!(seen.contains("auto_failed true") && seen.contains("auto_failed false"));
}

#[test]
fn passing_suite_exits_0_with_json() {
    let (code, out, err) = callqa(&["check", &format!("{FIX}/passing.toml"), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    // The rubric hash changes with every edit to the default rubric; it is not what is pinned here.
    let results: serde_json::Value = serde_json::from_str(&out).expect("json");
    let sha = results[0]["rubric"]["sha256"].as_str().expect("sha256");
    assert_eq!(sha.len(), 64);
    insta::assert_snapshot!("passing_json", out.replace(sha, "[sha256]"));
}

#[test]
fn wrong_expectation_exits_1_with_a_diff_naming_the_criterion() {
    let junit = tempfile::NamedTempFile::new().expect("temp file");
    let junit_path = junit.path().display().to_string();
    let (code, out, err) = callqa(&[
        "check",
        &format!("{FIX}/wrong_expectation.toml"),
        "--junit",
        &junit_path,
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains("        empathy.courtesy: expected pass, got fail\n"),
        "{out}"
    );
    insta::assert_snapshot!("wrong_expectation_table", out);
    let xml = std::fs::read_to_string(junit.path()).expect("junit written");
    insta::assert_snapshot!("wrong_expectation_junit", xml);
}

#[test]
fn invalid_suite_exits_2_with_every_error_located() {
    let (code, out, err) = callqa(&["check", &format!("{FIX}/invalid.toml")]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    insta::assert_snapshot!("invalid_suite", err);
}

#[test]
fn unknown_criterion_exits_2_pointing_at_it() {
    let (code, _, err) = callqa(&["check", &format!("{FIX}/unknown_criterion.toml")]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with(
            "tests/fixtures/check/unknown_criterion.toml:6:12: error: the rubric has no criterion `greeting.salute`"
        ),
        "{err}"
    );
}

#[test]
fn missing_rubric_exits_2() {
    let (code, _, err) = callqa(&["check", &format!("{FIX}/missing_rubric.toml")]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no-such-rubric.toml:1:1: error: cannot read rubric"),
        "{err}"
    );
}

#[test]
fn missing_transcript_exits_2_naming_the_case() {
    let (code, out, err) = callqa(&["check", &format!("{FIX}/missing_transcript.toml")]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(
        err.starts_with("error: tests/fixtures/check/missing_transcript.toml: case `gone`: "),
        "{err}"
    );
    assert!(err.contains("no-such-call.json"), "{err}");
}

#[test]
fn table_is_the_default_and_lists_every_case() {
    let (code, out, err) = callqa(&["check", &format!("{FIX}/passing.toml")]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("passing_table", out);
}
