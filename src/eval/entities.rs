//! Entity scoring: how mentions are clustered (B³, MUC) and which entities are found
//! ((label, name) set F1 per document).
//!
//! Clustering compares mentions by exact span, ignoring labels (the mention layer scores
//! those). A mention that has no exact-span twin on the other side counts as a singleton
//! there, so B³ recall averages over gold mentions and B³ precision over predicted mentions,
//! each against the other side's clustering extended with those singletons. MUC (Vilain et
//! al. 1995) partitions each cluster by the other side's clusters the same way. Sums run
//! over all documents (micro average over mentions / links).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{
    dedup, normalise_name, ratio, ClassScores, Counts, DocPair, ErrorItem, Layer, Matching, Prf,
};
use crate::record::Record;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EntityScores {
    pub b_cubed: Prf,
    pub muc: Prf,
    /// (label, name) per document, per label.
    pub names: ClassScores,
}

type Span = (usize, usize);

/// A document's clustering: each distinct mention span belongs to the first entity that has it.
struct Clusters {
    cluster_of: HashMap<Span, usize>,
    members: Vec<Vec<Span>>,
}

impl Clusters {
    fn new(record: &Record) -> Clusters {
        let mut cluster_of = HashMap::new();
        let mut members = Vec::new();
        for entity in &record.entities {
            let mut spans = Vec::new();
            for m in &entity.mentions {
                if let std::collections::hash_map::Entry::Vacant(v) =
                    cluster_of.entry((m.start, m.end))
                {
                    v.insert(members.len());
                    spans.push((m.start, m.end));
                }
            }
            // An entity whose spans all belong to earlier entities owns no cluster.
            if !spans.is_empty() {
                members.push(spans);
            }
        }
        Clusters {
            cluster_of,
            members,
        }
    }

    /// B³ over this side's mentions against `other`: (sum of per-mention scores, mentions).
    fn b_cubed_against(&self, other: &Clusters) -> (f64, usize) {
        let mut sum = 0.0;
        let mut n = 0;
        for cluster in &self.members {
            for m in cluster {
                let shared = match other.cluster_of.get(m) {
                    Some(c) => cluster
                        .iter()
                        .filter(|s| other.cluster_of.get(*s) == Some(c))
                        .count(),
                    None => 1,
                };
                sum += shared as f64 / cluster.len() as f64;
                n += 1;
            }
        }
        (sum, n)
    }

    /// MUC over this side's clusters against `other`: (Σ |K| − |parts|, Σ |K| − 1).
    fn muc_against(&self, other: &Clusters) -> (usize, usize) {
        let mut num = 0;
        let mut den = 0;
        for cluster in &self.members {
            let mut parts: Vec<Option<usize>> = Vec::new();
            let mut singletons = 0;
            for m in cluster {
                match other.cluster_of.get(m) {
                    Some(c) if !parts.contains(&Some(*c)) => parts.push(Some(*c)),
                    Some(_) => {}
                    None => singletons += 1,
                }
            }
            num += cluster.len() - (parts.len() + singletons);
            den += cluster.len() - 1;
        }
        (num, den)
    }
}

/// An entity as the name layer sees it.
struct Named {
    label: String,
    name: String,
    /// First mention's span, for the error listing.
    span: Span,
    text: String,
}

fn named(record: &Record) -> Vec<Named> {
    let items = record
        .entities
        .iter()
        .map(|e| {
            let first = e.mentions.iter().min_by_key(|m| (m.start, m.end));
            Named {
                label: e.label.clone(),
                name: normalise_name(&e.name),
                span: first.map_or((0, 0), |m| (m.start, m.end)),
                text: first.map_or_else(String::new, |m| m.text.clone()),
            }
        })
        .collect();
    dedup(items, same_entity)
}

fn same_entity(a: &Named, b: &Named) -> bool {
    a.label == b.label && a.name == b.name
}

pub(crate) fn score(docs: &[DocPair], errors: &mut [Vec<ErrorItem>]) -> EntityScores {
    let (mut b3_p, mut b3_r) = ((0.0, 0), (0.0, 0));
    let (mut muc_p, mut muc_r) = ((0, 0), (0, 0));
    let mut per_label: BTreeMap<String, Counts> = BTreeMap::new();
    for (doc, errs) in docs.iter().zip(errors.iter_mut()) {
        let gold = Clusters::new(doc.gold);
        let pred = Clusters::new(doc.pred_or_empty());
        add(&mut b3_r, gold.b_cubed_against(&pred));
        add(&mut b3_p, pred.b_cubed_against(&gold));
        add(&mut muc_r, gold.muc_against(&pred));
        add(&mut muc_p, pred.muc_against(&gold));

        let (g, p) = (named(doc.gold), named(doc.pred_or_empty()));
        let m = Matching::new(&g, &p, same_entity);
        m.count_by_class(&g, &p, |e| e.label.clone(), &mut per_label);
        for (kind, e) in m.unmatched(&g, &p) {
            errs.push(ErrorItem {
                layer: Layer::Entity,
                kind,
                start: e.span.0,
                end: e.span.1,
                text: e.text.clone(),
                what: format!("{} {}", e.label, e.name),
                note: String::new(),
                rule: None,
            });
        }
    }
    EntityScores {
        b_cubed: Prf::new(ratio(b3_p.0, b3_p.1), ratio(b3_r.0, b3_r.1)),
        muc: Prf::new(
            ratio(muc_p.0 as f64, muc_p.1),
            ratio(muc_r.0 as f64, muc_r.1),
        ),
        names: ClassScores::from_counts(&per_label),
    }
}

fn add<T: std::ops::AddAssign>(acc: &mut (T, usize), (x, n): (T, usize)) {
    acc.0 += x;
    acc.1 += n;
}
