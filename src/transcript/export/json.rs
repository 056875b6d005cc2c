//! callqa's own transcript JSON, pretty-printed. Must not depend on audio, whisper or clap.

use crate::transcript::model::Transcript;

pub(super) fn render(t: &Transcript) -> String {
    // Serializing the model cannot fail: every map has string keys and no serializer is custom.
    let mut out = serde_json::to_string_pretty(t).expect("a Transcript always serializes");
    out.push('\n');
    out
}
