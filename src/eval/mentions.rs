//! Mention scoring under nervaluate's four schemas (Segura-Bedmar et al., SemEval-2013 9.1).
//!
//! Each predicted mention is classified as nervaluate's `compute_metrics` does:
//! an exact (span, label) match anywhere in the gold mentions is correct; otherwise the first
//! gold mention (in position order) that has the same span (type error) or overlaps it
//! (boundary error, with or without a type error) decides; otherwise it is spurious. Gold
//! mentions that no prediction matched or overlapped are missed. As in nervaluate, one gold
//! mention may absorb several predictions.
//!
//! Per-label counts: an exact match under its label, a spurious mention under the predicted
//! label, everything else under the gold label, so micro counts are the sums over labels.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{mention_spans, Counts, DocPair, ErrorItem, ErrorKind, LabeledSpan, Layer};
use crate::record::Record;

/// nervaluate's scenarios I–VI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Same span, same label.
    Exact,
    /// Same span, other label.
    Type,
    /// Overlapping span, same label.
    Boundary,
    /// Overlapping span, other label.
    BoundaryType,
    Spurious,
    Missed,
}

/// The four schemas, in nervaluate's order.
pub const SCHEMAS: [&str; 4] = ["strict", "exact", "partial", "ent_type"];

impl Outcome {
    /// What the outcome adds in each schema of [`SCHEMAS`] (nervaluate's table).
    fn counts(self) -> [Counts; 4] {
        let correct = Counts {
            correct: 1,
            ..Counts::default()
        };
        let incorrect = Counts {
            incorrect: 1,
            ..Counts::default()
        };
        let partial = Counts {
            partial: 1,
            ..Counts::default()
        };
        match self {
            Outcome::Exact => [correct; 4],
            Outcome::Type => [incorrect, correct, correct, incorrect],
            Outcome::Boundary => [incorrect, incorrect, partial, correct],
            Outcome::BoundaryType => [incorrect, incorrect, partial, incorrect],
            Outcome::Spurious => {
                [Counts {
                    spurious: 1,
                    ..Counts::default()
                }; 4]
            }
            Outcome::Missed => {
                [Counts {
                    missed: 1,
                    ..Counts::default()
                }; 4]
            }
        }
    }
}

/// Error counts that separate what went wrong (nervaluate's scenarios).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ErrorTypes {
    /// Exact span, wrong label.
    pub type_errors: usize,
    /// Overlapping span, right label.
    pub boundary_errors: usize,
    /// Overlapping span, wrong label.
    pub boundary_and_type_errors: usize,
    pub missed: usize,
    pub spurious: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MentionScores {
    pub strict: super::ClassScores,
    pub exact: super::ClassScores,
    pub partial: super::ClassScores,
    pub ent_type: super::ClassScores,
    pub errors: ErrorTypes,
}

impl MentionScores {
    /// The schemas with their names, in [`SCHEMAS`] order.
    pub fn schemas(&self) -> [(&'static str, &super::ClassScores); 4] {
        [
            (SCHEMAS[0], &self.strict),
            (SCHEMAS[1], &self.exact),
            (SCHEMAS[2], &self.partial),
            (SCHEMAS[3], &self.ent_type),
        ]
    }
}

/// One classified mention: the outcome and the label it counts under.
struct Event<'a> {
    outcome: Outcome,
    label: &'a str,
}

fn classify<'a>(gold: &'a [LabeledSpan], pred: &'a [LabeledSpan]) -> Vec<Event<'a>> {
    let mut touched = vec![false; gold.len()];
    let mut events = Vec::new();
    for p in pred {
        if let Some(gi) = gold.iter().position(|g| g == p) {
            touched[gi] = true;
            events.push(Event {
                outcome: Outcome::Exact,
                label: &p.label,
            });
            continue;
        }
        let same_span = |g: &LabeledSpan| g.start == p.start && g.end == p.end;
        let hit = gold
            .iter()
            .enumerate()
            .find(|(_, g)| same_span(g) || p.overlaps(g));
        let event = match hit {
            Some((gi, g)) => {
                touched[gi] = true;
                let outcome = match (same_span(g), g.label == p.label) {
                    (true, _) => Outcome::Type,
                    (false, true) => Outcome::Boundary,
                    (false, false) => Outcome::BoundaryType,
                };
                Event {
                    outcome,
                    label: &g.label,
                }
            }
            None => Event {
                outcome: Outcome::Spurious,
                label: &p.label,
            },
        };
        events.push(event);
    }
    for (g, _) in gold.iter().zip(&touched).filter(|(_, t)| !**t) {
        events.push(Event {
            outcome: Outcome::Missed,
            label: &g.label,
        });
    }
    events
}

pub(crate) fn score(docs: &[DocPair], errors: &mut [Vec<ErrorItem>]) -> MentionScores {
    let mut per_label: [BTreeMap<String, Counts>; 4] = Default::default();
    let mut types = ErrorTypes::default();
    for (doc, errs) in docs.iter().zip(errors.iter_mut()) {
        let gold = mention_spans(doc.gold);
        let pred = mention_spans(doc.pred_or_empty());
        for e in classify(&gold, &pred) {
            for (schema, c) in per_label.iter_mut().zip(e.outcome.counts()) {
                *schema.entry(e.label.to_string()).or_default() += c;
            }
            match e.outcome {
                Outcome::Exact => {}
                Outcome::Type => types.type_errors += 1,
                Outcome::Boundary => types.boundary_errors += 1,
                Outcome::BoundaryType => types.boundary_and_type_errors += 1,
                Outcome::Spurious => types.spurious += 1,
                Outcome::Missed => types.missed += 1,
            }
        }
        list_errors(doc, &gold, &pred, errs);
    }
    let [strict, exact, partial, ent_type] = per_label.map(|c| super::ClassScores::from_counts(&c));
    MentionScores {
        strict,
        exact,
        partial,
        ent_type,
        errors: types,
    }
}

/// Errors at the strict level (a mention is right only with its exact span and label), each
/// with a note naming the overlapping mention on the other side, if any.
fn list_errors(
    doc: &DocPair,
    gold: &[LabeledSpan],
    pred: &[LabeledSpan],
    out: &mut Vec<ErrorItem>,
) {
    let pred_record = doc.pred_or_empty();
    let sides = [
        (gold, pred, ErrorKind::Missed, doc.gold, "predicted"),
        (pred, gold, ErrorKind::Spurious, pred_record, "gold has"),
    ];
    for (mine, theirs, kind, record, other) in sides {
        for m in mine.iter().filter(|m| !theirs.contains(m)) {
            let note = theirs
                .iter()
                .filter(|t| t.overlaps(m))
                .map(|t| format!("{other} {} at {}..{}", t.label, t.start, t.end))
                .collect::<Vec<_>>()
                .join("; ");
            out.push(ErrorItem {
                layer: Layer::Mention,
                kind,
                start: m.start,
                end: m.end,
                text: span_text(record, m.start, m.end),
                what: m.label.clone(),
                note,
                rule: None,
            });
        }
    }
}

/// The text of a span, by code points; clamped, since predicted offsets may be out of range.
pub(crate) fn span_text(record: &Record, start: usize, end: usize) -> String {
    record
        .text
        .chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(start: usize, end: usize, label: &str) -> LabeledSpan {
        LabeledSpan {
            start,
            end,
            label: label.into(),
        }
    }

    /// The worked example of nervaluate's README (one of each scenario I–VI) and its table.
    #[test]
    fn nervaluate_readme_example() {
        let gold = [
            s(0, 2, "A"),
            s(5, 7, "B"),
            s(10, 12, "A"),
            s(20, 22, "A"),
            s(30, 34, "A"),
            s(40, 44, "B"),
        ];
        let pred = [
            s(0, 2, "A"),   // I: exact
            s(5, 7, "B"),   // I: exact
            s(50, 52, "A"), // II: spurious
            // III: gold 10..12 missed
            s(20, 22, "B"), // IV: same span, other label
            s(31, 34, "A"), // V: overlap, same label
            s(41, 44, "A"), // VI: overlap, other label
        ];
        let mut per_schema = [Counts::default(); 4];
        for e in classify(&gold, &pred) {
            for (acc, c) in per_schema.iter_mut().zip(e.outcome.counts()) {
                *acc += c;
            }
        }
        let c = |correct, incorrect, partial| Counts {
            correct,
            incorrect,
            partial,
            missed: 1,
            spurious: 1,
        };
        assert_eq!(per_schema, [c(2, 3, 0), c(3, 2, 0), c(3, 0, 2), c(3, 2, 0)]);
        let precision = |i: usize| per_schema[i].score().prf.precision.unwrap();
        assert_eq!(
            [precision(0), precision(1), precision(2), precision(3)],
            [2.0 / 6.0, 0.5, 4.0 / 6.0, 0.5]
        );
    }
}
