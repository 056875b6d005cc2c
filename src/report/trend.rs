//! Score trends: the average score per ISO week (or per run, for calls without a date) and its direction.
//!
//! Direction rule: with at least [`MIN_PERIODS`] periods, fit a least-squares line to the period averages
//! (x in weeks since the first period, or in runs); a slope of at least [`MIN_SLOPE`] points per week is
//! "improving", at most −[`MIN_SLOPE`] is "declining", anything in between is "steady". Fewer periods read
//! "insufficient data". Must not depend on the store or any renderer.

use crate::record::CallRecord;
use serde::Serialize;
use std::collections::BTreeMap;

/// Periods needed before a direction is stated.
pub const MIN_PERIODS: usize = 3;
/// Smallest slope, in points per period, that counts as a change.
pub const MIN_SLOPE: f64 = 2.0;

#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub points: Vec<TrendPoint>,
    /// "improving", "declining", "steady" or "insufficient data".
    pub direction: String,
    /// Least-squares slope in points per period, when there are at least two periods.
    pub slope: Option<f64>,
    /// "week" or "run".
    pub unit: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    /// `2026-W45`, or `run 3`.
    pub period: String,
    pub score_avg: f64,
    pub calls: usize,
}

/// Where a call falls: (x for the regression, label). Weeks are counted from 0001-01-01.
pub fn period_of(r: &CallRecord) -> Option<(i64, String)> {
    let date = r.date();
    if let Some((days, year, week)) = date.and_then(iso_week) {
        return Some((days.div_euclid(7), format!("{year}-W{week:02}")));
    }
    r.run_id.map(|id| (id, format!("run {id}")))
}

/// Days since 1970-01-01 of the Monday of the date's ISO week, the ISO year and the week number.
pub fn iso_week(date: &str) -> Option<(i64, i32, u32)> {
    let d = date.get(..10)?;
    let mut it = d.split('-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let day: u32 = it.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || day == 0 || day > days_in_month(y, m) {
        return None;
    }
    let days = days_from_civil(y, m, day);
    // 1970-01-01 was a Thursday; ISO weekday 1 = Monday.
    let weekday = (days + 3).rem_euclid(7) + 1;
    let monday = days - (weekday - 1);
    let thursday = monday + 3;
    let (ty, _, _) = civil_from_days(thursday);
    let jan1 = days_from_civil(ty, 1, 1);
    let week = ((thursday - jan1) / 7 + 1) as u32;
    Some((monday, ty, week))
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's days-from-civil.
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m, d)
}

/// The trend of the calls' scores.
pub fn trend(calls: &[&CallRecord]) -> Trend {
    let mut groups: BTreeMap<i64, (String, f64, usize)> = BTreeMap::new();
    let mut unit = "week";
    for r in calls {
        if let Some((x, label)) = period_of(r) {
            if label.starts_with("run") {
                unit = "run";
            }
            let g = groups.entry(x).or_insert((label, 0.0, 0));
            g.1 += r.scorecard.score;
            g.2 += 1;
        }
    }
    let xy: Vec<(f64, f64)> = groups
        .iter()
        .map(|(&x, (_, sum, n))| (x as f64, sum / *n as f64))
        .collect();
    let slope = slope(&xy);
    let direction = match slope {
        _ if xy.len() < MIN_PERIODS => "insufficient data",
        Some(s) if s >= MIN_SLOPE => "improving",
        Some(s) if s <= -MIN_SLOPE => "declining",
        _ => "steady",
    };
    Trend {
        points: groups
            .into_values()
            .map(|(period, sum, n)| TrendPoint {
                period,
                score_avg: (sum / n as f64 * 100.0).round() / 100.0,
                calls: n,
            })
            .collect(),
        direction: direction.to_string(),
        slope: slope.map(|s| (s * 100.0).round() / 100.0),
        unit: unit.to_string(),
    }
}

/// Least-squares slope of y over x.
fn slope(xy: &[(f64, f64)]) -> Option<f64> {
    if xy.len() < 2 {
        return None;
    }
    let n = xy.len() as f64;
    let mx = xy.iter().map(|p| p.0).sum::<f64>() / n;
    let my = xy.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = xy.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = xy.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_weeks() {
        assert_eq!(iso_week("2026-11-02").map(|w| (w.1, w.2)), Some((2026, 45)));
        // 2021-01-03 is a Sunday in week 53 of 2020.
        assert_eq!(iso_week("2021-01-03").map(|w| (w.1, w.2)), Some((2020, 53)));
        assert_eq!(iso_week("2021-01-04").map(|w| (w.1, w.2)), Some((2021, 1)));
        // 2024-12-30 is a Monday in week 1 of 2025.
        assert_eq!(iso_week("2024-12-30").map(|w| (w.1, w.2)), Some((2025, 1)));
        assert_eq!(iso_week("2026-02-30"), None);
        assert_eq!(iso_week("yesterday"), None);
        assert_eq!(iso_week("2026-11-02T10:00:00Z").map(|w| w.2), Some(45));
        // Consecutive weeks have consecutive x.
        let a = iso_week("2026-11-01").map(|w| w.0 / 7);
        let b = iso_week("2026-11-02").map(|w| w.0 / 7);
        assert_eq!(b.zip(a).map(|(b, a)| b - a), Some(1));
    }

    #[test]
    fn slope_and_direction_rule() {
        assert_eq!(slope(&[(0.0, 50.0), (1.0, 60.0), (2.0, 70.0)]), Some(10.0));
        assert_eq!(slope(&[(0.0, 50.0)]), None);
        let s = slope(&[(0.0, 80.0), (1.0, 81.0), (2.0, 79.0), (3.0, 81.5)]).unwrap_or(f64::NAN);
        assert!(s.abs() < MIN_SLOPE, "{s}");
    }
}
