//! The synthetic calls of the scoring benchmark, shared by `benches/scoring.rs` and
//! `examples/profile_scoring.rs` so both measure the same input.

use callqa::transcript::{Segment, Speaker, Transcript};

const AGENT: &[&str] = &[
    "Good morning, thank you for calling Acme, my name is Sam, how can I help you today?",
    "I'm sorry to hear that, let me take a look at your account.",
    "Could you please confirm your date of birth for me?",
    "Thank you for waiting, I can see the payment on the fourteenth was taken twice.",
    "I've refunded the duplicate charge and you should see it within three business days.",
    "Okay so uh what I'm going to do now is check the order history on my side",
    "right so the tracking shows it left the depot yesterday afternoon",
    "Is there anything else I can help you with today?",
    "Thanks for calling, have a great day!",
    "yeah I understand, that must be frustrating, one moment please",
];
const CUSTOMER: &[&str] = &[
    "Hi, I was charged twice for my order last week and I'm not happy about it.",
    "Sure, it's the third of March nineteen eighty.",
    "um okay and when will the money be back in my account",
    "No that was it, thank you.",
    "my package hasn't arrived yet and the app says it was delivered",
    "yeah the reference is four four two nine",
    "Right, okay, that makes sense.",
];

/// A deterministic synthetic call of about 750 words over 5 minutes.
pub fn synthetic_call(seed: u64) -> Transcript {
    let mut t = Transcript::new(format!("bench-{seed}"));
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize % n
    };
    let (mut words, mut time, mut turn) = (0usize, 0.0f64, 0usize);
    while words < 750 {
        let agent = turn % 2 == 0;
        let pool = if agent { AGENT } else { CUSTOMER };
        let text = if turn == 0 {
            AGENT[0]
        } else {
            pool[next(pool.len())]
        };
        let n = text.split_whitespace().count();
        let dur = n as f64 / 2.5;
        t.segments.push(Segment {
            start: Some(time),
            end: Some(time + dur),
            speaker: if agent {
                Speaker::Agent
            } else {
                Speaker::Customer
            },
            channel: Some(if agent { 0 } else { 1 }),
            text: text.to_string(),
            words: None,
        });
        words += n;
        time += dur + 0.4;
        turn += 1;
    }
    t.duration = Some(time);
    t
}
