//! One pass from a recording to its transcript and its conversation metrics: voice activity is found once
//! per channel and feeds both the stitched whisper buffers and the speech intervals the metrics are
//! measured from. Also the metrics alone, without transcription, for `callqa metrics`.
//!
//! Must not depend on clap, environment variables or default paths: callers pass every setting.

use super::pipeline::{
    ChannelSpeech, Packing, PipelineError, SpeechActivity, Timings, detect_speech,
    recognise_speech_with, to_transcript,
};
use super::{AsrSettings, Transcriber};
use crate::activity::SpeechDetector;
use crate::audio::Audio;
use crate::metrics::{
    ActivitySettings, Interval, MetricSettings, Metrics, clean_spans, compute_metrics,
    compute_mono_metrics, intervals_from_frames, sentiment_by_thirds, word_counts,
};
use crate::transcript::{AgentChannel, Speaker, Transcript};

/// How voice activity becomes speech intervals, and the metric thresholds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MeasureSettings {
    pub activity: ActivitySettings,
    pub metrics: MetricSettings,
}

/// Metrics of a recording from the speech already found on its channels. A stereo recording gives
/// per-role metrics; a mono one (or stereo treated as mono) gives duration, talk and non-talk only.
/// `words` is (agent, customer) word counts from the transcript, for the speaking rates.
pub fn metrics_from_activity(
    duration: f64,
    activity: &SpeechActivity,
    words: Option<(usize, usize)>,
    settings: &MeasureSettings,
) -> Metrics {
    // Only a stereo recording has an agent and a customer channel.
    match (
        activity.channel_of(Speaker::Agent),
        activity.channel_of(Speaker::Customer),
    ) {
        (Some(agent), Some(customer)) => compute_metrics(
            duration,
            &speech_intervals(agent, &settings.activity),
            &speech_intervals(customer, &settings.activity),
            words,
            &settings.metrics,
        ),
        _ => {
            let all: Vec<Interval> = activity
                .channels
                .iter()
                .flat_map(|c| speech_intervals(c, &settings.activity))
                .collect();
            compute_mono_metrics(duration, &all, &settings.metrics)
        }
    }
}

/// One channel's speech intervals: from the detector's unpadded frames when it has them (frames of its
/// own length), else from its spans; short gaps bridged and short bursts dropped either way.
pub fn speech_intervals(channel: &ChannelSpeech, settings: &ActivitySettings) -> Vec<Interval> {
    match &channel.frames {
        Some(f) => intervals_from_frames(
            &f.speech,
            &ActivitySettings {
                frame_seconds: f.frame_seconds,
                ..*settings
            },
        ),
        None => clean_spans(&channel.spans, settings),
    }
}

/// Finds the speech of a 16 kHz recording once per channel and measures it, without transcribing.
/// Returns the metrics and the activity they came from.
pub fn measure(
    audio: &Audio,
    detector: Option<&mut dyn SpeechDetector>,
    agent: AgentChannel,
    label: &str,
    settings: &MeasureSettings,
    timings: &mut Timings,
) -> Result<(Metrics, SpeechActivity), PipelineError> {
    let activity = detect_speech(audio, detector, agent, label, timings)?;
    let metrics = metrics_from_activity(audio.duration(), &activity, None, settings);
    Ok((metrics, activity))
}

/// Transcribes a 16 kHz recording and measures it from one run of voice activity per channel, the speech
/// handed to whisper per channel or packed into one buffer (`packing`). The transcript carries the metrics
/// (with speaking rates from its words and sentiment by thirds) in its `metrics` field.
#[allow(clippy::too_many_arguments)]
pub fn transcribe_and_measure(
    audio: &Audio,
    detector: Option<&mut dyn SpeechDetector>,
    transcriber: &dyn Transcriber,
    asr: &AsrSettings,
    packing: Packing,
    agent: AgentChannel,
    call_id: &str,
    label: &str,
    settings: &MeasureSettings,
    timings: &mut Timings,
) -> Result<Transcript, PipelineError> {
    let activity = detect_speech(audio, detector, agent, label, timings)?;
    let segments =
        recognise_speech_with(audio, &activity, transcriber, asr, packing, label, timings)?;
    let mut transcript = to_transcript(call_id, audio, segments, asr);
    let mut metrics = metrics_from_activity(
        audio.duration(),
        &activity,
        Some(word_counts(&transcript)),
        settings,
    );
    metrics.sentiment = sentiment_by_thirds(&transcript);
    transcript.metrics = Some(metrics);
    Ok(transcript)
}

/// Where a recognised transcript came from, recorded the same way by `transcribe` and `run`.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// The recording's path as the user gave it.
    pub source: &'a str,
    /// The recording's blake3 content hash (hex).
    pub audio_hash: &'a str,
    /// The model as the user named it, and its SHA-1.
    pub model: &'a str,
    pub model_sha1: &'a str,
    /// The speech detector's name.
    pub vad: &'a str,
    pub agent: AgentChannel,
}

/// Writes `origin` and the decoding settings into the transcript's provenance.
pub fn stamp_provenance(transcript: &mut Transcript, origin: &Origin, asr: &AsrSettings) {
    let p = &mut transcript.provenance;
    p.source = Some(origin.source.to_string());
    p.format = Some("whisper".into());
    p.audio_hash = Some(format!("blake3:{}", origin.audio_hash));
    p.model = Some(origin.model.to_string());
    p.parameters
        .insert("model_sha1".into(), origin.model_sha1.into());
    p.parameters.insert("vad".into(), origin.vad.into());
    p.parameters
        .insert("beam_size".into(), asr.beam_size.unwrap_or(1).into());
    p.parameters.insert(
        "agent_channel".into(),
        format!("{:?}", origin.agent).to_lowercase().into(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::{ActivityError, ChannelActivity, Intervals};
    use crate::asr::fake::{FakeTranscriber, seg};

    /// Answers with fixed spans per call and counts how often it ran and on how many samples.
    struct CountingDetector {
        answers: Vec<Intervals>,
        calls: Vec<usize>,
    }

    impl SpeechDetector for CountingDetector {
        fn analyse(&mut self, samples: &[f32]) -> Result<ChannelActivity, ActivityError> {
            self.calls.push(samples.len());
            Ok(ChannelActivity {
                spans: self
                    .answers
                    .get(self.calls.len() - 1)
                    .cloned()
                    .unwrap_or_default(),
                frames: None,
            })
        }
        fn name(&self) -> &'static str {
            "counting"
        }
    }

    fn stereo(seconds: usize) -> Audio {
        // Two different, non-silent signals so the layout is stereo.
        let n = 16_000 * seconds;
        Audio {
            sample_rate: 16_000,
            channels: vec![
                (0..n).map(|i| 0.1 * (i as f32 * 0.05).sin()).collect(),
                (0..n).map(|i| 0.1 * (i as f32 * 0.13).cos()).collect(),
            ],
        }
    }

    #[test]
    fn vad_runs_once_per_channel_and_feeds_both_transcript_and_metrics() {
        let audio = stereo(20);
        let mut det = CountingDetector {
            // Left (agent): 1–5 s and 9–12 s. Right (customer): 4–8 s (starts 1 s into the agent's turn).
            answers: vec![vec![(1.0, 5.0), (9.0, 12.0)], vec![(4.0, 8.0)]],
            calls: Vec::new(),
        };
        // Packed buffer: agent 1–5 s at [0, 4], 0.3 s gap, customer 4–8 s at [4.3, 8.3], 0.3 s gap, agent
        // 9–12 s at [8.6, 11.6].
        let fake = FakeTranscriber::new(vec![vec![
            seg(0.0, 4.0, "Thank you for calling, how can I help?"),
            seg(4.3, 8.3, "My internet is down again"),
            seg(8.6, 11.6, "Glad to help."),
        ]]);
        let mut timings = Timings::default();
        let got = transcribe_and_measure(
            &audio,
            Some(&mut det),
            &fake,
            &AsrSettings::default(),
            Packing::Packed,
            AgentChannel::Left,
            "c1",
            "c1.wav",
            &MeasureSettings::default(),
            &mut timings,
        );
        let transcript = match got {
            Ok(x) => x,
            Err(e) => panic!("{e}"),
        };
        let metrics = transcript
            .metrics
            .clone()
            .expect("the transcript carries its metrics");
        assert_eq!(det.calls, vec![16_000 * 20, 16_000 * 20]);
        // One whisper run on exactly the detected spans (+0.3 s between pieces): the same VAD.
        assert_eq!(fake.calls(), vec![16_000 * 116 / 10]);
        assert_eq!(metrics.agent_talk, Some(7.0));
        assert_eq!(metrics.customer_talk, Some(4.0));
        assert_eq!(metrics.overtalk, Some(1.0));
        assert_eq!(metrics.interruptions_by_customer, Some(1));
        assert_eq!(metrics.interruptions_by_agent, Some(0));
        // 11 agent words in 7 s, 5 customer words in 4 s.
        assert_eq!(metrics.agent_wpm, Some(94.3));
        assert_eq!(metrics.customer_wpm, Some(75.0));
        assert_eq!(metrics.non_talk_max, 8.0);
        assert!(metrics.per_role && !metrics.approximate);
        let lines: Vec<(Option<f64>, Speaker)> = transcript
            .segments
            .iter()
            .map(|s| (s.start, s.speaker))
            .collect();
        assert_eq!(
            lines,
            vec![
                (Some(1.0), Speaker::Agent),
                (Some(4.0), Speaker::Customer),
                (Some(9.0), Speaker::Agent)
            ]
        );
    }

    #[test]
    fn per_channel_runs_whisper_once_per_channel_on_the_same_vad() {
        let audio = stereo(20);
        let mut det = CountingDetector {
            answers: vec![vec![(1.0, 5.0), (9.0, 12.0)], vec![(4.0, 8.0)]],
            calls: Vec::new(),
        };
        let fake = FakeTranscriber::new(vec![
            vec![seg(0.0, 4.0, "Hello there"), seg(4.3, 7.3, "Goodbye")],
            vec![seg(0.0, 4.0, "Hi")],
        ]);
        let got = transcribe_and_measure(
            &audio,
            Some(&mut det),
            &fake,
            &AsrSettings::default(),
            Packing::PerChannel,
            AgentChannel::Left,
            "c1",
            "c1.wav",
            &MeasureSettings::default(),
            &mut Timings::default(),
        );
        let transcript = got.unwrap_or_else(|e| panic!("{e}"));
        let metrics = transcript
            .metrics
            .clone()
            .expect("the transcript carries its metrics");
        assert_eq!(det.calls.len(), 2);
        // Each channel's stitched buffer: its detected spans with 0.3 s between them.
        assert_eq!(fake.calls(), vec![16_000 * 73 / 10, 16_000 * 4]);
        let lines: Vec<(Option<f64>, Speaker)> = transcript
            .segments
            .iter()
            .map(|s| (s.start, s.speaker))
            .collect();
        assert_eq!(
            lines,
            vec![
                (Some(1.0), Speaker::Agent),
                (Some(4.0), Speaker::Customer),
                (Some(9.0), Speaker::Agent)
            ]
        );
        assert_eq!(metrics.agent_wpm, Some(25.7));
    }

    #[test]
    fn measuring_alone_runs_vad_once_per_channel_and_agent_right_swaps_roles() {
        let audio = stereo(10);
        let mut det = CountingDetector {
            answers: vec![vec![(0.0, 2.0)], vec![(3.0, 9.0)]],
            calls: Vec::new(),
        };
        let got = measure(
            &audio,
            Some(&mut det),
            AgentChannel::Right,
            "x.wav",
            &MeasureSettings::default(),
            &mut Timings::default(),
        );
        let (m, activity) = match got {
            Ok(x) => x,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(det.calls.len(), 2);
        assert_eq!(activity.detector, "counting");
        assert_eq!((m.agent_talk, m.customer_talk), (Some(6.0), Some(2.0)));
        assert_eq!(m.agent_wpm, None);
    }

    #[test]
    fn mono_runs_vad_once_and_marks_per_role_metrics_unavailable() {
        let mut audio = stereo(10);
        audio.channels.truncate(1);
        let mut det = CountingDetector {
            answers: vec![vec![(1.0, 2.0), (2.3, 4.0)]],
            calls: Vec::new(),
        };
        let (m, _) = measure(
            &audio,
            Some(&mut det),
            AgentChannel::Left,
            "m.wav",
            &MeasureSettings::default(),
            &mut Timings::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(det.calls.len(), 1);
        assert!(!m.per_role);
        assert_eq!(m.agent_talk, None);
        assert_eq!(m.interruptions_by_agent, None);
        // 0.3 s gap bridged: one 3 s stretch of talk, 6 s of trailing non-talk.
        assert_eq!(m.talk_total, 3.0);
        assert_eq!(m.non_talk_max, 6.0);
    }
}
