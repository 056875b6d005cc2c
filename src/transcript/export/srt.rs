//! SRT with one numbered cue per segment and an `Agent:` prefix on its text.
//! Must not depend on audio, whisper or clap.

use super::{cue_times, one_line, role_name, timestamp};
use crate::transcript::model::Transcript;
use std::fmt::Write;

pub(super) fn render(t: &Transcript) -> String {
    let mut out = String::new();
    for (i, (seg, (start, end))) in t.segments.iter().zip(cue_times(t)).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = write!(
            out,
            "{}\n{} --> {}\n{}: {}\n",
            i + 1,
            timestamp(start, ','),
            timestamp(end, ','),
            role_name(seg.speaker),
            one_line(&seg.text)
        );
    }
    out
}
