//! Pipeline benchmark: per-stage times (decode, resample, VAD, whisper) for a 5-minute stereo call
//! built from samples/call-001.wav with hold silence, using a random-weight tiny.en model; prints the
//! pipeline wall time ÷ whisper time, and whisper with per-channel VAD ÷ whisper on the whole mixed
//! recording without VAD, per channel and with both channels packed into one buffer. Run on purpose (see docs/benchmarks.md), never by `cargo test`.
//!
//! Must not depend on the network; the model path comes from CALLQA_BENCH_MODEL.

use callqa::activity::silero::SileroDetector;
use callqa::asr::pipeline::{
    AgentChannel, Timings, detect_speech, load_audio, recognise_speech, recognise_speech_packed,
};
use callqa::asr::whisper::WhisperTranscriber;
use callqa::asr::{AsrSettings, Transcriber};
use callqa::audio::Audio;
use callqa::audio::decode::decode_file;
use std::path::{Path, PathBuf};
use std::time::Instant;

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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let model = std::env::var_os("CALLQA_BENCH_MODEL")
        .map_or_else(|| PathBuf::from("/tmp/tiny-random.bin"), PathBuf::from);
    let vad_model = root.join("../shared/models/ggml-silero-v6.2.0.bin");
    let threads = std::env::var("CALLQA_BENCH_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(2);

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
    let dir = tempfile::tempdir()?;
    let wav = dir.path().join("five-minutes.wav");
    write_wav(&wav, rate, &chans)?;

    let load = Instant::now();
    let whisper = WhisperTranscriber::load(&model)?;
    let mut vad = SileroDetector::load(&vad_model)?;
    let load = load.elapsed();
    let settings = AsrSettings {
        threads,
        ..AsrSettings::default()
    };

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
        &whisper,
        &settings,
        "five-minutes.wav",
        &mut t,
    )?;
    let wall = wall.elapsed().as_secs_f64();

    // The same speech packed into one buffer for both channels.
    let mut packed = Timings::default();
    recognise_speech_packed(
        &audio,
        &activity,
        &whisper,
        &settings,
        "five-minutes.wav",
        &mut packed,
    )?;

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

    let mixed = Audio {
        sample_rate: audio.sample_rate,
        channels: vec![
            audio.channels[0]
                .iter()
                .zip(&audio.channels[1])
                .map(|(a, b)| 0.5 * (a + b))
                .collect(),
        ],
    };
    let whole = Instant::now();
    whisper.transcribe(&mixed.channels[0], &settings)?;
    let whole = whole.elapsed().as_secs_f64();

    let s = |d: std::time::Duration| d.as_secs_f64();
    println!(
        "model {} ({} threads), {:.1} s stereo call, {:.0}% silence or hold",
        model.display(),
        threads,
        audio.duration(),
        100.0 * (1.0 - speech_any)
    );
    println!("load models       {:8.3} s (once per process)", s(load));
    println!("decode            {:8.3} s", s(t.decode));
    println!("resample          {:8.3} s", s(t.resample));
    println!("vad (2 channels)  {:8.3} s", s(t.vad));
    println!("whisper (2 ch)    {:8.3} s", s(t.whisper));
    println!("pipeline wall     {:8.3} s", wall);
    println!(
        "wall ÷ whisper                 {:.3} (target ≤ 1.03)",
        wall / s(t.whisper)
    );
    println!("whisper, whole mix, no VAD {:8.3} s", whole);
    println!(
        "VAD per channel ÷ whole mix    {:.3} (target ≤ 0.6)",
        s(t.whisper) / whole
    );
    println!("whisper, both channels packed {:8.3} s", s(packed.whisper));
    println!(
        "VAD packed ÷ whole mix         {:.3} (target ≤ 0.6)",
        s(packed.whisper) / whole
    );
    Ok(())
}
