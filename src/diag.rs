//! Diagnostics for files people write (rubrics, suites, manifests): `file:line:col: message`,
//! the offending line, and a caret under the text.
//!
//! Must not depend on whisper, audio or clap.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One problem in a file, located by byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The source line the problem is on (without its newline).
    pub source_line: String,
    /// Width of the caret underline, in characters (at least 1).
    pub width: usize,
}

impl Diagnostic {
    /// Builds a diagnostic for the byte `span` of `source`, which was read from `path`.
    pub fn at(path: &Path, source: &str, span: Range<usize>, message: impl Into<String>) -> Self {
        let start = span.start.min(source.len());
        let end = span.end.clamp(start, source.len());
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line = source[..start].matches('\n').count() + 1;
        let column = source[line_start..start].chars().count() + 1;
        let source_line = source[line_start..line_end]
            .trim_end_matches('\r')
            .to_string();
        let width = source[start..end.min(line_end)].chars().count().max(1);
        Diagnostic {
            path: path.to_path_buf(),
            line,
            column,
            message: message.into(),
            source_line,
            width,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}:{}:{}: error: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )?;
        let gutter = self.line.to_string().len();
        writeln!(f, "{:gutter$} |", "")?;
        writeln!(f, "{} | {}", self.line, self.source_line)?;
        let pad: String = self
            .source_line
            .chars()
            .take(self.column - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(f, "{:gutter$} | {pad}{}", "", "^".repeat(self.width))
    }
}

/// All the problems found in one or more files, reported together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_the_span() {
        let src = "[rubric]\nname = 3\n";
        let d = Diagnostic::at(Path::new("r.toml"), src, 16..17, "expected a string");
        assert_eq!((d.line, d.column), (2, 8));
        assert_eq!(
            d.to_string(),
            "r.toml:2:8: error: expected a string\n  |\n2 | name = 3\n  |        ^"
        );
    }
}
