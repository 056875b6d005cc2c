//! Renders the report model through minijinja templates: the built-in ones in src/report/templates/, each
//! replaceable by a file of the same name in a user's templates folder.
//!
//! Everything in `.html` templates is HTML-escaped unless marked safe (only the charts are); Markdown
//! templates escape transcript text with the `md` filter. Reads only the report model.

use super::ReportError;
use super::model::{AgentReport, Report};
use super::svg;
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, context};
use std::path::{Path, PathBuf};

/// The built-in templates, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("index.html.j2", include_str!("templates/index.html.j2")),
    ("agent.html.j2", include_str!("templates/agent.html.j2")),
    ("_style.css.j2", include_str!("templates/_style.css.j2")),
    ("_macros.html.j2", include_str!("templates/_macros.html.j2")),
    ("report.md.j2", include_str!("templates/report.md.j2")),
    ("agent.md.j2", include_str!("templates/agent.md.j2")),
];

/// A template environment with the built-ins and, optionally, a folder of overrides.
#[derive(Debug)]
pub struct Renderer {
    env: Environment<'static>,
    overrides: Option<PathBuf>,
}

fn dash(v: &Value) -> Option<String> {
    (v.is_none() || v.is_undefined()).then(|| "—".to_string())
}

fn num(v: &Value) -> Option<f64> {
    f64::try_from(v.clone()).ok()
}

/// Escapes text for Markdown so transcript lines cannot add markup, links or HTML.
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

impl Renderer {
    pub fn new(overrides: Option<&Path>) -> Renderer {
        let mut env = Environment::new();
        let dir = overrides.map(Path::to_path_buf);
        let loader_dir = dir.clone();
        env.set_loader(move |name| {
            if let Some(d) = &loader_dir {
                let p = d.join(name);
                if p.is_file() {
                    return std::fs::read_to_string(&p).map(Some).map_err(|e| {
                        minijinja::Error::new(
                            minijinja::ErrorKind::InvalidOperation,
                            format!("cannot read {}: {e}", p.display()),
                        )
                    });
                }
            }
            Ok(BUILTIN
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, s)| (*s).to_string()))
        });
        env.set_auto_escape_callback(|name| {
            if name.contains(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        env.add_filter("pct", |v: Value| {
            dash(&v)
                .unwrap_or_else(|| num(&v).map_or_else(|| v.to_string(), |x| format!("{x:.1}%")))
        });
        env.add_filter("num", |v: Value| {
            dash(&v).unwrap_or_else(|| num(&v).map_or_else(|| v.to_string(), |x| format!("{x:.1}")))
        });
        env.add_filter("signed", |v: Value| {
            dash(&v)
                .unwrap_or_else(|| num(&v).map_or_else(|| v.to_string(), |x| format!("{x:+.2}")))
        });
        env.add_filter("md", |v: Value| {
            dash(&v).unwrap_or_else(|| md_escape(&v.to_string()))
        });
        Renderer {
            env,
            overrides: dir,
        }
    }

    fn error(&self, name: &str, e: &minijinja::Error) -> ReportError {
        let file = e.name().unwrap_or(name);
        let path = match &self.overrides {
            Some(d) if d.join(file).is_file() => d.join(file).display().to_string(),
            _ => format!("{file} (built-in)"),
        };
        let mut message = e.kind().to_string();
        if let Some(d) = e.detail() {
            message = format!("{message}: {d}");
        }
        ReportError::Template {
            file: path,
            line: e.line(),
            message,
        }
    }

    fn render(&self, name: &str, ctx: Value) -> Result<String, ReportError> {
        let t = self
            .env
            .get_template(name)
            .map_err(|e| self.error(name, &e))?;
        t.render(ctx).map_err(|e| self.error(name, &e))
    }

    /// index.html: the team page.
    pub fn index_html(&self, report: &Report) -> Result<String, ReportError> {
        let team = &report.team;
        let charts = context! {
            trend => Value::from_safe_string(svg::trend_chart(&team.trend.points, None, team.pass_mark)),
            distribution => Value::from_safe_string(svg::distribution_chart(&team.distribution, team.pass_mark)),
            misses => Value::from_safe_string(svg::miss_chart(&team.criteria)),
        };
        self.render(
            "index.html.j2",
            context! { report, team, agents => &report.agents, charts, version => env!("CARGO_PKG_VERSION") },
        )
    }

    /// agents/<file>.html: one agent's coaching page.
    pub fn agent_html(&self, report: &Report, agent: &AgentReport) -> Result<String, ReportError> {
        let team = &report.team;
        let charts = context! {
            trend => Value::from_safe_string(svg::trend_chart(&agent.trend.points, Some(&team.trend.points), team.pass_mark)),
            criteria => Value::from_safe_string(svg::criteria_chart(&agent.criteria)),
        };
        self.render(
            "agent.html.j2",
            context! { report, team, agent, charts, version => env!("CARGO_PKG_VERSION") },
        )
    }

    /// report.md: the team report.
    pub fn index_md(&self, report: &Report) -> Result<String, ReportError> {
        self.render(
            "report.md.j2",
            context! { report, team => &report.team, agents => &report.agents, version => env!("CARGO_PKG_VERSION") },
        )
    }

    /// agents/<file>.md: one agent's coaching report.
    pub fn agent_md(&self, report: &Report, agent: &AgentReport) -> Result<String, ReportError> {
        self.render(
            "agent.md.j2",
            context! { report, team => &report.team, agent, version => env!("CARGO_PKG_VERSION") },
        )
    }
}
