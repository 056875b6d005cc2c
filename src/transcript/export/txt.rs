//! Plain text, one `Agent: …` line per segment; times are not kept. Must not depend on audio,
//! whisper or clap.

use super::{one_line, role_name};
use crate::transcript::model::Transcript;

pub(super) fn render(t: &Transcript) -> String {
    t.segments
        .iter()
        .map(|seg| format!("{}: {}\n", role_name(seg.speaker), one_line(&seg.text)))
        .collect()
}
