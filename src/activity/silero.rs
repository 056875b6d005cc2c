//! Silero VAD through whisper.cpp's `WhisperVadContext`, run with one thread (whisper.cpp's built-in
//! VAD inside `whisper_full` always uses 4 threads, which is far slower on a 2-core machine).
//!
//! Must not depend on the transcript model, ASR stitching or clap.

use super::{
    ActivityError, ChannelActivity, Intervals, SpeechDetector, SpeechFrames, chunk_rms, noise_floor,
};
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use whisper_rs::{WhisperVadContext, WhisperVadContextParams, WhisperVadParams};

/// A loaded Silero VAD model: one network per thread it may read with, each network on one thread.
pub struct SileroDetector {
    networks: Vec<WhisperVadContext>,
}

impl std::fmt::Debug for SileroDetector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SileroDetector").finish_non_exhaustive()
    }
}

impl SileroDetector {
    /// Loads the ggml Silero model at `path`, to read one channel at a time.
    pub fn load(path: &Path) -> Result<SileroDetector, ActivityError> {
        SileroDetector::load_for(path, 1)
    }

    /// Loads the model at `path` once per thread of `threads` (at least one): [`SpeechDetector::analyse`]
    /// and [`SpeechDetector::analyse_channels`] then share the reading out among that many threads, each
    /// with its own network (0.9 MB, and 1.6 MB to compute in).
    pub fn load_for(path: &Path, threads: usize) -> Result<SileroDetector, ActivityError> {
        let load_err = |detail: String| ActivityError::Load {
            path: path.to_path_buf(),
            detail,
        };
        if !path.is_file() {
            return Err(load_err("no such file".into()));
        }
        let text = path
            .to_str()
            .ok_or_else(|| load_err("the path is not valid UTF-8".into()))?;
        // Routes whisper.cpp's own logging through the `log` facade, which callqa leaves silent.
        whisper_rs::install_logging_hooks();
        let networks = (0..threads.max(1))
            .map(|_| {
                let mut params = WhisperVadContextParams::default();
                params.set_n_threads(1);
                params.set_use_gpu(false);
                WhisperVadContext::new(text, params).map_err(|e| load_err(e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SileroDetector { networks })
    }
}

/// Samples per Silero probability: the model reads 512-sample windows at 16 kHz (32 ms).
const WINDOW: usize = 512;
/// Silero's own speech threshold, also whisper.cpp's default for its spans.
pub const SPEECH_THRESHOLD: f32 = 0.5;
/// Speech that has started goes on while the probability stays above the threshold minus this (Silero's
/// `neg_threshold`, also used by whisper.cpp).
const HYSTERESIS: f32 = 0.15;
/// Silero's recurrent state holds the speech probability above 0.5 for about 0.1 s after a voice stops (its
/// hang-over), which would add that much talk time to every turn. A window whose energy is at the line's
/// noise floor cannot hold speech, so the metrics' frames also need energy above the floor: the 10th
/// percentile of the window RMS values (in a two-party call each side is silent far more than a tenth of
/// the time), plus 6 dB. Inside speech the gate only opens short holes (stop consonants), which the
/// metrics' gap bridging closes again.
///
/// A window counts as speech only when its RMS is at least this many times the channel's noise floor
/// (6 dB above it).
const GATE_OVER_FLOOR: f32 = 2.0;
/// The quietest RMS that can count as speech whatever the floor (-80 dBFS), so digital silence is never
/// speech.
const GATE_MIN_RMS: f32 = 1e-4;

/// Windows (128 ms) of audio around every stretch above the gate that Silero also reads: before it, so its
/// recurrent state has settled when speech starts; after it, so its hang-over (about 0.1 s) ends inside
/// what it read. Against the network over every window, on the metrics accuracy set and the samples, 4
/// windows change as many frames as 16 did (26 and 23 of 3,928) and read a quarter fewer windows.
const RUN_PAD: usize = 4;
/// Padded stretches less than this many windows (128 ms) apart are read as one: restarting the network
/// costs about a third of a window, and a pause inside a word is better read with the speech around it.
const MIN_SKIP: usize = 4;

/// The window ranges Silero reads: every window above the gate, widened by `pad` windows on each side,
/// with ranges less than `min_skip` windows apart joined. The rest is quieter than speech can be and is
/// not read at all, which on a two-party channel (silent while the other side talks, and on hold) is
/// most of it.
fn active_runs(above: &[bool], pad: usize, min_skip: usize) -> Vec<Range<usize>> {
    let mut runs: Vec<Range<usize>> = Vec::new();
    for (i, _) in above.iter().enumerate().filter(|(_, a)| **a) {
        let (from, to) = (i.saturating_sub(pad), (i + 1 + pad).min(above.len()));
        match runs.last_mut() {
            Some(last) if from < last.end + min_skip => last.end = last.end.max(to),
            _ => runs.push(from..to),
        }
    }
    runs
}

/// What Silero reads of one channel: every window's place against the gate, and the stretches loud
/// enough to hold speech ([`active_runs`]).
struct Plan {
    above: Vec<bool>,
    runs: Vec<Range<usize>>,
}

fn plan(samples: &[f32]) -> Plan {
    let rms = chunk_rms(samples, WINDOW);
    let gate = (noise_floor(&rms) * GATE_OVER_FLOOR).max(GATE_MIN_RMS);
    let above: Vec<bool> = rms.iter().map(|&r| r >= gate).collect();
    let runs = active_runs(&above, RUN_PAD, MIN_SKIP);
    Plan { above, runs }
}

/// One stretch read: the network's probability per window of it, and whisper.cpp's spans in it (seconds
/// from the start of the channel).
struct Read {
    probabilities: Vec<f32>,
    spans: Intervals,
}

/// One pass of `network` over the windows `run` of `samples`, from a fresh state (whisper.cpp resets the
/// network at every call), so stretches can be read in any order and by any network.
fn read_run(
    network: &mut WhisperVadContext,
    samples: &[f32],
    run: &Range<usize>,
) -> Result<Read, ActivityError> {
    let total = samples.len() as f64 / 16_000.0;
    let from = run.start * WINDOW;
    let to = (run.end * WINDOW).min(samples.len());
    let detect = |e: whisper_rs::WhisperError| ActivityError::Detect(e.to_string());
    network.detect_speech(&samples[from..to]).map_err(detect)?;
    let probabilities = network.probabilities().to_vec();
    let mut params = WhisperVadParams::new();
    params.set_threshold(SPEECH_THRESHOLD);
    let offset = from as f64 / 16_000.0;
    // whisper.cpp reports VAD timestamps in centiseconds.
    let spans = network
        .segments_from_probabilities(params)
        .map_err(detect)?
        .map(|s| {
            (
                (offset + f64::from(s.start) / 100.0).clamp(0.0, total),
                (offset + f64::from(s.end) / 100.0).clamp(0.0, total),
            )
        })
        .filter(|(s, e)| e > s)
        .collect();
    Ok(Read {
        probabilities,
        spans,
    })
}

/// A channel's activity from the reads of its plan's runs, in the same order. The probabilities give
/// the metrics their frames (speech where p ≥ 0.5 and the window is above the gate, unpadded, one per
/// 32 ms window); whisper.cpp turned the same probabilities into the padded spans that are transcribed
/// (speech of at least 250 ms, 30 ms padding).
///
/// Silero reads only the stretches loud enough to hold speech; between them its probability is taken as
/// 0. Loud stretches read apart are at least 12 windows (0.38 s) apart, so whisper.cpp's spans (merged
/// across gaps under 0.1 s, padded by 30 ms) never join across one.
fn assemble(plan: &Plan, reads: Vec<Read>) -> ChannelActivity {
    let mut probabilities = vec![0.0f32; plan.above.len()];
    let mut spans: Intervals = Vec::new();
    for (run, read) in plan.runs.iter().zip(reads) {
        for (p, q) in probabilities[run.clone()]
            .iter_mut()
            .zip(read.probabilities)
        {
            *p = q;
        }
        spans.extend(read.spans);
    }
    // Silero's own hysteresis: speech starts at p ≥ 0.5 and goes on while p ≥ 0.35.
    let mut speaking = false;
    let speech = probabilities
        .iter()
        .zip(&plan.above)
        .map(|(&p, &loud)| {
            speaking = p >= SPEECH_THRESHOLD || (speaking && p >= SPEECH_THRESHOLD - HYSTERESIS);
            speaking && loud
        })
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    ChannelActivity {
        spans,
        frames: Some(SpeechFrames {
            frame_seconds: WINDOW as f64 / 16_000.0,
            speech,
        }),
    }
}

impl SpeechDetector for SileroDetector {
    fn analyse(&mut self, samples: &[f32]) -> Result<ChannelActivity, ActivityError> {
        self.analyse_channels(&[samples])?
            .pop()
            .ok_or_else(|| ActivityError::Detect("no channel was read".into()))
    }

    /// Every loud stretch of every channel is one job; with more than one network, each network takes
    /// the next job, longest first, on its own thread, so two networks share even one channel's reading.
    /// Each stretch is read from a fresh state, so the result is the same as one network reading them in
    /// turn.
    fn analyse_channels(
        &mut self,
        channels: &[&[f32]],
    ) -> Result<Vec<ChannelActivity>, ActivityError> {
        let plans: Vec<Plan> = channels.iter().map(|c| plan(c)).collect();
        // A job is (channel, run), longest run first.
        let mut jobs: Vec<(usize, usize)> = plans
            .iter()
            .enumerate()
            .flat_map(|(c, p)| (0..p.runs.len()).map(move |r| (c, r)))
            .collect();
        jobs.sort_by_key(|&(c, r)| std::cmp::Reverse(plans[c].runs[r].len()));
        let next = AtomicUsize::new(0);
        // One network takes jobs until none is left.
        let work = |network: &mut WhisperVadContext| {
            let mut done = Vec::new();
            while let Some(&(c, r)) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                done.push(((c, r), read_run(network, channels[c], &plans[c].runs[r])));
            }
            done
        };
        let mut done = if self.networks.len() < 2 || jobs.len() < 2 {
            work(&mut self.networks[0])
        } else {
            std::thread::scope(|scope| {
                let workers: Vec<_> = self
                    .networks
                    .iter_mut()
                    .map(|network| scope.spawn(|| work(network)))
                    .collect();
                workers
                    .into_iter()
                    .map(|w| w.join())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| ActivityError::Detect("a VAD thread panicked".into()))
            })?
            .into_iter()
            .flatten()
            .collect()
        };
        // Back in channel and run order: each channel takes as many reads as it has runs.
        done.sort_by_key(|&(job, _)| job);
        let mut reads = done.into_iter().map(|(_, read)| read);
        plans
            .iter()
            .map(|plan| {
                let reads = reads
                    .by_ref()
                    .take(plan.runs.len())
                    .collect::<Result<Vec<Read>, _>>()?;
                Ok(assemble(plan, reads))
            })
            .collect()
    }

    fn name(&self) -> &'static str {
        "silero"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn above(pattern: &str) -> Vec<bool> {
        pattern.chars().map(|c| c == '#').collect()
    }

    #[test]
    fn runs_pad_each_loud_stretch_and_skip_long_quiet_ones() {
        // Two loud stretches 12 windows apart: padded by 2 they stay 8 apart, more than 5, so the quiet
        // middle is skipped; the padding never leaves the channel.
        let a = above("##..........##......");
        assert_eq!(active_runs(&a, 2, 5), vec![0..4, 10..16]);
    }

    #[test]
    fn runs_closer_than_the_minimum_skip_are_read_as_one() {
        let a = above("..#.....#...........#");
        assert_eq!(active_runs(&a, 1, 5), vec![1..10, 19..21]);
        assert_eq!(active_runs(&a, 1, 10), vec![1..21]);
    }

    #[test]
    fn a_quiet_channel_is_not_read_at_all() {
        assert!(active_runs(&above("........"), 16, 32).is_empty());
        assert_eq!(active_runs(&above("########"), 16, 32), vec![0..8]);
    }
}
