//! Hand-made inline SVG charts: score trend, score distribution and criterion bars.
//!
//! Plain strings with every label escaped, no scripts, fonts or links: they work offline, in a mail
//! attachment and in print. Reads only the report model.

use super::model::{Bin, CriterionStat, TeamCriterion};
use super::trend::TrendPoint;
use std::fmt::Write;

const W: f64 = 640.0;
const FONT: &str = "font-family=\"system-ui, sans-serif\" font-size=\"11\" fill=\"#444\"";

/// Escapes text for SVG/XML content and attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn open(h: f64, class: &str, label: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart {class}\" viewBox=\"0 0 {W} {h}\" width=\"{W}\" height=\"{h}\" role=\"img\" aria-label=\"{l}\"><title>{l}</title>",
        l = esc(label)
    )
}

/// Score per period (0–100), with the team's line dashed and the pass mark as a guide.
pub fn trend_chart(points: &[TrendPoint], team: Option<&[TrendPoint]>, pass_mark: f64) -> String {
    let h = 220.0;
    let (left, right, top, bottom) = (40.0, 20.0, 14.0, 36.0);
    let pw = W - left - right;
    let ph = h - top - bottom;
    let mut periods: Vec<&str> = points.iter().map(|p| p.period.as_str()).collect();
    if let Some(t) = team {
        periods.extend(t.iter().map(|p| p.period.as_str()));
    }
    periods.sort_unstable();
    periods.dedup();
    let mut s = open(h, "trend", "Average score per period");
    let y = |v: f64| top + ph * (1.0 - v.clamp(0.0, 100.0) / 100.0);
    let x = |p: &str| {
        let i = periods.iter().position(|q| *q == p).unwrap_or(0) as f64;
        if periods.len() <= 1 {
            left + pw / 2.0
        } else {
            left + pw * i / (periods.len() - 1) as f64
        }
    };
    for v in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#e3e3e3\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" {FONT}>{v}</text>",
            W - right,
            left - 6.0,
            y(v) + 4.0,
            y = y(v)
        );
    }
    let _ = write!(
        s,
        "<line class=\"pass-mark\" x1=\"{left}\" x2=\"{}\" y1=\"{py:.1}\" y2=\"{py:.1}\" stroke=\"#c0392b\" stroke-dasharray=\"2 3\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" {FONT}>pass {pass_mark}</text>",
        W - right,
        W - right,
        y(pass_mark) - 4.0,
        py = y(pass_mark)
    );
    if periods.is_empty() {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" {FONT}>no dated calls</text>",
            W / 2.0,
            h / 2.0
        );
    }
    let step = (periods.len() / 8).max(1);
    for (i, p) in periods.iter().enumerate() {
        if i % step == 0 {
            let anchor = match i {
                _ if periods.len() == 1 => "middle",
                0 => "start",
                _ if i == periods.len() - 1 => "end",
                _ => "middle",
            };
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"{anchor}\" {FONT}>{}</text>",
                x(p),
                h - bottom + 16.0,
                esc(p)
            );
        }
    }
    let mut line = |pts: &[TrendPoint], class: &str, color: &str, dash: &str| {
        let coords: Vec<String> = pts
            .iter()
            .map(|p| format!("{:.1},{:.1}", x(&p.period), y(p.score_avg)))
            .collect();
        let _ = write!(
            s,
            "<polyline class=\"{class}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"{dash} points=\"{}\"/>",
            coords.join(" ")
        );
        for p in pts {
            let _ = write!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{color}\"><title>{}: {:.1} ({} calls)</title></circle>",
                x(&p.period),
                y(p.score_avg),
                esc(&p.period),
                p.score_avg,
                p.calls
            );
        }
    };
    if let Some(t) = team {
        line(t, "team-line", "#95a5a6", " stroke-dasharray=\"5 4\"");
    }
    line(points, "score-line", "#2c6fbb", "");
    s.push_str("</svg>");
    s
}

/// Number of calls per 10-point score band.
pub fn distribution_chart(bins: &[Bin], pass_mark: f64) -> String {
    let h = 200.0;
    let (left, right, top, bottom) = (36.0, 10.0, 14.0, 34.0);
    let pw = W - left - right;
    let ph = h - top - bottom;
    let max = bins.iter().map(|b| b.calls).max().unwrap_or(0).max(1) as f64;
    let bw = pw / bins.len().max(1) as f64;
    let mut s = open(h, "distribution", "Number of calls by score");
    for (i, b) in bins.iter().enumerate() {
        let bh = ph * b.calls as f64 / max;
        let x = left + bw * i as f64;
        let color = if f64::from(b.from) >= pass_mark {
            "#27ae60"
        } else {
            "#e67e22"
        };
        let _ = write!(
            s,
            "<rect class=\"bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{color}\"><title>{}–{}: {} calls</title></rect>",
            x + 2.0,
            top + ph - bh,
            bw - 4.0,
            b.from,
            b.to,
            b.calls
        );
        if b.calls > 0 {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" {FONT}>{}</text>",
                x + bw / 2.0,
                top + ph - bh - 3.0,
                b.calls
            );
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" {FONT}>{}–{}</text>",
            x + bw / 2.0,
            h - bottom + 16.0,
            b.from,
            b.to
        );
    }
    let _ = write!(
        s,
        "<line x1=\"{left}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#999\"/></svg>",
        W - right,
        y = top + ph
    );
    s
}

/// One horizontal bar per row (0–100 %), with an optional team marker.
fn bars(
    rows: &[(String, Option<f64>, Option<f64>)],
    class: &str,
    label: &str,
    color: &str,
) -> String {
    let row_h = 22.0;
    let (left, right, top) = (230.0, 60.0, 8.0);
    let h = top * 2.0 + row_h * rows.len() as f64 + 14.0;
    let pw = W - left - right;
    let mut s = open(h, class, label);
    for (i, (name, v, team)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" {FONT}>{}</text><rect x=\"{left}\" y=\"{:.1}\" width=\"{pw:.1}\" height=\"12\" fill=\"#f0f0f0\"/>",
            left - 8.0,
            y + 13.0,
            esc(name),
            y + 3.0
        );
        if let Some(v) = v {
            let _ = write!(
                s,
                "<rect class=\"bar\" x=\"{left}\" y=\"{:.1}\" width=\"{:.1}\" height=\"12\" fill=\"{color}\"><title>{}: {v:.1}%</title></rect><text x=\"{:.1}\" y=\"{:.1}\" {FONT}>{v:.0}%</text>",
                y + 3.0,
                pw * v.clamp(0.0, 100.0) / 100.0,
                esc(name),
                W - right + 6.0,
                y + 13.0
            );
        }
        if let Some(t) = team {
            let tx = left + pw * t.clamp(0.0, 100.0) / 100.0;
            let _ = write!(
                s,
                "<line class=\"team-mark\" x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#222\" stroke-width=\"2\"><title>team: {t:.1}%</title></line>",
                y,
                y + 18.0
            );
        }
    }
    let _ = write!(
        s,
        "<text x=\"{left}\" y=\"{:.1}\" {FONT}>0%</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" {FONT}>100%</text></svg>",
        h - 4.0,
        W - right,
        h - 4.0
    );
    s
}

/// The agent's pass rate per criterion, with the team's as a black tick.
pub fn criteria_chart(criteria: &[CriterionStat]) -> String {
    let rows: Vec<_> = criteria
        .iter()
        .map(|c| (c.id.clone(), c.pass_rate, c.team_pass_rate))
        .collect();
    bars(
        &rows,
        "criteria",
        "Pass rate per criterion against the team",
        "#2c6fbb",
    )
}

/// The team's miss rate per criterion.
pub fn miss_chart(criteria: &[TeamCriterion]) -> String {
    let rows: Vec<_> = criteria
        .iter()
        .map(|c| (c.id.clone(), c.miss_rate, None))
        .collect();
    bars(
        &rows,
        "criteria",
        "Miss rate per criterion across the team",
        "#e67e22",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped() {
        let pts = [TrendPoint {
            period: "<script>".into(),
            score_avg: 50.0,
            calls: 1,
        }];
        let s = trend_chart(&pts, None, 80.0);
        assert!(!s.contains("<script>"));
        assert!(s.contains("&lt;script&gt;"));
    }
}
