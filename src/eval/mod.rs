//! Scoring predicted records against hand-labelled gold records (`factx eval`).
//!
//! Gold fixtures and predictions are both files of [`Record`]s, matched by `id`; all offsets
//! are code points, end-exclusive.
//!
//! API:
//! - [`score`]`(gold, pred) -> Report`: every layer, over all gold records. A gold id without a
//!   prediction is scored as all-missed and listed in [`Report::missing_predictions`]; predicted
//!   ids absent from gold are not scored and are listed in [`Report::unknown_predictions`].
//! - [`score_half`]`(gold, pred, "tune" | "heldout")`: the same over the gold records whose
//!   `meta.half` is that half (predictions for the other half are ignored, not "unknown").
//!   [`filter_half`] is the underlying record filter.
//! - [`Report::table`]: aligned plain-text score tables; [`Report::error_listing`]: every
//!   document's missed/spurious/wrong items with offsets and text. `Report` is `Serialize`
//!   for `--json`.
//! - [`html_report`]: a self-contained HTML page with the tables and, per document, gold and
//!   predicted spans side by side.
//! - [`conll`]: CoNLL-2003 reader, mentions → IOB2 tags, and a seqeval-compatible scorer.
//!
//! Layers (each in its own module):
//! - [`mentions`]: nervaluate's four schemas (strict, exact, partial, ent_type).
//! - [`entities`]: clustering (B³, MUC) and (label, name) set F1.
//! - [`roles`]: (person, title) and (person, title, org) set F1.
//! - [`facts`]: (kind, value, entity) and (kind, value) set F1, span matching, value accuracy.
//!
//! Every layer counts into one [`Counts`] (nervaluate's correct/incorrect/partial/missed/
//! spurious; set layers use only correct/missed/spurious) and derives P/R/F1 the same way.
//! A metric whose denominator is zero is `None` (JSON `null`, "-" in the table) rather than 0,
//! so that an empty layer does not read as a failure.

pub mod conll;
pub mod entities;
pub mod facts;
mod html;
pub mod mentions;
pub mod roles;
mod table;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::record::Record;

pub use html::html_report;

/// The whole evaluation: scores per layer plus the per-document error listing.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `Some("tune")` / `Some("heldout")` when scored by [`score_half`].
    pub half: Option<String>,
    /// Gold documents scored.
    pub documents: usize,
    /// Gold ids without a predicted record: every gold item of these counts as missed.
    pub missing_predictions: Vec<String>,
    /// Predicted ids that no gold record has: not scored.
    pub unknown_predictions: Vec<String>,
    /// Ids whose predicted `text` differs from the gold `text`: their offsets may not align.
    pub text_mismatches: Vec<String>,
    pub mentions: mentions::MentionScores,
    pub entities: entities::EntityScores,
    pub roles: roles::RoleScores,
    pub facts: facts::FactScores,
    /// Documents with at least one error, in gold order.
    pub errors: Vec<DocErrors>,
}

/// nervaluate's outcome counts. Set-matching layers use `correct` (true positives), `missed`
/// (false negatives) and `spurious` (false positives) only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub correct: usize,
    pub incorrect: usize,
    pub partial: usize,
    pub missed: usize,
    pub spurious: usize,
}

impl Counts {
    /// Gold items: nervaluate's POS.
    pub fn possible(&self) -> usize {
        self.correct + self.incorrect + self.partial + self.missed
    }

    /// Predicted items: nervaluate's ACT.
    pub fn actual(&self) -> usize {
        self.correct + self.incorrect + self.partial + self.spurious
    }

    /// nervaluate's formulas: a partial match earns half a correct one (only the partial
    /// schema ever counts partials, so the same formula serves every schema).
    pub fn score(self) -> Scored {
        let hits = self.correct as f64 + 0.5 * self.partial as f64;
        let prf = Prf::new(ratio(hits, self.actual()), ratio(hits, self.possible()));
        Scored {
            counts: self,
            support: self.possible(),
            predicted: self.actual(),
            prf,
        }
    }
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.correct += o.correct;
        self.incorrect += o.incorrect;
        self.partial += o.partial;
        self.missed += o.missed;
        self.spurious += o.spurious;
    }
}

/// Precision, recall, F1; `None` where the denominator is zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Prf {
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
}

impl Prf {
    pub fn new(precision: Option<f64>, recall: Option<f64>) -> Prf {
        let f1 = match (precision, recall) {
            (None, None) => None,
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            // Items on one side only (or no overlap at all): nothing was got right.
            _ => Some(0.0),
        };
        Prf {
            precision,
            recall,
            f1,
        }
    }

    /// Unweighted mean over classes; an undefined class value counts as 0, as in
    /// scikit-learn's (and seqeval's) macro average.
    pub fn macro_average<'a>(items: impl IntoIterator<Item = &'a Prf>) -> Prf {
        let items: Vec<&Prf> = items.into_iter().collect();
        if items.is_empty() {
            return Prf::default();
        }
        let mean = |f: fn(&Prf) -> Option<f64>| {
            Some(items.iter().map(|p| f(p).unwrap_or(0.0)).sum::<f64>() / items.len() as f64)
        };
        Prf {
            precision: mean(|p| p.precision),
            recall: mean(|p| p.recall),
            f1: mean(|p| p.f1),
        }
    }
}

pub(crate) fn ratio(num: f64, den: usize) -> Option<f64> {
    (den > 0).then(|| num / den as f64)
}

/// Counts with the metrics derived from them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Scored {
    pub counts: Counts,
    /// Gold items (possible).
    pub support: usize,
    /// Predicted items (actual).
    pub predicted: usize,
    #[serde(flatten)]
    pub prf: Prf,
}

/// Micro (summed counts), macro (mean over classes) and per-class scores of one layer.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ClassScores {
    pub micro: Scored,
    #[serde(rename = "macro")]
    pub macro_avg: Prf,
    pub per_class: BTreeMap<String, Scored>,
}

impl ClassScores {
    pub fn from_counts(per_class: &BTreeMap<String, Counts>) -> ClassScores {
        let per_class: BTreeMap<String, Scored> = per_class
            .iter()
            .map(|(k, c)| (k.clone(), c.score()))
            .collect();
        let mut micro = Counts::default();
        for s in per_class.values() {
            micro += s.counts;
        }
        ClassScores {
            micro: micro.score(),
            macro_avg: Prf::macro_average(per_class.values().map(|s| &s.prf)),
            per_class,
        }
    }
}

/// Errors of one document, for a reader to see what went wrong.
#[derive(Debug, Clone, Serialize)]
pub struct DocErrors {
    pub id: String,
    /// No predicted record: everything in the gold record is missed.
    pub missing_prediction: bool,
    pub items: Vec<ErrorItem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    Mention,
    Entity,
    Role,
    Fact,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    /// In gold, not predicted.
    Missed,
    /// Predicted, not in gold.
    Spurious,
    /// Matched, but with a different value (facts).
    Wrong,
}

#[derive(Debug, Clone, Serialize)]
pub struct ErrorItem {
    pub layer: Layer,
    pub kind: ErrorKind,
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// What the item is: a mention's or entity's label and name, a role, a fact's kind and value.
    pub what: String,
    /// How the item relates to the other side ("gold has ORG at 4..9"), when it helps.
    pub note: String,
    /// The rules behind the predicted role or fact (`fact-amount + tie-sentence-subject`); for
    /// a missed one, those of the prediction that overlaps it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// One document's gold and prediction. `pred` is `None` when the prediction is missing, which
/// every layer scores as an empty prediction.
pub(crate) struct DocPair<'a> {
    pub gold: &'a Record,
    pub pred: Option<&'a Record>,
}

impl DocPair<'_> {
    fn pred_or_empty(&self) -> &Record {
        static EMPTY: std::sync::OnceLock<Record> = std::sync::OnceLock::new();
        self.pred
            .unwrap_or_else(|| EMPTY.get_or_init(Record::default))
    }
}

/// Runs `pipeline` on the gold records' texts (with their ids, dates and meta).
pub fn predict(
    pipeline: &mut crate::pipeline::Pipeline,
    gold: &[Record],
) -> anyhow::Result<Vec<Record>> {
    let docs = gold
        .iter()
        .map(|r| crate::input::InputDoc {
            id: r.id.clone(),
            date: r.date.clone(),
            text: r.text.clone(),
            meta: r.meta.clone(),
            errors: Vec::new(),
        })
        .collect();
    pipeline.annotate(docs)
}

/// Scores `pred` against `gold`, over every gold record.
pub fn score(gold: &[Record], pred: &[Record]) -> Report {
    score_records(gold, pred, None, &HashSet::new())
}

/// Scores over the gold records whose `meta.half` is `half` ("tune" or "heldout").
pub fn score_half(gold: &[Record], pred: &[Record], half: &str) -> Report {
    let gold_half = filter_half(gold, half);
    // Predictions for the other half are expected, so they are not reported as unknown.
    let other: HashSet<&str> = gold.iter().map(|r| r.id.as_str()).collect();
    score_records(&gold_half, pred, Some(half), &other)
}

/// The records whose `meta.half` is `half`.
pub fn filter_half(records: &[Record], half: &str) -> Vec<Record> {
    records
        .iter()
        .filter(|r| in_half(r, half))
        .cloned()
        .collect()
}

pub(crate) fn in_half(record: &Record, half: &str) -> bool {
    record.meta.get("half").and_then(|v| v.as_str()) == Some(half)
}

fn score_records(
    gold: &[Record],
    pred: &[Record],
    half: Option<&str>,
    known_ids: &HashSet<&str>,
) -> Report {
    let by_id: HashMap<&str, &Record> = pred.iter().map(|r| (r.id.as_str(), r)).collect();
    let gold_ids: HashSet<&str> = gold.iter().map(|r| r.id.as_str()).collect();
    let docs: Vec<DocPair> = gold
        .iter()
        .map(|g| DocPair {
            gold: g,
            pred: by_id.get(g.id.as_str()).copied(),
        })
        .collect();

    let mut errors: Vec<Vec<ErrorItem>> = vec![Vec::new(); docs.len()];
    let mentions = mentions::score(&docs, &mut errors);
    let entities = entities::score(&docs, &mut errors);
    let roles = roles::score(&docs, &mut errors);
    let facts = facts::score(&docs, &mut errors);

    Report {
        half: half.map(str::to_string),
        documents: docs.len(),
        missing_predictions: docs
            .iter()
            .filter(|d| d.pred.is_none())
            .map(|d| d.gold.id.clone())
            .collect(),
        unknown_predictions: pred
            .iter()
            .filter(|r| !gold_ids.contains(r.id.as_str()) && !known_ids.contains(r.id.as_str()))
            .map(|r| r.id.clone())
            .collect(),
        text_mismatches: docs
            .iter()
            .filter(|d| d.pred.is_some_and(|p| p.text != d.gold.text))
            .map(|d| d.gold.id.clone())
            .collect(),
        mentions,
        entities,
        roles,
        facts,
        errors: docs
            .iter()
            .zip(errors)
            .filter(|(d, items)| d.pred.is_none() || !items.is_empty())
            .map(|(d, mut items)| {
                items.sort_by_key(|e| (e.start, e.end));
                DocErrors {
                    id: d.gold.id.clone(),
                    missing_prediction: d.pred.is_none(),
                    items,
                }
            })
            .collect(),
    }
}

/// A labelled span: a mention with its entity's label.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LabeledSpan {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

impl LabeledSpan {
    fn overlaps(&self, o: &LabeledSpan) -> bool {
        overlaps((self.start, self.end), (o.start, o.end))
    }
}

/// Every mention of every entity of `record`, with the entity's label, sorted by position.
pub fn mention_spans(record: &Record) -> Vec<LabeledSpan> {
    let mut spans: Vec<LabeledSpan> = record
        .entities
        .iter()
        .flat_map(|e| {
            e.mentions.iter().map(|m| LabeledSpan {
                start: m.start,
                end: m.end,
                label: e.label.clone(),
            })
        })
        .collect();
    spans.sort();
    spans
}

pub(crate) fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Names compare case-sensitively after collapsing whitespace runs to one space.
pub(crate) fn normalise_name(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Entity id → normalised name, for comparing roles and facts across records.
pub(crate) fn entity_names(record: &Record) -> HashMap<&str, String> {
    record
        .entities
        .iter()
        .map(|e| (e.id.as_str(), normalise_name(&e.name)))
        .collect()
}

/// One-to-one matching of `pred` items to `gold` items: each gold item, in order, takes the
/// first still unmatched predicted item that `matches` it.
pub(crate) struct Matching {
    pub pairs: Vec<(usize, usize)>,
    pub missed: Vec<usize>,
    pub spurious: Vec<usize>,
}

impl Matching {
    pub fn new<G, P>(gold: &[G], pred: &[P], matches: impl Fn(&G, &P) -> bool) -> Matching {
        let mut taken = vec![false; pred.len()];
        let mut pairs = Vec::new();
        let mut missed = Vec::new();
        for (gi, g) in gold.iter().enumerate() {
            match (0..pred.len()).find(|&pi| !taken[pi] && matches(g, &pred[pi])) {
                Some(pi) => {
                    taken[pi] = true;
                    pairs.push((gi, pi));
                }
                None => missed.push(gi),
            }
        }
        let spurious = (0..pred.len()).filter(|&pi| !taken[pi]).collect();
        Matching {
            pairs,
            missed,
            spurious,
        }
    }

    pub fn counts(&self) -> Counts {
        Counts {
            correct: self.pairs.len(),
            missed: self.missed.len(),
            spurious: self.spurious.len(),
            ..Counts::default()
        }
    }

    /// Adds the counts per class: matched and missed items under the gold item's class,
    /// spurious items under the predicted item's.
    pub fn count_by_class<T>(
        &self,
        gold: &[T],
        pred: &[T],
        class: impl Fn(&T) -> String,
        into: &mut BTreeMap<String, Counts>,
    ) {
        let mut add = |item: &T, c: Counts| *into.entry(class(item)).or_default() += c;
        for &(gi, _) in &self.pairs {
            add(
                &gold[gi],
                Counts {
                    correct: 1,
                    ..Counts::default()
                },
            );
        }
        for (kind, item) in self.unmatched(gold, pred) {
            let c = match kind {
                ErrorKind::Missed => Counts {
                    missed: 1,
                    ..Counts::default()
                },
                _ => Counts {
                    spurious: 1,
                    ..Counts::default()
                },
            };
            add(item, c);
        }
    }

    /// Missed gold items, then spurious predicted items.
    pub fn unmatched<'a, T>(
        &'a self,
        gold: &'a [T],
        pred: &'a [T],
    ) -> impl Iterator<Item = (ErrorKind, &'a T)> + 'a {
        let missed = self
            .missed
            .iter()
            .map(move |&i| (ErrorKind::Missed, &gold[i]));
        missed.chain(
            self.spurious
                .iter()
                .map(move |&i| (ErrorKind::Spurious, &pred[i])),
        )
    }
}

/// Set semantics for tuple layers: drops items equal to an earlier one (the first occurrence
/// keeps its offsets for the error listing).
pub(crate) fn dedup<T>(items: Vec<T>, eq: impl Fn(&T, &T) -> bool) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for item in items {
        if !out.iter().any(|o| eq(o, &item)) {
            out.push(item);
        }
    }
    out
}
