//! Rendering safety and templates: transcript text is escaped in HTML and Markdown, personal data is
//! redacted in every file unless asked not to, and user templates replace the built-in ones.

mod support;

use callqa::record::CallRecord;
use callqa::report::{Format, ReportOptions, write_reports};
use callqa::rubric::Rubric;
use callqa::scoring::score;
use callqa::transcript::{Segment, Speaker, Transcript};

fn seg(speaker: Speaker, start: f64, text: &str) -> Segment {
    Segment {
        start: Some(start),
        end: Some(start + 3.0),
        speaker,
        channel: None,
        text: text.into(),
        words: None,
    }
}

/// A call whose missed greeting quotes an agent line with markup and a card number.
fn hostile_call(id: &str, agent: Option<&str>) -> CallRecord {
    let mut t = Transcript::new(id);
    t.agent_id = agent.map(str::to_string);
    t.agent_name = agent.map(|_| "Dana <b>Reyes</b>".to_string());
    t.date = Some("2026-11-02".into());
    t.segments = vec![
        seg(
            Speaker::Agent,
            0.0,
            "<script>alert('x')</script> card 4111 1111 1111 1111 | *bold*",
        ),
        seg(
            Speaker::Customer,
            4.0,
            "My email is dana@example.com and my phone is 555-201-7788, it's broken.",
        ),
        seg(Speaker::Agent, 8.0, "Okay. SSN 123-45-6789 noted."),
    ];
    let card = score(&Rubric::builtin_default(), &t);
    CallRecord {
        call_id: id.into(),
        source: None,
        agent_id: t.agent_id.clone(),
        agent_name: t.agent_name.clone(),
        team: None,
        queue: None,
        date: t.date.clone(),
        duration: None,
        run_id: None,
        metrics: None,
        transcript: t,
        scorecard: card,
    }
}

fn read_all(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for sub in ["", "agents"] {
        for e in std::fs::read_dir(dir.join(sub)).expect("dir").flatten() {
            if e.path().is_file() {
                let name = format!("{sub}/{}", e.file_name().to_string_lossy());
                out.push((name, std::fs::read_to_string(e.path()).expect("read")));
            }
        }
    }
    out
}

#[test]
fn transcript_markup_is_text_in_html_and_markdown() {
    let dir = tempfile::tempdir().expect("tmp");
    let records = [
        hostile_call("c1", Some("../a/b 7")),
        hostile_call("c2", None),
    ];
    let w = write_reports(&records, &ReportOptions::new(dir.path())).expect("write");
    // The agent id is a safe file name; calls with no agent are "unassigned".
    assert!(
        dir.path().join("agents/.._a_b_7.html").is_file()
            || dir.path().join("agents/_a_b_7.html").is_file(),
        "{:?}",
        w.files
    );
    assert!(dir.path().join("agents/unassigned.html").is_file());
    for f in &w.files {
        let rel = f.strip_prefix(dir.path()).expect("under output");
        assert!(!rel.to_string_lossy().contains(".."), "{}", rel.display());
    }
    let page = std::fs::read_dir(dir.path().join("agents"))
        .expect("agents")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "html") && !p.ends_with("unassigned.html"))
        .expect("agent page");
    let html = std::fs::read_to_string(page).expect("html");
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("&lt;script&gt;alert("), "quoted line missing");
    assert!(!html.contains("<b>Reyes</b>"));
    assert!(html.contains("Dana &lt;b&gt;Reyes&lt;"));
    let md = std::fs::read_to_string(dir.path().join("report.md")).expect("md");
    assert!(!md.contains("<b>"), "{md}");
}

#[test]
fn personal_data_is_redacted_in_every_file_unless_asked() {
    let records = [hostile_call("c1", Some("a1"))];
    let pii = [
        "4111 1111 1111 1111",
        "dana@example.com",
        "555-201-7788",
        "123-45-6789",
    ];

    let dir = tempfile::tempdir().expect("tmp");
    write_reports(&records, &ReportOptions::new(dir.path())).expect("write");
    let files = read_all(dir.path());
    assert_eq!(files.len(), 7);
    for (name, text) in &files {
        for p in pii {
            assert!(!text.contains(p), "{name} leaks {p}");
        }
    }
    assert!(files.iter().any(|(_, t)| t.contains("[card]")));

    let dir = tempfile::tempdir().expect("tmp");
    let opts = ReportOptions {
        redact: false,
        ..ReportOptions::new(dir.path())
    };
    write_reports(&records, &opts).expect("write");
    let json = std::fs::read_to_string(dir.path().join("report.json")).expect("json");
    assert!(json.contains("4111 1111 1111 1111"));
}

#[test]
fn formats_can_be_chosen() {
    let dir = tempfile::tempdir().expect("tmp");
    let opts = ReportOptions {
        formats: vec![Format::Csv],
        ..ReportOptions::new(dir.path())
    };
    let w = write_reports(&support::fixture_records(), &opts).expect("write");
    let names: Vec<String> = w
        .files
        .iter()
        .map(|f| f.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["calls.csv", "agents.csv"]);
}

#[test]
fn user_templates_replace_built_ins() {
    let tpl = tempfile::tempdir().expect("tmp");
    std::fs::write(
        tpl.path().join("report.md.j2"),
        "Team of {{ team.agents }}: {% for r in team.leaderboard %}{{ r.agent_id }}={{ r.score_avg|num }} {% endfor %}\n",
    )
    .expect("write");
    let out = tempfile::tempdir().expect("tmp");
    let opts = ReportOptions {
        formats: vec![Format::Md],
        templates: Some(tpl.path().to_path_buf()),
        ..ReportOptions::new(out.path())
    };
    write_reports(&support::fixture_records(), &opts).expect("write");
    let md = std::fs::read_to_string(out.path().join("report.md")).expect("md");
    // trim_blocks eats the newline after a block tag, as in Jinja.
    assert_eq!(
        md,
        "Team of 6: a6=99.2 a1=91.2 a2=85.0 a3=82.5 a4=82.5 a5=77.2 "
    );
    // Agent pages still use the built-in template.
    let a1 = std::fs::read_to_string(out.path().join("agents/a1.md")).expect("md");
    assert!(a1.starts_with("# Coaching report: Priya Shah (a1)"));
}

#[test]
fn template_errors_name_the_file_and_line() {
    let tpl = tempfile::tempdir().expect("tmp");
    std::fs::write(
        tpl.path().join("agent.md.j2"),
        "# {{ agent.agent_id }}\n\n{% for p in agent.priorities %}\n{{ p.criterion }\n{% endfor %}\n",
    )
    .expect("write");
    let out = tempfile::tempdir().expect("tmp");
    let opts = ReportOptions {
        formats: vec![Format::Md],
        templates: Some(tpl.path().to_path_buf()),
        ..ReportOptions::new(out.path())
    };
    let err = write_reports(&support::fixture_records(), &opts)
        .expect_err("bad template")
        .to_string();
    let shown = err.replace(&tpl.path().display().to_string(), "TEMPLATES");
    insta::assert_snapshot!("template_error", shown);

    let missing = ReportOptions {
        templates: Some(out.path().join("nope")),
        ..ReportOptions::new(out.path())
    };
    let err = write_reports(&[], &missing)
        .expect_err("missing folder")
        .to_string();
    assert!(err.ends_with("nope does not exist"), "{err}");
}
