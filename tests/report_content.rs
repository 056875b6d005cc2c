//! The coaching report on a realistic batch: 6 agents × 8 calls over 4 weeks, each agent with one weakness
//! (tests/fixtures/report/generate.py). Checks what a manager would read, and pins report.md and report.json.

mod support;

use callqa::report::{BuildOptions, Report, ReportOptions, build, json, write_reports};
use support::fixture_records;

fn report() -> Report {
    build(&fixture_records(), &BuildOptions { redact: true })
}

fn agent<'a>(r: &'a Report, id: &str) -> &'a callqa::report::model::AgentReport {
    r.agents.iter().find(|a| a.agent_id == id).expect("agent")
}

fn top(r: &Report, id: &str) -> Option<String> {
    agent(r, id).priorities.first().map(|p| p.criterion.clone())
}

#[test]
fn each_agents_top_priority_is_their_weakness() {
    let r = report();
    assert_eq!(r.agents.len(), 6);
    assert!(r.agents.iter().all(|a| a.calls == 8));
    assert_eq!(top(&r, "a1").as_deref(), Some("resolution.anything_else"));
    assert_eq!(top(&r, "a2").as_deref(), Some("empathy.acknowledge"));
    assert_eq!(top(&r, "a3").as_deref(), Some("resolution.outcome"));
    assert_eq!(top(&r, "a4").as_deref(), Some("professionalism.respect"));
    assert_eq!(top(&r, "a5").as_deref(), Some("resolution.outcome"));
    // The excellent agent's one slip costs under a point per call: no priorities.
    assert!(
        agent(&r, "a6").priorities.is_empty(),
        "{:?}",
        agent(&r, "a6").priorities
    );
}

#[test]
fn priorities_carry_coaching_and_quoted_moments() {
    let r = report();
    for a in r.agents.iter().filter(|a| a.agent_id != "a6") {
        let p = &a.priorities[0];
        assert!(
            p.coaching.as_deref().is_some_and(|c| !c.is_empty()),
            "{}",
            a.agent_id
        );
        // 2–3 examples, or every miss when there are fewer.
        assert_eq!(
            p.examples.len(),
            (p.misses as usize).min(3),
            "{}",
            a.agent_id
        );
        for e in &p.examples {
            assert!(e.call_id.starts_with(&a.agent_id));
            assert!(e.timestamp.contains(':'), "{}", e.timestamp);
            assert!(
                e.lines.iter().any(|l| l.focus),
                "{}: no focus line",
                e.call_id
            );
        }
    }
    // A missed "anything else" quotes the agent's last lines; a dismissive call quotes what was said.
    let a1 = &agent(&r, "a1").priorities[0].examples[0];
    assert!(a1.lines.iter().any(|l| l.speaker == "Agent" && l.focus));
    let a4 = &agent(&r, "a4").priorities[0].examples[0];
    assert_eq!(a4.call_id, "a4-w3-2");
    assert!(
        a4.lines
            .iter()
            .any(|l| l.focus && l.text.contains("calm down")),
        "{a4:?}"
    );
    // A missed acknowledgement quotes the customer's problem and the agent's reply.
    let a2 = &agent(&r, "a2").priorities[0].examples[0];
    assert_eq!(a2.lines[0].speaker, "Customer");
    assert!(a2.lines.iter().any(|l| l.focus && l.speaker == "Agent"));
}

#[test]
fn auto_failed_call_comes_first_for_the_curt_agent() {
    let r = report();
    let a4 = agent(&r, "a4");
    assert_eq!(a4.call_list[0].call_id, "a4-w3-2");
    assert!(a4.call_list[0].auto_failed);
    assert_eq!(a4.auto_failed.len(), 1);
    assert!(a4.auto_failed[0].reasons[0].starts_with("professionalism.respect failed"));
    assert!(
        r.agents
            .iter()
            .filter(|a| a.agent_id != "a4")
            .all(|a| a.auto_failed.is_empty())
    );
}

#[test]
fn trends_read_improving_and_steady() {
    let r = report();
    let a5 = agent(&r, "a5");
    assert_eq!(a5.trend.direction, "improving");
    assert_eq!(a5.trend.points.len(), 4);
    assert!(a5.trend.points[0].score_avg < a5.trend.points[3].score_avg);
    for id in ["a1", "a2", "a3", "a6"] {
        assert_eq!(agent(&r, id).trend.direction, "steady", "{id}");
    }
}

#[test]
fn team_view_names_the_right_people() {
    let r = report();
    let t = &r.team;
    assert_eq!(t.calls, 48);
    assert_eq!(t.leaderboard[0].agent_id, "a6");
    assert_eq!(t.distribution.iter().map(|b| b.calls).sum::<usize>(), 48);
    let attention: Vec<&str> = t.attention.iter().map(|a| a.agent_id.as_str()).collect();
    assert!(attention.contains(&"a4"), "{attention:?}");
    assert!(attention.contains(&"a5"), "{attention:?}");
    assert!(!attention.contains(&"a6"), "{attention:?}");
    // Strengths: the excellent agent acknowledges problems far more often than the team.
    assert!(
        agent(&r, "a6")
            .strengths
            .iter()
            .any(|s| s.id == "empathy.acknowledge")
    );
    // Interruptions: the curt agent talks over customers more than the team.
    let (a4, team) = (
        agent(&r, "a4").metrics.interruptions,
        t.metrics.interruptions,
    );
    assert!(
        a4.zip(team).is_some_and(|(a, t)| a > t),
        "{a4:?} vs {team:?}"
    );
}

#[test]
fn quotes_are_redacted_by_default() {
    // Marcus's calls where the customer's opening line, quoted for the missed acknowledgement, has a phone
    // or card number.
    let records: Vec<_> = fixture_records()
        .into_iter()
        .filter(|r| {
            let opening = &r.transcript.segments[1].text;
            r.agent_key() == "a2"
                && (opening.contains("555-201-7788") || opening.contains("four one one one"))
        })
        .collect();
    assert_eq!(records.len(), 2);
    let redacted =
        serde_json::to_string(&build(&records, &BuildOptions { redact: true })).expect("json");
    let plain =
        serde_json::to_string(&build(&records, &BuildOptions { redact: false })).expect("json");
    for pii in [
        "5500 0000 0000 0004",
        "555-201-7788",
        "alex.moreno@example.com",
        "four one one one",
    ] {
        assert!(!redacted.contains(pii), "{pii} leaked");
    }
    assert!(plain.contains("555-201-7788") && plain.contains("four one one one"));
    assert!(redacted.contains("[card]") && redacted.contains("[phone]"));
}

#[test]
fn report_json_has_the_documented_agent_fields() {
    let r = report();
    let v = serde_json::to_value(json::report_json(&r)).expect("json");
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&v), ["agents", "team"]);
    let a = &v["agents"][0];
    assert_eq!(
        keys(a),
        [
            "agent_id",
            "agent_name",
            "calls",
            "criteria",
            "pass_rate",
            "priorities",
            "score_avg",
            "trend"
        ]
    );
    assert_eq!(
        keys(&a["criteria"][0]),
        ["applicable", "id", "misses", "pass_rate"]
    );
    assert_eq!(
        keys(&a["priorities"][0]),
        ["coaching", "criterion", "examples", "misses", "points_lost"]
    );
    assert_eq!(keys(&a["trend"]), ["direction", "points"]);
    assert_eq!(keys(&a["trend"]["points"][0]), ["period", "score_avg"]);
}

#[test]
fn snapshots_of_markdown_and_json() {
    let dir = tempfile::tempdir().expect("tmp");
    let w = write_reports(&fixture_records(), &ReportOptions::new(dir.path())).expect("write");
    assert_eq!(w.agents, 6);
    // index.html + 6 agent pages, report.md + 6, report.json, calls.csv, agents.csv.
    assert_eq!(w.files.len(), 17);
    let read = |p: &str| std::fs::read_to_string(dir.path().join(p)).expect(p);
    insta::assert_snapshot!("report_md", read("report.md"));
    insta::assert_snapshot!("agent_a4_md", read("agents/a4.md"));
    insta::assert_snapshot!("report_json", read("report.json"));
    insta::assert_snapshot!("agents_csv", read("agents.csv"));
    let calls = read("calls.csv");
    assert_eq!(calls.lines().count(), 49);
    assert!(
        calls
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("a1-w1-1,a1,Priya Shah,"))
    );
}
