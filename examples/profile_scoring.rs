//! Scores N synthetic calls (the input of `benches/scoring.rs`) with the default rubric, for
//! profiling under callgrind:
//!
//! ```sh
//! cargo build --release --example profile_scoring
//! valgrind --tool=callgrind target/release/examples/profile_scoring 500
//! ```
//!
//! With `--digest` it also prints a SHA-256 of the scorecards' JSON, so an optimisation can be
//! checked not to change any output.

use callqa::rubric::Rubric;
use callqa::scoring::score;
use sha2::{Digest, Sha256};
use std::hint::black_box;

/// The allocator the `callqa` binary and the scoring bench use, so the counts are theirs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../benches/common/mod.rs"]
mod common;

fn main() {
    let mut n = 500u64;
    let mut digest = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--digest" => digest = true,
            _ => match arg.parse() {
                Ok(v) => n = v,
                Err(_) => {
                    eprintln!("usage: profile_scoring [N] [--digest]");
                    std::process::exit(2);
                }
            },
        }
    }
    let rubric = Rubric::builtin_default();
    let calls: Vec<_> = (0..n).map(common::synthetic_call).collect();
    let mut hasher = Sha256::new();
    for t in &calls {
        let card = black_box(score(&rubric, black_box(t)));
        if digest {
            match serde_json::to_vec(&card) {
                Ok(json) => hasher.update(&json),
                Err(e) => {
                    eprintln!("cannot serialize a scorecard: {e}");
                    std::process::exit(1);
                }
            }
        }
    }
    if digest {
        let sum: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        println!("{n} scorecards, sha256 {sum}");
    }
}
