//! calls.csv (one row per call) and agents.csv (one row per agent), written with the `csv` crate.
//!
//! Reads only the report model.

use super::model::Report;

fn opt(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

/// One row per call, every agent's calls in the agent's order (auto-failed first).
pub fn calls_csv(report: &Report) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "call_id",
        "agent_id",
        "agent_name",
        "date",
        "source",
        "duration",
        "rubric",
        "score",
        "passed",
        "auto_failed",
        "failed_criteria",
        "auto_fail_reasons",
        "talk_ratio",
        "longest_silence",
        "interruptions",
        "customer_sentiment_change",
    ])?;
    for a in &report.agents {
        for c in &a.call_list {
            w.write_record([
                c.call_id.clone(),
                c.agent_id.clone(),
                c.agent_name.clone().unwrap_or_default(),
                c.date.clone().unwrap_or_default(),
                c.source.clone().unwrap_or_default(),
                opt(c.duration),
                c.rubric.clone(),
                c.score.to_string(),
                c.passed.to_string(),
                c.auto_failed.to_string(),
                c.failed.join(";"),
                c.auto_fail_reasons.join(" | "),
                opt(c.talk_ratio),
                opt(c.longest_silence),
                c.interruptions.map(|x| x.to_string()).unwrap_or_default(),
                opt(c.customer_sentiment_change),
            ])?;
        }
    }
    finish(w)
}

/// One row per agent.
pub fn agents_csv(report: &Report) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "agent_id",
        "agent_name",
        "calls",
        "first_date",
        "last_date",
        "score_avg",
        "pass_rate",
        "auto_failed",
        "trend",
        "trend_slope",
        "priority_1",
        "priority_2",
        "priority_3",
        "talk_ratio",
        "longest_silence",
        "interruptions",
        "customer_sentiment_change",
    ])?;
    for a in &report.agents {
        let p = |i: usize| {
            a.priorities
                .get(i)
                .map(|p| p.criterion.clone())
                .unwrap_or_default()
        };
        w.write_record([
            a.agent_id.clone(),
            a.agent_name.clone().unwrap_or_default(),
            a.calls.to_string(),
            a.period.from.clone().unwrap_or_default(),
            a.period.to.clone().unwrap_or_default(),
            opt(a.score_avg),
            opt(a.pass_rate),
            a.auto_failed.len().to_string(),
            a.trend.direction.clone(),
            opt(a.trend.slope),
            p(0),
            p(1),
            p(2),
            opt(a.metrics.talk_ratio),
            opt(a.metrics.longest_silence),
            opt(a.metrics.interruptions),
            opt(a.metrics.customer_sentiment_change),
        ])?;
    }
    finish(w)
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<String, csv::Error> {
    let bytes = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
