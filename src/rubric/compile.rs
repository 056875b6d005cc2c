//! Parse-then-validate for rubric files: walks the spanned TOML document, checks every key and
//! type, and reports all problems at once as `file:line:col` diagnostics; on success builds the
//! compiled [`Rubric`].
//!
//! Rubrics are strict: unknown keys are errors. Must not depend on whisper, audio or clap.

use super::model::{
    Condition, Criterion, Leaf, MetricCondition, NamedCondition, Rubric, Section, SpeakerFilter,
    Window,
};
use super::phrase::{PhraseMatcherBuilder, Slot, Token};
use crate::diag::{Diagnostic, Diagnostics};
use crate::metrics::Metrics;
use crate::text::normalize;
use crate::tomlcheck::{TomlChecker, Value, type_name};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

const TOP_KEYS: &[&str] = &["rubric", "variables", "conditions", "sections", "criteria"];
const RUBRIC_KEYS: &[&str] = &["name", "version", "description", "pass_mark"];
const SECTION_KEYS: &[&str] = &["id", "name", "weight"];
const CRITERION_KEYS: &[&str] = &[
    "id",
    "description",
    "points",
    "critical",
    "coaching",
    "condition",
    "applies_when",
];
const LEAF_KEYS: &[&str] = &[
    "speaker",
    "window",
    "phrases",
    "regex",
    "unless",
    "count",
    "after",
    "before",
    "min_words",
];
const COMBINATOR_KEYS: &[&str] = &["all", "any", "not", "ref"];
const METRIC_KEYS: &[&str] = &["metric", "min", "max"];
const WINDOW_KEYS: &[&str] = &[
    "first_seconds",
    "last_seconds",
    "first_turns",
    "last_turns",
    "percent",
];

/// Compiles rubric source text. `path` names the file in diagnostics; `overrides` replace or add
/// variables (e.g. from `--var company=Acme`).
pub fn compile(
    source: &str,
    path: &Path,
    overrides: &BTreeMap<String, Vec<String>>,
) -> Result<Rubric, Diagnostics> {
    let (doc, parse_errors) = DeTable::parse_recoverable(source);
    let mut cx = Cx {
        ck: TomlChecker::new(path, source),
        matcher: PhraseMatcherBuilder::default(),
        variables: BTreeMap::new(),
        named_index: HashMap::new(),
    };
    for e in &parse_errors {
        let span = e.span().unwrap_or(0..0);
        cx.error(span, e.message().trim().to_string());
    }
    if !parse_errors.is_empty() {
        return Err(Diagnostics(std::mem::take(&mut cx.errors)));
    }
    let top = doc.get_ref();
    cx.check_keys(top, TOP_KEYS, "the top level");

    let (name, version, description, pass_mark) = cx.rubric_header(top, doc.span());
    cx.variables(top, overrides);

    // Named conditions are indexed first so criteria and other named conditions can refer to them.
    let named_tables: Vec<(&Spanned<std::borrow::Cow<str>>, &Value)> = match top.get("conditions") {
        Some(v) => match cx.table(v, "[conditions]") {
            Some(t) => t.iter().collect(),
            None => Vec::new(),
        },
        None => Vec::new(),
    };
    for (i, (k, _)) in named_tables.iter().enumerate() {
        cx.named_index.insert(k.get_ref().to_string(), i);
    }
    let mut named = Vec::new();
    for (k, v) in &named_tables {
        let condition = cx
            .condition(v, &format!("condition `{}`", k.get_ref()))
            .unwrap_or(Condition::All(Vec::new()));
        named.push(NamedCondition {
            name: k.get_ref().to_string(),
            condition,
        });
    }
    cx.check_cycles(&named, &named_tables);

    let sections = cx.sections(top, doc.span());
    let criteria = cx.criteria(top, &sections, doc.span());

    if !cx.errors.is_empty() {
        return Err(Diagnostics(std::mem::take(&mut cx.errors)));
    }
    let matcher = match cx.matcher.build() {
        Ok(m) => m,
        Err(e) => {
            return Err(Diagnostics(vec![Diagnostic::at(
                path,
                source,
                0..0,
                format!("cannot build the phrase automaton: {e}"),
            )]));
        }
    };
    let mut hasher = Sha256::new();
    hasher.update(source.as_bytes());
    for (k, v) in overrides {
        hasher.update(format!("\n--var {k}={}", v.join("|")).as_bytes());
    }
    let sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let uses_metrics = named.iter().any(|n| reads_metric(&n.condition))
        || criteria.iter().any(|c| {
            reads_metric(&c.condition) || c.applies_when.as_ref().is_some_and(reads_metric)
        });
    Ok(Rubric {
        name,
        version,
        description,
        pass_mark,
        sha256,
        sections,
        criteria,
        named,
        uses_metrics,
        matcher,
    })
}

/// True when the condition itself (not counting named conditions it refers to) reads a metric.
fn reads_metric(c: &Condition) -> bool {
    match c {
        Condition::All(xs) | Condition::Any(xs) => xs.iter().any(reads_metric),
        Condition::Not(x) => reads_metric(x),
        Condition::Metric(_) => true,
        Condition::Ref(_) | Condition::Leaf(_) => false,
    }
}

struct Cx<'a> {
    ck: TomlChecker<'a>,
    matcher: PhraseMatcherBuilder,
    variables: BTreeMap<String, Vec<String>>,
    named_index: HashMap<String, usize>,
}

impl<'a> std::ops::Deref for Cx<'a> {
    type Target = TomlChecker<'a>;
    fn deref(&self) -> &Self::Target {
        &self.ck
    }
}

impl std::ops::DerefMut for Cx<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.ck
    }
}

impl<'a> Cx<'a> {
    fn rubric_header(
        &mut self,
        top: &DeTable,
        doc_span: Range<usize>,
    ) -> (String, String, Option<String>, f64) {
        let mut name = String::new();
        let mut version = String::new();
        let mut description = None;
        let mut pass_mark = 80.0;
        let Some(v) = self.required(
            top,
            "rubric",
            doc_span.start..doc_span.start,
            "the rubric file",
        ) else {
            return (name, version, description, pass_mark);
        };
        let Some(t) = self.table(v, "[rubric]") else {
            return (name, version, description, pass_mark);
        };
        self.check_keys(t, RUBRIC_KEYS, "[rubric]");
        let header_span = v.span();
        if let Some(v) = self.required(t, "name", header_span.clone(), "[rubric]") {
            name = self.string(v, "`name`").unwrap_or_default();
        }
        if let Some(v) = self.required(t, "version", header_span.clone(), "[rubric]") {
            version = match v.get_ref() {
                DeValue::Integer(i) => i.as_str().to_string(),
                DeValue::Float(f) => f.as_str().to_string(),
                _ => self.string(v, "`version`").unwrap_or_default(),
            };
        }
        if let Some(v) = t.get("description") {
            description = self.string(v, "`description`");
        }
        if let Some(v) = t.get("pass_mark")
            && let Some(n) = self.number(v, "`pass_mark`")
        {
            if (0.0..=100.0).contains(&n) {
                pass_mark = n;
            } else {
                self.error(
                    v.span(),
                    format!("`pass_mark` must be between 0 and 100, found {n}"),
                );
            }
        }
        (name, version, description, pass_mark)
    }

    fn variables(&mut self, top: &DeTable, overrides: &BTreeMap<String, Vec<String>>) {
        if let Some(v) = top.get("variables")
            && let Some(t) = self.table(v, "[variables]")
        {
            for (k, v) in t.iter() {
                let what = format!("variable `{}`", k.get_ref());
                let values = match v.get_ref() {
                    DeValue::String(s) => Some(vec![s.to_string()]),
                    DeValue::Array(_) => self
                        .strings(v, &what)
                        .map(|xs| xs.into_iter().map(|(s, _)| s).collect()),
                    other => {
                        self.error(
                            v.span(),
                            format!(
                                "{what} must be a string or an array of strings, found {}",
                                type_name(other)
                            ),
                        );
                        None
                    }
                };
                if let Some(values) = values {
                    if Slot::from_name(k.get_ref()).is_some() {
                        self.error(
                            k.span(),
                            format!(
                                "`{}` is a built-in slot and cannot be a variable",
                                k.get_ref()
                            ),
                        );
                    }
                    self.variables.insert(k.get_ref().to_string(), values);
                }
            }
        }
        for (k, v) in overrides {
            self.variables.insert(k.clone(), v.clone());
        }
    }

    fn sections(&mut self, top: &DeTable, doc_span: Range<usize>) -> Vec<Section> {
        let mut out: Vec<Section> = Vec::new();
        let at = doc_span.start..doc_span.start;
        for (item_span, t) in
            self.array_of_tables(top, "sections", SECTION_KEYS, at, "the rubric file")
        {
            let id = self
                .required(t, "id", item_span.clone(), "[[sections]]")
                .and_then(|v| {
                    let s = self.string(v, "`id`")?;
                    if !is_ident(&s) {
                        self.error(
                            v.span(),
                            format!("section id `{s}` must be letters, digits, `_` or `-`"),
                        );
                    } else if out.iter().any(|x| x.id == s) {
                        self.error(v.span(), format!("duplicate section id `{s}`"));
                    }
                    Some(s)
                });
            let weight = t
                .get("weight")
                .map_or(Some(1.0), |v| self.positive(v, "`weight`"));
            let name = t.get("name").and_then(|v| self.string(v, "`name`"));
            if let (Some(id), Some(weight)) = (id, weight) {
                out.push(Section {
                    name: name.unwrap_or_else(|| id.clone()),
                    id,
                    weight,
                });
            }
        }
        out
    }

    fn criteria(
        &mut self,
        top: &DeTable,
        sections: &[Section],
        doc_span: Range<usize>,
    ) -> Vec<Criterion> {
        let mut out: Vec<Criterion> = Vec::new();
        let at = doc_span.start..doc_span.start;
        for (item_span, t) in
            self.array_of_tables(top, "criteria", CRITERION_KEYS, at, "the rubric file")
        {
            let mut section = None;
            let id = self
                .required(t, "id", item_span.clone(), "[[criteria]]")
                .and_then(|v| {
                    let s = self.string(v, "`id`")?;
                    match s.split_once('.') {
                        Some((sec, name)) if is_ident(sec) && is_ident(name) => {
                            section = sections.iter().position(|x| x.id == sec);
                            if section.is_none() && !sections.is_empty() {
                                let known: Vec<&str> = sections.iter().map(|x| x.id.as_str()).collect();
                                self.error(
                                    v.span(),
                                    format!("criterion `{s}` names section `{sec}`, which is not defined; sections: {}", known.join(", ")),
                                );
                            }
                        }
                        _ => self.error(
                            v.span(),
                            format!("criterion id `{s}` must have the form `section.name`"),
                        ),
                    }
                    if out.iter().any(|c| c.id == s) {
                        self.error(v.span(), format!("duplicate criterion id `{s}`"));
                    }
                    Some(s)
                });
            let label = id.clone().unwrap_or_else(|| "criterion".into());
            let description = t
                .get("description")
                .and_then(|v| self.string(v, "`description`"))
                .unwrap_or_default();
            let points = t
                .get("points")
                .map_or(Some(1.0), |v| self.positive(v, "`points`"));
            let critical = t
                .get("critical")
                .map_or(Some(false), |v| self.boolean(v, "`critical`"));
            let coaching = t.get("coaching").and_then(|v| self.string(v, "`coaching`"));
            let condition = match t.get("condition") {
                Some(v) => self.condition(v, &format!("the condition of `{label}`")),
                None => {
                    self.error(
                        item_span.clone().start..item_span.clone().start,
                        format!("criterion `{label}` has no `condition`"),
                    );
                    None
                }
            };
            let applies_when = t
                .get("applies_when")
                .map(|v| self.condition(v, &format!("`applies_when` of `{label}`")));
            if let (Some(id), Some(section), Some(points), Some(critical), Some(condition)) =
                (id, section, points, critical, condition)
                && applies_when.as_ref().is_none_or(Option::is_some)
            {
                out.push(Criterion {
                    id,
                    section,
                    description,
                    points,
                    critical,
                    coaching,
                    condition,
                    applies_when: applies_when.flatten(),
                });
            }
        }
        out
    }

    fn condition(&mut self, v: &Value, what: &str) -> Option<Condition> {
        let t = self.table(v, what)?;
        let combinators: Vec<&str> = COMBINATOR_KEYS
            .iter()
            .copied()
            .filter(|k| t.contains_key(*k))
            .collect();
        if combinators.len() > 1 || (!combinators.is_empty() && t.len() > 1) {
            self.error(
                v.span(),
                format!("{what} mixes `{}` with other keys; a condition is either one of all/any/not/ref, a match (speaker, phrases, regex, …) or a metric (metric, min, max)", combinators[0]),
            );
            return None;
        }
        if let Some(&key) = combinators.first() {
            let inner = t.get(key)?;
            return match key {
                "all" | "any" => {
                    let DeValue::Array(items) = inner.get_ref() else {
                        self.error(
                            inner.span(),
                            format!("`{key}` must be an array of conditions"),
                        );
                        return None;
                    };
                    if items.is_empty() {
                        self.error(
                            inner.span(),
                            format!("`{key}` must list at least one condition"),
                        );
                        return None;
                    }
                    let children: Vec<Option<Condition>> = items
                        .iter()
                        .map(|c| self.condition(c, &format!("each entry of `{key}`")))
                        .collect();
                    let children: Option<Vec<Condition>> = children.into_iter().collect();
                    let children = children?;
                    Some(if key == "all" {
                        Condition::All(children)
                    } else {
                        Condition::Any(children)
                    })
                }
                "not" => Some(Condition::Not(Box::new(self.condition(inner, "`not`")?))),
                _ => self.reference(inner, "`ref`").map(Condition::Ref),
            };
        }
        if t.contains_key("metric") {
            return self.metric(t, v.span(), what).map(Condition::Metric);
        }
        let mut misplaced_bound = false;
        for (k, _) in t.iter() {
            let key = k.get_ref().as_ref();
            if key == "min" || key == "max" {
                self.error(
                    k.span(),
                    format!("`{key}` bounds a metric, but {what} names none; add `metric = \"…\"` (or use `count = {{ {key} = N }}` to bound the number of matches)"),
                );
                misplaced_bound = true;
            } else if !LEAF_KEYS.contains(&key) {
                self.error(
                    k.span(),
                    format!(
                        "unknown key `{key}` in {what}; expected one of: {}, or {} for a metric",
                        LEAF_KEYS.join(", "),
                        METRIC_KEYS.join(", ")
                    ),
                );
            }
        }
        let leaf = self.leaf(t, v.span(), what);
        if misplaced_bound {
            return None;
        }
        leaf.map(|l| Condition::Leaf(Box::new(l)))
    }

    /// A metric condition: `{ metric = "talk_ratio", min = 0.35, max = 0.65 }`.
    fn metric(&mut self, t: &DeTable, span: Range<usize>, what: &str) -> Option<MetricCondition> {
        let mut ok = true;
        for (k, _) in t.iter() {
            let key = k.get_ref().as_ref();
            if METRIC_KEYS.contains(&key) {
                continue;
            }
            ok = false;
            if LEAF_KEYS.contains(&key) {
                self.error(
                    k.span(),
                    format!("{what} mixes `metric` with `{key}`; a metric condition takes only `metric`, `min` and `max` (combine it with a match using `all` or `any`)"),
                );
            } else {
                self.error(
                    k.span(),
                    format!(
                        "unknown key `{key}` in {what}; a metric condition takes: {}",
                        METRIC_KEYS.join(", ")
                    ),
                );
            }
        }
        let name_value = t.get("metric")?;
        let metric = match self.string(name_value, "`metric`") {
            Some(name) => match Metrics::metric_names().iter().find(|m| **m == name) {
                Some(m) => Some(*m),
                None => {
                    let hint = closest_metric(&name)
                        .map(|m| format!("did you mean `{m}`? "))
                        .unwrap_or_default();
                    self.error(
                        name_value.span(),
                        format!(
                            "unknown metric `{name}`; {hint}metrics: {}",
                            Metrics::metric_names().join(", ")
                        ),
                    );
                    None
                }
            },
            None => None,
        };
        let mut bound = |key: &str| -> Option<(f64, Range<usize>)> {
            let v = t.get(key)?;
            let n = self.number(v, &format!("`{key}`"));
            ok &= n.is_some();
            n.map(|n| (n, v.span()))
        };
        let min = bound("min");
        let max = bound("max");
        if !t.contains_key("min") && !t.contains_key("max") {
            self.error(
                span,
                format!(
                    "the metric condition on `{}` needs `min`, `max` or both",
                    metric.unwrap_or("…")
                ),
            );
            ok = false;
        }
        if let (Some((lo, _)), Some((hi, hi_span))) = (&min, &max)
            && hi < lo
        {
            self.error(
                hi_span.clone(),
                format!("`max` ({hi}) is below `min` ({lo}); no value can satisfy both"),
            );
            ok = false;
        }
        let metric = metric?;
        ok.then_some(MetricCondition {
            metric,
            min: min.map(|(n, _)| n),
            max: max.map(|(n, _)| n),
        })
    }

    fn reference(&mut self, v: &Value, what: &str) -> Option<usize> {
        let name = self.string(v, what)?;
        match self.named_index.get(&name) {
            Some(&i) => Some(i),
            None => {
                let mut known: Vec<&String> = self.named_index.keys().collect();
                known.sort();
                let known = if known.is_empty() {
                    "none are defined".to_string()
                } else {
                    known
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                self.error(
                    v.span(),
                    format!("{what} names `{name}`, which is not a condition under [conditions] ({known})"),
                );
                None
            }
        }
    }

    fn leaf(&mut self, t: &DeTable, span: Range<usize>, what: &str) -> Option<Leaf> {
        let mut ok = true;
        let speaker = match t.get("speaker") {
            None => SpeakerFilter::Any,
            Some(v) => match self.string(v, "`speaker`").as_deref() {
                Some("agent") => SpeakerFilter::Agent,
                Some("customer") => SpeakerFilter::Customer,
                Some("any") => SpeakerFilter::Any,
                Some(other) => {
                    self.error(
                        v.span(),
                        format!("`speaker` must be agent, customer or any, found `{other}`"),
                    );
                    ok = false;
                    SpeakerFilter::Any
                }
                None => {
                    ok = false;
                    SpeakerFilter::Any
                }
            },
        };
        let window = match t.get("window") {
            None => Window::default(),
            Some(v) => match self.window(v) {
                Some(w) => w,
                None => {
                    ok = false;
                    Window::default()
                }
            },
        };
        let mut phrase_preview = Vec::new();
        let phrases = match t.get("phrases") {
            None => None,
            Some(v) => {
                let set = self.phrase_set(v, "`phrases`", &mut phrase_preview);
                ok &= set.is_some();
                set
            }
        };
        let regex = match t.get("regex") {
            None => None,
            Some(v) => match self.string(v, "`regex`") {
                Some(pattern) => match regex::Regex::new(&pattern) {
                    Ok(r) => Some(r),
                    Err(e) => {
                        let msg = e.to_string();
                        let last = msg.lines().last().unwrap_or("invalid").trim();
                        let last = last.strip_prefix("error: ").unwrap_or(last).to_string();
                        self.error(v.span(), format!("invalid regex: {last}"));
                        ok = false;
                        None
                    }
                },
                None => {
                    ok = false;
                    None
                }
            },
        };
        let unless = match t.get("unless") {
            None => None,
            Some(v) => {
                let set = self.phrase_set(v, "`unless`", &mut Vec::new());
                ok &= set.is_some();
                set
            }
        };
        let (mut min_count, mut max_count) = (1, None);
        if let Some(v) = t.get("count") {
            match self.table(v, "`count`") {
                Some(ct) => {
                    self.check_keys(ct, &["min", "max"], "`count`");
                    if ct.is_empty() {
                        self.error(v.span(), "`count` needs `min` or `max`");
                        ok = false;
                    }
                    if let Some(m) = ct.get("min") {
                        match self.count(m, "`count.min`") {
                            Some(n) => min_count = n,
                            None => ok = false,
                        }
                    } else if ct.contains_key("max") {
                        min_count = 0;
                    }
                    if let Some(m) = ct.get("max") {
                        match self.count(m, "`count.max`") {
                            Some(n) if n < min_count => {
                                self.error(
                                    m.span(),
                                    format!("`count.max` ({n}) is below `count.min` ({min_count})"),
                                );
                                ok = false;
                            }
                            Some(n) => max_count = Some(n),
                            None => ok = false,
                        }
                    }
                }
                None => ok = false,
            }
        }
        let mut order = |key: &str| -> Option<usize> {
            let v = t.get(key)?;
            let r = self.reference(v, &format!("`{key}`"));
            ok &= r.is_some();
            r
        };
        let after = order("after");
        let before = order("before");
        let min_words = match t.get("min_words") {
            None => 0,
            Some(v) => self.count(v, "`min_words`").unwrap_or_else(|| {
                ok = false;
                0
            }),
        };
        if t.is_empty() {
            self.error(
                span,
                format!("{what} is empty; give phrases, regex or speaker"),
            );
            return None;
        }
        if !ok {
            return None;
        }
        let what_text = describe_what(speaker, &phrase_preview, regex.as_ref(), min_words);
        let where_text = describe_window(speaker, &window);
        Some(Leaf {
            speaker,
            window,
            phrases,
            regex,
            unless,
            min_count,
            max_count,
            after,
            before,
            min_words,
            what: what_text,
            where_: where_text,
        })
    }

    fn window(&mut self, v: &Value) -> Option<Window> {
        let t = self.table(v, "`window`")?;
        self.check_keys(t, WINDOW_KEYS, "`window`");
        if t.is_empty() {
            self.error(v.span(), "`window` needs at least one bound (first_seconds, last_seconds, first_turns, last_turns, percent)");
            return None;
        }
        let mut w = Window::default();
        let mut ok = true;
        for (k, val) in t.iter() {
            let key = k.get_ref().as_ref();
            match key {
                "first_seconds" | "last_seconds" => match self.positive(val, &format!("`{key}`")) {
                    Some(n) if key == "first_seconds" => w.first_seconds = Some(n),
                    Some(n) => w.last_seconds = Some(n),
                    None => ok = false,
                },
                "first_turns" | "last_turns" => match self.count(val, &format!("`{key}`")) {
                    Some(0) => {
                        self.error(val.span(), format!("`{key}` must be at least 1"));
                        ok = false;
                    }
                    Some(n) if key == "first_turns" => w.first_turns = Some(n),
                    Some(n) => w.last_turns = Some(n),
                    None => ok = false,
                },
                "percent" => {
                    let range = match val.get_ref() {
                        DeValue::Array(a) if a.len() == 2 => {
                            let lo = self.number(&a[0], "the start of `percent`");
                            let hi = self.number(&a[1], "the end of `percent`");
                            lo.zip(hi)
                        }
                        _ => None,
                    };
                    match range {
                        Some((lo, hi)) if 0.0 <= lo && lo < hi && hi <= 100.0 => {
                            w.percent = Some((lo, hi))
                        }
                        _ => {
                            self.error(
                                val.span(),
                                "`percent` must be [start, end] with 0 <= start < end <= 100",
                            );
                            ok = false;
                        }
                    }
                }
                _ => ok = false,
            }
        }
        ok.then_some(w)
    }

    /// Compiles a phrase list into a new matcher set; `preview` receives the phrases as written.
    fn phrase_set(&mut self, v: &Value, what: &str, preview: &mut Vec<String>) -> Option<u32> {
        let list = self.strings(v, what)?;
        if list.is_empty() {
            self.error(
                v.span(),
                format!("{what} is empty; list at least one phrase"),
            );
            return None;
        }
        let set = self.matcher.new_set();
        let mut ok = true;
        for (phrase, span) in list {
            match self.expand_phrase(&phrase) {
                Ok(variants) => {
                    for tokens in variants {
                        self.matcher.add(set, tokens);
                    }
                    preview.push(phrase);
                }
                Err(msg) => {
                    self.error(span, msg);
                    ok = false;
                }
            }
        }
        ok.then_some(set)
    }

    /// Splits a phrase into tokens, substituting variables (one variant per variable value).
    fn expand_phrase(&self, phrase: &str) -> Result<Vec<Vec<Token>>, String> {
        let mut variants: Vec<Vec<Token>> = vec![Vec::new()];
        let mut rest = phrase;
        loop {
            let (literal, placeholder, after) = match rest.find('{') {
                Some(open) => {
                    let close = rest[open..]
                        .find('}')
                        .map(|c| open + c)
                        .ok_or_else(|| format!("phrase {phrase:?} has an unclosed `{{`"))?;
                    (
                        &rest[..open],
                        Some(rest[open + 1..close].trim()),
                        &rest[close + 1..],
                    )
                }
                None => (rest, None, ""),
            };
            let words = normalize(literal);
            if !words.is_empty() {
                for v in &mut variants {
                    push_literal(v, &words);
                }
            }
            let Some(name) = placeholder else { break };
            if let Some(slot) = Slot::from_name(name) {
                for v in &mut variants {
                    v.push(Token::Slot(slot));
                }
            } else if let Some(values) = self.variables.get(name) {
                let mut next = Vec::new();
                for v in &variants {
                    for value in values {
                        let mut nv = v.clone();
                        let words = normalize(value);
                        if !words.is_empty() {
                            push_literal(&mut nv, &words);
                        }
                        next.push(nv);
                    }
                }
                variants = next;
            } else {
                return Err(format!(
                    "variable `{name}` is used but never defined; define it under [variables] (or use a slot: {{name}}, {{word}})"
                ));
            }
            rest = after;
        }
        variants.retain(|v| !v.is_empty());
        if variants.is_empty() {
            return Err(format!("phrase {phrase:?} has no words to match"));
        }
        if variants
            .iter()
            .any(|v| !v.iter().any(|t| matches!(t, Token::Literal(_))))
        {
            return Err(format!(
                "phrase {phrase:?} needs at least one literal word besides slots"
            ));
        }
        Ok(variants)
    }

    fn check_cycles(
        &mut self,
        named: &[NamedCondition],
        tables: &[(&Spanned<std::borrow::Cow<str>>, &Value)],
    ) {
        fn refs(c: &Condition, out: &mut Vec<usize>) {
            match c {
                Condition::All(xs) | Condition::Any(xs) => xs.iter().for_each(|x| refs(x, out)),
                Condition::Not(x) => refs(x, out),
                Condition::Ref(i) => out.push(*i),
                Condition::Leaf(l) => out.extend(l.after.iter().chain(l.before.iter())),
                Condition::Metric(_) => {}
            }
        }
        let edges: Vec<Vec<usize>> = named
            .iter()
            .map(|n| {
                let mut out = Vec::new();
                refs(&n.condition, &mut out);
                out
            })
            .collect();
        for start in 0..named.len() {
            let mut stack = edges[start].clone();
            let mut seen = vec![false; named.len()];
            while let Some(n) = stack.pop() {
                if n == start {
                    let (k, _) = tables[start];
                    self.error(
                        k.span(),
                        format!(
                            "condition `{}` refers to itself (directly or through others)",
                            named[start].name
                        ),
                    );
                    break;
                }
                if !std::mem::replace(&mut seen[n], true) {
                    stack.extend(&edges[n]);
                }
            }
        }
    }
}

/// The metric name closest to a misspelt one, when it is close enough to be a likely typo.
fn closest_metric(name: &str) -> Option<&'static str> {
    Metrics::metric_names()
        .iter()
        .map(|m| (edit_distance(name, m), *m))
        .filter(|(d, m)| *d <= 3.max(m.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, m)| m)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diag + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

fn push_literal(tokens: &mut Vec<Token>, words: &str) {
    if let Some(Token::Literal(prev)) = tokens.last_mut() {
        prev.push(' ');
        prev.push_str(words);
    } else {
        tokens.push(Token::Literal(words.to_string()));
    }
}

fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn describe_what(
    speaker: SpeakerFilter,
    phrases: &[String],
    regex: Option<&regex::Regex>,
    min_words: u32,
) -> String {
    let who = match speaker {
        SpeakerFilter::Any => "anyone".to_string(),
        s => format!("the {}", s.as_str()),
    };
    let mut parts = Vec::new();
    if !phrases.is_empty() {
        let shown: Vec<String> = phrases.iter().take(3).map(|p| format!("\"{p}\"")).collect();
        let more = phrases.len().saturating_sub(3);
        let mut s = format!("one of {}", shown.join(", "));
        if more > 0 {
            s.push_str(&format!(" (+{more} more)"));
        }
        parts.push(s);
    }
    if let Some(r) = regex {
        parts.push(format!("text matching /{}/", r.as_str()));
    }
    if parts.is_empty() {
        return if min_words > 0 {
            format!("{who} saying at least {min_words} words")
        } else {
            format!("{who} speaking")
        };
    }
    format!("{who} saying {}", parts.join(" or "))
}

fn describe_window(speaker: SpeakerFilter, w: &Window) -> String {
    if w.is_whole_call() {
        return "anywhere in the call".into();
    }
    let who = match speaker {
        SpeakerFilter::Any => String::new(),
        s => format!("{} ", s.as_str()),
    };
    let plural = |n: u32| if n == 1 { "" } else { "s" };
    let mut parts = Vec::new();
    if let Some(n) = w.first_turns {
        parts.push(format!("the first {n} {who}turn{}", plural(n)));
    }
    if let Some(s) = w.first_seconds {
        parts.push(format!("the first {s} s"));
    }
    if let Some(n) = w.last_turns {
        parts.push(format!("the last {n} {who}turn{}", plural(n)));
    }
    if let Some(s) = w.last_seconds {
        parts.push(format!("the last {s} s"));
    }
    if let Some((lo, hi)) = w.percent {
        parts.push(format!("{lo}–{hi}% of the call"));
    }
    format!("in {}", parts.join(" or "))
}
