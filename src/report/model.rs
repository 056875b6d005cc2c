//! The report model: per-agent coaching reports and the team report, built from scored calls as plain data.
//!
//! Every renderer (HTML, Markdown, JSON, CSV) reads only this model. Must not depend on the store, whisper,
//! audio or clap. The rules (coaching priorities, strengths, trend direction, agents needing attention) are
//! documented in docs/reports.md; the constants below are their thresholds.

use super::trend::{Trend, trend};
use crate::record::CallRecord;
use crate::redact::redact;
use crate::scoring::{CriterionResult, Evidence, EvidenceKind, Outcome, Scorecard, format_time};
use crate::transcript::{Speaker, Transcript};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// A criterion becomes a coaching priority when its misses cost at least this many points per call, on average.
pub const PRIORITY_MIN_POINTS: f64 = 1.0;
/// At most this many coaching priorities per agent.
pub const MAX_PRIORITIES: usize = 3;
/// At most this many evidence examples per priority.
pub const MAX_EXAMPLES: usize = 3;
/// A strength: pass rate at least this many percentage points above the team's…
pub const STRENGTH_MARGIN: f64 = 10.0;
/// …and at least this pass rate (percent), over at least [`STRENGTH_MIN_CALLS`] applicable calls.
pub const STRENGTH_MIN_RATE: f64 = 80.0;
pub const STRENGTH_MIN_CALLS: u32 = 3;
/// An agent needs attention when their average is at least this many points below the team's.
pub const ATTENTION_GAP: f64 = 10.0;
/// A criterion is a training topic when at least half of the agents miss it in at least this share (percent)
/// of their applicable calls.
pub const TRAINING_MISS_RATE: f64 = 25.0;

/// What the report was built from and how.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Redact personal data in every quoted line (see [`crate::redact`]).
    pub redact: bool,
}

/// The whole report: the team and each agent.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub team: TeamReport,
    pub agents: Vec<AgentReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamReport {
    pub calls: usize,
    pub agents: usize,
    /// First and last call date, when known.
    pub period: Period,
    pub rubrics: Vec<String>,
    pub pass_mark: f64,
    pub score_avg: Option<f64>,
    /// Percent of calls that passed.
    pub pass_rate: Option<f64>,
    pub auto_failed: usize,
    pub redacted: bool,
    pub leaderboard: Vec<LeaderboardRow>,
    pub distribution: Vec<Bin>,
    pub sections: Vec<SectionStat>,
    /// Criteria, most missed first.
    pub criteria: Vec<TeamCriterion>,
    pub attention: Vec<Attention>,
    pub trend: Trend,
    pub metrics: MetricsSummary,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Period {
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeaderboardRow {
    pub rank: usize,
    pub agent_id: String,
    pub agent_name: Option<String>,
    pub file: String,
    pub calls: usize,
    pub score_avg: Option<f64>,
    pub pass_rate: Option<f64>,
    pub auto_failed: usize,
    pub direction: String,
    pub top_priority: Option<String>,
}

/// Calls whose score falls in `[from, to)` (the last bin includes 100).
#[derive(Debug, Clone, Serialize)]
pub struct Bin {
    pub from: u32,
    pub to: u32,
    pub calls: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamCriterion {
    pub id: String,
    pub section: String,
    pub description: String,
    pub applicable: u32,
    pub misses: u32,
    /// Percent of applicable calls where it was missed.
    pub miss_rate: Option<f64>,
    /// Agents who miss it in at least [`TRAINING_MISS_RATE`] percent of their applicable calls.
    pub agents_missing: usize,
    pub training_topic: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Attention {
    pub agent_id: String,
    pub agent_name: Option<String>,
    pub file: String,
    pub reasons: Vec<String>,
}

/// Averages of conversation metrics over the calls that have them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MetricsSummary {
    pub calls: usize,
    /// Agent share of talk time, percent.
    pub talk_ratio: Option<f64>,
    /// Longest silence in a call, seconds.
    pub longest_silence: Option<f64>,
    /// Interruptions by the agent per call.
    pub interruptions: Option<f64>,
    /// Customer sentiment end minus start (−2..2).
    pub customer_sentiment_change: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgentReport {
    pub agent_id: String,
    pub agent_name: Option<String>,
    /// File name stem for this agent's pages, safe on every file system.
    pub file: String,
    pub calls: usize,
    pub period: Period,
    pub score_avg: Option<f64>,
    pub pass_rate: Option<f64>,
    pub sections: Vec<SectionStat>,
    pub criteria: Vec<CriterionStat>,
    pub strengths: Vec<CriterionStat>,
    pub priorities: Vec<Priority>,
    pub auto_failed: Vec<AutoFailed>,
    pub trend: Trend,
    pub metrics: MetricsSummary,
    /// Auto-failed calls first, then by date and id.
    pub call_list: Vec<CallRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionStat {
    pub id: String,
    pub name: String,
    /// Average section score (0–100) over calls where the section applied.
    pub score_avg: Option<f64>,
    pub team_score_avg: Option<f64>,
    /// Percent of applicable criteria in this section that passed.
    pub pass_rate: Option<f64>,
    pub team_pass_rate: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CriterionStat {
    pub id: String,
    pub section: String,
    pub description: String,
    /// Calls where the criterion applied (passed or missed).
    pub applicable: u32,
    pub misses: u32,
    pub pass_rate: Option<f64>,
    pub team_pass_rate: Option<f64>,
    /// Average points per call lost to misses of this criterion, on the 0–100 call score scale.
    pub points_lost: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Priority {
    pub criterion: String,
    pub description: String,
    pub section: String,
    pub misses: u32,
    pub applicable: u32,
    pub points_lost: f64,
    pub coaching: Option<String>,
    pub examples: Vec<Example>,
}

/// A moment from a call that shows a miss.
#[derive(Debug, Clone, Serialize)]
pub struct Example {
    pub call_id: String,
    pub date: Option<String>,
    /// `mm:ss` into the call, or `turn N` for untimed transcripts.
    pub timestamp: String,
    /// What the engine found or searched for.
    pub note: Option<String>,
    pub lines: Vec<QuoteLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuoteLine {
    pub speaker: String,
    pub at: String,
    pub text: String,
    /// The line the verdict is about (the forbidden phrase, or where the behaviour was expected).
    pub focus: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct AutoFailed {
    pub call_id: String,
    pub date: Option<String>,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CallRow {
    pub call_id: String,
    pub agent_id: String,
    pub agent_name: Option<String>,
    pub date: Option<String>,
    pub source: Option<String>,
    pub duration: Option<f64>,
    pub rubric: String,
    pub score: f64,
    pub passed: bool,
    pub auto_failed: bool,
    pub auto_fail_reasons: Vec<String>,
    pub failed: Vec<String>,
    pub talk_ratio: Option<f64>,
    pub longest_silence: Option<f64>,
    pub interruptions: Option<u32>,
    pub customer_sentiment_change: Option<f64>,
}

/// Per-criterion tallies over a set of calls.
#[derive(Debug, Clone, Default)]
struct Tally {
    section: String,
    description: String,
    pass: u32,
    fail: u32,
    lost: f64,
}

impl Tally {
    fn applicable(&self) -> u32 {
        self.pass + self.fail
    }
    fn pass_rate(&self) -> Option<f64> {
        pct(self.pass as f64, self.applicable() as f64)
    }
}

fn pct(n: f64, d: f64) -> Option<f64> {
    (d > 0.0).then(|| round1(n / d * 100.0))
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn mean(xs: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (mut s, mut n) = (0.0, 0usize);
    for x in xs {
        s += x;
        n += 1;
    }
    (n > 0).then(|| s / n as f64)
}

/// Points each failed criterion cost this call, on the 0–100 scale; they add up to `100 − score`.
///
/// A miss of criterion `c` in section `s` costs `max_points(c) / possible(s) × weight(s) / W × 100`, where `W`
/// is the total weight of the sections that applied in the call. A missed critical criterion zeroes the call,
/// so it is also charged everything the call had earned.
pub fn points_lost(card: &Scorecard) -> Vec<(usize, f64)> {
    let total_weight: f64 = card
        .sections
        .iter()
        .filter(|s| s.possible > 0.0)
        .map(|s| s.weight)
        .sum();
    if total_weight <= 0.0 {
        return Vec::new();
    }
    let mut out: Vec<(usize, f64)> = card
        .criteria
        .iter()
        .enumerate()
        .filter(|(_, c)| c.outcome == Outcome::Fail)
        .filter_map(|(i, c)| {
            let s = card.sections.iter().find(|s| s.id == c.section)?;
            (s.possible > 0.0).then(|| {
                (
                    i,
                    c.max_points / s.possible * s.weight / total_weight * 100.0,
                )
            })
        })
        .collect();
    if card.auto_failed {
        let own: f64 = out.iter().map(|(_, l)| l).sum();
        let earned = (100.0 - own).max(0.0);
        let critical: Vec<usize> = out
            .iter()
            .enumerate()
            .filter(|(_, (i, _))| card.criteria[*i].critical)
            .map(|(k, _)| k)
            .collect();
        let share = earned / critical.len().max(1) as f64;
        for k in critical {
            out[k].1 += share;
        }
    }
    out
}

/// Builds the report from scored calls. Calls without an agent id go under [`crate::record::UNASSIGNED`].
pub fn build(records: &[CallRecord], opts: &BuildOptions) -> Report {
    let mut by_agent: BTreeMap<&str, Vec<&CallRecord>> = BTreeMap::new();
    for r in records {
        by_agent.entry(r.agent_key()).or_default().push(r);
    }
    let all: Vec<&CallRecord> = records.iter().collect();
    let team_tally = tally(&all);
    let team_sections = section_stats(&all, None);
    let files = file_names(by_agent.keys().copied());
    let pass_mark = mean(records.iter().map(|r| r.scorecard.pass_mark)).unwrap_or(0.0);

    let mut agents: Vec<AgentReport> = by_agent
        .iter()
        .map(|(id, calls)| agent_report(id, &files[id], calls, &team_tally, &team_sections, opts))
        .collect();
    agents.sort_by(|a, b| a.agent_id.cmp(&b.agent_id));

    let team_avg = mean(records.iter().map(|r| r.scorecard.score)).map(round2);
    let mut leaderboard: Vec<LeaderboardRow> = agents
        .iter()
        .map(|a| LeaderboardRow {
            rank: 0,
            agent_id: a.agent_id.clone(),
            agent_name: a.agent_name.clone(),
            file: a.file.clone(),
            calls: a.calls,
            score_avg: a.score_avg,
            pass_rate: a.pass_rate,
            auto_failed: a.auto_failed.len(),
            direction: a.trend.direction.clone(),
            top_priority: a.priorities.first().map(|p| p.criterion.clone()),
        })
        .collect();
    leaderboard.sort_by(|a, b| {
        b.score_avg
            .unwrap_or(f64::MIN)
            .total_cmp(&a.score_avg.unwrap_or(f64::MIN))
            .then_with(|| a.agent_id.cmp(&b.agent_id))
    });
    for (i, row) in leaderboard.iter_mut().enumerate() {
        row.rank = i + 1;
    }

    let mut distribution: Vec<Bin> = (0..10)
        .map(|i| Bin {
            from: i * 10,
            to: i * 10 + 10,
            calls: 0,
        })
        .collect();
    for r in records {
        let bin = ((r.scorecard.score / 10.0).floor().max(0.0) as usize).min(9);
        distribution[bin].calls += 1;
    }

    let mut criteria: Vec<TeamCriterion> = team_tally
        .iter()
        .map(|(id, t)| {
            // Each agent's own tally of this criterion, already in their report.
            let agents_missing = agents
                .iter()
                .filter(|a| {
                    a.criteria.iter().any(|c| {
                        c.id == *id
                            && pct(c.misses as f64, c.applicable as f64)
                                .is_some_and(|m| m >= TRAINING_MISS_RATE)
                    })
                })
                .count();
            TeamCriterion {
                id: id.clone(),
                section: t.section.clone(),
                description: t.description.clone(),
                applicable: t.applicable(),
                misses: t.fail,
                miss_rate: pct(t.fail as f64, t.applicable() as f64),
                agents_missing,
                training_topic: agents.len() >= 2 && agents_missing * 2 >= agents.len(),
            }
        })
        .collect();
    criteria.sort_by(|a, b| {
        b.miss_rate
            .unwrap_or(-1.0)
            .total_cmp(&a.miss_rate.unwrap_or(-1.0))
            .then_with(|| a.id.cmp(&b.id))
    });

    let attention = agents
        .iter()
        .filter_map(|a| {
            let mut reasons = Vec::new();
            if let Some(avg) = a.score_avg {
                if avg < pass_mark {
                    reasons.push(format!(
                        "average {avg:.1} is below the pass mark of {pass_mark:.0}"
                    ));
                }
                if let Some(t) = team_avg
                    && avg <= t - ATTENTION_GAP
                {
                    reasons.push(format!(
                        "average {avg:.1} is {:.1} points below the team's {t:.1}",
                        t - avg
                    ));
                }
            }
            if !a.auto_failed.is_empty() {
                reasons.push(format!("{} auto-failed call(s)", a.auto_failed.len()));
            }
            if a.trend.direction == "declining" {
                reasons.push(format!(
                    "scores are declining ({:+.1} points per week)",
                    a.trend.slope.unwrap_or(0.0)
                ));
            }
            (!reasons.is_empty()).then(|| Attention {
                agent_id: a.agent_id.clone(),
                agent_name: a.agent_name.clone(),
                file: a.file.clone(),
                reasons,
            })
        })
        .collect();

    let mut rubrics: Vec<String> = Vec::new();
    for r in records {
        let name = format!("{} {}", r.scorecard.rubric.name, r.scorecard.rubric.version);
        if !rubrics.contains(&name) {
            rubrics.push(name);
        }
    }

    let team = TeamReport {
        calls: records.len(),
        agents: agents.len(),
        period: period(&all),
        rubrics,
        pass_mark,
        score_avg: team_avg,
        pass_rate: pct(
            records.iter().filter(|r| r.scorecard.passed).count() as f64,
            records.len() as f64,
        ),
        auto_failed: records.iter().filter(|r| r.scorecard.auto_failed).count(),
        redacted: opts.redact,
        leaderboard,
        distribution,
        sections: team_sections,
        criteria,
        attention,
        trend: trend(&all),
        metrics: metrics_summary(&all),
    };
    Report { team, agents }
}

/// Safe, unique file stems for agent ids: letters, digits, `-`, `_` and `.` are kept, anything else becomes `_`.
fn file_names<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, String> {
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut out = HashMap::new();
    for id in ids {
        let mut stem: String = id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        stem = stem.trim_start_matches('.').to_string();
        stem.truncate(100);
        if stem.is_empty() {
            stem = "agent".into();
        }
        let key = stem.to_ascii_lowercase();
        let n = used.entry(key).or_insert(0);
        *n += 1;
        if *n > 1 {
            stem = format!("{stem}-{n}");
        }
        out.insert(id, stem);
    }
    out
}

fn tally(calls: &[&CallRecord]) -> BTreeMap<String, Tally> {
    let mut out: BTreeMap<String, Tally> = BTreeMap::new();
    for r in calls {
        let lost: HashMap<usize, f64> = points_lost(&r.scorecard).into_iter().collect();
        for (i, c) in r.scorecard.criteria.iter().enumerate() {
            let t = out.entry(c.id.clone()).or_insert_with(|| Tally {
                section: c.section.clone(),
                description: c.description.clone(),
                ..Tally::default()
            });
            match c.outcome {
                Outcome::Pass => t.pass += 1,
                Outcome::Fail => {
                    t.fail += 1;
                    t.lost += lost.get(&i).copied().unwrap_or(0.0);
                }
                Outcome::Na => {}
            }
        }
    }
    out
}

/// Section stats over `calls`, with the team's numbers filled in from `team` when given.
fn section_stats(calls: &[&CallRecord], team: Option<&[SectionStat]>) -> Vec<SectionStat> {
    let mut order: Vec<(String, String)> = Vec::new();
    let mut scores: HashMap<String, Vec<f64>> = HashMap::new();
    let mut counts: HashMap<String, (u32, u32)> = HashMap::new();
    for r in calls {
        for s in &r.scorecard.sections {
            if !order.iter().any(|(id, _)| *id == s.id) {
                order.push((s.id.clone(), s.name.clone()));
            }
            if let Some(sc) = s.score {
                scores.entry(s.id.clone()).or_default().push(sc);
            }
        }
        for c in &r.scorecard.criteria {
            let e = counts.entry(c.section.clone()).or_default();
            e.0 += u32::from(c.outcome == Outcome::Pass);
            e.1 += u32::from(c.outcome != Outcome::Na);
        }
    }
    order
        .into_iter()
        .map(|(id, name)| {
            let score_avg = scores
                .get(&id)
                .and_then(|v| mean(v.iter().copied()))
                .map(round1);
            let (p, a) = counts.get(&id).copied().unwrap_or((0, 0));
            let pass_rate = pct(p as f64, a as f64);
            let t = team.and_then(|t| t.iter().find(|s| s.id == id));
            SectionStat {
                team_score_avg: t.map_or(score_avg, |t| t.score_avg),
                team_pass_rate: t.map_or(pass_rate, |t| t.pass_rate),
                id,
                name,
                score_avg,
                pass_rate,
            }
        })
        .collect()
}

fn period(calls: &[&CallRecord]) -> Period {
    let dates = || calls.iter().filter_map(|r| r.date());
    Period {
        from: dates().min().map(str::to_string),
        to: dates().max().map(str::to_string),
    }
}

fn metrics_summary(calls: &[&CallRecord]) -> MetricsSummary {
    let ms: Vec<_> = calls.iter().filter_map(|r| r.metrics.as_ref()).collect();
    MetricsSummary {
        calls: ms.len(),
        talk_ratio: mean(ms.iter().filter_map(|m| m.talk_ratio)).map(|x| round1(x * 100.0)),
        longest_silence: mean(ms.iter().map(|m| m.non_talk_max)).map(round1),
        interruptions: mean(
            ms.iter()
                .filter_map(|m| m.interruptions_by_agent.map(f64::from)),
        )
        .map(round1),
        customer_sentiment_change: mean(
            ms.iter()
                .filter_map(|m| m.sentiment.customer_sentiment_change),
        )
        .map(round2),
    }
}

fn agent_report(
    id: &str,
    file: &str,
    calls: &[&CallRecord],
    team_tally: &BTreeMap<String, Tally>,
    team_sections: &[SectionStat],
    opts: &BuildOptions,
) -> AgentReport {
    let mine = tally(calls);
    let n = calls.len();
    let criteria: Vec<CriterionStat> = mine
        .iter()
        .map(|(cid, t)| CriterionStat {
            id: cid.clone(),
            section: t.section.clone(),
            description: t.description.clone(),
            applicable: t.applicable(),
            misses: t.fail,
            pass_rate: t.pass_rate(),
            team_pass_rate: team_tally.get(cid).and_then(Tally::pass_rate),
            points_lost: round2(t.lost / n.max(1) as f64),
        })
        .collect();
    let strengths = criteria
        .iter()
        .filter(|c| match (c.pass_rate, c.team_pass_rate) {
            (Some(p), Some(t)) => {
                c.applicable >= STRENGTH_MIN_CALLS
                    && p >= STRENGTH_MIN_RATE
                    && p >= t + STRENGTH_MARGIN
            }
            _ => false,
        })
        .cloned()
        .collect();
    let mut ranked: Vec<&CriterionStat> = criteria
        .iter()
        .filter(|c| c.points_lost >= PRIORITY_MIN_POINTS)
        .collect();
    ranked.sort_by(|a, b| {
        b.points_lost
            .total_cmp(&a.points_lost)
            .then_with(|| a.id.cmp(&b.id))
    });
    let priorities = ranked
        .into_iter()
        .take(MAX_PRIORITIES)
        .map(|c| priority(c, calls, opts))
        .collect();

    let mut sorted: Vec<&CallRecord> = calls.to_vec();
    sorted.sort_by(|a, b| {
        b.scorecard
            .auto_failed
            .cmp(&a.scorecard.auto_failed)
            .then_with(|| a.date.cmp(&b.date))
            .then_with(|| a.call_id.cmp(&b.call_id))
    });
    let call_list: Vec<CallRow> = sorted.iter().map(|r| call_row(r, opts)).collect();
    let auto_failed = call_list
        .iter()
        .filter(|c| c.auto_failed)
        .map(|c| AutoFailed {
            call_id: c.call_id.clone(),
            date: c.date.clone(),
            reasons: c.auto_fail_reasons.clone(),
        })
        .collect();
    AgentReport {
        agent_id: id.to_string(),
        agent_name: calls.iter().find_map(|r| r.agent_name.clone()),
        file: file.to_string(),
        calls: n,
        period: period(calls),
        score_avg: mean(calls.iter().map(|r| r.scorecard.score)).map(round2),
        pass_rate: pct(
            calls.iter().filter(|r| r.scorecard.passed).count() as f64,
            n as f64,
        ),
        sections: section_stats(calls, Some(team_sections)),
        criteria,
        strengths,
        priorities,
        auto_failed,
        trend: trend(calls),
        metrics: metrics_summary(calls),
        call_list,
    }
}

/// One row of the call list (also a row of calls.csv).
pub fn call_row(r: &CallRecord, opts: &BuildOptions) -> CallRow {
    let card = &r.scorecard;
    let m = r.metrics.as_ref();
    CallRow {
        call_id: r.call_id.clone(),
        agent_id: r.agent_key().to_string(),
        agent_name: r.agent_name.clone(),
        date: r.date().map(str::to_string),
        source: r.source.clone(),
        duration: r.duration,
        rubric: format!("{} {}", card.rubric.name, card.rubric.version),
        score: card.score,
        passed: card.passed,
        auto_failed: card.auto_failed,
        auto_fail_reasons: card
            .auto_fail_reasons
            .iter()
            .map(|s| clean(s, opts))
            .collect(),
        failed: card
            .criteria
            .iter()
            .filter(|c| c.outcome == Outcome::Fail)
            .map(|c| c.id.clone())
            .collect(),
        talk_ratio: m.and_then(|m| m.talk_ratio).map(|x| round1(x * 100.0)),
        longest_silence: m.map(|m| round1(m.non_talk_max)),
        interruptions: m.and_then(|m| m.interruptions_by_agent),
        customer_sentiment_change: m
            .and_then(|m| m.sentiment.customer_sentiment_change)
            .map(round2),
    }
}

fn clean(text: &str, opts: &BuildOptions) -> String {
    if opts.redact {
        redact(text).into_owned()
    } else {
        text.to_string()
    }
}

fn priority(c: &CriterionStat, calls: &[&CallRecord], opts: &BuildOptions) -> Priority {
    let mut missed: Vec<(&CallRecord, &CriterionResult)> = calls
        .iter()
        .filter_map(|r| {
            r.scorecard
                .criterion(&c.id)
                .filter(|x| x.outcome == Outcome::Fail)
                .map(|x| (*r, x))
        })
        .collect();
    // Auto-failed calls first, then the lowest scores: the clearest examples.
    missed.sort_by(|(a, _), (b, _)| {
        b.scorecard
            .auto_failed
            .cmp(&a.scorecard.auto_failed)
            .then_with(|| a.scorecard.score.total_cmp(&b.scorecard.score))
            .then_with(|| a.call_id.cmp(&b.call_id))
    });
    let coaching = missed.iter().find_map(|(_, x)| x.coaching.clone());
    let examples = missed
        .iter()
        .take(MAX_EXAMPLES)
        .map(|(r, x)| example(r, x, opts))
        .collect();
    Priority {
        criterion: c.id.clone(),
        description: c.description.clone(),
        section: c.section.clone(),
        misses: c.misses,
        applicable: c.applicable,
        points_lost: c.points_lost,
        coaching,
        examples,
    }
}

fn speaker_label(s: Speaker) -> &'static str {
    match s {
        Speaker::Agent => "Agent",
        Speaker::Customer => "Customer",
        Speaker::Unknown => "Speaker",
    }
}

fn seg_at(t: &Transcript, i: usize) -> String {
    match t.segments[i].start {
        Some(s) => format_time(s),
        None => format!("turn {}", i + 1),
    }
}

/// The moment a miss shows best: the forbidden line that was said, the lines where the behaviour was
/// expected, or (for whole-call criteria) the reply to the line that made it apply, or the agent's last lines.
fn example(r: &CallRecord, c: &CriterionResult, opts: &BuildOptions) -> Example {
    let t = &r.transcript;
    let seg_ok = |i: &usize| *i < t.segments.len();
    let of_kind =
        |k: EvidenceKind| -> Vec<&Evidence> { c.evidence.iter().filter(|e| e.kind == k).collect() };
    let matches: Vec<&Evidence> = of_kind(EvidenceKind::Match)
        .into_iter()
        .filter(|e| e.note.is_none())
        .collect();
    let context = of_kind(EvidenceKind::Context);
    let trigger = c
        .evidence
        .iter()
        .find(|e| e.kind == EvidenceKind::Match && e.note.is_some());
    let searched = c
        .evidence
        .iter()
        .find(|e| e.kind == EvidenceKind::Searched)
        .and_then(|e| e.note.clone());

    // A count that fell short ("found 1 of the 2 required") quotes what was found as too little, not as
    // the cause of the miss.
    let partial = searched.as_deref().is_some_and(|n| {
        n.strip_prefix("found ")
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    });
    let mut focus: Vec<usize> = Vec::new();
    let mut shown: Vec<usize> = Vec::new();
    let mut note = searched;
    if partial {
        let found: Vec<usize> = matches.iter().filter_map(|e| e.segment).collect();
        for s in (0..t.segments.len())
            .filter(|i| t.segments[*i].speaker == Speaker::Agent && !found.contains(i))
            .take(2)
        {
            focus.push(s);
            shown.push(s);
        }
    } else if let Some(e) = matches
        .first()
        .filter(|e| e.segment.is_some_and(|s| seg_ok(&s)))
    {
        let s = e.segment.unwrap_or(0);
        focus.push(s);
        shown.extend(s.checked_sub(1));
        shown.push(s);
        note = e
            .matched
            .as_ref()
            .map(|m| format!("said \"{}\"", clean(m, opts)))
            .or(note);
    } else if !context.is_empty() {
        for e in context {
            if let Some(s) = e.segment.filter(seg_ok) {
                focus.push(s);
                shown.push(s);
            }
        }
    } else if let Some(s) = trigger.and_then(|e| e.segment).filter(seg_ok) {
        shown.push(s);
        if let Some(next) =
            (s + 1..t.segments.len()).find(|&i| t.segments[i].speaker != t.segments[s].speaker)
        {
            focus.push(next);
            shown.push(next);
        }
    } else {
        let agent: Vec<usize> = (0..t.segments.len())
            .filter(|&i| t.segments[i].speaker == Speaker::Agent)
            .collect();
        for &s in agent.iter().rev().take(2).rev() {
            focus.push(s);
            shown.push(s);
        }
    }
    shown.sort_unstable();
    shown.dedup();
    let lines = shown
        .iter()
        .map(|&i| QuoteLine {
            speaker: speaker_label(t.segments[i].speaker).to_string(),
            at: seg_at(t, i),
            text: clean(&t.segments[i].text, opts),
            focus: focus.contains(&i),
        })
        .collect();
    let timestamp = focus
        .first()
        .or(shown.first())
        .map_or_else(|| "—".to_string(), |&i| seg_at(t, i));
    Example {
        call_id: r.call_id.clone(),
        date: r.date().map(str::to_string),
        timestamp,
        note: note.map(|n| clean(&n, opts)),
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rubric::Rubric;
    use crate::scoring::score;
    use crate::transcript::Segment;

    fn call(lines: &[(Speaker, &str)]) -> Scorecard {
        let mut t = Transcript::new("c");
        t.segments = lines
            .iter()
            .map(|(speaker, text)| Segment {
                start: None,
                end: None,
                speaker: *speaker,
                channel: None,
                text: (*text).into(),
                words: None,
            })
            .collect();
        score(&Rubric::builtin_default(), &t)
    }

    #[test]
    fn losses_add_up_to_what_the_call_lost() {
        let plain = call(&[
            (
                Speaker::Agent,
                "Hello, this is Sam at Acme. How can I help?",
            ),
            (Speaker::Customer, "My card is broken."),
            (Speaker::Agent, "Okay, please hold. Thanks."),
            (Speaker::Customer, "Bye."),
        ]);
        let lost: f64 = points_lost(&plain).iter().map(|(_, l)| l).sum();
        assert!(!plain.auto_failed);
        assert!(
            (lost - (100.0 - plain.score)).abs() < 0.01,
            "{lost} vs {}",
            plain.score
        );

        let rude = call(&[
            (
                Speaker::Agent,
                "Hello, this is Sam at Acme. How can I help?",
            ),
            (Speaker::Customer, "My card is broken."),
            (Speaker::Agent, "Calm down. Please hold, thanks."),
        ]);
        assert!(rude.auto_failed);
        let losses = points_lost(&rude);
        let total: f64 = losses.iter().map(|(_, l)| l).sum();
        assert!((total - 100.0).abs() < 0.01, "{total}");
        let (i, respect) = losses
            .iter()
            .copied()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .expect("a loss");
        assert_eq!(rude.criteria[i].id, "professionalism.respect");
        assert!(respect > 50.0, "{respect}");
    }

    #[test]
    fn file_names_are_safe_and_unique() {
        let names = file_names(["a/b", "a_b", "..", "Ünï", "A_B"].into_iter());
        assert_eq!(names["a/b"], "a_b");
        assert_eq!(names["a_b"], "a_b-2");
        assert_eq!(names[".."], "agent");
        assert_eq!(names["Ünï"], "_n_");
        assert_eq!(names["A_B"], "A_B-3");
    }
}
