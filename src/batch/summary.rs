//! The end-of-run summary: counts, failures with their reasons, average score and pass rate,
//! throughput. Plain data plus one text renderer.
//!
//! Must not depend on clap, terminals, whisper or the store.

use super::Outcome;
use std::fmt::Write;
use std::time::Duration;

/// What a batch did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub run_id: i64,
    pub inputs: usize,
    pub scored: usize,
    /// Of `scored`, re-scored from the stored transcript.
    pub rescored: usize,
    pub done_before: usize,
    /// Inputs that failed in an earlier run and were not retried.
    pub failed_before: Vec<(String, String)>,
    pub failed: Vec<(String, String)>,
    pub other_shard: usize,
    /// Scored calls with no agent.
    pub unassigned: usize,
    pub score_sum: f64,
    pub passed: usize,
    pub audio_seconds: f64,
    pub not_started: usize,
    pub interrupted: bool,
    pub wall: Duration,
    pub whisper: Duration,
}

impl Summary {
    /// Counts one finished input.
    pub fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Scored {
                score,
                passed,
                assigned,
                audio_seconds,
                rescored,
                ..
            } => {
                self.scored += 1;
                self.rescored += usize::from(*rescored);
                self.unassigned += usize::from(!assigned);
                self.score_sum += score;
                self.passed += usize::from(*passed);
                self.audio_seconds += audio_seconds;
            }
            Outcome::Done { .. } => self.done_before += 1,
            Outcome::FailedBefore { source, reason } => {
                self.failed_before.push((source.clone(), reason.clone()));
            }
            Outcome::Failed { source, reason } => {
                self.failed.push((source.clone(), reason.clone()))
            }
            Outcome::OtherShard => self.other_shard += 1,
        }
    }

    /// True when any input failed, now or in an earlier run without a retry.
    pub fn any_failed(&self) -> bool {
        !self.failed.is_empty() || !self.failed_before.is_empty()
    }

    /// The summary as text for people.
    pub fn render(&self, store: &str) -> String {
        let mut out = String::new();
        let plural = |n: usize, one: &str, many: &str| {
            if n == 1 {
                format!("{n} {one}")
            } else {
                format!("{n} {many}")
            }
        };
        let _ = writeln!(out, "{}", plural(self.inputs, "input", "inputs"));
        let _ = write!(out, "  scored       {}", self.scored);
        if self.rescored > 0 {
            let _ = write!(
                out,
                " ({} re-scored from stored transcripts, no ASR)",
                self.rescored
            );
        }
        out.push('\n');
        let _ = writeln!(
            out,
            "  skipped      {} already scored with this rubric and model",
            self.done_before
        );
        if !self.failed_before.is_empty() {
            let _ = writeln!(
                out,
                "  not retried  {} failed in an earlier run (--retry-failed retries them)",
                self.failed_before.len()
            );
            for (source, reason) in &self.failed_before {
                let _ = writeln!(out, "    {}", with_source(reason, source));
            }
        }
        let _ = writeln!(out, "  failed       {}", self.failed.len());
        for (source, reason) in &self.failed {
            let _ = writeln!(out, "    {}", with_source(reason, source));
        }
        if self.other_shard > 0 {
            let _ = writeln!(out, "  other shards {}", self.other_shard);
        }
        if self.not_started > 0 {
            let _ = writeln!(
                out,
                "  not started  {} (interrupted; run again to finish)",
                self.not_started
            );
        }
        let _ = writeln!(
            out,
            "  unassigned   {} scored call{} with no agent",
            self.unassigned,
            if self.unassigned == 1 { "" } else { "s" }
        );
        if self.scored > 0 {
            let _ = writeln!(
                out,
                "  average score {:.1}, pass rate {:.1}% ({} of {})",
                self.score_sum / self.scored as f64,
                100.0 * self.passed as f64 / self.scored as f64,
                self.passed,
                self.scored
            );
        }
        let wall = self.wall.as_secs_f64();
        let hours = self.audio_seconds / 3600.0;
        let _ = write!(out, "  wall time {wall:.1} s");
        if self.audio_seconds > 0.0 {
            let _ = write!(
                out,
                ", audio {} transcribed, {:.1} audio hours per wall hour",
                audio_length(self.audio_seconds),
                if wall > 0.0 {
                    hours / (wall / 3600.0)
                } else {
                    0.0
                }
            );
        }
        out.push('\n');
        let _ = writeln!(out, "  store {store} (run {})", self.run_id);
        out
    }

    /// Per-stage timing lines for `--timings`.
    pub fn render_timings(&self, jobs: usize) -> String {
        let wall = self.wall.as_secs_f64();
        let whisper = self.whisper.as_secs_f64();
        // Workers run whisper in parallel: the busy share of `jobs` workers over the wall time.
        let busy = if wall > 0.0 {
            whisper / (wall * jobs as f64)
        } else {
            0.0
        };
        format!(
            "timings: wall {wall:.3} s, whisper {whisper:.3} s over {jobs} worker{}; outside whisper {:.1}% of worker time\n",
            if jobs == 1 { "" } else { "s" },
            100.0 * (1.0 - busy).max(0.0)
        )
    }
}

/// A length of audio in the unit that keeps it readable: seconds, minutes or hours.
fn audio_length(seconds: f64) -> String {
    if seconds < 60.0 {
        format!("{seconds:.1} s")
    } else if seconds < 3600.0 {
        format!("{:.1} min", seconds / 60.0)
    } else {
        format!("{:.2} h", seconds / 3600.0)
    }
}

/// The reason as it is when it already starts with the file name (often with a line and column),
/// else prefixed with it.
fn with_source(reason: &str, source: &str) -> String {
    if reason.starts_with(source) {
        reason.to_string()
    } else {
        format!("{source}: {reason}")
    }
}

#[cfg(test)]
mod tests {
    use super::audio_length;

    #[test]
    fn audio_lengths_read_in_their_unit() {
        assert_eq!(audio_length(11.3), "11.3 s");
        assert_eq!(audio_length(1074.0), "17.9 min");
        assert_eq!(audio_length(11_160.0), "3.10 h");
    }
}
