use super::*;
use crate::record::CallRecord;
use crate::rubric::Rubric;
use crate::scoring::score;
use crate::transcript::parse_transcript;
use std::path::Path;

fn transcript(
    call_id: &str,
    agent: Option<&str>,
    date: &str,
    greeting: &str,
) -> crate::transcript::Transcript {
    let agent = agent.map_or_else(String::new, |a| format!("\"agent_id\": \"{a}\","));
    let text = format!(
        r#"{{"id": "{call_id}", {agent} "date": "{date}", "turns": [
            {{"speaker": "agent", "start": 0.0, "end": 3.0, "text": "{greeting}"}},
            {{"speaker": "customer", "start": 3.5, "end": 6.0, "text": "My bill is wrong and I am frustrated."}},
            {{"speaker": "agent", "start": 6.5, "end": 9.0, "text": "I am sorry to hear that. Anything else? Thanks for calling."}}]}}"#
    );
    match parse_transcript(&text, Path::new("t.json")) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    }
}

fn record(
    rubric: &Rubric,
    call_id: &str,
    agent: Option<&str>,
    date: &str,
    greeting: &str,
) -> CallRecord {
    let t = transcript(call_id, agent, date, greeting);
    CallRecord {
        call_id: call_id.into(),
        source: Some(format!("in/{call_id}.json")),
        agent_id: agent.map(String::from),
        agent_name: None,
        team: Some("north".into()),
        queue: None,
        date: Some(date.into()),
        duration: Some(9.0),
        run_id: None,
        metrics: None,
        scorecard: score(rubric, &t),
        transcript: t,
    }
}

fn origin(hash: &str) -> CallOrigin {
    CallOrigin {
        content_hash: hash.into(),
        ..CallOrigin::default()
    }
}

fn run_info(rubric: &Rubric) -> RunInfo {
    RunInfo {
        rubric_sha256: rubric.sha256.clone(),
        rubric_name: rubric.name.clone(),
        rubric_version: rubric.version.clone(),
        model: None,
        settings: "{}".into(),
    }
}

fn open(path: &Path) -> Store {
    Store::open(path).unwrap_or_else(|e| panic!("{e}"))
}

fn without_run(mut records: Vec<CallRecord>) -> Vec<CallRecord> {
    for r in &mut records {
        r.run_id = None;
    }
    records
}

#[test]
fn a_call_round_trips_and_is_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let rubric = Rubric::builtin_default();
    let mut store = open(&path);
    let run = store.begin_run(&run_info(&rubric)).unwrap();
    let rec = record(
        &rubric,
        "c1",
        Some("a-1"),
        "2026-11-02",
        "Good morning, thank you for calling Acme.",
    );
    store.put_call(run, &rec, &origin("h1")).unwrap();
    store.put_call(run, &rec, &origin("h1")).unwrap();
    let got = store.records(&RecordFilter::default()).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].run_id, Some(run));
    assert_eq!(without_run(got), vec![rec.clone()]);
    let state = store.call_state("c1").unwrap().unwrap();
    assert_eq!(state.content_hash, "h1");
    assert_eq!(state.rubrics, vec![rubric.sha256.clone()]);
    drop(store);
    // Reopening checks the schema version instead of creating it again.
    let store = Store::open_existing(&path).unwrap();
    assert_eq!(store.records(&RecordFilter::default()).unwrap().len(), 1);
    let (t, m) = store.stored_transcript("c1").unwrap().unwrap();
    assert_eq!(t, rec.transcript);
    assert_eq!(m, None);
}

#[test]
fn filters_by_agent_date_and_rubric_and_defaults_to_the_latest_scorecard() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("s.db"));
    let old = Rubric::builtin_default();
    let text = "[rubric]\nname = \"tiny\"\nversion = \"2\"\npass_mark = 50\n[[sections]]\nid = \"g\"\nweight = 1\n[[criteria]]\nid = \"g.hello\"\ndescription = \"hello\"\npoints = 1\n[criteria.condition]\nspeaker = \"agent\"\nphrases = [\"good morning\"]\n";
    let new = crate::rubric::compile(text, Path::new("tiny.toml"), &Default::default())
        .unwrap_or_else(|d| panic!("{d}"));
    let run = store.begin_run(&run_info(&old)).unwrap();
    for (id, agent, date) in [
        ("c1", Some("a-1"), "2026-11-01"),
        ("c2", Some("a-2"), "2026-11-05"),
        ("c3", None, "2026-11-09"),
    ] {
        store
            .put_call(
                run,
                &record(&old, id, agent, date, "Good morning."),
                &origin(id),
            )
            .unwrap();
    }
    let rec = record(&new, "c2", Some("a-2"), "2026-11-05", "Good morning.");
    store.put_call(run, &rec, &origin("c2")).unwrap();
    let ids = |f: RecordFilter| -> Vec<(String, String)> {
        store
            .records(&f)
            .unwrap()
            .into_iter()
            .map(|r| (r.call_id, r.scorecard.rubric.name))
            .collect()
    };
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    // Re-scoring reads the same calls, in the same order, with their agents.
    let stored: Vec<(Option<String>, String)> = store
        .scored_transcripts()
        .unwrap()
        .into_iter()
        .map(|(agent, t)| (agent, t.call_id))
        .collect();
    assert_eq!(
        stored,
        vec![
            (Some("a-1".to_string()), "c1".to_string()),
            (Some("a-2".to_string()), "c2".to_string()),
            (None, "c3".to_string())
        ]
    );
    assert_eq!(
        ids(RecordFilter::default()),
        vec![
            pair("c1", "default"),
            pair("c2", "tiny"),
            pair("c3", "default")
        ]
    );
    assert_eq!(
        ids(RecordFilter {
            rubric_sha256: Some(old.sha256.clone()),
            ..RecordFilter::default()
        }),
        vec![
            pair("c1", "default"),
            pair("c2", "default"),
            pair("c3", "default")
        ]
    );
    assert_eq!(
        ids(RecordFilter {
            since: Some("2026-11-05".into()),
            until: Some("2026-11-09".into()),
            ..RecordFilter::default()
        }),
        vec![pair("c2", "tiny"), pair("c3", "default")]
    );
    assert_eq!(
        ids(RecordFilter {
            agents: vec!["a-1".into(), "unassigned".into()],
            ..RecordFilter::default()
        }),
        vec![pair("c1", "default"), pair("c3", "default")]
    );
}

#[test]
fn new_content_for_a_call_replaces_it_and_its_scorecards() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(&dir.path().join("s.db"));
    let rubric = Rubric::builtin_default();
    let run = store.begin_run(&run_info(&rubric)).unwrap();
    store
        .put_failure(
            run,
            &Failure {
                source: "in/c1.json".into(),
                content_hash: "h2".into(),
                call_id: None,
                reason: "broken".into(),
            },
        )
        .unwrap();
    assert_eq!(
        store.failure_of("in/c1.json", "h2").unwrap().as_deref(),
        Some("broken")
    );
    store
        .put_call(
            run,
            &record(&rubric, "c1", None, "2026-11-01", "Hi."),
            &origin("h1"),
        )
        .unwrap();
    let rec = record(
        &rubric,
        "c1",
        None,
        "2026-11-01",
        "Good morning, thank you for calling.",
    );
    store.put_call(run, &rec, &origin("h2")).unwrap();
    assert_eq!(
        without_run(store.records(&RecordFilter::default()).unwrap()),
        vec![rec]
    );
    assert_eq!(store.failure_of("in/c1.json", "h2").unwrap(), None);
}

#[test]
fn a_new_store_gets_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results/week-47/callqa.db");
    Store::open(&path).unwrap();
    assert!(path.is_file());
    // A folder that cannot be made is named.
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    let e = Store::open(&file.join("callqa.db"))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(&format!("{}: cannot create the folder: ", file.display())),
        "{e}"
    );
}

#[test]
fn errors_name_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db");
    let e = Store::open_existing(&missing).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "{}: no results store here (`callqa run` creates one)",
            missing.display()
        )
    );
    let junk = dir.path().join("junk.db");
    std::fs::write(
        &junk,
        "this is not sqlite, just text long enough to be a header......",
    )
    .unwrap();
    let e = Store::open(&junk).unwrap_err().to_string();
    assert!(e.starts_with(&format!("{}: ", junk.display())), "{e}");
    let foreign = dir.path().join("foreign.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    let e = Store::open(&foreign).unwrap_err().to_string();
    assert!(e.contains("not a callqa results store"), "{e}");
    let newer = dir.path().join("newer.db");
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    let e = Store::open(&newer).unwrap_err().to_string();
    assert!(
        e.contains("schema version 99, newer than this callqa understands (1)"),
        "{e}"
    );
}

#[test]
fn merging_adds_each_call_once_and_reports_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let rubric = Rubric::builtin_default();
    let (a, b, out) = (
        dir.path().join("a.db"),
        dir.path().join("b.db"),
        dir.path().join("out.db"),
    );
    let mut sa = open(&a);
    let run = sa.begin_run(&run_info(&rubric)).unwrap();
    sa.put_call(
        run,
        &record(&rubric, "c1", Some("a-1"), "2026-11-01", "Good morning."),
        &origin("h1"),
    )
    .unwrap();
    sa.put_call(
        run,
        &record(&rubric, "c2", Some("a-1"), "2026-11-01", "Good morning."),
        &origin("h2"),
    )
    .unwrap();
    let mut sb = open(&b);
    let run = sb.begin_run(&run_info(&rubric)).unwrap();
    sb.put_call(
        run,
        &record(&rubric, "c3", None, "2026-11-02", "Good morning."),
        &origin("h3"),
    )
    .unwrap();
    // Same call, other content.
    sb.put_call(
        run,
        &record(&rubric, "c2", Some("a-1"), "2026-11-01", "Hello."),
        &origin("h2x"),
    )
    .unwrap();
    drop((sa, sb));
    let mut target = open(&out);
    let mut report = MergeReport::default();
    target.merge_from(&a, &mut report).unwrap();
    target.merge_from(&b, &mut report).unwrap();
    target.merge_from(&a, &mut report).unwrap();
    assert_eq!(
        (
            report.stores,
            report.calls_added,
            report.scorecards_added,
            report.duplicates
        ),
        (3, 3, 3, 2)
    );
    assert_eq!(report.conflicts.len(), 1);
    assert_eq!(report.conflicts[0].call_id, "c2");
    let ids: Vec<String> = target
        .records(&RecordFilter::default())
        .unwrap()
        .into_iter()
        .map(|r| r.call_id)
        .collect();
    assert_eq!(ids, ["c1", "c2", "c3"]);
    let runs: i64 = target
        .conn
        .query_row("SELECT count(*) FROM runs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(runs, 2);
}
