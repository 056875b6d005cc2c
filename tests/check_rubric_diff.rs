//! `callqa rubric diff` through the binary: a rubric against itself changes nothing, a stricter
//! rubric's impact is pinned in every format, and invalid rubrics exit 2.

mod support;
use support::callqa;

const CALLS: &[&str] = &[
    "tests/fixtures/transcripts/good-call.json",
    "tests/fixtures/transcripts/rude-call.txt",
    "tests/fixtures/transcripts/collections-good.txt",
    "tests/fixtures/transcripts/asr-mono.json",
];
const STRICT: &str = "tests/fixtures/check/default-strict.toml";

fn rubric_diff(old: &str, new: &str, format: &str) -> (i32, String, String) {
    let mut args = vec!["rubric", "diff", old, new, "--format", format];
    args.extend(CALLS);
    callqa(&args)
}

/// Rubric hashes change with every edit to the default rubric; they are not what is pinned.
fn without_hashes(text: &str) -> String {
    let mut out = text.to_string();
    for path in ["rubrics/default.toml", STRICT] {
        let rubric = callqa::rubric::load_rubric_file(std::path::Path::new(path)).expect("valid");
        out = out.replace(&rubric.sha256, "[sha256]");
        out = out.replace(&rubric.sha256[..12], "[sha]");
    }
    out
}

#[test]
fn a_rubric_against_itself_changes_nothing() {
    for format in ["table", "md", "json"] {
        let (code, out, err) = rubric_diff("rubrics/default.toml", "rubrics/default.toml", format);
        assert_eq!(code, 0, "{err}");
        match format {
            "json" => {
                let d: serde_json::Value = serde_json::from_str(&out).expect("json");
                assert_eq!(d["unchanged"], true);
                assert_eq!(d["flips"].as_array().map(Vec::len), Some(0));
            }
            _ => assert!(out.to_lowercase().contains("nothing changed"), "{out}"),
        }
    }
}

#[test]
fn stricter_rubric_impact_table() {
    let (code, out, err) = rubric_diff("rubrics/default.toml", STRICT, "table");
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("strict_table", without_hashes(&out));
}

#[test]
fn stricter_rubric_impact_json() {
    let (code, out, err) = rubric_diff("rubrics/default.toml", STRICT, "json");
    assert_eq!(code, 0, "{err}");
    let d: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(d["verdict_changes"].as_array().map(Vec::len), Some(3));
    insta::assert_snapshot!("strict_json", without_hashes(&out));
}

#[test]
fn stricter_rubric_impact_markdown() {
    let (code, out, err) = rubric_diff("rubrics/default.toml", STRICT, "md");
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("strict_md", without_hashes(&out));
}

#[test]
fn invalid_rubric_exits_2() {
    let (code, out, err) = rubric_diff(
        "rubrics/default.toml",
        "tests/fixtures/rubrics/invalid/unknown_key.toml",
        "table",
    );
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(err.contains("unknown_key.toml:"), "{err}");
}

#[test]
fn unreadable_transcript_exits_1() {
    let (code, _, err) = callqa(&[
        "rubric",
        "diff",
        "rubrics/default.toml",
        "rubrics/default.toml",
        "tests/fixtures/transcripts/broken.json",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("broken.json"), "{err}");
}
