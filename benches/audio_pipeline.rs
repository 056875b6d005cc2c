//! Pipeline benchmark: per-stage times (decode, resample, VAD, whisper) for a 5-minute stereo call
//! built from samples/call-001.wav with hold silence, using a random-weight tiny.en model; prints the
//! pipeline wall time ÷ whisper time, and, back to back in one run, whisper on the whole mixed recording
//! without VAD against whisper on the VAD speech: per channel in one call per channel (unchunked), per
//! channel cut into ≤ 30 s chunks at the gaps (the pipeline's way), and both channels packed into one
//! buffer, unchunked and chunked. Run on purpose (see docs/benchmarks.md), never by `cargo test`.
//!
//! Must not depend on the network; the model path comes from CALLQA_BENCH_MODEL.

use callqa::activity::silero::SileroDetector;
use callqa::asr::pipeline::{
    AgentChannel, SpeechActivity, Timings, detect_speech, load_audio, recognise_speech,
    recognise_speech_packed,
};
use callqa::asr::stitch::{CHUNK_SAMPLES, ChannelSpans, PackedStitch, Stitched};
use callqa::asr::whisper::WhisperTranscriber;
use callqa::asr::{AsrError, AsrSettings, RawSegment, Transcriber};
use callqa::audio::Audio;
use callqa::audio::decode::decode_file;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Length of the call (seconds) unless CALLQA_BENCH_SECONDS says otherwise.
const TOTAL_SECONDS: f64 = 300.0;
/// Share of each repeat of call-001 that is hold silence after it.
const HOLD_SHARE: f64 = 0.21;

fn write_wav(path: &Path, rate: u32, channels: &[Vec<f32>]) -> std::io::Result<()> {
    let n = channels[0].len();
    let mut data = Vec::with_capacity(n * channels.len() * 2);
    for i in 0..n {
        for c in channels {
            data.extend(((c[i].clamp(-1.0, 1.0) * 32767.0) as i16).to_le_bytes());
        }
    }
    let ch = channels.len() as u16;
    let mut out = Vec::new();
    out.extend(b"RIFF");
    out.extend((36 + data.len() as u32).to_le_bytes());
    out.extend(b"WAVEfmt ");
    out.extend(16u32.to_le_bytes());
    out.extend(1u16.to_le_bytes());
    out.extend(ch.to_le_bytes());
    out.extend(rate.to_le_bytes());
    out.extend((rate * u32::from(ch) * 2).to_le_bytes());
    out.extend((ch * 2).to_le_bytes());
    out.extend(16u16.to_le_bytes());
    out.extend(b"data");
    out.extend((data.len() as u32).to_le_bytes());
    out.extend(data);
    std::fs::write(path, out)
}

/// Counts the calls, the samples and the 30-second windows handed to the transcriber it wraps.
struct Counting<'a> {
    inner: &'a dyn Transcriber,
    calls: AtomicUsize,
    samples: AtomicUsize,
    windows: AtomicUsize,
}

impl<'a> Counting<'a> {
    fn new(inner: &'a dyn Transcriber) -> Counting<'a> {
        Counting {
            inner,
            calls: AtomicUsize::new(0),
            samples: AtomicUsize::new(0),
            windows: AtomicUsize::new(0),
        }
    }

    /// The tally so far as a row named `name` with whisper time `whisper`.
    fn row(&self, name: &'static str, whisper: Duration) -> Row {
        Row {
            name,
            whisper,
            calls: self.calls.load(Ordering::Relaxed),
            audio: self.samples.load(Ordering::Relaxed) as f64 / 16_000.0,
            min_windows: self.windows.load(Ordering::Relaxed),
        }
    }
}

impl Counting<'_> {
    /// Tallies one buffer of `len` samples handed to the transcriber.
    fn count(&self, len: usize) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.samples.fetch_add(len, Ordering::Relaxed);
        self.windows
            .fetch_add(len.div_ceil(CHUNK_SAMPLES), Ordering::Relaxed);
    }
}

impl Transcriber for Counting<'_> {
    fn transcribe(
        &self,
        samples: &[f32],
        settings: &AsrSettings,
    ) -> Result<Vec<RawSegment>, AsrError> {
        self.count(samples.len());
        self.inner.transcribe(samples, settings)
    }

    fn transcribe_chunks(
        &self,
        samples: &[f32],
        chunks: &[Range<usize>],
        settings: &AsrSettings,
    ) -> Result<Vec<Vec<RawSegment>>, AsrError> {
        for c in chunks {
            self.count(c.len());
        }
        self.inner.transcribe_chunks(samples, chunks, settings)
    }
}

/// One configuration's whisper time, transcribe calls and seconds of audio handed to whisper.
struct Row {
    name: &'static str,
    whisper: Duration,
    calls: usize,
    audio: f64,
    /// The fewest 30-second windows whisper can encode for these calls (each call's length rounded up
    /// to whole windows): what a model that always decodes to the end of its window would need.
    min_windows: usize,
}

/// Whisper on each channel's whole stitched buffer, one call per channel (the way before chunking).
fn per_channel_unchunked(
    audio: &Audio,
    activity: &SpeechActivity,
    whisper: &dyn Transcriber,
    settings: &AsrSettings,
) -> Result<Row, AsrError> {
    let counting = Counting::new(whisper);
    let started = Instant::now();
    for ch in &activity.channels {
        let stitched = Stitched::new(&audio.channels[ch.index], &ch.spans);
        if !stitched.is_empty() {
            counting.transcribe(&stitched.samples, settings)?;
        }
    }
    Ok(counting.row("per channel, unchunked", started.elapsed()))
}

/// Whisper on both channels packed into one buffer, in one call (the way before chunking).
fn packed_unchunked(
    audio: &Audio,
    activity: &SpeechActivity,
    whisper: &dyn Transcriber,
    settings: &AsrSettings,
) -> Result<Row, AsrError> {
    let inputs: Vec<ChannelSpans<'_>> = activity
        .channels
        .iter()
        .map(|c| (audio.channels[c.index].as_slice(), c.spans.as_slice()))
        .collect();
    let packed = PackedStitch::new(&inputs);
    // The packed path asks whisper for word times, to cut segments at changes of channel.
    let with_words = AsrSettings {
        word_timestamps: true,
        ..settings.clone()
    };
    let counting = Counting::new(whisper);
    let started = Instant::now();
    counting.transcribe(&packed.samples, &with_words)?;
    Ok(counting.row("packed, unchunked", started.elapsed()))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let model = std::env::var_os("CALLQA_BENCH_MODEL")
        .map_or_else(|| PathBuf::from("/tmp/tiny-random.bin"), PathBuf::from);
    let vad_model = root.join("../shared/models/ggml-silero-v6.2.0.bin");
    let threads = std::env::var("CALLQA_BENCH_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        // As `callqa transcribe` with one file: one worker with every core.
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));

    let total = std::env::var("CALLQA_BENCH_SECONDS")
        .ok()
        .and_then(|t| t.parse::<f64>().ok())
        .unwrap_or(TOTAL_SECONDS);
    // An 8 kHz stereo call (5 minutes by default): call-001 repeated, each followed by hold silence.
    let call = decode_file(&root.join("samples/call-001.wav"))?;
    let rate = call.sample_rate;
    let one = call.channels[0].len();
    let repeat_seconds = one as f64 / f64::from(rate) / (1.0 - HOLD_SHARE);
    let repeats = ((total / repeat_seconds).round() as usize).max(1);
    let hold = ((total * f64::from(rate)) as usize / repeats).saturating_sub(one);
    let mut chans = vec![Vec::new(), Vec::new()];
    for _ in 0..repeats {
        for (dst, src) in chans.iter_mut().zip(&call.channels) {
            dst.extend_from_slice(src);
            dst.extend(std::iter::repeat_n(0.0f32, hold));
        }
    }
    // A real line is never digitally silent: CALLQA_BENCH_HISS_DBFS (e.g. -50) adds white noise at that
    // RMS level to both channels, so the silence and hold are only quiet, as on a recorded call.
    let hiss = std::env::var("CALLQA_BENCH_HISS_DBFS")
        .ok()
        .and_then(|t| t.parse::<f32>().ok());
    if let Some(dbfs) = hiss {
        // Uniform noise in [-a, a] has RMS a / √3.
        let a = 10f32.powf(dbfs / 20.0) * 3f32.sqrt();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for ch in &mut chans {
            for v in ch.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *v += a * ((state >> 40) as f32 / (1u64 << 23) as f32 - 1.0);
            }
        }
    }
    let dir = tempfile::tempdir()?;
    let wav = dir.path().join("five-minutes.wav");
    write_wav(&wav, rate, &chans)?;

    let load = Instant::now();
    let whisper = WhisperTranscriber::load(&model)?;
    let mut vad = SileroDetector::load_for(&vad_model, threads)?;
    let load = load.elapsed();
    let settings = AsrSettings {
        threads,
        ..AsrSettings::default()
    };

    let counting = Counting::new(&whisper);
    let full_before = whisper.full_time();
    let wall = Instant::now();
    let mut t = Timings::default();
    let audio = load_audio(&wav, &mut t)?;
    let activity = detect_speech(
        &audio,
        Some(&mut vad),
        AgentChannel::Left,
        "five-minutes.wav",
        &mut t,
    )?;
    recognise_speech(
        &audio,
        &activity,
        &counting,
        &settings,
        "five-minutes.wav",
        &mut t,
    )?;
    let wall = wall.elapsed().as_secs_f64();
    let full = (whisper.full_time() - full_before).as_secs_f64();
    let chunked = counting.row("per channel, chunked", t.whisper);

    // Both channels silent = silence or hold.
    let speech_any = {
        let mut marks = vec![false; (audio.duration() * 100.0) as usize + 1];
        for ch in &activity.channels {
            for &(s, e) in &ch.spans {
                for m in marks
                    .iter_mut()
                    .take((e * 100.0) as usize)
                    .skip((s * 100.0) as usize)
                {
                    *m = true;
                }
            }
        }
        marks.iter().filter(|m| **m).count() as f64 / marks.len() as f64
    };

    let mixed: Vec<f32> = audio.channels[0]
        .iter()
        .zip(&audio.channels[1])
        .map(|(a, b)| 0.5 * (a + b))
        .collect();
    let counting = Counting::new(&whisper);
    let started = Instant::now();
    counting.transcribe(&mixed, &settings)?;
    let whole = counting.row("whole mix, no VAD", started.elapsed());

    let unchunked = per_channel_unchunked(&audio, &activity, &whisper, &settings)?;
    let packed_whole = packed_unchunked(&audio, &activity, &whisper, &settings)?;

    let counting = Counting::new(&whisper);
    let mut packed = Timings::default();
    recognise_speech_packed(
        &audio,
        &activity,
        &counting,
        &settings,
        "five-minutes.wav",
        &mut packed,
    )?;
    let packed_chunked = counting.row("packed, chunked", packed.whisper);

    let s = |d: Duration| d.as_secs_f64();
    println!(
        "model {} ({} threads), {:.1} s stereo call, {:.0}% silence or hold, {}",
        model.display(),
        threads,
        audio.duration(),
        100.0 * (1.0 - speech_any),
        hiss.map_or("digital silence between speech".to_string(), |d| format!(
            "{d} dBFS hiss throughout"
        ))
    );
    println!("load models       {:8.3} s (once per process)", s(load));
    println!("decode            {:8.3} s", s(t.decode));
    println!("resample          {:8.3} s", s(t.resample));
    println!("vad (2 channels)  {:8.3} s", s(t.vad));
    println!(
        "whisper (2 ch)    {:8.3} s (per channel, chunked: making states, whisper_full, reading segments)",
        s(t.whisper)
    );
    println!("  of it whisper_full {:5.3} s", full);
    println!("pipeline wall     {:8.3} s", wall);
    println!(
        "wall ÷ whisper_full            {:.3} (target ≤ 1.03)",
        wall / full
    );
    println!(
        "{:<24} {:>9} {:>6} {:>9} {:>12} {:>12}",
        "whisper on", "time (s)", "calls", "audio (s)", "min windows", "÷ whole mix"
    );
    for row in [&whole, &unchunked, &chunked, &packed_whole, &packed_chunked] {
        println!(
            "{:<24} {:>9.3} {:>6} {:>9.1} {:>12} {:>12.3}",
            row.name,
            s(row.whisper),
            row.calls,
            row.audio,
            row.min_windows,
            s(row.whisper) / s(whole.whisper)
        );
    }
    println!("target: VAD ÷ whole mix ≤ 0.6");
    Ok(())
}
