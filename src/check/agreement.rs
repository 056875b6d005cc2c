//! Agreement between the rubric's verdicts and human labels: agreement %, Cohen's kappa,
//! precision and recall of `fail`, and a confusion table, per criterion and overall; then every
//! disagreement with its evidence.
//!
//! Kappa matters because a rubric that always says "pass" already agrees often. Must not depend
//! on whisper, audio or clap.

use super::evidence_lines;
use crate::scoring::{Outcome, Scorecard};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Outcomes in the order of the confusion table's rows and columns.
const ORDER: [Outcome; 3] = [Outcome::Pass, Outcome::Fail, Outcome::Na];

/// Human labels: call id → criterion id → outcome.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Labels(pub BTreeMap<String, BTreeMap<String, Outcome>>);

impl Labels {
    /// Parses `{"<call_id>": {"<criterion>": "pass" | "fail" | "na" | {"label": ...}}}`. Every
    /// problem is reported, each naming the call and criterion.
    pub fn parse(text: &str, path: &Path) -> Result<Labels, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            // serde_json ends its message with the position, which leads the line here instead.
            let message = e.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m);
            format!(
                "{}:{}:{}: invalid JSON: {message}",
                path.display(),
                e.line(),
                e.column()
            )
        })?;
        let Value::Object(calls) = value else {
            return Err(format!(
                "{}: labels must be an object of call id → {{criterion → label}}",
                path.display()
            ));
        };
        let mut out = BTreeMap::new();
        let mut errors = Vec::new();
        for (call, criteria) in calls {
            let Value::Object(criteria) = criteria else {
                errors.push(format!(
                    "{}: call `{call}`: expected an object of criterion → label",
                    path.display()
                ));
                continue;
            };
            let mut labels = BTreeMap::new();
            for (criterion, label) in criteria {
                let text = match &label {
                    Value::String(s) => Some(s.as_str()),
                    Value::Object(o) => o.get("label").and_then(Value::as_str),
                    _ => None,
                };
                match text.and_then(Outcome::parse) {
                    Some(o) => {
                        labels.insert(criterion, o);
                    }
                    None => errors.push(format!(
                        "{}: call `{call}`, criterion `{criterion}`: expected \"pass\", \"fail\", \"na\" or {{\"label\": ...}}, found {label}",
                        path.display()
                    )),
                }
            }
            out.insert(call, labels);
        }
        if errors.is_empty() {
            Ok(Labels(out))
        } else {
            Err(errors.join("\nerror: "))
        }
    }

    /// (call, criterion) pairs whose criterion the rubric does not have.
    pub fn unknown_criteria<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> Vec<(String, String)> {
        let known: BTreeSet<&str> = ids.into_iter().collect();
        self.0
            .iter()
            .flat_map(|(call, c)| c.keys().map(move |k| (call, k)))
            .filter(|(_, k)| !known.contains(k.as_str()))
            .map(|(call, k)| (call.clone(), k.clone()))
            .collect()
    }
}

/// Agreement statistics over a set of (human, machine) pairs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// The criterion id, or `overall`.
    pub criterion: String,
    pub compared: usize,
    /// Fraction 0–1; absent when nothing was compared.
    pub agreement: Option<f64>,
    /// Cohen's kappa; absent when it is undefined (nothing compared, or both sides constant and equal).
    pub kappa: Option<f64>,
    /// Of the machine's `fail`s, the fraction humans also failed.
    pub fail_precision: Option<f64>,
    /// Of the humans' `fail`s, the fraction the machine also failed.
    pub fail_recall: Option<f64>,
    /// Rows: human pass, fail, na; columns: machine pass, fail, na.
    pub confusion: [[usize; 3]; 3],
}

impl Stats {
    fn from_confusion(criterion: &str, m: [[usize; 3]; 3]) -> Stats {
        let n: usize = m.iter().flatten().sum();
        let diagonal: usize = (0..3).map(|i| m[i][i]).sum();
        let ratio = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
        let agreement = ratio(diagonal, n);
        let kappa = agreement.and_then(|po| {
            let nf = n as f64;
            let pe: f64 = (0..3)
                .map(|k| {
                    let row: usize = m[k].iter().sum();
                    let col: usize = (0..3).map(|r| m[r][k]).sum();
                    (row as f64 / nf) * (col as f64 / nf)
                })
                .sum();
            (pe < 1.0).then(|| (po - pe) / (1.0 - pe))
        });
        let machine_fail: usize = (0..3).map(|r| m[r][1]).sum();
        let human_fail: usize = m[1].iter().sum();
        Stats {
            criterion: criterion.to_string(),
            compared: n,
            agreement,
            kappa,
            fail_precision: ratio(m[1][1], machine_fail),
            fail_recall: ratio(m[1][1], human_fail),
            confusion: m,
        }
    }
}

/// A criterion where the machine and the human differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disagreement {
    pub call_id: String,
    pub criterion: String,
    pub human: Outcome,
    pub machine: Outcome,
    pub evidence: Vec<String>,
}

/// The full comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementReport {
    pub criteria: Vec<Stats>,
    pub overall: Stats,
    pub disagreements: Vec<Disagreement>,
    /// Calls with labels but no scored transcript.
    pub labelled_not_scored: Vec<String>,
    /// Scored calls without labels.
    pub scored_not_labelled: Vec<String>,
}

fn index(o: Outcome) -> usize {
    match o {
        Outcome::Pass => 0,
        Outcome::Fail => 1,
        Outcome::Na => 2,
    }
}

/// Compares labels with scorecards, matched by call id.
pub fn compare(labels: &Labels, cards: &[Scorecard]) -> AgreementReport {
    let mut per: BTreeMap<String, [[usize; 3]; 3]> = BTreeMap::new();
    let mut overall = [[0usize; 3]; 3];
    let mut disagreements = Vec::new();
    let mut scored = BTreeSet::new();
    let mut scored_not_labelled = BTreeSet::new();
    for card in cards {
        scored.insert(card.call_id.clone());
        let Some(call_labels) = labels.0.get(&card.call_id) else {
            scored_not_labelled.insert(card.call_id.clone());
            continue;
        };
        for (criterion, &human) in call_labels {
            let Some(result) = card.criterion(criterion) else {
                continue;
            };
            let machine = result.outcome;
            per.entry(criterion.clone()).or_default()[index(human)][index(machine)] += 1;
            overall[index(human)][index(machine)] += 1;
            if human != machine {
                disagreements.push(Disagreement {
                    call_id: card.call_id.clone(),
                    criterion: criterion.clone(),
                    human,
                    machine,
                    evidence: evidence_lines(result),
                });
            }
        }
    }
    disagreements.sort_by(|a, b| (&a.call_id, &a.criterion).cmp(&(&b.call_id, &b.criterion)));
    AgreementReport {
        criteria: per
            .into_iter()
            .map(|(c, m)| Stats::from_confusion(&c, m))
            .collect(),
        overall: Stats::from_confusion("overall", overall),
        disagreements,
        labelled_not_scored: labels
            .0
            .keys()
            .filter(|k| !scored.contains(*k))
            .cloned()
            .collect(),
        scored_not_labelled: scored_not_labelled.into_iter().collect(),
    }
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |v| format!("{:.1}%", v * 100.0))
}

fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |v| format!("{v:.3}"))
}

/// Plain-text report.
pub fn render_table(r: &AgreementReport) -> String {
    let mut out = String::new();
    let width = r
        .criteria
        .iter()
        .map(|s| s.criterion.len())
        .chain([9])
        .max()
        .unwrap_or(9);
    out.push_str(&format!(
        "{:width$}  {:>5}  {:>9}  {:>6}  {:>9}  {:>9}\n",
        "criterion", "n", "agreement", "kappa", "fail prec", "fail rec"
    ));
    for s in r.criteria.iter().chain([&r.overall]) {
        out.push_str(&format!(
            "{:width$}  {:>5}  {:>9}  {:>6}  {:>9}  {:>9}\n",
            s.criterion,
            s.compared,
            pct(s.agreement),
            num(s.kappa),
            pct(s.fail_precision),
            pct(s.fail_recall)
        ));
    }
    out.push_str("\nconfusion (rows: human, columns: callqa)\n");
    for s in r.criteria.iter().chain([&r.overall]) {
        out.push_str(&format!("{}\n", s.criterion));
        out.push_str("          pass  fail    na\n");
        for (i, o) in ORDER.iter().enumerate() {
            let row = s.confusion[i];
            out.push_str(&format!(
                "  {:<6}{:>6}{:>6}{:>6}\n",
                o.as_str(),
                row[0],
                row[1],
                row[2]
            ));
        }
    }
    if r.disagreements.is_empty() {
        out.push_str("\nno disagreements\n");
    } else {
        out.push_str(&format!("\ndisagreements ({})\n", r.disagreements.len()));
        for d in &r.disagreements {
            out.push_str(&format!(
                "  {} {}: human {}, callqa {}\n",
                d.call_id,
                d.criterion,
                d.human.as_str(),
                d.machine.as_str()
            ));
            for e in &d.evidence {
                out.push_str(&format!("    evidence: {e}\n"));
            }
        }
    }
    if !r.labelled_not_scored.is_empty() {
        out.push_str(&format!(
            "\nlabelled but not scored (no transcript given): {}\n",
            r.labelled_not_scored.join(", ")
        ));
    }
    if !r.scored_not_labelled.is_empty() {
        out.push_str(&format!(
            "\nscored but not labelled: {}\n",
            r.scored_not_labelled.join(", ")
        ));
    }
    out
}

/// JSON report.
pub fn render_json(r: &AgreementReport) -> String {
    let mut s = serde_json::to_string_pretty(r).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kappa_matches_a_worked_example() {
        // 50 items: both pass 20, both fail 15, human pass/machine fail 5, human fail/machine pass 10.
        // po = 0.7; pe = 0.5 * 0.6 + 0.5 * 0.4 = 0.5; kappa = 0.4.
        let s = Stats::from_confusion("x", [[20, 5, 0], [10, 15, 0], [0, 0, 0]]);
        assert_eq!(s.compared, 50);
        assert!((s.agreement.unwrap_or(0.0) - 0.7).abs() < 1e-9);
        assert!((s.kappa.unwrap_or(0.0) - 0.4).abs() < 1e-9);
        assert!((s.fail_precision.unwrap_or(0.0) - 0.75).abs() < 1e-9);
        assert!((s.fail_recall.unwrap_or(0.0) - 0.6).abs() < 1e-9);
    }

    #[test]
    fn always_pass_agrees_often_but_has_no_kappa_gain() {
        // Humans fail 2 of 10; the machine passes everything: 80% agreement, kappa 0.
        let s = Stats::from_confusion("x", [[8, 0, 0], [2, 0, 0], [0, 0, 0]]);
        assert!((s.agreement.unwrap_or(0.0) - 0.8).abs() < 1e-9);
        assert!(s.kappa.unwrap_or(1.0).abs() < 1e-9);
        assert_eq!(s.fail_precision, None);
        assert_eq!(s.fail_recall, Some(0.0));
    }

    #[test]
    fn empty_and_constant_tables_have_no_kappa() {
        assert_eq!(Stats::from_confusion("x", [[0; 3]; 3]).kappa, None);
        assert_eq!(
            Stats::from_confusion("x", [[4, 0, 0], [0, 0, 0], [0, 0, 0]]).kappa,
            None
        );
    }

    #[test]
    fn labels_accept_strings_and_objects_and_report_all_errors() {
        let path = Path::new("l.json");
        let l = Labels::parse(
            r#"{"c1": {"a.b": "PASS", "a.c": {"label": "fail", "note": "rude"}}}"#,
            path,
        )
        .expect("valid labels");
        assert_eq!(l.0["c1"]["a.b"], Outcome::Pass);
        assert_eq!(l.0["c1"]["a.c"], Outcome::Fail);
        let e = Labels::parse(r#"{"c1": {"a.b": "maybe", "a.c": 3}, "c2": []}"#, path)
            .expect_err("invalid labels");
        assert_eq!(e.matches("l.json:").count(), 3, "{e}");
        assert_eq!(
            Labels::parse("{", path),
            Err("l.json:1:1: invalid JSON: EOF while parsing an object".to_string())
        );
    }
}
