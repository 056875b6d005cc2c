//! Regression suite files: parse the spanned TOML, check every key and type, and report all
//! problems at once as `file:line:col` diagnostics; on success build a [`Suite`].
//!
//! Suites are strict: unknown keys are errors. Checking expectations against a rubric's criteria
//! happens in [`Suite::check_criteria`], once the rubric is loaded. Must not depend on whisper,
//! audio or clap.

use crate::diag::{Diagnostic, Diagnostics};
use crate::scoring::Outcome;
use crate::tomlcheck::{TomlChecker, Value, type_name};
use crate::transcript::{Segment, Speaker, Transcript};
use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

const TOP_KEYS: &[&str] = &["rubric", "cases"];
const CASE_KEYS: &[&str] = &[
    "name",
    "transcript",
    "turns",
    "agent_id",
    "expect",
    "score",
    "auto_failed",
];
const TURN_KEYS: &[&str] = &["speaker", "text", "start", "end"];

/// Where a case's transcript comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseInput {
    /// A transcript file, already resolved against the suite's folder.
    File(PathBuf),
    /// Turns written in the suite.
    Inline(Box<Transcript>),
}

/// One expected criterion outcome, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub criterion: String,
    pub outcome: Outcome,
    /// Byte span of the criterion id in the suite file.
    pub span: Range<usize>,
}

/// One case of a suite.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub name: String,
    pub input: CaseInput,
    pub expect: Vec<Expectation>,
    /// Inclusive expected score range.
    pub score: Option<(f64, f64)>,
    pub auto_failed: Option<bool>,
}

/// A validated regression suite.
#[derive(Debug, Clone, PartialEq)]
pub struct Suite {
    pub path: PathBuf,
    /// The rubric, resolved against the suite's folder.
    pub rubric: PathBuf,
    pub cases: Vec<Case>,
    source: String,
}

impl Suite {
    /// Reads and validates a suite file.
    pub fn load(path: &Path) -> Result<Suite, Diagnostics> {
        let source = std::fs::read_to_string(path).map_err(|e| {
            Diagnostics(vec![Diagnostic {
                path: path.to_path_buf(),
                line: 1,
                column: 1,
                message: format!("cannot read suite: {e}"),
                source_line: String::new(),
                width: 1,
            }])
        })?;
        parse(&source, path)
    }

    /// Errors for every expectation naming a criterion the rubric does not have.
    pub fn check_criteria<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Diagnostics {
        let known: BTreeSet<&str> = ids.into_iter().collect();
        let list: Vec<&str> = known.iter().copied().collect();
        let mut out = Vec::new();
        for case in &self.cases {
            for e in &case.expect {
                if !known.contains(e.criterion.as_str()) {
                    out.push(Diagnostic::at(
                        &self.path,
                        &self.source,
                        e.span.clone(),
                        format!(
                            "the rubric has no criterion `{}`; expected one of: {}",
                            e.criterion,
                            list.join(", ")
                        ),
                    ));
                }
            }
        }
        Diagnostics(out)
    }
}

/// Parses suite source text; `path` names the file in diagnostics and anchors relative paths.
pub fn parse(source: &str, path: &Path) -> Result<Suite, Diagnostics> {
    let (doc, parse_errors) = DeTable::parse_recoverable(source);
    let mut cx = TomlChecker::new(path, source);
    for e in &parse_errors {
        cx.error(e.span().unwrap_or(0..0), e.message().trim().to_string());
    }
    if !parse_errors.is_empty() {
        return Err(Diagnostics(cx.errors));
    }
    let base = path.parent().unwrap_or(Path::new(""));
    let top = doc.get_ref();
    cx.check_keys(top, TOP_KEYS, "the top level");
    let rubric = match top.get("rubric") {
        Some(v) => cx.string(v, "`rubric`").map(|r| base.join(r)),
        None => {
            cx.error(0..0, "the suite is missing the required key `rubric`");
            None
        }
    };
    let mut cases = Vec::new();
    match top.get("cases") {
        Some(v) => match v.get_ref() {
            DeValue::Array(items) => {
                let mut names = BTreeSet::new();
                for item in items.iter() {
                    if let Some(case) = cx.case(item, base, &mut names) {
                        cases.push(case);
                    }
                }
            }
            other => cx.error(
                v.span(),
                format!(
                    "`cases` must be an array of tables ([[cases]]), found {}",
                    type_name(other)
                ),
            ),
        },
        None => cx.error(0..0, "the suite has no cases; add at least one [[cases]]"),
    }
    if !cx.errors.is_empty() {
        return Err(Diagnostics(cx.errors));
    }
    Ok(Suite {
        path: path.to_path_buf(),
        rubric: rubric.unwrap_or_default(),
        cases,
        source: source.to_string(),
    })
}

/// The suite walker is the shared TOML checker plus the suite-specific rules below.
type Cx<'a> = TomlChecker<'a>;

impl Cx<'_> {
    fn case(&mut self, v: &Value, base: &Path, names: &mut BTreeSet<String>) -> Option<Case> {
        let DeValue::Table(t) = v.get_ref() else {
            self.error(
                v.span(),
                format!(
                    "each entry of `cases` must be a table, found {}",
                    type_name(v.get_ref())
                ),
            );
            return None;
        };
        let before = self.errors.len();
        self.check_keys(t, CASE_KEYS, "a case");
        let name = match t.get("name") {
            Some(n) => {
                let name = self.string(n, "`name`");
                if let Some(name) = &name {
                    if name.trim().is_empty() {
                        self.error(n.span(), "`name` must not be empty");
                    } else if !names.insert(name.clone()) {
                        self.error(n.span(), format!("duplicate case name `{name}`"));
                    }
                }
                name
            }
            None => {
                self.error(v.span(), "a case is missing the required key `name`");
                None
            }
        };
        let label = name.clone().unwrap_or_default();
        let agent_id = t.get("agent_id").and_then(|a| self.string(a, "`agent_id`"));
        let input = match (t.get("transcript"), t.get("turns")) {
            (Some(_), Some(turns)) => {
                self.error(
                    turns.span(),
                    "a case has either `transcript` or `turns`, not both",
                );
                None
            }
            (Some(file), None) => self
                .string(file, "`transcript`")
                .map(|f| CaseInput::File(base.join(f))),
            (None, Some(turns)) => self.turns(turns, &label, agent_id.clone()),
            (None, None) => {
                self.error(
                    v.span(),
                    format!("case `{label}` needs a `transcript` path or inline `turns`"),
                );
                None
            }
        };
        if agent_id.is_some() && t.get("transcript").is_some() {
            if let Some(a) = t.get("agent_id") {
                self.error(
                    a.span(),
                    "`agent_id` is only for inline `turns`; a transcript file names its own agent",
                );
            }
        }
        let expect = match t.get("expect") {
            Some(e) => self.expect(e),
            None => Vec::new(),
        };
        let score = t.get("score").and_then(|s| self.score(s));
        let auto_failed = t.get("auto_failed").and_then(|a| match a.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                self.error(
                    a.span(),
                    format!(
                        "`auto_failed` must be true or false, found {}",
                        type_name(other)
                    ),
                );
                None
            }
        });
        if expect.is_empty()
            && score.is_none()
            && auto_failed.is_none()
            && t.get("expect").is_none()
        {
            self.error(
                v.span(),
                format!("case `{label}` checks nothing; add `expect`, `score` or `auto_failed`"),
            );
        }
        if self.errors.len() > before {
            return None;
        }
        Some(Case {
            name: name?,
            input: input?,
            expect,
            score,
            auto_failed,
        })
    }

    fn turns(&mut self, v: &Value, call_id: &str, agent_id: Option<String>) -> Option<CaseInput> {
        let DeValue::Array(items) = v.get_ref() else {
            self.error(
                v.span(),
                format!(
                    "`turns` must be an array of tables, found {}",
                    type_name(v.get_ref())
                ),
            );
            return None;
        };
        if items.is_empty() {
            self.error(v.span(), "`turns` must hold at least one turn");
            return None;
        }
        let mut transcript = Transcript::new(call_id);
        transcript.agent_id = agent_id;
        transcript.provenance.format = Some("suite".into());
        let mut ok = true;
        for item in items.iter() {
            let DeValue::Table(t) = item.get_ref() else {
                self.error(
                    item.span(),
                    format!(
                        "each turn must be a table like {{ speaker = \"agent\", text = \"...\" }}, found {}",
                        type_name(item.get_ref())
                    ),
                );
                ok = false;
                continue;
            };
            let before = self.errors.len();
            self.check_keys(t, TURN_KEYS, "a turn");
            let speaker = match t.get("speaker") {
                Some(s) => self.string(s, "`speaker`").and_then(|label| {
                    let speaker = Speaker::from_label(&label);
                    if speaker == Speaker::Unknown && !label.eq_ignore_ascii_case("unknown") {
                        self.error(
                            s.span(),
                            format!(
                                "unknown speaker `{label}`; expected agent, customer or unknown"
                            ),
                        );
                        return None;
                    }
                    Some(speaker)
                }),
                None => {
                    self.error(item.span(), "a turn is missing the required key `speaker`");
                    None
                }
            };
            let text = match t.get("text") {
                Some(s) => self.string(s, "`text`"),
                None => {
                    self.error(item.span(), "a turn is missing the required key `text`");
                    None
                }
            };
            let start = t.get("start").and_then(|s| self.number(s, "`start`"));
            let end = t.get("end").and_then(|s| self.number(s, "`end`"));
            if let (Some(s), Some(e)) = (start, end) {
                if e < s {
                    if let Some(span) = t.get("end").map(|v| v.span()) {
                        self.error(span, format!("`end` ({e}) is before `start` ({s})"));
                    }
                }
            }
            if self.errors.len() > before {
                ok = false;
                continue;
            }
            if let (Some(speaker), Some(text)) = (speaker, text) {
                transcript.segments.push(Segment {
                    start,
                    end,
                    speaker,
                    channel: None,
                    text,
                    words: None,
                });
            }
        }
        ok.then(|| CaseInput::Inline(Box::new(transcript)))
    }

    fn expect(&mut self, v: &Value) -> Vec<Expectation> {
        let DeValue::Table(t) = v.get_ref() else {
            self.error(
                v.span(),
                format!(
                    "`expect` must be a table of criterion = \"pass\" | \"fail\" | \"na\", found {}",
                    type_name(v.get_ref())
                ),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, val) in t.iter() {
            let what = format!("the expectation for `{}`", k.get_ref());
            let Some(s) = self.string(val, &what) else {
                continue;
            };
            match Outcome::parse(&s) {
                Some(outcome) => out.push(Expectation {
                    criterion: k.get_ref().to_string(),
                    outcome,
                    span: k.span(),
                }),
                None => self.error(
                    val.span(),
                    format!("{what} must be \"pass\", \"fail\" or \"na\", found \"{s}\""),
                ),
            }
        }
        out
    }

    fn score(&mut self, v: &Value) -> Option<(f64, f64)> {
        let bounds = match v.get_ref() {
            DeValue::Array(items) if items.len() == 2 => {
                let lo = self.number(&items[0], "the lower bound of `score`");
                let hi = self.number(&items[1], "the upper bound of `score`");
                (lo?, hi?)
            }
            other => {
                self.error(
                    v.span(),
                    format!(
                        "`score` must be a range [min, max] of two numbers, found {}",
                        type_name(other)
                    ),
                );
                return None;
            }
        };
        if bounds.0 > bounds.1 || bounds.0 < 0.0 || bounds.1 > 100.0 {
            self.error(
                v.span(),
                format!(
                    "`score` must satisfy 0 <= min <= max <= 100, found [{}, {}]",
                    bounds.0, bounds.1
                ),
            );
            return None;
        }
        Some(bounds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(src: &str) -> String {
        match parse(src, Path::new("s.toml")) {
            Ok(_) => String::from("ok"),
            Err(d) => d.to_string(),
        }
    }

    #[test]
    fn parses_inline_and_file_cases() {
        let src = r#"
rubric = "../default.toml"

[[cases]]
name = "inline"
agent_id = "a-9"
turns = [{ speaker = "agent", text = "Hello", start = 0, end = 1.5 }]
expect = { "greeting.salutation" = "pass", "x.y" = "N/A" }
score = [50, 100]
auto_failed = false

[[cases]]
name = "file"
transcript = "calls/a.json"
auto_failed = true
"#;
        let suite = parse(src, Path::new("rubrics/tests/s.toml")).expect("valid suite");
        assert_eq!(suite.rubric, Path::new("rubrics/tests/../default.toml"));
        assert_eq!(suite.cases.len(), 2);
        let c = &suite.cases[0];
        assert_eq!(c.score, Some((50.0, 100.0)));
        assert_eq!(c.expect[1].outcome, Outcome::Na);
        let CaseInput::Inline(t) = &c.input else {
            panic!("expected inline turns");
        };
        assert_eq!(t.call_id, "inline");
        assert_eq!(t.agent_id.as_deref(), Some("a-9"));
        assert_eq!(t.segments[0].end, Some(1.5));
        assert_eq!(
            suite.cases[1].input,
            CaseInput::File(PathBuf::from("rubrics/tests/calls/a.json"))
        );
    }

    #[test]
    fn reports_every_error_with_position() {
        let src = r#"rubric = "r.toml"
colour = 1

[[cases]]
name = "a"
turns = [{ speaker = "bot", text = 3 }]
expect = { "greeting.salutation" = "maybe" }
score = [90, 10]
auto_failed = "yes"
"#;
        insta::assert_snapshot!(errors(src), @r#"
        s.toml:2:1: error: unknown key `colour` in the top level; expected one of: rubric, cases
          |
        2 | colour = 1
          | ^^^^^^

        s.toml:6:22: error: unknown speaker `bot`; expected agent, customer or unknown
          |
        6 | turns = [{ speaker = "bot", text = 3 }]
          |                      ^^^^^

        s.toml:6:36: error: `text` must be a string, found an integer
          |
        6 | turns = [{ speaker = "bot", text = 3 }]
          |                                    ^

        s.toml:7:36: error: the expectation for `greeting.salutation` must be "pass", "fail" or "na", found "maybe"
          |
        7 | expect = { "greeting.salutation" = "maybe" }
          |                                    ^^^^^^^

        s.toml:8:9: error: `score` must satisfy 0 <= min <= max <= 100, found [90, 10]
          |
        8 | score = [90, 10]
          |         ^^^^^^^^

        s.toml:9:15: error: `auto_failed` must be true or false, found a string
          |
        9 | auto_failed = "yes"
          |               ^^^^^
        "#);
    }

    #[test]
    fn rejects_missing_input_duplicates_and_both_inputs() {
        let src = r#"rubric = "r.toml"
[[cases]]
name = "a"
expect = {}
[[cases]]
name = "a"
transcript = "x.json"
turns = [{ speaker = "agent", text = "hi" }]
auto_failed = true
"#;
        let out = errors(src);
        assert!(
            out.contains("case `a` needs a `transcript` path or inline `turns`"),
            "{out}"
        );
        assert!(
            out.contains("s.toml:6:8: error: duplicate case name `a`"),
            "{out}"
        );
        assert!(
            out.contains("either `transcript` or `turns`, not both"),
            "{out}"
        );
    }

    #[test]
    fn syntax_errors_are_positioned() {
        let out = errors("rubric = \n");
        assert!(out.starts_with("s.toml:1:"), "{out}");
    }

    #[test]
    fn unknown_criteria_point_at_the_key() {
        let src = "rubric = \"r.toml\"\n[[cases]]\nname = \"a\"\ntranscript = \"a.json\"\nexpect = { \"greeting.salute\" = \"pass\" }\n";
        let suite = parse(src, Path::new("s.toml")).expect("valid suite");
        let d = suite.check_criteria(["greeting.salutation", "empathy.courtesy"]);
        assert_eq!(d.0.len(), 1);
        assert_eq!((d.0[0].line, d.0[0].column), (5, 12));
        assert!(d.0[0].message.contains("no criterion `greeting.salute`"));
    }
}
