//! Rubrics: the TOML rubric language, validated into a compiled [`Rubric`].
//!
//! Must not depend on whisper, audio or clap.

mod compile;
mod model;
pub(crate) mod phrase;

pub use compile::compile;
pub use model::{
    Condition, Criterion, Leaf, MetricCondition, NamedCondition, Rubric, Section, SpeakerFilter,
    Window,
};

use crate::diag::{Diagnostic, Diagnostics};
use std::collections::BTreeMap;
use std::path::Path;

/// The default rubric's source, compiled into the binary.
pub const DEFAULT_RUBRIC: &str = include_str!("../../rubrics/default.toml");

/// Reads and compiles a rubric file.
pub fn load_rubric_file(path: &Path) -> Result<Rubric, Diagnostics> {
    load_rubric_file_with(path, &BTreeMap::new())
}

/// Reads and compiles a rubric file with variable overrides.
pub fn load_rubric_file_with(
    path: &Path,
    overrides: &BTreeMap<String, Vec<String>>,
) -> Result<Rubric, Diagnostics> {
    let source = std::fs::read_to_string(path).map_err(|e| {
        Diagnostics(vec![Diagnostic {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: format!("cannot read rubric: {e}"),
            source_line: String::new(),
            width: 1,
        }])
    })?;
    compile(&source, path, overrides)
}

impl Rubric {
    /// The built-in default rubric (rubrics/default.toml).
    pub fn builtin_default() -> Rubric {
        Self::builtin_default_with(&BTreeMap::new())
            .unwrap_or_else(|e| panic!("the built-in default rubric is invalid:\n{e}"))
    }

    /// The built-in default rubric with variable overrides.
    pub fn builtin_default_with(
        overrides: &BTreeMap<String, Vec<String>>,
    ) -> Result<Rubric, Diagnostics> {
        compile(
            DEFAULT_RUBRIC,
            Path::new("<built-in>/default.toml"),
            overrides,
        )
    }
}
