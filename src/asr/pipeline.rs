//! The per-call pipeline: decode → resample to 16 kHz → channel layout → voice activity per channel →
//! stitch → transcribe → map back → merge both channels in time order with speaker roles.
//!
//! Must not depend on clap, environment variables or default paths: callers pass every setting.

use super::stitch::Stitched;
use super::{AsrError, AsrSettings, Transcriber};
use crate::activity::{ActivityError, SpeechDetector};
use crate::audio::channels::{Layout, detect};
use crate::audio::decode::{DecodeError, decode_file};
use crate::audio::resample::{ResampleError, resample};
use crate::audio::{Audio, TARGET_RATE};
pub use crate::transcript::AgentChannel;
use crate::transcript::{Segment, Speaker, Transcript};
use std::path::Path;
use std::time::{Duration, Instant};

/// Wall time spent in each stage of one call.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    pub decode: Duration,
    pub resample: Duration,
    pub vad: Duration,
    pub whisper: Duration,
}

impl Timings {
    /// Adds another call's timings to these.
    pub fn add(&mut self, other: &Timings) {
        self.decode += other.decode;
        self.resample += other.resample;
        self.vad += other.vad;
        self.whisper += other.whisper;
    }
}

/// Why a call could not be transcribed.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("{path}: {source}")]
    Resample { path: String, source: ResampleError },
    #[error("{path}: {source}")]
    Activity { path: String, source: ActivityError },
    #[error("{path}: {source}")]
    Asr { path: String, source: AsrError },
}

/// The recognised speech of a recording already at 16 kHz, before it is wrapped in a transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognised {
    pub segments: Vec<Segment>,
    /// Speech intervals per transcribed channel (index = channel of the recording).
    pub speech: Vec<(u16, Vec<(f64, f64)>)>,
}

/// Transcribes a 16 kHz recording: each independent channel separately, merged in time order.
/// `detector` finds speech (`None` transcribes whole channels); `label` names the file in errors.
pub fn recognise(
    audio: &Audio,
    detector: Option<&mut dyn SpeechDetector>,
    transcriber: &dyn Transcriber,
    settings: &AsrSettings,
    agent: AgentChannel,
    label: &str,
    timings: &mut Timings,
) -> Result<Recognised, PipelineError> {
    let layout = detect(&audio.channels);
    let plan: Vec<(usize, Speaker, Option<u16>)> = match layout {
        Layout::Mono(i) => vec![(i, Speaker::Unknown, None)],
        Layout::Stereo => {
            let (l, r) = match agent {
                AgentChannel::Left => (Speaker::Agent, Speaker::Customer),
                AgentChannel::Right => (Speaker::Customer, Speaker::Agent),
            };
            vec![(0, l, Some(0)), (1, r, Some(1))]
        }
    };
    let mut detector = detector;
    let mut segments = Vec::new();
    let mut speech = Vec::new();
    for (index, speaker, channel) in plan {
        let samples = &audio.channels[index];
        let started = Instant::now();
        let spans = match detector.as_deref_mut() {
            Some(d) => d
                .detect(samples)
                .map_err(|source| PipelineError::Activity {
                    path: label.to_string(),
                    source,
                })?,
            None => vec![(0.0, samples.len() as f64 / f64::from(TARGET_RATE))],
        };
        timings.vad += started.elapsed();
        let stitched = Stitched::new(samples, &spans);
        speech.push((index as u16, spans));
        if stitched.is_empty() {
            continue;
        }
        let started = Instant::now();
        let raw = transcriber
            .transcribe(&stitched.samples, settings)
            .map_err(|source| PipelineError::Asr {
                path: label.to_string(),
                source,
            })?;
        timings.whisper += started.elapsed();
        segments.extend(stitched.map_segments(raw).into_iter().map(|s| Segment {
            start: Some(round_ms(s.start)),
            end: Some(round_ms(s.end)),
            speaker,
            channel,
            text: s.text,
            words: s.words,
        }));
    }
    segments.sort_by(|a, b| {
        a.start
            .unwrap_or(0.0)
            .total_cmp(&b.start.unwrap_or(0.0))
            .then(a.channel.cmp(&b.channel))
    });
    Ok(Recognised { segments, speech })
}

fn round_ms(t: f64) -> f64 {
    (t * 1000.0).round() / 1000.0
}

/// Decodes `path` and resamples every channel to 16 kHz.
pub fn load_audio(path: &Path, timings: &mut Timings) -> Result<Audio, PipelineError> {
    let started = Instant::now();
    let decoded = decode_file(path)?;
    timings.decode += started.elapsed();
    let started = Instant::now();
    let channels = decoded
        .channels
        .iter()
        .map(|c| resample(c, decoded.sample_rate, TARGET_RATE))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| PipelineError::Resample {
            path: path.display().to_string(),
            source,
        })?;
    timings.resample += started.elapsed();
    Ok(Audio {
        sample_rate: TARGET_RATE,
        channels,
    })
}

/// Builds the transcript of a recording from its recognised speech.
pub fn to_transcript(
    call_id: &str,
    audio: &Audio,
    recognised: Recognised,
    settings: &AsrSettings,
) -> Transcript {
    let mut t = Transcript::new(call_id);
    t.duration = Some(round_ms(audio.duration()));
    t.channels = Some(audio.channels.len() as u16);
    t.language = Some(settings.language.clone());
    t.segments = recognised.segments;
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::energy::EnergyDetector;
    use crate::asr::fake::{FakeTranscriber, seg};

    fn voice(n: usize, freq: f32, on: &[(f64, f64)]) -> Vec<f32> {
        (0..n)
            .map(|i| {
                let t = i as f64 / 16_000.0;
                if on.iter().any(|&(s, e)| t >= s && t < e) {
                    0.3 * (i as f32 * freq * std::f32::consts::TAU / 16_000.0).sin()
                } else {
                    0.0
                }
            })
            .collect()
    }

    #[test]
    fn merges_channels_with_roles_and_mapped_times() {
        let n = 16_000 * 10;
        let audio = Audio {
            sample_rate: 16_000,
            channels: vec![
                voice(n, 300.0, &[(1.0, 3.0), (6.0, 8.0)]),
                voice(n, 500.0, &[(3.5, 5.5)]),
            ],
        };
        // The energy detector finds left speech at [0.89, 3.1] and [5.9, 8.11] (padded 0.1 s), so the
        // stitched left buffer is [0, 2.21] + 0.3 s gap + [2.51, 4.72]; whisper also invents text in
        // the gap and past the end, which must be dropped.
        let fake = FakeTranscriber::new(vec![
            vec![
                seg(0.1, 2.0, "Thank you for calling Acme."),
                seg(2.2, 2.5, "Hallucinated."),
                seg(2.6, 4.6, "Anything else?"),
                seg(5.0, 9.0, "Also hallucinated."),
            ],
            vec![seg(0.1, 2.0, "My router is broken.")],
        ]);
        let mut det = EnergyDetector::default();
        let mut timings = Timings::default();
        let got = recognise(
            &audio,
            Some(&mut det),
            &fake,
            &AsrSettings::default(),
            AgentChannel::Right,
            "call.wav",
            &mut timings,
        )
        .map_err(|e| e.to_string());
        let got = match got {
            Ok(g) => g,
            Err(e) => panic!("{e}"),
        };
        let lines: Vec<(f64, Speaker, &str)> = got
            .segments
            .iter()
            .map(|s| (s.start.unwrap_or(-1.0), s.speaker, s.text.as_str()))
            .collect();
        assert_eq!(
            lines,
            vec![
                (0.99, Speaker::Customer, "Thank you for calling Acme."),
                (3.48, Speaker::Agent, "My router is broken."),
                (5.99, Speaker::Customer, "Anything else?"),
            ],
            "{:?}",
            got.speech
        );
        assert_eq!(got.speech.len(), 2);
        assert_eq!(fake.calls().len(), 2);
    }

    #[test]
    fn duplicate_stereo_is_transcribed_once_as_unknown() {
        let n = 16_000 * 4;
        let one = voice(n, 300.0, &[(1.0, 3.0)]);
        let audio = Audio {
            sample_rate: 16_000,
            channels: vec![one.clone(), one],
        };
        let fake = FakeTranscriber::new(vec![
            vec![seg(0.1, 2.0, "hello")],
            vec![seg(0.1, 2.0, "dup")],
        ]);
        let got = recognise(
            &audio,
            Some(&mut EnergyDetector::default()),
            &fake,
            &AsrSettings::default(),
            AgentChannel::Left,
            "x.wav",
            &mut Timings::default(),
        )
        .ok()
        .map(|r| r.segments);
        let segs = got.unwrap_or_default();
        assert_eq!(segs.len(), 1);
        assert_eq!(segs[0].speaker, Speaker::Unknown);
        assert_eq!(segs[0].channel, None);
        assert_eq!(fake.calls().len(), 1);
    }

    #[test]
    fn silence_is_not_transcribed() {
        let audio = Audio {
            sample_rate: 16_000,
            channels: vec![vec![0.0; 32_000]],
        };
        let fake = FakeTranscriber::new(vec![vec![seg(0.0, 1.0, "ghost")]]);
        let got = recognise(
            &audio,
            Some(&mut EnergyDetector::default()),
            &fake,
            &AsrSettings::default(),
            AgentChannel::Left,
            "x.wav",
            &mut Timings::default(),
        )
        .ok()
        .map(|r| r.segments.len());
        assert_eq!(got, Some(0));
        assert!(fake.calls().is_empty());
    }
}
