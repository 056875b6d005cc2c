//! Voice-activity speed per channel, reported by criterion as throughput in "elements" = seconds of audio,
//! so elem/s reads directly as × real time: Silero VAD at one thread (target ≥ 300×) and the energy
//! fallback (target ≥ 5000×), each on 10 minutes of one channel built from the metrics accuracy set
//! (speech, pauses, hold music, line hiss at -50 dBFS), as the pipeline runs them (`analyse`: spans and
//! frames from one pass). Both are linear in the audio length, so an hour costs six times one run.
//!
//! Run with `cargo bench --bench vad`; needs ../shared/models/ggml-silero-v6.2.0.bin, never the network.

use callqa::activity::SpeechDetector;
use callqa::activity::energy::EnergyDetector;
use callqa::activity::silero::SileroDetector;
use callqa::asr::pipeline::{Timings, load_audio};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;

const SECONDS: usize = 600;

/// Ten minutes of one channel: the left and right channels of every accuracy-set call, end to end, repeated.
fn channel() -> Vec<f32> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/metrics-calls");
    let mut pieces = Vec::new();
    for name in ["call-a", "call-b", "call-c"] {
        let audio = load_audio(&root.join(format!("{name}.wav")), &mut Timings::default())
            .unwrap_or_else(|e| panic!("{e}"));
        pieces.extend(audio.channels);
    }
    let want = SECONDS * 16_000;
    let mut out = Vec::with_capacity(want);
    while out.len() < want {
        for p in &pieces {
            out.extend_from_slice(p);
        }
    }
    out.truncate(want);
    out
}

fn bench(c: &mut Criterion) {
    let samples = channel();
    let model =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/models/ggml-silero-v6.2.0.bin");
    let mut silero = SileroDetector::load(&model).unwrap_or_else(|e| panic!("{e}"));
    let mut energy = EnergyDetector::default();

    let mut group = c.benchmark_group("vad_10min_channel");
    group.throughput(Throughput::Elements(SECONDS as u64));
    group.sample_size(10);
    group.bench_function("silero_1_thread", |b| {
        b.iter(|| black_box(silero.analyse(black_box(&samples)).map(|a| a.spans.len())))
    });
    // What `analyse` read before it skipped quiet stretches: the network over every window, then
    // whisper.cpp's spans, for the same channel in the same run.
    let mut params = whisper_rs::WhisperVadContextParams::default();
    params.set_n_threads(1);
    params.set_use_gpu(false);
    let mut whole = whisper_rs::WhisperVadContext::new(
        model
            .to_str()
            .unwrap_or_else(|| panic!("model path is not UTF-8")),
        params,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    group.bench_function("silero_1_thread_every_window", |b| {
        b.iter(|| {
            whole
                .detect_speech(black_box(&samples))
                .unwrap_or_else(|e| panic!("{e}"));
            let mut p = whisper_rs::WhisperVadParams::new();
            p.set_threshold(callqa::activity::silero::SPEECH_THRESHOLD);
            black_box(whole.segments_from_probabilities(p).map(|s| s.count()))
        })
    });
    group.bench_function("energy", |b| {
        b.iter(|| black_box(energy.analyse(black_box(&samples)).map(|a| a.spans.len())))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
