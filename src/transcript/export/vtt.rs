//! WebVTT with one cue per segment and the speaker as a voice tag: `<v Agent>Hello</v>`.
//! Must not depend on audio, whisper or clap.

use super::{cue_times, one_line, role_name, timestamp};
use crate::transcript::model::Transcript;
use std::fmt::Write;

pub(super) fn render(t: &Transcript) -> String {
    let mut out = String::from("WEBVTT\n");
    for (seg, (start, end)) in t.segments.iter().zip(cue_times(t)) {
        let text = one_line(&seg.text)
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        let _ = write!(
            out,
            "\n{} --> {}\n<v {}>{}</v>\n",
            timestamp(start, '.'),
            timestamp(end, '.'),
            role_name(seg.speaker),
            text
        );
    }
    out
}
