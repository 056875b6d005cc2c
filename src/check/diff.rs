//! The impact of a rubric change on past calls: which calls change overall pass/fail, how scores
//! move (mean and distribution), which criteria flip on which calls (with evidence), and which
//! agents are most affected. Rendered as a table, JSON or Markdown.
//!
//! Works on pairs of scorecards (old rubric, new rubric) for the same transcripts, so it needs no
//! ASR. Must not depend on whisper, audio or clap.

use super::evidence_lines;
use crate::scoring::{Outcome, RubricRef, Scorecard};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Edges of the score-delta distribution; a delta of exactly 0 has its own bucket.
const BUCKETS: &[(&str, f64, f64)] = &[
    ("< -20", f64::NEG_INFINITY, -20.0),
    ("-20 to -10", -20.0, -10.0),
    ("-10 to -5", -10.0, -5.0),
    ("-5 to 0", -5.0, 0.0),
    ("0", 0.0, 0.0),
    ("0 to 5", 0.0, 5.0),
    ("5 to 10", 5.0, 10.0),
    ("10 to 20", 10.0, 20.0),
    ("> 20", 20.0, f64::INFINITY),
];

/// Label for calls without an agent id.
const NO_AGENT: &str = "(no agent)";

/// How one call's overall result moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallChange {
    pub call_id: String,
    pub agent_id: Option<String>,
    pub old_score: f64,
    pub new_score: f64,
    pub delta: f64,
    pub old_passed: bool,
    pub new_passed: bool,
    pub old_auto_failed: bool,
    pub new_auto_failed: bool,
}

/// A criterion whose verdict differs between the rubrics on one call. `None` means the rubric
/// does not have the criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flip {
    pub call_id: String,
    pub criterion: String,
    pub old: Option<Outcome>,
    pub new: Option<Outcome>,
    /// Evidence behind the new verdict (or the old one, for a removed criterion).
    pub evidence: Vec<String>,
}

/// One bucket of the score-delta distribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    pub range: &'static str,
    pub calls: usize,
}

/// Score deltas over all calls.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deltas {
    pub mean: f64,
    pub min: f64,
    pub max: f64,
    pub distribution: Vec<Bucket>,
}

/// How much a change affects one agent's calls.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentImpact {
    pub agent_id: String,
    pub calls: usize,
    /// Calls whose score or any criterion changed.
    pub changed_calls: usize,
    /// Calls whose overall pass/fail changed.
    pub verdict_changes: usize,
    pub mean_delta: f64,
}

/// The full impact report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RubricDiff {
    pub old: RubricRef,
    pub new: RubricRef,
    pub calls: usize,
    pub unchanged: bool,
    /// Calls whose overall pass/fail changed, sorted by call id.
    pub verdict_changes: Vec<CallChange>,
    /// Calls whose score changed, largest change first.
    pub score_changes: Vec<CallChange>,
    pub deltas: Deltas,
    pub flips: Vec<Flip>,
    /// Agents with at least one changed call, most affected first.
    pub agents: Vec<AgentImpact>,
    pub added_criteria: Vec<String>,
    pub removed_criteria: Vec<String>,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Compares scorecards of the same transcripts under two rubrics (`old[i]` and `new[i]` are the
/// same call).
pub fn diff(
    old_rubric: RubricRef,
    new_rubric: RubricRef,
    old: &[Scorecard],
    new: &[Scorecard],
) -> RubricDiff {
    let mut changes = Vec::new();
    let mut flips = Vec::new();
    let mut added = BTreeSet::new();
    let mut removed = BTreeSet::new();
    let mut agents: BTreeMap<String, (usize, usize, usize, f64)> = BTreeMap::new();
    for (o, n) in old.iter().zip(new) {
        let change = CallChange {
            call_id: n.call_id.clone(),
            agent_id: n.agent_id.clone(),
            old_score: o.score,
            new_score: n.score,
            delta: round2(n.score - o.score),
            old_passed: o.passed,
            new_passed: n.passed,
            old_auto_failed: o.auto_failed,
            new_auto_failed: n.auto_failed,
        };
        let ids: BTreeSet<&str> = o
            .criteria
            .iter()
            .chain(&n.criteria)
            .map(|c| c.id.as_str())
            .collect();
        let mut call_flips = 0;
        for id in ids {
            let (oc, nc) = (o.criterion(id), n.criterion(id));
            match (oc, nc) {
                (Some(_), None) => {
                    removed.insert(id.to_string());
                }
                (None, Some(_)) => {
                    added.insert(id.to_string());
                }
                _ => {}
            }
            let (ov, nv) = (oc.map(|c| c.outcome), nc.map(|c| c.outcome));
            if ov != nv {
                call_flips += 1;
                flips.push(Flip {
                    call_id: n.call_id.clone(),
                    criterion: id.to_string(),
                    old: ov,
                    new: nv,
                    evidence: nc.or(oc).map(evidence_lines).unwrap_or_default(),
                });
            }
        }
        let agent = agents
            .entry(n.agent_id.clone().unwrap_or_else(|| NO_AGENT.to_string()))
            .or_default();
        agent.0 += 1;
        if call_flips > 0 || change.delta != 0.0 || change.old_passed != change.new_passed {
            agent.1 += 1;
        }
        if change.old_passed != change.new_passed {
            agent.2 += 1;
        }
        agent.3 += change.delta;
        changes.push(change);
    }
    flips.sort_by(|a, b| (&a.call_id, &a.criterion).cmp(&(&b.call_id, &b.criterion)));
    let mut verdict_changes: Vec<CallChange> = changes
        .iter()
        .filter(|c| c.old_passed != c.new_passed)
        .cloned()
        .collect();
    verdict_changes.sort_by(|a, b| a.call_id.cmp(&b.call_id));
    let mut score_changes: Vec<CallChange> =
        changes.iter().filter(|c| c.delta != 0.0).cloned().collect();
    score_changes.sort_by(|a, b| {
        b.delta
            .abs()
            .total_cmp(&a.delta.abs())
            .then_with(|| a.call_id.cmp(&b.call_id))
    });
    let deltas: Vec<f64> = changes.iter().map(|c| c.delta).collect();
    let mut agents: Vec<AgentImpact> = agents
        .into_iter()
        .filter(|(_, a)| a.1 > 0)
        .map(|(id, (calls, changed, verdicts, sum))| AgentImpact {
            agent_id: id,
            calls,
            changed_calls: changed,
            verdict_changes: verdicts,
            mean_delta: round2(sum / calls as f64),
        })
        .collect();
    agents.sort_by(|a, b| {
        b.verdict_changes
            .cmp(&a.verdict_changes)
            .then_with(|| b.mean_delta.abs().total_cmp(&a.mean_delta.abs()))
            .then_with(|| b.changed_calls.cmp(&a.changed_calls))
            .then_with(|| a.agent_id.cmp(&b.agent_id))
    });
    let unchanged = flips.is_empty() && verdict_changes.is_empty() && score_changes.is_empty();
    RubricDiff {
        old: old_rubric,
        new: new_rubric,
        calls: changes.len(),
        unchanged,
        verdict_changes,
        score_changes,
        deltas: delta_stats(&deltas),
        flips,
        agents,
        added_criteria: added.into_iter().collect(),
        removed_criteria: removed.into_iter().collect(),
    }
}

fn delta_stats(deltas: &[f64]) -> Deltas {
    let n = deltas.len();
    let distribution = BUCKETS
        .iter()
        .map(|&(range, lo, hi)| Bucket {
            range,
            calls: deltas
                .iter()
                .filter(|&&d| {
                    if lo == hi {
                        d == lo
                    } else if hi <= 0.0 {
                        d >= lo && d < hi
                    } else {
                        d > lo && d <= hi
                    }
                })
                .count(),
        })
        .collect();
    Deltas {
        mean: if n == 0 {
            0.0
        } else {
            round2(deltas.iter().sum::<f64>() / n as f64)
        },
        min: deltas
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min)
            .min(0.0),
        max: deltas
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max)
            .max(0.0),
        distribution,
    }
}

fn outcome(o: Option<Outcome>) -> &'static str {
    o.map_or("(absent)", Outcome::as_str)
}

fn verdict(passed: bool) -> &'static str {
    if passed { "pass" } else { "fail" }
}

fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{x}")
    } else {
        x.to_string()
    }
}

fn heading(d: &RubricDiff) -> String {
    format!(
        "{} {} ({}) -> {} {} ({}) on {} call{}",
        d.old.name,
        d.old.version,
        short(&d.old.sha256),
        d.new.name,
        d.new.version,
        short(&d.new.sha256),
        d.calls,
        if d.calls == 1 { "" } else { "s" }
    )
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

/// Plain-text report.
pub fn render_table(d: &RubricDiff) -> String {
    let mut out = format!("rubric diff: {}\n", heading(d));
    if d.unchanged {
        out.push_str("nothing changed: every call has the same score, verdict and criteria\n");
        return out;
    }
    if !d.added_criteria.is_empty() {
        out.push_str(&format!(
            "added criteria: {}\n",
            d.added_criteria.join(", ")
        ));
    }
    if !d.removed_criteria.is_empty() {
        out.push_str(&format!(
            "removed criteria: {}\n",
            d.removed_criteria.join(", ")
        ));
    }
    out.push_str(&format!(
        "\npass/fail changed on {} of {} calls\n",
        d.verdict_changes.len(),
        d.calls
    ));
    for c in &d.verdict_changes {
        out.push_str(&format!(
            "  {}: {} -> {} (score {} -> {})\n",
            c.call_id,
            verdict(c.old_passed),
            verdict(c.new_passed),
            c.old_score,
            c.new_score
        ));
    }
    out.push_str(&format!(
        "\nscore deltas: mean {}, min {}, max {}\n",
        signed(d.deltas.mean),
        signed(d.deltas.min),
        signed(d.deltas.max)
    ));
    for b in d.deltas.distribution.iter().filter(|b| b.calls > 0) {
        out.push_str(&format!(
            "  {:>10}  {:>4}  {}\n",
            b.range,
            b.calls,
            "#".repeat(b.calls.min(50))
        ));
    }
    out.push_str(&format!("\ncriteria flips ({})\n", d.flips.len()));
    for f in &d.flips {
        out.push_str(&format!(
            "  {} {}: {} -> {}\n",
            f.call_id,
            f.criterion,
            outcome(f.old),
            outcome(f.new)
        ));
        for e in &f.evidence {
            out.push_str(&format!("    evidence: {e}\n"));
        }
    }
    out.push_str("\nagents most affected\n");
    for a in &d.agents {
        out.push_str(&format!(
            "  {}: {} of {} calls changed, {} pass/fail change{}, mean delta {}\n",
            a.agent_id,
            a.changed_calls,
            a.calls,
            a.verdict_changes,
            if a.verdict_changes == 1 { "" } else { "s" },
            signed(a.mean_delta)
        ));
    }
    out
}

/// JSON report.
pub fn render_json(d: &RubricDiff) -> String {
    let mut s = serde_json::to_string_pretty(d).unwrap_or_default();
    s.push('\n');
    s
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Markdown report, for pull-request comments.
pub fn render_markdown(d: &RubricDiff) -> String {
    let mut out = format!("## Rubric diff\n\n{}\n\n", heading(d));
    if d.unchanged {
        out.push_str("Nothing changed: every call has the same score, verdict and criteria.\n");
        return out;
    }
    if !d.added_criteria.is_empty() {
        out.push_str(&format!(
            "Added criteria: {}\n\n",
            d.added_criteria.join(", ")
        ));
    }
    if !d.removed_criteria.is_empty() {
        out.push_str(&format!(
            "Removed criteria: {}\n\n",
            d.removed_criteria.join(", ")
        ));
    }
    out.push_str(&format!(
        "### Pass/fail changed on {} of {} calls\n\n",
        d.verdict_changes.len(),
        d.calls
    ));
    if !d.verdict_changes.is_empty() {
        out.push_str("| call | old | new | old score | new score |\n|---|---|---|---:|---:|\n");
        for c in &d.verdict_changes {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                md_cell(&c.call_id),
                verdict(c.old_passed),
                verdict(c.new_passed),
                c.old_score,
                c.new_score
            ));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "### Score deltas\n\nMean {}, min {}, max {}.\n\n| delta | calls |\n|---|---:|\n",
        signed(d.deltas.mean),
        signed(d.deltas.min),
        signed(d.deltas.max)
    ));
    for b in d.deltas.distribution.iter().filter(|b| b.calls > 0) {
        out.push_str(&format!("| {} | {} |\n", b.range, b.calls));
    }
    out.push_str(&format!("\n### Criteria flips ({})\n\n", d.flips.len()));
    if !d.flips.is_empty() {
        out.push_str("| call | criterion | old | new | evidence |\n|---|---|---|---|---|\n");
        for f in &d.flips {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                md_cell(&f.call_id),
                md_cell(&f.criterion),
                outcome(f.old),
                outcome(f.new),
                md_cell(&f.evidence.join("; "))
            ));
        }
        out.push('\n');
    }
    out.push_str("### Agents most affected\n\n");
    out.push_str(
        "| agent | calls | changed | pass/fail changes | mean delta |\n|---|---:|---:|---:|---:|\n",
    );
    for a in &d.agents {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            md_cell(&a.agent_id),
            a.calls,
            a.changed_calls,
            a.verdict_changes,
            signed(a.mean_delta)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::CriterionResult;

    fn rref(v: &str) -> RubricRef {
        RubricRef {
            name: "r".into(),
            version: v.into(),
            sha256: format!("{v}0000000000000000"),
        }
    }

    fn card(call: &str, agent: &str, score: f64, outcomes: &[(&str, Outcome)]) -> Scorecard {
        Scorecard {
            call_id: call.into(),
            agent_id: Some(agent.into()),
            agent_name: None,
            date: None,
            rubric: rref("1"),
            score,
            pass_mark: 80.0,
            passed: score >= 80.0,
            auto_failed: false,
            auto_fail_reasons: Vec::new(),
            timed: true,
            speakers_verified: true,
            metrics: None,
            sections: Vec::new(),
            criteria: outcomes
                .iter()
                .map(|&(id, outcome)| CriterionResult {
                    id: id.into(),
                    section: "s".into(),
                    description: String::new(),
                    outcome,
                    critical: false,
                    points: 0.0,
                    max_points: 10.0,
                    evidence: Vec::new(),
                    coaching: None,
                })
                .collect(),
        }
    }

    #[test]
    fn identical_scorecards_say_nothing_changed() {
        let cards = vec![card("c1", "a", 90.0, &[("x", Outcome::Pass)])];
        let d = diff(rref("1"), rref("1"), &cards, &cards);
        assert!(d.unchanged);
        assert_eq!(d.deltas.mean, 0.0);
        assert!(
            render_table(&d).ends_with(
                "nothing changed: every call has the same score, verdict and criteria\n"
            )
        );
        assert!(render_markdown(&d).contains("Nothing changed"));
    }

    #[test]
    fn reports_flips_verdicts_deltas_and_agents() {
        let old = vec![
            card(
                "c1",
                "ann",
                90.0,
                &[("x", Outcome::Pass), ("y", Outcome::Pass)],
            ),
            card(
                "c2",
                "bob",
                85.0,
                &[("x", Outcome::Pass), ("y", Outcome::Fail)],
            ),
            card(
                "c3",
                "bob",
                50.0,
                &[("x", Outcome::Fail), ("y", Outcome::Fail)],
            ),
        ];
        let new = vec![
            card(
                "c1",
                "ann",
                70.0,
                &[("x", Outcome::Fail), ("z", Outcome::Na)],
            ),
            card(
                "c2",
                "bob",
                87.5,
                &[("x", Outcome::Pass), ("z", Outcome::Pass)],
            ),
            card(
                "c3",
                "bob",
                50.0,
                &[("x", Outcome::Fail), ("z", Outcome::Na)],
            ),
        ];
        let d = diff(rref("1"), rref("2"), &old, &new);
        assert!(!d.unchanged);
        assert_eq!(d.verdict_changes.len(), 1);
        assert_eq!(d.verdict_changes[0].call_id, "c1");
        assert_eq!(d.score_changes[0].call_id, "c1");
        assert_eq!(d.score_changes[0].delta, -20.0);
        assert_eq!(d.added_criteria, vec!["z"]);
        assert_eq!(d.removed_criteria, vec!["y"]);
        assert_eq!(d.deltas.mean, -5.83);
        assert_eq!((d.deltas.min, d.deltas.max), (-20.0, 2.5));
        assert_eq!(d.agents[0].agent_id, "ann");
        insta::assert_snapshot!(render_table(&d), @r"
        rubric diff: r 1 (100000000000) -> r 2 (200000000000) on 3 calls
        added criteria: z
        removed criteria: y

        pass/fail changed on 1 of 3 calls
          c1: pass -> fail (score 90 -> 70)

        score deltas: mean -5.83, min -20, max +2.5
          -20 to -10     1  #
                   0     1  #
              0 to 5     1  #

        criteria flips (7)
          c1 x: pass -> fail
          c1 y: pass -> (absent)
          c1 z: (absent) -> na
          c2 y: fail -> (absent)
          c2 z: (absent) -> pass
          c3 y: fail -> (absent)
          c3 z: (absent) -> na

        agents most affected
          ann: 1 of 1 calls changed, 1 pass/fail change, mean delta -20
          bob: 2 of 2 calls changed, 0 pass/fail changes, mean delta +1.25
        ");
    }
}
