//! Energy-based speech detector: the fallback when no Silero model is available. Frames of 30 ms
//! whose RMS is well above the channel's noise floor count as speech; short gaps are bridged.
//!
//! Must not depend on whisper, the transcript model or clap.

use super::{
    ActivityError, ChannelActivity, Intervals, SpeechDetector, SpeechFrames, chunk_rms, noise_floor,
};

const FRAME: usize = 480;
const RATE: f64 = 16_000.0;

/// Energy detector with an absolute floor and a margin over the quietest frames.
#[derive(Debug, Clone)]
pub struct EnergyDetector {
    /// Frames quieter than this RMS are never speech.
    pub min_rms: f32,
    /// Gaps shorter than this (seconds) are bridged.
    pub min_gap: f64,
    /// Speech shorter than this (seconds) is dropped.
    pub min_speech: f64,
    /// Speech is padded by this much (seconds) on both sides.
    pub pad: f64,
}

impl Default for EnergyDetector {
    fn default() -> Self {
        EnergyDetector {
            min_rms: 0.01,
            min_gap: 0.3,
            min_speech: 0.15,
            pad: 0.1,
        }
    }
}

impl SpeechDetector for EnergyDetector {
    /// One pass over the frame energies: the loud frames (unpadded) for the metrics, and the bridged,
    /// padded spans to transcribe.
    fn analyse(&mut self, samples: &[f32]) -> Result<ChannelActivity, ActivityError> {
        let energies = chunk_rms(samples, FRAME);
        let threshold = self.min_rms.max(noise_floor(&energies) * 4.0);
        let frame_secs = FRAME as f64 / RATE;
        let total = samples.len() as f64 / RATE;
        let mut raw: Intervals = Vec::new();
        for (i, &e) in energies.iter().enumerate() {
            if e < threshold {
                continue;
            }
            let (s, t) = (
                i as f64 * frame_secs,
                ((i + 1) as f64 * frame_secs).min(total),
            );
            match raw.last_mut() {
                Some(last) if s - last.1 < self.min_gap => last.1 = t,
                _ => raw.push((s, t)),
            }
        }
        let mut out: Intervals = Vec::new();
        for (s, t) in raw.into_iter().filter(|(s, t)| t - s >= self.min_speech) {
            let (s, t) = ((s - self.pad).max(0.0), (t + self.pad).min(total));
            match out.last_mut() {
                Some(last) if s <= last.1 => last.1 = t,
                _ => out.push((s, t)),
            }
        }
        Ok(ChannelActivity {
            spans: out,
            frames: Some(SpeechFrames {
                frame_seconds: frame_secs,
                speech: energies.iter().map(|&e| e >= threshold).collect(),
            }),
        })
    }

    fn name(&self) -> &'static str {
        "energy"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_tone_between_silences() {
        let mut x = vec![0.0f32; 16_000];
        x.extend((0..16_000).map(|i| 0.3 * (i as f32 * 0.2).sin()));
        x.extend(vec![0.0f32; 16_000]);
        let got = EnergyDetector::default()
            .detect(&x)
            .ok()
            .unwrap_or_default();
        assert_eq!(got.len(), 1);
        assert!((got[0].0 - 0.9).abs() < 0.05, "{got:?}");
        assert!((got[0].1 - 2.1).abs() < 0.05, "{got:?}");
        assert!(EnergyDetector::default().detect(&[0.0; 16_000]).ok() == Some(vec![]));
    }
}
