//! report.json: for each agent exactly the fields documented in docs/reports.md, plus the whole team report.
//!
//! Reads only the report model.

use super::model::{Example, Report, TeamReport};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct ReportJson<'a> {
    pub agents: Vec<AgentJson<'a>>,
    pub team: &'a TeamReport,
}

#[derive(Debug, Serialize)]
pub struct AgentJson<'a> {
    pub agent_id: &'a str,
    pub agent_name: Option<&'a str>,
    pub calls: usize,
    pub score_avg: Option<f64>,
    pub pass_rate: Option<f64>,
    pub criteria: Vec<CriterionJson<'a>>,
    pub priorities: Vec<PriorityJson<'a>>,
    pub trend: TrendJson<'a>,
}

#[derive(Debug, Serialize)]
pub struct CriterionJson<'a> {
    pub id: &'a str,
    pub pass_rate: Option<f64>,
    pub applicable: u32,
    pub misses: u32,
}

#[derive(Debug, Serialize)]
pub struct PriorityJson<'a> {
    pub criterion: &'a str,
    pub misses: u32,
    pub points_lost: f64,
    pub coaching: Option<&'a str>,
    pub examples: &'a [Example],
}

#[derive(Debug, Serialize)]
pub struct TrendJson<'a> {
    pub points: Vec<PointJson<'a>>,
    pub direction: &'a str,
}

#[derive(Debug, Serialize)]
pub struct PointJson<'a> {
    pub period: &'a str,
    pub score_avg: f64,
}

/// The JSON view of a report.
pub fn report_json(report: &Report) -> ReportJson<'_> {
    ReportJson {
        agents: report
            .agents
            .iter()
            .map(|a| AgentJson {
                agent_id: &a.agent_id,
                agent_name: a.agent_name.as_deref(),
                calls: a.calls,
                score_avg: a.score_avg,
                pass_rate: a.pass_rate,
                criteria: a
                    .criteria
                    .iter()
                    .map(|c| CriterionJson {
                        id: &c.id,
                        pass_rate: c.pass_rate,
                        applicable: c.applicable,
                        misses: c.misses,
                    })
                    .collect(),
                priorities: a
                    .priorities
                    .iter()
                    .map(|p| PriorityJson {
                        criterion: &p.criterion,
                        misses: p.misses,
                        points_lost: p.points_lost,
                        coaching: p.coaching.as_deref(),
                        examples: &p.examples,
                    })
                    .collect(),
                trend: TrendJson {
                    points: a
                        .trend
                        .points
                        .iter()
                        .map(|p| PointJson {
                            period: &p.period,
                            score_avg: p.score_avg,
                        })
                        .collect(),
                    direction: &a.trend.direction,
                },
            })
            .collect(),
        team: &report.team,
    }
}

/// report.json as pretty-printed text.
pub fn to_string(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(&report_json(report)).unwrap_or_default();
    s.push('\n');
    s
}
