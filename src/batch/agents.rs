//! Who handled a call: a manifest (CSV or JSON) keyed by file or call id, or `--agent-pattern`, a regex
//! with named groups `agent`, `date` and `call` applied to the file name. Manifest rows are checked when
//! read; errors name the manifest and the line.
//!
//! Must not depend on clap, whisper or audio decoding.

use regex::Regex;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What a manifest row or the file name says about a call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgentInfo {
    pub call_id: Option<String>,
    pub agent_id: Option<String>,
    pub agent_name: Option<String>,
    pub team: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// `left` or `right`.
    pub agent_channel: Option<String>,
    pub queue: Option<String>,
}

/// A manifest that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{}: cannot read the manifest: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}: {message}", path.display())]
    Row {
        path: PathBuf,
        line: u64,
        message: String,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: entry {entry}: {message}", path.display())]
    Entry {
        path: PathBuf,
        entry: usize,
        message: String,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    file: Option<String>,
    call_id: Option<String>,
    agent_id: Option<String>,
    agent_name: Option<String>,
    team: Option<String>,
    date: Option<String>,
    agent_channel: Option<String>,
    queue: Option<String>,
}

const COLUMNS: &[&str] = &[
    "file",
    "call_id",
    "agent_id",
    "agent_name",
    "team",
    "date",
    "agent_channel",
    "queue",
];

/// A checked manifest.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    by_file: Vec<(Vec<String>, AgentInfo)>,
    by_call: HashMap<String, AgentInfo>,
}

/// `20261102` → `2026-11-02`; `2026-11-02` stays; anything else is refused.
pub fn normalise_date(s: &str) -> Result<String, String> {
    let s = s.trim();
    let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit());
    let (y, m, d) = if s.len() == 8 && digits(s) {
        (&s[..4], &s[4..6], &s[6..])
    } else if s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-' {
        (&s[..4], &s[5..7], &s[8..])
    } else {
        return Err(format!("`{s}` is not a date (YYYY-MM-DD or YYYYMMDD)"));
    };
    let ok = digits(y)
        && digits(m)
        && digits(d)
        && (1..=12).contains(&m.parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&d.parse::<u32>().unwrap_or(0));
    if ok {
        Ok(format!("{y}-{m}-{d}"))
    } else {
        Err(format!("`{s}` is not a date (YYYY-MM-DD or YYYYMMDD)"))
    }
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn check(raw: RawEntry) -> Result<(Option<String>, AgentInfo), String> {
    let file = non_empty(raw.file);
    let call_id = non_empty(raw.call_id);
    if file.is_none() && call_id.is_none() {
        return Err("needs a `file` or a `call_id`".into());
    }
    let date = non_empty(raw.date)
        .map(|d| normalise_date(&d))
        .transpose()?;
    let agent_channel = non_empty(raw.agent_channel)
        .map(|c| match c.to_ascii_lowercase().as_str() {
            "left" | "right" => Ok(c.to_ascii_lowercase()),
            _ => Err(format!("agent_channel `{c}` must be `left` or `right`")),
        })
        .transpose()?;
    Ok((
        file,
        AgentInfo {
            call_id,
            agent_id: non_empty(raw.agent_id),
            agent_name: non_empty(raw.agent_name),
            team: non_empty(raw.team),
            date,
            agent_channel,
            queue: non_empty(raw.queue),
        },
    ))
}

fn components(p: &str) -> Vec<String> {
    Path::new(p)
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

impl Manifest {
    /// Reads a manifest: JSON (an array of objects) when the file starts with `[`, CSV with a header
    /// row otherwise.
    ///
    /// # Errors
    /// The file cannot be read, or a row is malformed: unknown column, neither `file` nor `call_id`,
    /// a bad date or agent channel, or the same file or call listed twice.
    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut manifest = Manifest::default();
        if text.trim_start().starts_with('[') {
            let rows: Vec<RawEntry> =
                serde_json::from_str(text).map_err(|e| ManifestError::Json {
                    path: path.to_path_buf(),
                    line: e.line(),
                    column: e.column(),
                    message: e
                        .to_string()
                        .split(" at line ")
                        .next()
                        .unwrap_or("")
                        .to_string(),
                })?;
            for (i, raw) in rows.into_iter().enumerate() {
                let entry_err = |message| ManifestError::Entry {
                    path: path.to_path_buf(),
                    entry: i + 1,
                    message,
                };
                let (file, info) = check(raw).map_err(entry_err)?;
                manifest.add(file, info).map_err(entry_err)?;
            }
            return Ok(manifest);
        }
        let row_err = |line: u64, message: String| ManifestError::Row {
            path: path.to_path_buf(),
            line,
            message,
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| row_err(1, e.to_string()))?
            .clone();
        for h in &headers {
            if !COLUMNS.contains(&h) {
                return Err(row_err(
                    1,
                    format!("unknown column `{h}` (known: {})", COLUMNS.join(", ")),
                ));
            }
        }
        if !headers.iter().any(|h| h == "file" || h == "call_id") {
            return Err(row_err(
                1,
                "the header needs a `file` or a `call_id` column".into(),
            ));
        }
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, csv::Position::line);
                row_err(line, e.to_string())
            })?;
            let line = record.position().map_or(0, csv::Position::line);
            let mut raw = RawEntry::default();
            for (h, v) in headers.iter().zip(record.iter()) {
                let v = Some(v.to_string());
                match h {
                    "file" => raw.file = v,
                    "call_id" => raw.call_id = v,
                    "agent_id" => raw.agent_id = v,
                    "agent_name" => raw.agent_name = v,
                    "team" => raw.team = v,
                    "date" => raw.date = v,
                    "agent_channel" => raw.agent_channel = v,
                    _ => raw.queue = v,
                }
            }
            let (file, info) = check(raw).map_err(|m| row_err(line, m))?;
            manifest.add(file, info).map_err(|m| row_err(line, m))?;
        }
        Ok(manifest)
    }

    fn add(&mut self, file: Option<String>, info: AgentInfo) -> Result<(), String> {
        if let Some(call) = &info.call_id {
            if self.by_call.contains_key(call) {
                return Err(format!("call `{call}` is listed twice"));
            }
            self.by_call.insert(call.clone(), info.clone());
        }
        if let Some(file) = file {
            let parts = components(&file);
            if self.by_file.iter().any(|(p, _)| *p == parts) {
                return Err(format!("file `{file}` is listed twice"));
            }
            self.by_file.push((parts, info));
        }
        Ok(())
    }

    /// The row whose `file` is this input's path or a trailing part of it (`call-001.wav` matches
    /// `calls/2026/call-001.wav`); the longest such `file` wins.
    pub fn for_file(&self, input: &Path) -> Option<&AgentInfo> {
        let parts = components(&input.to_string_lossy());
        self.by_file
            .iter()
            .filter(|(p, _)| !p.is_empty() && parts.ends_with(p))
            .max_by_key(|(p, _)| p.len())
            .map(|(_, info)| info)
    }

    /// The row listing this call id.
    pub fn for_call(&self, call_id: &str) -> Option<&AgentInfo> {
        self.by_call.get(call_id)
    }
}

/// `--agent-pattern`: a regex over the file name with named groups `agent`, `date` and/or `call`.
#[derive(Debug, Clone)]
pub struct AgentPattern {
    regex: Regex,
}

impl std::str::FromStr for AgentPattern {
    type Err = String;

    fn from_str(s: &str) -> Result<AgentPattern, String> {
        let regex = Regex::new(s).map_err(|e| e.to_string())?;
        let names: Vec<&str> = regex.capture_names().flatten().collect();
        if !names.iter().any(|n| ["agent", "date", "call"].contains(n)) {
            return Err(format!(
                "`{s}` has none of the named groups (?P<agent>…), (?P<date>…), (?P<call>…)"
            ));
        }
        Ok(AgentPattern { regex })
    }
}

impl std::fmt::Display for AgentPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.regex.as_str())
    }
}

impl AgentPattern {
    /// What the file name says; `Ok(None)` when the pattern does not match it.
    ///
    /// # Errors
    /// The `date` group matched something that is not a date.
    pub fn apply(&self, file: &Path) -> Result<Option<AgentInfo>, String> {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(caps) = self.regex.captures(&name) else {
            return Ok(None);
        };
        let group = |g: &str| {
            caps.name(g)
                .map(|m| m.as_str().to_string())
                .filter(|s| !s.is_empty())
        };
        let date = group("date")
            .map(|d| normalise_date(&d).map_err(|e| format!("--agent-pattern date: {e}")))
            .transpose()?;
        Ok(Some(AgentInfo {
            call_id: group("call"),
            agent_id: group("agent"),
            date,
            ..AgentInfo::default()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn the_sample_manifest_matches_files_by_trailing_path_and_calls_by_id() {
        let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/manifest.csv"));
        let m = Manifest::load(path).unwrap();
        let row = m.for_file(Path::new("samples/call-003.mp3")).unwrap();
        assert_eq!(row.agent_id.as_deref(), Some("A-1003"));
        assert_eq!(row.agent_channel.as_deref(), Some("right"));
        assert_eq!(
            m.for_call("call-002").unwrap().agent_name.as_deref(),
            Some("James")
        );
        assert!(m.for_file(Path::new("x/other.wav")).is_none());
    }

    #[test]
    fn manifest_errors_name_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            (
                "a.csv",
                "file,agent\nx.wav,a\n",
                ":1: unknown column `agent` (known: file, call_id, agent_id, agent_name, team, date, agent_channel, queue)",
            ),
            (
                "b.csv",
                "file,date\nx.wav,2026-11-02\ny.wav,yesterday\n",
                ":3: `yesterday` is not a date (YYYY-MM-DD or YYYYMMDD)",
            ),
            (
                "c.csv",
                "file,call_id\nx.wav,\n,\n",
                ":3: needs a `file` or a `call_id`",
            ),
            (
                "d.csv",
                "call_id,agent_channel\nc1,middle\n",
                ":2: agent_channel `middle` must be `left` or `right`",
            ),
            (
                "e.csv",
                "file\nx.wav\nx.wav\n",
                ":3: file `x.wav` is listed twice",
            ),
            (
                "f.json",
                "[{\"file\": \"x.wav\"}, {\"agent_id\": \"a\"}]",
                ": entry 2: needs a `file` or a `call_id`",
            ),
            (
                "g.json",
                "[{\"file\": \"x.wav\",\n \"agnt\": 1}]",
                ":2:7: unknown field `agnt`, expected one of `file`, `call_id`, `agent_id`, `agent_name`, `team`, `date`, `agent_channel`, `queue`",
            ),
        ];
        for (name, text, want) in cases {
            let p = write(dir.path(), name, text);
            let got = Manifest::load(&p).unwrap_err().to_string();
            assert_eq!(got, format!("{}{want}", p.display()));
        }
    }

    #[test]
    fn pattern_needs_a_named_group_and_normalises_dates() {
        let p: AgentPattern = r"(?P<agent>[A-Za-z]+)_(?P<date>\d{8})_(?P<call>\w+)\.wav"
            .parse()
            .unwrap();
        let info = p
            .apply(Path::new("in/Sarah_20261102_c42.wav"))
            .unwrap()
            .unwrap();
        assert_eq!(info.agent_id.as_deref(), Some("Sarah"));
        assert_eq!(info.date.as_deref(), Some("2026-11-02"));
        assert_eq!(info.call_id.as_deref(), Some("c42"));
        assert_eq!(p.apply(Path::new("other.wav")).unwrap(), None);
        assert_eq!(
            p.apply(Path::new("Sarah_20261399_c42.wav")).unwrap_err(),
            "--agent-pattern date: `20261399` is not a date (YYYY-MM-DD or YYYYMMDD)"
        );
        assert!(
            "([a-z]+)_x"
                .parse::<AgentPattern>()
                .unwrap_err()
                .contains("none of the named groups")
        );
        assert!("(".parse::<AgentPattern>().is_err());
    }
}
