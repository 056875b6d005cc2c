//! Audio front end: decode a recording, resample every channel to 16 kHz mono f32, and decide
//! whether a two-channel file really holds two speakers.
//!
//! Must not depend on whisper, the transcript model or clap: it turns files into plain sample buffers.

pub mod channels;
pub mod decode;
pub mod resample;

/// Sample rate every later stage works at (whisper's input rate).
pub const TARGET_RATE: u32 = 16_000;

/// A decoded recording, one buffer per channel, at `sample_rate`.
#[derive(Debug, Clone, PartialEq)]
pub struct Audio {
    pub sample_rate: u32,
    pub channels: Vec<Vec<f32>>,
}

impl Audio {
    /// Length in seconds of the recording.
    pub fn duration(&self) -> f64 {
        let frames = self.channels.first().map_or(0, Vec::len);
        frames as f64 / f64::from(self.sample_rate)
    }
}
