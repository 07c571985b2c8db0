//! Fact scoring.
//!
//! - Set F1 per document on (kind, value, entity name) and on (kind, value), per kind.
//! - Span matching: a predicted fact matches a gold fact of the same kind whose span overlaps
//!   it (one-to-one, gold order, first fit); P/R/F1 of that matching per kind.
//! - Value accuracy: among span-matched pairs, the share whose normalised value agrees
//!   (value, approx, from, unit all equal).
//!
//! Numbers compare with a relative tolerance of 1e-9 (values are parsed from text, and
//! "1.2 million" may not be bit-identical to 1200000 computed another way); dates as strings.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{
    dedup, entity_names, overlaps, ClassScores, DocPair, ErrorItem, ErrorKind, Layer, Matching,
};
use crate::record::{Fact, FactKind, FactValue, Record};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FactScores {
    /// (kind, value, entity name), per kind.
    pub with_entity: ClassScores,
    /// (kind, value), per kind.
    pub without_entity: ClassScores,
    /// Same kind and overlapping span, per kind.
    pub span: ClassScores,
    /// Normalised values right among span-matched facts.
    pub value_accuracy: Accuracy,
    pub value_accuracy_per_kind: BTreeMap<String, Accuracy>,
    /// Gold ages of a named person (PER entity; "the 31-year-old ceremony" does not count):
    /// the share whose span-matched prediction names the same person (a missed age is wrong).
    pub age_attribution: Accuracy,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Accuracy {
    pub matched: usize,
    pub correct: usize,
    /// `None` when nothing matched.
    pub accuracy: Option<f64>,
}

impl Accuracy {
    fn add(&mut self, correct: bool) {
        self.matched += 1;
        self.correct += usize::from(correct);
        self.accuracy = super::ratio(self.correct as f64, self.matched);
    }
}

/// A fact with its entity id resolved to a name.
struct NamedFact<'a> {
    fact: &'a Fact,
    entity: Option<String>,
}

fn named_facts(record: &Record) -> Vec<NamedFact<'_>> {
    let names = entity_names(record);
    record
        .facts
        .iter()
        .map(|f| NamedFact {
            fact: f,
            entity: f
                .entity
                .as_deref()
                .map(|id| names.get(id).cloned().unwrap_or_else(|| format!("#{id}"))),
        })
        .collect()
}

pub fn kind_name(kind: FactKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn number_eq(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

fn value_eq(a: &Option<FactValue>, b: &Option<FactValue>) -> bool {
    match (a, b) {
        (Some(FactValue::Number(x)), Some(FactValue::Number(y))) => number_eq(*x, *y),
        (Some(FactValue::Date(x)), Some(FactValue::Date(y))) => x == y,
        (None, None) => true,
        _ => false,
    }
}

/// The normalised value: what value accuracy compares.
fn normalised_eq(a: &Fact, b: &Fact) -> bool {
    let from_eq = match (a.from, b.from) {
        (Some(x), Some(y)) => number_eq(x, y),
        (x, y) => x.is_none() && y.is_none(),
    };
    value_eq(&a.value, &b.value) && a.approx == b.approx && from_eq && a.unit == b.unit
}

fn same_kind_value(a: &NamedFact, b: &NamedFact) -> bool {
    a.fact.kind == b.fact.kind && value_eq(&a.fact.value, &b.fact.value)
}

fn same_kind_value_entity(a: &NamedFact, b: &NamedFact) -> bool {
    same_kind_value(a, b) && a.entity == b.entity
}

fn same_kind_overlapping(a: &NamedFact, b: &NamedFact) -> bool {
    a.fact.kind == b.fact.kind && overlaps((a.fact.start, a.fact.end), (b.fact.start, b.fact.end))
}

fn describe(f: &NamedFact) -> String {
    let value = match &f.fact.value {
        Some(FactValue::Number(n)) => n.to_string(),
        Some(FactValue::Date(d)) => d.clone(),
        None => "?".to_string(),
    };
    let mut s = format!("{} {value}", kind_name(f.fact.kind));
    if let Some(u) = &f.fact.unit {
        s += &format!(" {u}");
    }
    if f.fact.approx != Default::default() {
        s += &format!(
            " ({})",
            serde_json::to_value(f.fact.approx)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        );
    }
    if let Some(from) = f.fact.from {
        s += &format!(" from {from}");
    }
    if let Some(e) = &f.entity {
        s += &format!(" [{e}]");
    }
    s
}

fn error(kind: ErrorKind, f: &NamedFact, note: String) -> ErrorItem {
    ErrorItem {
        layer: Layer::Fact,
        kind,
        start: f.fact.start,
        end: f.fact.end,
        text: f.fact.text.clone(),
        what: describe(f),
        note,
        rule: rules_of(f.fact),
    }
}

/// "fact-amount + tie-sentence-subject": what made the fact and what tied it.
fn rules_of(f: &Fact) -> Option<String> {
    let rule = f.rule.as_deref()?;
    Some(match &f.entity_rule {
        Some(tie) => format!("{rule} + {tie}"),
        None => rule.to_string(),
    })
}

pub(crate) fn score(docs: &[DocPair], errors: &mut [Vec<ErrorItem>]) -> FactScores {
    let class = |f: &NamedFact| kind_name(f.fact.kind);
    let mut with_entity = BTreeMap::new();
    let mut without_entity = BTreeMap::new();
    let mut span = BTreeMap::new();
    let mut value_accuracy = Accuracy::default();
    let mut value_accuracy_per_kind: BTreeMap<String, Accuracy> = BTreeMap::new();
    let mut age_attribution = Accuracy::default();
    for (doc, errs) in docs.iter().zip(errors.iter_mut()) {
        let (g, p) = (named_facts(doc.gold), named_facts(doc.pred_or_empty()));

        for (eq, into) in [
            (
                same_kind_value_entity as fn(&NamedFact, &NamedFact) -> bool,
                &mut with_entity,
            ),
            (same_kind_value, &mut without_entity),
        ] {
            let (gs, ps) = (
                dedup(g.iter().collect(), |a, b| eq(a, b)),
                dedup(p.iter().collect(), |a, b| eq(a, b)),
            );
            Matching::new(&gs, &ps, |a, b| eq(a, b)).count_by_class(&gs, &ps, |f| class(f), into);
        }

        let m = Matching::new(&g, &p, same_kind_overlapping);
        m.count_by_class(&g, &p, class, &mut span);
        let person = |id: &Option<String>| {
            doc.gold
                .entities
                .iter()
                .any(|e| Some(&e.id) == id.as_ref() && e.label == "PER")
        };
        for (gi, gf) in g.iter().enumerate() {
            if gf.fact.kind == FactKind::Age && person(&gf.fact.entity) {
                let predicted = m
                    .pairs
                    .iter()
                    .find(|(g, _)| *g == gi)
                    .map(|&(_, pi)| &p[pi]);
                age_attribution.add(predicted.is_some_and(|pf| pf.entity == gf.entity));
            }
        }
        for (kind, f) in m.unmatched(&g, &p) {
            errs.push(error(kind, f, String::new()));
        }
        for &(gi, pi) in &m.pairs {
            let (gf, pf) = (&g[gi], &p[pi]);
            let right = normalised_eq(gf.fact, pf.fact);
            value_accuracy.add(right);
            value_accuracy_per_kind
                .entry(class(gf))
                .or_default()
                .add(right);
            if !right || gf.entity != pf.entity {
                errs.push(error(
                    ErrorKind::Wrong,
                    pf,
                    format!("gold: {}", describe(gf)),
                ));
            }
        }
    }
    FactScores {
        with_entity: ClassScores::from_counts(&with_entity),
        without_entity: ClassScores::from_counts(&without_entity),
        span: ClassScores::from_counts(&span),
        value_accuracy,
        value_accuracy_per_kind,
        age_attribution,
    }
}
