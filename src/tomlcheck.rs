//! Checks for spanned TOML values, shared by every file people write (rubrics, suites): type and
//! key errors become `file:line:col` diagnostics, collected so all of them are reported in one pass.
//!
//! Must not depend on whisper, audio or clap.

use crate::diag::Diagnostic;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A spanned TOML value.
pub type Value<'i> = Spanned<DeValue<'i>>;

/// Collects diagnostics while a TOML document is walked.
#[derive(Debug)]
pub struct TomlChecker<'a> {
    pub path: &'a Path,
    pub source: &'a str,
    pub errors: Vec<Diagnostic>,
}

/// "a string", "an integer", … for messages.
pub fn type_name(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

impl<'a> TomlChecker<'a> {
    pub fn new(path: &'a Path, source: &'a str) -> Self {
        TomlChecker {
            path,
            source,
            errors: Vec::new(),
        }
    }

    pub fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.errors
            .push(Diagnostic::at(self.path, self.source, span, message));
    }

    pub fn check_keys(&mut self, table: &DeTable, allowed: &[&str], place: &str) {
        for (k, _) in table.iter() {
            if !allowed.contains(&k.get_ref().as_ref()) {
                self.error(
                    k.span(),
                    format!(
                        "unknown key `{}` in {place}; expected one of: {}",
                        k.get_ref(),
                        allowed.join(", ")
                    ),
                );
            }
        }
    }

    pub fn table<'v, 'i>(&mut self, v: &'v Value<'i>, what: &str) -> Option<&'v DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                self.error(
                    v.span(),
                    format!("{what} must be a table, found {}", type_name(other)),
                );
                None
            }
        }
    }

    pub fn string(&mut self, v: &Value, what: &str) -> Option<String> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.error(
                    v.span(),
                    format!("{what} must be a string, found {}", type_name(other)),
                );
                None
            }
        }
    }

    pub fn number(&mut self, v: &Value, what: &str) -> Option<f64> {
        let parsed = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            _ => None,
        };
        match parsed {
            Some(n) if n.is_finite() => Some(n),
            _ => {
                self.error(
                    v.span(),
                    format!("{what} must be a number, found {}", type_name(v.get_ref())),
                );
                None
            }
        }
    }

    pub fn positive(&mut self, v: &Value, what: &str) -> Option<f64> {
        let n = self.number(v, what)?;
        if n <= 0.0 {
            self.error(
                v.span(),
                format!("{what} must be greater than 0, found {n}"),
            );
            return None;
        }
        Some(n)
    }

    pub fn count(&mut self, v: &Value, what: &str) -> Option<u32> {
        let n = self.number(v, what)?;
        if n < 0.0 || n.fract() != 0.0 || n > f64::from(u32::MAX) {
            self.error(
                v.span(),
                format!("{what} must be a whole number of at least 0, found {n}"),
            );
            return None;
        }
        Some(n as u32)
    }

    pub fn boolean(&mut self, v: &Value, what: &str) -> Option<bool> {
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                self.error(
                    v.span(),
                    format!("{what} must be true or false, found {}", type_name(other)),
                );
                None
            }
        }
    }

    pub fn strings(&mut self, v: &Value, what: &str) -> Option<Vec<(String, Range<usize>)>> {
        let DeValue::Array(items) = v.get_ref() else {
            self.error(
                v.span(),
                format!(
                    "{what} must be an array of strings, found {}",
                    type_name(v.get_ref())
                ),
            );
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            if let Some(s) = self.string(item, &format!("each entry of {what}")) {
                out.push((s, item.span()));
            }
        }
        Some(out)
    }

    pub fn required<'v, 'i>(
        &mut self,
        table: &'v DeTable<'i>,
        key: &str,
        span: Range<usize>,
        place: &str,
    ) -> Option<&'v Value<'i>> {
        let v = table.get(key);
        if v.is_none() {
            self.error(span, format!("{place} is missing the required key `{key}`"));
        }
        v
    }

    /// The entries of the required `[[key]]` array of tables in `top`, each checked for unknown
    /// keys; a missing key, a non-array or a non-table entry is reported (and the entry skipped).
    pub fn array_of_tables<'v, 'i>(
        &mut self,
        top: &'v DeTable<'i>,
        key: &str,
        allowed: &[&str],
        at: Range<usize>,
        place: &str,
    ) -> Vec<(Range<usize>, &'v DeTable<'i>)> {
        let mut out = Vec::new();
        let Some(v) = self.required(top, key, at, place) else {
            return out;
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.error(
                v.span(),
                format!("`{key}` must be an array of tables ([[{key}]])"),
            );
            return out;
        };
        for item in items.iter() {
            if let Some(t) = self.table(item, &format!("each [[{key}]] entry")) {
                self.check_keys(t, allowed, &format!("[[{key}]]"));
                out.push((item.span(), t));
            }
        }
        out
    }
}
