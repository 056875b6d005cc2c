//! `callqa run` and `callqa merge` through the binary: the summary and error messages pinned, skip and
//! re-score on a second run, manifests and file-name patterns, failures and `--retry-failed`, a real
//! kill -9 in the middle of a batch, three shards merged against one run, and a WAV through whisper.

mod support;

use assert_cmd::Command;
use callqa::record::CallRecord;
use callqa::store::{RecordFilter, Store};
use std::path::{Path, PathBuf};

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/transcripts");
const TEST_MODEL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/models/for-tests-ggml-tiny.en.bin"
);

fn callqa(dir: &Path, args: &[&str]) -> (i32, String, String) {
    support::output(
        Command::cargo_bin("callqa")
            .expect("binary")
            .current_dir(dir)
            .env("CALLQA_CACHE_DIR", dir.join("cache"))
            .env("CALLQA_MODELS_DIR", dir.join("models"))
            .env_remove("CALLQA_VAD_MODEL")
            .args(args),
    )
}

/// Replaces the wall time, which changes from run to run.
fn normalise(text: &str) -> String {
    let re = regex::Regex::new(r"wall time \d+\.\d s").expect("regex");
    re.replace_all(text, "wall time [T] s").into_owned()
}

/// A timed two-party call whose greeting decides part of the score.
fn call_text(id: &str, greeting: &str) -> String {
    format!(
        r#"{{"id": "{id}", "turns": [
  {{"speaker": "agent", "start": 0.0, "end": 3.0, "text": "{greeting}"}},
  {{"speaker": "customer", "start": 3.5, "end": 6.0, "text": "My bill is wrong and I am frustrated."}},
  {{"speaker": "agent", "start": 6.5, "end": 9.0, "text": "I am sorry to hear that. Is there anything else? Thanks for calling."}}]}}"#
    )
}

fn write_calls(dir: &Path, n: usize) -> PathBuf {
    let calls = dir.join("calls");
    std::fs::create_dir_all(calls.join("sub")).expect("mkdir");
    for i in 0..n {
        let greeting = if i % 3 == 0 {
            "Hello."
        } else {
            "Good morning, thank you for calling Acme."
        };
        let folder = if i % 2 == 0 {
            calls.clone()
        } else {
            calls.join("sub")
        };
        std::fs::write(
            folder.join(format!("c{i:04}.json")),
            call_text(&format!("c{i:04}"), greeting),
        )
        .expect("write");
    }
    calls
}

fn records(store: &Path) -> Vec<CallRecord> {
    let mut records = Store::open_existing(store)
        .expect("store")
        .records(&RecordFilter::default())
        .expect("records");
    for r in &mut records {
        r.run_id = None;
    }
    records
}

fn count(store: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(store).expect("open");
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

#[test]
fn transcripts_are_scored_then_skipped_then_rescored_for_a_new_rubric() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (code, out, err) = callqa(d, &["run", SAMPLES, "--store", "s.db"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("first_run", normalise(&out));
    let (code, out, err) = callqa(d, &["run", SAMPLES, "--store", "s.db"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("second_run", normalise(&out));
    let rubric = concat!(env!("CARGO_MANIFEST_DIR"), "/rubrics/collections.toml");
    let (code, out, err) = callqa(d, &["run", SAMPLES, "--store", "s.db", "--rubric", rubric]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("new_rubric_run", normalise(&out));
    assert_eq!(count(&d.join("s.db"), "calls"), 3);
    assert_eq!(count(&d.join("s.db"), "scorecards"), 6);
    assert_eq!(count(&d.join("s.db"), "runs"), 3);
    // Without a rubric filter, reports see each call's latest scorecard.
    let got = records(&d.join("s.db"));
    assert!(got.iter().all(|r| r.scorecard.rubric.name == "collections"));
    let a17 = got
        .iter()
        .find(|r| r.call_id == "call-0042")
        .expect("call-0042");
    assert_eq!(a17.agent_id.as_deref(), Some("a-17"));
    assert_eq!(a17.date.as_deref(), Some("2026-11-02"));
    assert!(a17.metrics.as_ref().is_some_and(|m| m.approximate));
}

#[test]
fn manifest_and_agent_pattern_name_the_agents() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let calls = d.join("in");
    std::fs::create_dir_all(&calls).expect("mkdir");
    std::fs::write(
        calls.join("Sarah_20261102_c1.json"),
        call_text("", "Good morning."),
    )
    .expect("w");
    std::fs::write(
        calls.join("James_20261103_c2.json"),
        call_text("", "Hello."),
    )
    .expect("w");
    std::fs::write(calls.join("other.json"), call_text("", "Hello.")).expect("w");
    std::fs::write(
        d.join("m.csv"),
        "call_id,agent_id,agent_name,team\nc2,A-2,James Smith,north\n",
    )
    .expect("w");
    let pattern = r"(?P<agent>[A-Za-z]+)_(?P<date>\d{8})_(?P<call>\w+)\.json";
    let (code, out, err) = callqa(
        d,
        &[
            "run",
            "in",
            "--store",
            "s.db",
            "--manifest",
            "m.csv",
            "--agent-pattern",
            pattern,
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("  unassigned   1 scored call with no agent\n"),
        "{out}"
    );
    type Row = (String, Option<String>, Option<String>, Option<String>);
    let got: Vec<Row> = records(&d.join("s.db"))
        .into_iter()
        .map(|r| (r.call_id, r.agent_id, r.date, r.team))
        .collect();
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        got,
        vec![
            ("c1".into(), s("Sarah"), s("2026-11-02"), None),
            ("c2".into(), s("A-2"), s("2026-11-03"), s("north")),
            ("other".into(), None, None, None),
        ]
    );
}

#[test]
fn bad_arguments_and_manifests_are_refused_with_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("m.csv"), "file,agent_id,date\nx.json,a,2026-13-40\n").expect("w");
    let (code, _, err) = callqa(d, &["run", SAMPLES, "--manifest", "m.csv"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!("bad_manifest", err);
    let (code, _, err) = callqa(d, &["run", SAMPLES, "--agent-pattern", "([a-z]+).json"]);
    assert_eq!(code, 2);
    assert!(err.contains("has none of the named groups"), "{err}");
    let (code, _, err) = callqa(d, &["run", SAMPLES, "--shard", "3/3"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("shards are numbered from 0, so the index must be below 3"),
        "{err}"
    );
    std::fs::write(
        d.join("not.db"),
        "plain text, not a database at all, long enough to matter",
    )
    .expect("w");
    let (code, _, err) = callqa(d, &["run", SAMPLES, "--store", "not.db"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("error: not.db: "), "{err}");
    assert!(!d.join("callqa.db").exists());
}

#[test]
fn a_bad_file_fails_alone_and_is_retried_only_when_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let calls = write_calls(d, 2);
    std::fs::write(calls.join("broken.json"), "{\"turns\": [").expect("w");
    std::fs::write(calls.join("silent.json"), call_text("silent", "")).expect("w");
    let silent = calls.join("silent.json");
    let text = std::fs::read_to_string(&silent)
        .expect("r")
        .replace("My bill is wrong and I am frustrated.", "")
        .replace(
            "I am sorry to hear that. Is there anything else? Thanks for calling.",
            "",
        );
    std::fs::write(&silent, text).expect("w");
    let (code, out, err) = callqa(d, &["run", "calls", "--store", "s.db"]);
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!("failures", normalise(&out));
    let (code, out, _) = callqa(d, &["run", "calls", "--store", "s.db"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("failures_not_retried", normalise(&out));
    std::fs::write(
        calls.join("broken.json"),
        call_text("fixed", "Good morning."),
    )
    .expect("w");
    let (code, out, _) = callqa(d, &["run", "calls", "--store", "s.db", "--retry-failed"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("  scored       1\n") && out.contains("  failed       1\n"),
        "{out}"
    );
    assert_eq!(count(&d.join("s.db"), "failures"), 1);
}

#[test]
fn three_shards_merged_equal_one_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write_calls(d, 30);
    let (code, _, err) = callqa(d, &["run", "calls", "--store", "single.db"]);
    assert_eq!(code, 0, "{err}");
    let mut taken = 0;
    for i in 0..3 {
        let store = format!("shard{i}.db");
        let (code, out, err) = callqa(
            d,
            &[
                "run",
                "calls",
                "--store",
                &store,
                "--shard",
                &format!("{i}/3"),
            ],
        );
        assert_eq!(code, 0, "{err}");
        let n = count(&d.join(&store), "calls");
        assert!(n > 0 && n < 30, "shard {i} took {n} calls\n{out}");
        taken += n;
    }
    assert_eq!(taken, 30);
    let (code, out, err) = callqa(
        d,
        &[
            "merge",
            "shard0.db",
            "shard1.db",
            "shard2.db",
            "--store",
            "merged.db",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "merged 3 stores into merged.db: 30 calls and 30 scorecards added, 0 duplicate rows skipped, 0 failures kept, 0 conflicts\n"
    );
    assert_eq!(records(&d.join("merged.db")), records(&d.join("single.db")));
    // Merging again adds nothing; a store with other content for a call is a conflict.
    let (code, out, _) = callqa(d, &["merge", "shard0.db", "--store", "merged.db"]);
    assert_eq!(code, 0);
    assert!(out.contains(": 0 calls and 0 scorecards added"), "{out}");
    std::fs::write(d.join("calls/c0000.json"), call_text("c0000", "Hi there.")).expect("w");
    let (code, _, err) = callqa(d, &["run", "calls/c0000.json", "--store", "changed.db"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = callqa(d, &["merge", "changed.db", "--store", "merged.db"]);
    assert_eq!(code, 1);
    assert!(out.contains("1 conflict\n"), "{out}");
    assert!(
        err.starts_with("conflict: changed.db: call c0000: calls/c0000.json has other content"),
        "{err}"
    );
}

#[test]
fn kill_9_mid_batch_loses_nothing_stored_and_stores_nothing_twice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let n = 4000;
    write_calls(d, n);
    let store = d.join("s.db");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("callqa"))
        .current_dir(d)
        .args(["run", "calls", "--store", "s.db", "--jobs", "1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let started = std::time::Instant::now();
    loop {
        std::thread::sleep(std::time::Duration::from_millis(20));
        let stored = store.exists().then(|| {
            rusqlite::Connection::open(&store)
                .and_then(|c| {
                    c.query_row("SELECT count(*) FROM scorecards", [], |r| {
                        r.get::<_, i64>(0)
                    })
                })
                .unwrap_or(0)
        });
        if stored.unwrap_or(0) >= 100 || started.elapsed().as_secs() > 120 {
            break;
        }
    }
    // SIGKILL: no handler runs.
    child.kill().expect("kill");
    child.wait().expect("wait");
    let before = count(&store, "calls");
    assert!(
        before >= 100 && before < n as i64,
        "killed after {before} calls"
    );
    assert_eq!(count(&store, "scorecards"), before);
    let (code, out, err) = callqa(d, &["run", "calls", "--store", "s.db"]);
    assert_eq!(code, 0, "{err}");
    let done = format!("  skipped      {before} already scored");
    assert!(
        out.contains(&format!("  scored       {}\n", n as i64 - before)) && out.contains(&done),
        "{out}"
    );
    assert_eq!(count(&store, "calls"), n as i64);
    assert_eq!(count(&store, "scorecards"), n as i64);
    assert_eq!(count(&store, "transcripts"), n as i64);
}

#[test]
fn a_wav_with_no_recognised_speech_fails_with_that_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let wav = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/call-001.wav");
    std::fs::copy(wav, d.join("call-001.wav")).expect("copy");
    let (code, out, err) = callqa(
        d,
        &[
            "run",
            "call-001.wav",
            "--store",
            "s.db",
            "--model",
            TEST_MODEL,
            "--offline",
            "--jobs",
            "1",
        ],
    );
    assert_eq!(code, 1, "{err}");
    let out = regex::Regex::new(
        r"audio \d+\.\d+ (s|min|h) transcribed, \d+\.\d audio hours per wall hour",
    )
    .expect("regex")
    .replace_all(&normalise(&out), "[throughput]")
    .into_owned();
    insta::assert_snapshot!("wav_no_speech", out);
    assert!(
        err.contains("failed: call-001.wav: the transcript has no speech to score"),
        "{err}"
    );
    assert_eq!(count(&d.join("s.db"), "failures"), 1);
}

#[test]
fn rubric_diff_over_the_store_matches_the_diff_over_the_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let root = env!("CARGO_MANIFEST_DIR");
    let calls: Vec<String> = [
        "good-call.json",
        "rude-call.txt",
        "collections-good.txt",
        "asr-mono.json",
    ]
    .iter()
    .map(|f| format!("{root}/tests/fixtures/transcripts/{f}"))
    .collect();
    let mut args = vec!["run", "--store", "s.db"];
    args.extend(calls.iter().map(String::as_str));
    let (code, _, err) = callqa(d, &args);
    assert_eq!(code, 0, "{err}");
    let default = format!("{root}/rubrics/default.toml");
    let strict = format!("{root}/tests/fixtures/check/default-strict.toml");
    let (code, from_store, err) = callqa(
        d,
        &[
            "rubric", "diff", &default, &strict, "--store", "s.db", "--format", "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let mut args = vec!["rubric", "diff", &default, &strict, "--format", "json"];
    args.extend(calls.iter().map(String::as_str));
    let (code, from_files, err) = callqa(d, &args);
    assert_eq!(code, 0, "{err}");
    let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).expect("json");
    assert_eq!(parse(&from_store), parse(&from_files));
    assert!(from_store.contains("\"call_id\""), "{from_store}");
    let (code, _, err) = callqa(
        d,
        &["rubric", "diff", &default, &strict, "--store", "none.db"],
    );
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: none.db: no results store here (`callqa run` creates one)\n"
    );
}
