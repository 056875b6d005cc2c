//! Scoring throughput: 10,000 synthetic 5-minute transcripts (about 750 words each) scored with
//! the default rubric on one thread. Run with `cargo bench --bench scoring`.

use callqa::rubric::Rubric;
use callqa::scoring::score;
use callqa::transcript::Transcript;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

mod common;
use common::synthetic_call;

/// The allocator the `callqa` binary uses (src/main.rs), so the figure is the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let rubric = Rubric::builtin_default();
    let calls: Vec<Transcript> = (0..10_000).map(synthetic_call).collect();
    let mut group = c.benchmark_group("score");
    group.sample_size(10);
    group.throughput(Throughput::Elements(calls.len() as u64));
    group.bench_function("default_rubric_10k_5min_calls", |b| {
        b.iter(|| {
            for t in &calls {
                black_box(score(&rubric, black_box(t)));
            }
        })
    });
    group.finish();
    c.bench_function("compile_default_rubric", |b| {
        b.iter(|| black_box(Rubric::builtin_default()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
