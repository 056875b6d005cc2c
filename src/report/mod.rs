//! Coaching reports: per-agent and team reports in HTML, Markdown, JSON and CSV, built from scored calls.
//!
//! Pipeline: `&[CallRecord]` → [`model::build`] (a plain-data [`Report`], quotes redacted by default) →
//! renderers (`render` for HTML and Markdown through templates, `json`, `csv`) → files. Must not depend on
//! the store, whisper, audio or clap: the caller loads and filters the records.

mod csv;
pub mod json;
pub mod model;
pub mod render;
pub mod svg;
pub mod trend;

pub use model::{BuildOptions, Report, build};
pub use render::Renderer;

use crate::record::CallRecord;
use std::path::{Path, PathBuf};

/// An output format of `callqa report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// index.html and agents/<id>.html.
    Html,
    /// report.md and agents/<id>.md.
    Md,
    /// report.json.
    Json,
    /// calls.csv and agents.csv.
    Csv,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Html, Format::Md, Format::Json, Format::Csv];
}

/// Where and how to write reports.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub output: PathBuf,
    pub formats: Vec<Format>,
    /// A folder whose files replace the built-in templates of the same name.
    pub templates: Option<PathBuf>,
    /// Redact personal data in quoted transcript text (the default).
    pub redact: bool,
}

impl ReportOptions {
    /// Every format, redacted, built-in templates.
    pub fn new(output: impl Into<PathBuf>) -> ReportOptions {
        ReportOptions {
            output: output.into(),
            formats: Format::ALL.to_vec(),
            templates: None,
            redact: true,
        }
    }
}

/// What [`write_reports`] wrote.
#[derive(Debug, Clone)]
pub struct Written {
    pub files: Vec<PathBuf>,
    pub calls: usize,
    pub agents: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("template {file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Template {
        file: String,
        line: Option<usize>,
        message: String,
    },
    #[error("cannot write CSV: {0}")]
    Csv(#[from] ::csv::Error),
    #[error("templates folder {} does not exist", .0.display())]
    NoTemplates(PathBuf),
}

fn write(path: PathBuf, text: &str, files: &mut Vec<PathBuf>) -> Result<(), ReportError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| ReportError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(&path, text).map_err(|source| ReportError::Io {
        path: path.clone(),
        source,
    })?;
    files.push(path);
    Ok(())
}

/// Builds the report from `records` and writes every requested format under `opts.output`.
pub fn write_reports(records: &[CallRecord], opts: &ReportOptions) -> Result<Written, ReportError> {
    if let Some(t) = &opts.templates
        && !t.is_dir()
    {
        return Err(ReportError::NoTemplates(t.clone()));
    }
    let report = build(
        records,
        &BuildOptions {
            redact: opts.redact,
        },
    );
    write_report(&report, opts)
}

/// Writes an already built report.
pub fn write_report(report: &Report, opts: &ReportOptions) -> Result<Written, ReportError> {
    let out: &Path = &opts.output;
    let renderer = Renderer::new(opts.templates.as_deref());
    let mut files = Vec::new();
    let has = |f: Format| opts.formats.contains(&f);
    if has(Format::Html) {
        write(
            out.join("index.html"),
            &renderer.index_html(report)?,
            &mut files,
        )?;
        for a in &report.agents {
            let text = renderer.agent_html(report, a)?;
            write(
                out.join("agents").join(format!("{}.html", a.file)),
                &text,
                &mut files,
            )?;
        }
    }
    if has(Format::Md) {
        write(
            out.join("report.md"),
            &renderer.index_md(report)?,
            &mut files,
        )?;
        for a in &report.agents {
            let text = renderer.agent_md(report, a)?;
            write(
                out.join("agents").join(format!("{}.md", a.file)),
                &text,
                &mut files,
            )?;
        }
    }
    if has(Format::Json) {
        write(
            out.join("report.json"),
            &json::to_string(report),
            &mut files,
        )?;
    }
    if has(Format::Csv) {
        write(out.join("calls.csv"), &csv::calls_csv(report)?, &mut files)?;
        write(
            out.join("agents.csv"),
            &csv::agents_csv(report)?,
            &mut files,
        )?;
    }
    Ok(Written {
        files,
        calls: report.team.calls,
        agents: report.agents.len(),
    })
}
