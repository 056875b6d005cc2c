//! Conversation-metrics speed on a synthetic 1-hour stereo call (10 ms frames, 360,000 per channel):
//! metrics from speech intervals (target: under 50 ms), and the whole path from frame flags. Run with
//! `cargo bench --bench metrics`. Also VADER sentiment by thirds over a 1-hour transcript of 1,200 segments.

use callqa::metrics::{
    ActivitySettings, Interval, MetricSettings, compute_metrics, intervals_from_frames,
    sentiment_by_thirds,
};
use callqa::transcript::{Segment, Speaker, Transcript};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

const FRAMES: usize = 360_000;

/// Deterministic turn-taking: each turn 1-15 s with short dips inside (bridged) and, now and then, the
/// other party starting before the turn ends (overtalk, interruptions), a backchannel (mm-hm) from the
/// listener, a long hold, or a click.
fn synthetic_call() -> (Vec<bool>, Vec<bool>) {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut channels = [vec![false; FRAMES], vec![false; FRAMES]];
    let mut t = 50;
    let mut who = 0;
    while t < FRAMES {
        let len = 100 + next(1400);
        let end = (t + len).min(FRAMES);
        channels[who][t..end].fill(true);
        let mut dip = t + 50 + next(200);
        while dip + 30 < end {
            let dip_len = 10 + next(20);
            channels[who][dip..dip + dip_len].fill(false);
            dip += 80 + next(300);
        }
        if next(3) == 0 {
            let at = (t + next(len)).min(FRAMES - 60);
            channels[1 - who][at..at + 30 + next(30)].fill(true);
        }
        if next(10) == 0 {
            let click = (t + next(len)).min(FRAMES - 5);
            channels[1 - who][click..click + 5].fill(true);
        }
        t = match next(10) {
            0..=1 => end.saturating_sub(30 + next(150)),
            2 => end + 500 + next(6000),
            _ => end + 20 + next(120),
        };
        who = 1 - who;
    }
    let [agent, customer] = channels;
    (agent, customer)
}

fn bench(c: &mut Criterion) {
    let (agent_frames, customer_frames) = synthetic_call();
    let activity = ActivitySettings::default();
    let settings = MetricSettings::default();
    let duration = FRAMES as f64 * activity.frame_seconds;
    let agent: Vec<Interval> = intervals_from_frames(&agent_frames, &activity);
    let customer: Vec<Interval> = intervals_from_frames(&customer_frames, &activity);
    let m = compute_metrics(duration, &agent, &customer, None, &settings);
    // The workload is a real call's shape, not an empty one: hundreds of turns, holds and interruptions.
    assert!(agent.len() > 150 && customer.len() > 150);
    assert!(m.non_talk_count > 10 && m.interruptions.len() > 50);

    c.bench_function("metrics_from_intervals_1h_stereo", |b| {
        b.iter(|| {
            compute_metrics(
                black_box(duration),
                black_box(&agent),
                black_box(&customer),
                Some((9000, 7000)),
                &settings,
            )
        })
    });
    c.bench_function("metrics_from_frames_1h_stereo", |b| {
        b.iter(|| {
            let a = intervals_from_frames(black_box(&agent_frames), &activity);
            let c = intervals_from_frames(black_box(&customer_frames), &activity);
            compute_metrics(duration, &a, &c, Some((9000, 7000)), &settings)
        })
    });
}

const LINES: &[&str] = &[
    "Hi, I was charged twice for my order last week and I'm not happy about it.",
    "I'm sorry to hear that, let me take a look at your account.",
    "Thank you for waiting, I can see the payment on the fourteenth was taken twice.",
    "um okay and when will the money be back in my account",
    "Great, thank you so much, that is really helpful!",
    "This is terrible service and I am absolutely furious.",
];

fn bench_sentiment(c: &mut Criterion) {
    let mut transcript = Transcript::new("bench-sentiment");
    transcript.segments = (0..1200)
        .map(|i| Segment {
            start: Some(i as f64 * 3.0),
            end: Some(i as f64 * 3.0 + 2.5),
            speaker: if i % 2 == 0 {
                Speaker::Agent
            } else {
                Speaker::Customer
            },
            channel: None,
            text: LINES[i % LINES.len()].to_string(),
            words: None,
        })
        .collect();
    c.bench_function("sentiment_by_thirds_1h_1200_segments", |b| {
        b.iter(|| sentiment_by_thirds(black_box(&transcript)))
    });
}

criterion_group!(benches, bench, bench_sentiment);
criterion_main!(benches);
