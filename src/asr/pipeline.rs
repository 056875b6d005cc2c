//! The per-call pipeline: decode → resample to 16 kHz → channel layout → voice activity per channel →
//! stitch → cut at gaps into chunks of at most 30 s → transcribe each chunk → map back → merge both
//! channels in time order with speaker roles.
//!
//! Must not depend on clap, environment variables or default paths: callers pass every setting.

use super::stitch::{ChannelSpans, PackedStitch, Stitched, shift_segment};
use super::{AsrError, AsrSettings, RawSegment, Transcriber};
use crate::activity::{ActivityError, ChannelActivity, SpeechDetector, SpeechFrames};
use crate::audio::channels::{Layout, detect};
use crate::audio::decode::{DecodeError, decode_file};
use crate::audio::resample::{ResampleError, resample};
use crate::audio::{Audio, TARGET_RATE};
pub use crate::transcript::AgentChannel;
use crate::transcript::{Segment, Speaker, Transcript};
use std::ops::Range;
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

/// The speech found on one channel that will be transcribed.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelSpeech {
    /// Index of the channel in the recording.
    pub index: usize,
    /// Who speaks on it (`Unknown` for mono).
    pub speaker: Speaker,
    /// Channel number written on the segments (`None` for mono).
    pub channel: Option<u16>,
    /// Speech spans in seconds, sorted, as the detector gave them (padded, for transcription).
    pub spans: Vec<(f64, f64)>,
    /// The detector's unpadded per-frame decisions, for the metrics, when it has them.
    pub frames: Option<SpeechFrames>,
}

/// Voice activity of a recording: one entry per independent channel (one for mono, two for stereo),
/// computed once and shared by transcription and the conversation metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeechActivity {
    pub channels: Vec<ChannelSpeech>,
    /// Name of the detector that found the speech ("silero", "energy", "none").
    pub detector: String,
}

impl SpeechActivity {
    /// The channel of `speaker`, if there is one.
    pub fn channel_of(&self, speaker: Speaker) -> Option<&ChannelSpeech> {
        self.channels.iter().find(|c| c.speaker == speaker)
    }
}

/// Runs the detector once on every independent channel of a 16 kHz recording, sharing the reading among
/// its threads when it has more than one (`None` marks whole channels as speech). Duplicate or one-silent
/// stereo is treated as mono, so it is analysed once.
pub fn detect_speech(
    audio: &Audio,
    detector: Option<&mut dyn SpeechDetector>,
    agent: AgentChannel,
    label: &str,
    timings: &mut Timings,
) -> Result<SpeechActivity, PipelineError> {
    let plan: Vec<(usize, Speaker, Option<u16>)> = match detect(&audio.channels) {
        Layout::Mono(i) => vec![(i, Speaker::Unknown, None)],
        Layout::Stereo => {
            let (l, r) = match agent {
                AgentChannel::Left => (Speaker::Agent, Speaker::Customer),
                AgentChannel::Right => (Speaker::Customer, Speaker::Agent),
            };
            vec![(0, l, Some(0)), (1, r, Some(1))]
        }
    };
    let name = detector.as_ref().map_or("none", |d| d.name()).to_string();
    let samples: Vec<&[f32]> = plan
        .iter()
        .map(|&(index, _, _)| audio.channels[index].as_slice())
        .collect();
    let started = Instant::now();
    let found = match detector {
        Some(d) => d
            .analyse_channels(&samples)
            .map_err(|source| PipelineError::Activity {
                path: label.to_string(),
                source,
            })?,
        None => samples
            .iter()
            .map(|s| ChannelActivity {
                spans: vec![(0.0, s.len() as f64 / f64::from(TARGET_RATE))],
                frames: None,
            })
            .collect(),
    };
    timings.vad += started.elapsed();
    let channels = plan
        .into_iter()
        .zip(found)
        .map(|((index, speaker, channel), found)| ChannelSpeech {
            index,
            speaker,
            channel,
            spans: found.spans,
            frames: found.frames,
        })
        .collect();
    Ok(SpeechActivity {
        channels,
        detector: name,
    })
}

/// Transcribes the speech already found on each channel: stitches its spans, cuts the stitched buffer at
/// its gaps into chunks of at most one whisper window ([`Stitched::chunks`]), runs the transcriber once per
/// chunk, maps the times back and merges the channels in time order.
pub fn recognise_speech(
    audio: &Audio,
    activity: &SpeechActivity,
    transcriber: &dyn Transcriber,
    settings: &AsrSettings,
    label: &str,
    timings: &mut Timings,
) -> Result<Vec<Segment>, PipelineError> {
    let mut segments = Vec::new();
    for ch in &activity.channels {
        let Some(samples) = audio.channels.get(ch.index) else {
            continue;
        };
        let stitched = Stitched::new(samples, &ch.spans);
        if stitched.is_empty() {
            continue;
        }
        let raw = run_whisper_chunks(
            transcriber,
            &stitched.samples,
            &stitched.chunks(),
            settings,
            label,
            timings,
        )?;
        segments.extend(
            stitched
                .map_segments(raw)
                .into_iter()
                .map(|s| channel_segment(ch, s, true)),
        );
    }
    sort_in_time(&mut segments);
    Ok(segments)
}

/// How the speech of a stereo call's channels is handed to whisper.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Packing {
    /// Each channel's speech in its own buffer ([`recognise_speech`]): every line's speaker is right by
    /// construction.
    #[default]
    PerChannel,
    /// Both channels in one buffer ([`recognise_speech_packed`]), cut into chunks as one: the pieces of
    /// both channels fill the 30-second chunks, so there are fewer of them than per channel; speakers rest
    /// on whisper's word times at the changes of channel.
    Packed,
}

/// Transcribes the speech already found, per channel or packed.
pub fn recognise_speech_with(
    audio: &Audio,
    activity: &SpeechActivity,
    transcriber: &dyn Transcriber,
    settings: &AsrSettings,
    packing: Packing,
    label: &str,
    timings: &mut Timings,
) -> Result<Vec<Segment>, PipelineError> {
    match packing {
        Packing::PerChannel => {
            recognise_speech(audio, activity, transcriber, settings, label, timings)
        }
        Packing::Packed => {
            recognise_speech_packed(audio, activity, transcriber, settings, label, timings)
        }
    }
}

/// Like [`recognise_speech`], but with every channel's speech packed into one buffer in spoken order and
/// transcribed chunk by chunk ([`PackedStitch::chunks`]): whisper encodes 30-second windows, so two
/// per-channel buffers each pay for a padded last window, one packed buffer only once. Word times are
/// requested from whisper to cut segments that run across pieces of different channels (kept in the
/// output only when `settings` asks for them).
pub fn recognise_speech_packed(
    audio: &Audio,
    activity: &SpeechActivity,
    transcriber: &dyn Transcriber,
    settings: &AsrSettings,
    label: &str,
    timings: &mut Timings,
) -> Result<Vec<Segment>, PipelineError> {
    let inputs: Vec<ChannelSpans<'_>> = activity
        .channels
        .iter()
        .filter_map(|c| {
            audio
                .channels
                .get(c.index)
                .map(|s| (s.as_slice(), c.spans.as_slice()))
        })
        .collect();
    let packed = PackedStitch::new(&inputs);
    if packed.is_empty() {
        return Ok(Vec::new());
    }
    let with_words = AsrSettings {
        word_timestamps: true,
        ..settings.clone()
    };
    let raw = run_whisper_chunks(
        transcriber,
        &packed.samples,
        &packed.chunks(),
        &with_words,
        label,
        timings,
    )?;
    let mut segments: Vec<Segment> = packed
        .map_segments(raw)
        .into_iter()
        .filter_map(|(i, s)| {
            let ch = activity.channels.get(i)?;
            Some(channel_segment(ch, s, settings.word_timestamps))
        })
        .collect();
    sort_in_time(&mut segments);
    Ok(segments)
}

/// One whisper run per chunk (sample ranges) of `samples`, the segments moved onto the time line of the
/// whole buffer. Chunks cut at gaps end where speech ends, so whisper normally decodes each in one window
/// instead of seeking to a timestamp inside an utterance and encoding the rest of it again.
fn run_whisper_chunks(
    transcriber: &dyn Transcriber,
    samples: &[f32],
    chunks: &[Range<usize>],
    settings: &AsrSettings,
    label: &str,
    timings: &mut Timings,
) -> Result<Vec<RawSegment>, PipelineError> {
    let started = Instant::now();
    let raw = transcriber
        .transcribe_chunks(samples, chunks, settings)
        .map_err(|source| PipelineError::Asr {
            path: label.to_string(),
            source,
        })?;
    timings.whisper += started.elapsed();
    Ok(chunks
        .iter()
        .zip(raw)
        .flat_map(|(chunk, segments)| {
            let offset = chunk.start as f64 / f64::from(TARGET_RATE);
            segments.into_iter().map(move |s| shift_segment(s, offset))
        })
        .collect())
}

/// A recognised stretch, already in recording time, as a segment of channel `ch` (its words kept when
/// `words`).
fn channel_segment(ch: &ChannelSpeech, s: RawSegment, words: bool) -> Segment {
    Segment {
        start: Some(round_ms(s.start)),
        end: Some(round_ms(s.end)),
        speaker: ch.speaker,
        channel: ch.channel,
        text: s.text,
        words: s.words.filter(|_| words),
    }
}

/// Time order, the left channel first at equal starts.
fn sort_in_time(segments: &mut [Segment]) {
    segments.sort_by(|a, b| {
        a.start
            .unwrap_or(0.0)
            .total_cmp(&b.start.unwrap_or(0.0))
            .then(a.channel.cmp(&b.channel))
    });
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

/// Builds the transcript of a recording from its recognised segments.
pub fn to_transcript(
    call_id: &str,
    audio: &Audio,
    segments: Vec<Segment>,
    settings: &AsrSettings,
) -> Transcript {
    let mut t = Transcript::new(call_id);
    t.duration = Some(round_ms(audio.duration()));
    t.channels = Some(audio.channels.len() as u16);
    t.language = Some(settings.language.clone());
    t.segments = segments;
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::energy::EnergyDetector;
    use crate::asr::fake::{FakeTranscriber, seg};

    /// Detects speech and transcribes each independent channel, as `transcribe` does.
    fn recognise(
        audio: &Audio,
        detector: Option<&mut dyn SpeechDetector>,
        transcriber: &dyn Transcriber,
        settings: &AsrSettings,
        agent: AgentChannel,
        label: &str,
        timings: &mut Timings,
    ) -> Result<(Vec<Segment>, SpeechActivity), PipelineError> {
        let activity = detect_speech(audio, detector, agent, label, timings)?;
        let segments = recognise_speech(audio, &activity, transcriber, settings, label, timings)?;
        Ok((segments, activity))
    }

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
        let (segments, activity) = got;
        let lines: Vec<(f64, Speaker, &str)> = segments
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
            activity.channels
        );
        assert_eq!(activity.channels.len(), 2);
        assert_eq!(fake.calls().len(), 2);
    }

    #[test]
    fn long_channel_is_transcribed_in_chunks_mapped_back_to_the_recording() {
        let audio = Audio {
            sample_rate: 16_000,
            channels: vec![vec![0.1; 16_000 * 100]],
        };
        // Stitched: A [0, 12], B [12.3, 24.3], C [24.6, 34.6], D [34.9, 44.9], E [45.2, 80.2]; chunks of at
        // most 30 s: A+B (24.3 s), C+D (20.3 s), E alone (35 s, longer than a window).
        let activity = SpeechActivity {
            channels: vec![ChannelSpeech {
                index: 0,
                speaker: Speaker::Unknown,
                channel: None,
                spans: vec![
                    (0.0, 12.0),
                    (15.0, 27.0),
                    (30.0, 40.0),
                    (45.0, 55.0),
                    (60.0, 95.0),
                ],
                frames: None,
            }],
            detector: "test".into(),
        };
        // Times relative to each chunk, as whisper gives them.
        let fake = FakeTranscriber::new(vec![
            vec![
                seg(0.5, 11.0, "first"),
                seg(12.05, 12.25, "in the gap"),
                seg(12.5, 20.0, "second"),
            ],
            vec![
                seg(1.0, 5.0, "third"),
                seg(10.05, 10.25, "also in a gap"),
                seg(10.5, 15.0, "fourth"),
            ],
            vec![seg(2.0, 30.0, "fifth")],
        ]);
        let got = recognise_speech(
            &audio,
            &activity,
            &fake,
            &AsrSettings::default(),
            "long.wav",
            &mut Timings::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fake.calls(), vec![388_800, 324_800, 560_000]);
        let lines: Vec<(Option<f64>, Option<f64>, &str)> = got
            .iter()
            .map(|s| (s.start, s.end, s.text.as_str()))
            .collect();
        assert_eq!(
            lines,
            vec![
                (Some(0.5), Some(11.0), "first"),
                (Some(15.2), Some(22.7), "second"),
                (Some(31.0), Some(35.0), "third"),
                (Some(45.2), Some(49.7), "fourth"),
                (Some(62.0), Some(90.0), "fifth"),
            ]
        );
    }

    #[test]
    fn packed_buffer_is_chunked_and_each_chunk_maps_back_to_its_channel() {
        let speech = |index: usize, speaker, spans: Vec<(f64, f64)>| ChannelSpeech {
            index,
            speaker,
            channel: Some(index as u16),
            spans,
            frames: None,
        };
        let audio = Audio {
            sample_rate: 16_000,
            channels: vec![vec![0.1; 16_000 * 60], vec![0.2; 16_000 * 60]],
        };
        let activity = SpeechActivity {
            channels: vec![
                speech(0, Speaker::Agent, vec![(0.0, 20.0), (40.0, 55.0)]),
                speech(1, Speaker::Customer, vec![(25.0, 35.0)]),
            ],
            detector: "test".into(),
        };
        // Packed: agent [0, 20], customer [20.3, 30.3], agent [30.6, 45.6]; chunks: [0, 20] (with the
        // customer piece it would be 30.3 s) and [20.3, 45.6].
        let fake = FakeTranscriber::new(vec![
            vec![seg(1.0, 19.0, "agent one")],
            vec![
                seg(0.5, 9.5, "customer"),
                seg(10.05, 10.25, "in the gap"),
                seg(11.0, 20.0, "agent two"),
            ],
        ]);
        let got = recognise_speech_packed(
            &audio,
            &activity,
            &fake,
            &AsrSettings::default(),
            "packed.wav",
            &mut Timings::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fake.calls(), vec![320_000, 404_800]);
        let lines: Vec<(Option<f64>, Option<f64>, Speaker, &str)> = got
            .iter()
            .map(|s| (s.start, s.end, s.speaker, s.text.as_str()))
            .collect();
        assert_eq!(
            lines,
            vec![
                (Some(1.0), Some(19.0), Speaker::Agent, "agent one"),
                (Some(25.5), Some(34.5), Speaker::Customer, "customer"),
                (Some(40.7), Some(49.7), Speaker::Agent, "agent two"),
            ]
        );
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
        .map(|(segments, _)| segments);
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
        .map(|(segments, _)| segments.len());
        assert_eq!(got, Some(0));
        assert!(fake.calls().is_empty());
    }
}
