//! Evaluates a compiled rubric against one transcript and assembles the scorecard.
//!
//! One pass of the phrase automaton over the whole normalized transcript feeds every criterion;
//! named conditions are evaluated once and memoized. Must not depend on whisper, audio or clap.

use super::doc::{Doc, view_index};
use super::measure::{CallMetrics, Measured, MetricVerdict, evaluate};
use super::scorecard::{
    CriterionResult, Evidence, EvidenceKind, Outcome, RubricRef, Scorecard, SectionScore,
};
use crate::metrics::Metrics;
use crate::rubric::{Condition, Criterion, Leaf, Rubric, SpeakerFilter, Window};
use crate::transcript::{Speaker, Transcript};

/// At most this many quotes are kept as evidence per verdict.
const MAX_MATCH_EVIDENCE: usize = 5;
/// At most this many lines are quoted as the place a missed behaviour was expected.
const MAX_CONTEXT_EVIDENCE: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Found {
    sentence: u32,
    start: u32,
    end: u32,
    unverified: bool,
}

/// What a match condition found, kept as data and put into words only when a verdict shows it
/// (most notes are never shown, so formatting them eagerly cost more than matching).
#[derive(Debug, Clone, Copy)]
struct Note<'a> {
    leaf: &'a Leaf,
    count: u32,
    /// The `after` condition never matches.
    after_never: bool,
}

#[derive(Debug, Clone, Default)]
struct Verdict<'a> {
    truth: bool,
    /// The condition cannot be judged (a metric it reads is unavailable); `truth` is then
    /// meaningless and `why_unknown` says why.
    unknown: bool,
    why_unknown: Vec<String>,
    /// Metric values that decided the verdict.
    measures: Vec<Measured>,
    found: Vec<Found>,
    /// Why the condition holds (shown when no quote shows it).
    why_true: Vec<Note<'a>>,
    /// Why it does not hold: what was searched for and where.
    why_false: Vec<Note<'a>>,
    context: Vec<u32>,
}

struct Eval<'a> {
    rubric: &'a Rubric,
    doc: &'a Doc,
    hits: PhraseHits,
    named: Vec<Option<Verdict<'a>>>,
    metrics: &'a CallMetrics<'a>,
}

/// Every phrase hit of a call, grouped by phrase set in one buffer (in match order within a set).
struct PhraseHits {
    spans: Vec<(u32, u32)>,
    /// Set `i`'s hits are `spans[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
}

impl PhraseHits {
    fn find(rubric: &Rubric, text: &str) -> PhraseHits {
        let mut hits = Vec::with_capacity(text.len() / 16);
        rubric.matcher.find_all(text, &mut hits);
        let sets = rubric.matcher.set_count() as usize;
        let mut starts = vec![0u32; sets + 1];
        for h in &hits {
            starts[h.set as usize + 1] += 1;
        }
        for i in 0..sets {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut spans = vec![(0, 0); hits.len()];
        for h in &hits {
            let at = &mut next[h.set as usize];
            spans[*at as usize] = (h.start, h.end);
            *at += 1;
        }
        PhraseHits { spans, starts }
    }

    fn of(&self, set: u32) -> &[(u32, u32)] {
        let set = set as usize;
        &self.spans[self.starts[set] as usize..self.starts[set + 1] as usize]
    }
}

/// Scores one transcript. The same inputs always give the same scorecard.
///
/// Metric conditions read the transcript's `metrics` (measured from the recording) when present,
/// else metrics derived from its segment times (marked approximate).
pub fn score(rubric: &Rubric, transcript: &Transcript) -> Scorecard {
    score_with_metrics(rubric, transcript, None)
}

/// Scores one transcript with conversation metrics measured elsewhere (e.g. from the recording);
/// `metrics` takes precedence over the transcript's own. The scorecard carries the metrics used.
pub fn score_with_metrics(
    rubric: &Rubric,
    transcript: &Transcript,
    metrics: Option<&Metrics>,
) -> Scorecard {
    let metrics = CallMetrics::resolve(rubric.uses_metrics, transcript, metrics);
    let doc = Doc::build(transcript);
    let mut eval = Eval {
        rubric,
        doc: &doc,
        hits: PhraseHits::find(rubric, &doc.text),
        named: vec![None; rubric.named.len()],
        metrics: &metrics,
    };
    let criteria: Vec<CriterionResult> = rubric
        .criteria
        .iter()
        .map(|c| eval.criterion(c, transcript))
        .collect();
    let mut card = assemble(rubric, transcript, &doc, criteria);
    card.metrics = metrics.into_owned();
    card
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn assemble(
    rubric: &Rubric,
    t: &Transcript,
    doc: &Doc,
    criteria: Vec<CriterionResult>,
) -> Scorecard {
    let mut sections = Vec::with_capacity(rubric.sections.len());
    let (mut weighted, mut weights) = (0.0, 0.0);
    for (i, s) in rubric.sections.iter().enumerate() {
        let (mut earned, mut possible) = (0.0, 0.0);
        for (c, r) in rubric.criteria.iter().zip(&criteria) {
            if c.section == i && r.outcome != Outcome::Na {
                earned += r.points;
                possible += r.max_points;
            }
        }
        let score = (possible > 0.0).then(|| earned / possible * 100.0);
        if let Some(sc) = score {
            weighted += sc * s.weight;
            weights += s.weight;
        }
        sections.push(SectionScore {
            id: s.id.clone(),
            name: s.name.clone(),
            score: score.map(round2),
            weight: s.weight,
            earned,
            possible,
        });
    }
    let auto_fail_reasons: Vec<String> = criteria
        .iter()
        .filter(|r| r.critical && r.outcome == Outcome::Fail)
        .map(|r| {
            let quote = r
                .evidence
                .iter()
                .find(|e| e.kind == EvidenceKind::Match)
                .and_then(|e| e.matched.as_ref().map(|m| (m, e)));
            match quote {
                Some((m, e)) => format!("{} failed: \"{m}\" at {}", r.id, position(e)),
                None => format!("{} failed: {}", r.id, r.description),
            }
        })
        .collect();
    let auto_failed = !auto_fail_reasons.is_empty();
    let score = if auto_failed || weights == 0.0 {
        0.0
    } else {
        round2(weighted / weights)
    };
    Scorecard {
        call_id: t.call_id.clone(),
        agent_id: t.agent_id.clone(),
        agent_name: t.agent_name.clone(),
        date: t.date.clone(),
        rubric: RubricRef {
            name: rubric.name.clone(),
            version: rubric.version.clone(),
            sha256: rubric.sha256.clone(),
        },
        score,
        pass_mark: rubric.pass_mark,
        passed: !auto_failed && weights > 0.0 && score >= rubric.pass_mark,
        auto_failed,
        auto_fail_reasons,
        timed: doc.timed,
        speakers_verified: !doc.has_unknown,
        sections,
        criteria,
        metrics: None,
    }
}

/// "01:23" for timed evidence, "turn 4" otherwise.
pub(crate) fn position(e: &Evidence) -> String {
    match (e.start, e.turn) {
        (Some(s), _) => format_time(s),
        (None, Some(turn)) => format!("turn {turn}"),
        (None, None) => "an unknown place".into(),
    }
}

/// Formats seconds as mm:ss (or h:mm:ss).
pub fn format_time(seconds: f64) -> String {
    let total = seconds.max(0.0).round() as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

impl<'a> Eval<'a> {
    fn criterion(&mut self, c: &'a Criterion, t: &Transcript) -> CriterionResult {
        let section = self.rubric.sections[c.section].id.clone();
        let mut evidence = Vec::new();
        let applies = c.applies_when.as_ref().map(|a| self.eval(a));
        let outcome = match &applies {
            Some(a) if a.unknown => {
                evidence.push(Evidence::note(
                    EvidenceKind::NotApplicable,
                    format!(
                        "cannot tell whether it applies: {}",
                        a.why_unknown.join("; ")
                    ),
                ));
                Outcome::Na
            }
            Some(a) if !a.truth => {
                let why = if a.why_false.is_empty() {
                    "its condition for applying is not met".to_string()
                } else {
                    let notes: Vec<String> = a.why_false.iter().map(|n| self.note(n)).collect();
                    notes.join("; ")
                };
                evidence.push(Evidence::note(
                    EvidenceKind::NotApplicable,
                    format!("does not apply: {why}"),
                ));
                for f in a.found.iter().take(MAX_MATCH_EVIDENCE) {
                    evidence.push(self.quote(
                        t,
                        f,
                        EvidenceKind::NotApplicable,
                        Some("this line makes it not apply"),
                    ));
                }
                evidence.extend(a.measures.iter().map(Measured::evidence));
                Outcome::Na
            }
            _ => self.judge(c, t, applies.as_ref(), &mut evidence),
        };
        let (points, max_points) = match outcome {
            Outcome::Pass => (c.points, c.points),
            Outcome::Fail => (0.0, c.points),
            Outcome::Na => (0.0, 0.0),
        };
        CriterionResult {
            id: c.id.clone(),
            section,
            description: c.description.clone(),
            outcome,
            critical: c.critical,
            points,
            max_points,
            evidence,
            coaching: if outcome == Outcome::Fail {
                c.coaching.clone()
            } else {
                None
            },
        }
    }

    /// Pass or fail when the criterion applies (N/A when its condition cannot be judged), with
    /// the evidence behind the verdict.
    fn judge(
        &mut self,
        c: &'a Criterion,
        t: &Transcript,
        applies: Option<&Verdict<'a>>,
        evidence: &mut Vec<Evidence>,
    ) -> Outcome {
        let v = self.eval(&c.condition);
        if v.unknown {
            evidence.push(Evidence::note(
                EvidenceKind::NotApplicable,
                format!("cannot be judged: {}", v.why_unknown.join("; ")),
            ));
            evidence.extend(v.measures.iter().map(Measured::evidence));
            return Outcome::Na;
        }
        let outcome = if v.truth {
            Outcome::Pass
        } else {
            Outcome::Fail
        };
        for f in v.found.iter().take(MAX_MATCH_EVIDENCE) {
            evidence.push(self.quote(t, f, EvidenceKind::Match, None));
        }
        evidence.extend(v.measures.iter().map(Measured::evidence));
        let notes = match outcome {
            Outcome::Fail => &v.why_false,
            _ if v.found.is_empty() => &v.why_true,
            _ => &Vec::new(),
        };
        for n in notes {
            evidence.push(Evidence::note(EvidenceKind::Searched, self.note(n)));
        }
        if outcome == Outcome::Fail {
            for &s in v.context.iter().take(MAX_CONTEXT_EVIDENCE) {
                let f = Found {
                    sentence: s,
                    start: self.doc.sentences[s as usize].norm.start,
                    end: self.doc.sentences[s as usize].norm.end,
                    unverified: false,
                };
                let mut e = self.quote(t, &f, EvidenceKind::Context, Some("where it was expected"));
                e.matched = None;
                e.span = None;
                evidence.push(e);
            }
        }
        if let Some(a) = applies {
            if let Some(f) = a.found.first() {
                evidence.push(self.quote(
                    t,
                    f,
                    EvidenceKind::Match,
                    Some("applies because of this line"),
                ));
            }
            evidence.extend(a.measures.iter().map(Measured::evidence));
        }
        outcome
    }

    /// A match condition's note in words: what was searched for, where, and what was found.
    fn note(&self, n: &Note) -> String {
        let (l, count) = (n.leaf, n.count);
        let mut place = l.where_.clone();
        if let Some(i) = l.after {
            place.push_str(&format!(
                ", after {}",
                self.rubric.named[i].name.replace('_', " ")
            ));
            if n.after_never {
                place.push_str(" (which never happens)");
            }
        }
        if let Some(i) = l.before {
            place.push_str(&format!(
                ", before {}",
                self.rubric.named[i].name.replace('_', " ")
            ));
        }
        if !self.doc.timed
            && (l.window.first_seconds.is_some()
                || l.window.last_seconds.is_some()
                || l.window.percent.is_some())
        {
            place.push_str(" (the transcript has no times: positions estimated from word counts at 150 words/min)");
        }
        if count == 0 {
            format!("no match for {} {place}", l.what)
        } else if count < l.min_count {
            format!(
                "found {count} of the {} required: {} {place}",
                l.min_count, l.what
            )
        } else if let Some(max) = l.max_count.filter(|&m| count > m) {
            format!(
                "found {count}, more than the {max} allowed: {} {place}",
                l.what
            )
        } else {
            format!("found {} {place}", l.what)
        }
    }

    fn quote(&self, t: &Transcript, f: &Found, kind: EvidenceKind, note: Option<&str>) -> Evidence {
        let sentence = &self.doc.sentences[f.sentence as usize];
        let seg = &t.segments[sentence.segment];
        let info = &self.doc.segments[sentence.segment];
        let quote = &seg.text[sentence.orig.clone()];
        let orig = self
            .doc
            .original_span(t, f.sentence as usize, f.start..f.end);
        let span = [
            orig.start - sentence.orig.start,
            orig.end - sentence.orig.start,
        ];
        Evidence {
            kind,
            note: note.map(str::to_string),
            segment: Some(sentence.segment),
            turn: Some(info.turn),
            speaker: Some(info.speaker),
            start: self.doc.timed.then_some(info.start),
            end: self.doc.timed.then_some(info.end),
            quote: Some(quote.to_string()),
            matched: Some(seg.text[orig].to_string()),
            span: Some(span),
            unverified: f.unverified,
            ..Evidence::note(kind, "")
        }
    }

    fn eval(&mut self, c: &'a Condition) -> Verdict<'a> {
        match c {
            Condition::Leaf(l) => self.leaf(l),
            Condition::Metric(m) => match evaluate(m, self.metrics) {
                MetricVerdict::Measured { holds, measured } => Verdict {
                    truth: holds,
                    measures: vec![measured],
                    ..Verdict::default()
                },
                MetricVerdict::Unknown(why) => Verdict {
                    unknown: true,
                    why_unknown: vec![why],
                    ..Verdict::default()
                },
            },
            Condition::Ref(i) => self.named(*i).clone(),
            Condition::Not(inner) => {
                let v = self.eval(inner);
                Verdict {
                    truth: !v.truth,
                    why_true: v.why_false,
                    why_false: v.why_true,
                    ..v
                }
            }
            // Three-valued: one known false child decides `all`, one known true child decides
            // `any`; otherwise an unknown child leaves the result unknown.
            Condition::All(children) => {
                combine(children.iter().map(|x| self.eval(x)).collect(), false)
            }
            Condition::Any(children) => {
                combine(children.iter().map(|x| self.eval(x)).collect(), true)
            }
        }
    }

    fn named(&mut self, i: usize) -> &Verdict<'a> {
        if self.named[i].is_none() {
            let rubric = self.rubric;
            let v = self.eval(&rubric.named[i].condition);
            self.named[i] = Some(v);
        }
        self.named[i].get_or_insert_with(Verdict::default)
    }

    /// Start of the first match of a named condition, if it ever matches.
    fn first_position(&mut self, i: usize) -> Option<u32> {
        let rubric = self.rubric;
        if self.named[i].is_none()
            && let Condition::Leaf(l) = &rubric.named[i].condition
            && l.phrases.is_none()
            && l.regex.is_none()
            && l.unless.is_none()
            && l.after.is_none()
            && l.before.is_none()
        {
            // Every sentence in scope is a match (like `agent_speaks`): the first one in scope is
            // the earliest, so the full list of ~100 matches is not built for one position.
            return (0..self.doc.sentences.len())
                .find(|&s| self.in_scope(l, s))
                .map(|s| self.doc.sentences[s].norm.start);
        }
        self.named(i).found.iter().map(|f| f.start).min()
    }

    fn in_scope(&self, l: &Leaf, sentence: usize) -> bool {
        let s = &self.doc.sentences[sentence];
        if s.words < l.min_words {
            return false;
        }
        let view = view_index(l.speaker);
        let turn = self.doc.view_turns[s.segment][view];
        turn > 0 && self.in_window(&l.window, view, s.segment, turn)
    }

    fn in_window(&self, w: &Window, view: usize, segment: usize, turn: usize) -> bool {
        if w.is_whole_call() {
            return true;
        }
        let seg = &self.doc.segments[segment];
        let total = self.doc.turn_counts[view];
        let d = self.doc.duration;
        w.first_turns.is_some_and(|n| turn <= n as usize)
            || w.last_turns.is_some_and(|n| turn + n as usize > total)
            || w.first_seconds.is_some_and(|x| seg.start < x)
            || w.last_seconds.is_some_and(|x| seg.end > d - x)
            || w.percent
                .is_some_and(|(lo, hi)| seg.start <= hi / 100.0 * d && seg.end >= lo / 100.0 * d)
    }

    fn leaf(&mut self, l: &'a Leaf) -> Verdict<'a> {
        let after = l.after.map(|i| self.first_position(i));
        let before = l.before.map(|i| self.first_position(i));
        let doc = self.doc;
        let mut found: Vec<Found> = Vec::new();
        // An `after` condition that never happens leaves nothing to find.
        if after != Some(None) {
            let mut cancelled: Vec<usize> = match l.unless {
                Some(set) => self
                    .hits
                    .of(set)
                    .iter()
                    .map(|&(s, _)| doc.sentence_at(s))
                    .collect(),
                None => Vec::new(),
            };
            cancelled.sort_unstable();
            cancelled.dedup();
            let mut consider = |sentence: usize, start: u32, end: u32| {
                if after.is_some_and(|p| p.is_some_and(|p| start <= p))
                    || before.is_some_and(|p| p.is_some_and(|p| start >= p))
                    || !self.in_scope(l, sentence)
                    || cancelled.binary_search(&sentence).is_ok()
                {
                    return;
                }
                let speaker = doc.segments[doc.sentences[sentence].segment].speaker;
                found.push(Found {
                    sentence: sentence as u32,
                    start,
                    end,
                    unverified: speaker == Speaker::Unknown && l.speaker != SpeakerFilter::Any,
                });
            };
            if let Some(set) = l.phrases {
                for &(start, end) in self.hits.of(set) {
                    consider(doc.sentence_at(start), start, end);
                }
            }
            if let Some(re) = &l.regex {
                for m in re.find_iter(&doc.text) {
                    if m.start() == m.end() {
                        continue;
                    }
                    let s = doc.sentence_at(m.start() as u32);
                    let end = (m.end() as u32).min(doc.sentences[s].norm.end);
                    consider(s, m.start() as u32, end);
                }
            }
            if l.phrases.is_none() && l.regex.is_none() {
                for (i, s) in doc.sentences.iter().enumerate() {
                    consider(i, s.norm.start, s.norm.end);
                }
            }
        }
        found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
        let mut last_end: Option<u32> = None;
        found.retain(|f| {
            let keep = last_end.is_none_or(|e| f.start >= e);
            if keep {
                last_end = Some(f.end);
            }
            keep
        });
        let count = found.len() as u32;
        let truth = count >= l.min_count && l.max_count.is_none_or(|m| count <= m);
        let note = Note {
            leaf: l,
            count,
            after_never: after == Some(None),
        };
        let (why_true, why_false) = if truth {
            (vec![note], Vec::new())
        } else {
            (Vec::new(), vec![note])
        };
        let context = if !truth && count == 0 && !l.window.is_whole_call() {
            (0..doc.sentences.len())
                .filter(|&s| self.in_scope(l, s))
                .take(MAX_CONTEXT_EVIDENCE)
                .map(|s| s as u32)
                .collect()
        } else {
            Vec::new()
        };
        Verdict {
            truth,
            found,
            why_true,
            why_false,
            context,
            ..Verdict::default()
        }
    }
}

/// `all` (`decider` false) or `any` (`decider` true) of the children's verdicts: one known child
/// equal to `decider` decides, keeping the children that decided; else an unknown child leaves the
/// result unknown; else every child agrees on the other value.
fn combine(vs: Vec<Verdict<'_>>, decider: bool) -> Verdict<'_> {
    if vs.iter().any(|v| !v.unknown && v.truth == decider) {
        merge(
            vs.into_iter().filter(|v| !v.unknown && v.truth == decider),
            decider,
        )
    } else if vs.iter().any(|v| v.unknown) {
        unknown(vs.into_iter().filter(|v| v.unknown))
    } else {
        merge(vs.into_iter(), !decider)
    }
}

/// An unknown verdict, keeping every reason.
fn unknown<'a>(vs: impl Iterator<Item = Verdict<'a>>) -> Verdict<'a> {
    let mut out = merge(vs, false);
    out.unknown = true;
    out
}

fn merge<'a>(vs: impl Iterator<Item = Verdict<'a>>, truth: bool) -> Verdict<'a> {
    let mut out = Verdict {
        truth,
        ..Verdict::default()
    };
    for v in vs {
        out.found.extend(v.found);
        out.why_true.extend(v.why_true);
        out.why_false.extend(v.why_false);
        out.context.extend(v.context);
        out.why_unknown.extend(v.why_unknown);
        out.measures.extend(v.measures);
    }
    out.found.sort_by_key(|f| f.start);
    out.found.dedup();
    out.context.sort_unstable();
    out.context.dedup();
    out
}
