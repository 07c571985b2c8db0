//! Role scoring: set F1 per document on (person, title) and on (person, title, org), where
//! person and org are their entities' normalised names (entity ids differ between files).

use serde::Serialize;

use super::{dedup, entity_names, Counts, DocPair, ErrorItem, Layer, Matching, Scored};
use crate::record::Record;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RoleScores {
    pub person_title: Scored,
    pub person_title_org: Scored,
}

#[derive(Clone)]
struct NamedRole {
    person: String,
    title: String,
    org: Option<String>,
    start: usize,
    end: usize,
    text: String,
    rule: Option<String>,
}

fn named_roles(record: &Record) -> Vec<NamedRole> {
    let names = entity_names(record);
    // A dangling id still compares (and shows) as something rather than vanishing.
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| format!("#{id}"));
    record
        .roles
        .iter()
        .map(|r| NamedRole {
            person: name(&r.person),
            title: r.title.clone(),
            org: r.org.as_deref().map(name),
            start: r.start,
            end: r.end,
            text: r.text.clone(),
            rule: r.rule.clone(),
        })
        .collect()
}

fn same_person_title(a: &NamedRole, b: &NamedRole) -> bool {
    a.person == b.person && a.title == b.title
}

fn same_role(a: &NamedRole, b: &NamedRole) -> bool {
    same_person_title(a, b) && a.org == b.org
}

pub(crate) fn score(docs: &[DocPair], errors: &mut [Vec<ErrorItem>]) -> RoleScores {
    let mut pt = Counts::default();
    let mut pto = Counts::default();
    for (doc, errs) in docs.iter().zip(errors.iter_mut()) {
        let (g, p) = (named_roles(doc.gold), named_roles(doc.pred_or_empty()));
        let (g2, p2) = (
            dedup(g.clone(), same_person_title),
            dedup(p.clone(), same_person_title),
        );
        pt += Matching::new(&g2, &p2, same_person_title).counts();

        let (g3, p3) = (dedup(g, same_role), dedup(p, same_role));
        let m = Matching::new(&g3, &p3, same_role);
        pto += m.counts();
        for (kind, r) in m.unmatched(&g3, &p3) {
            // A missed role is put down to the predicted role stated by the same words.
            let rule = r.rule.clone().or_else(|| {
                p3.iter()
                    .find(|p| super::overlaps((p.start, p.end), (r.start, r.end)))
                    .and_then(|p| p.rule.clone())
            });
            let org = r
                .org
                .as_deref()
                .map(|o| format!(" ({o})"))
                .unwrap_or_default();
            errs.push(ErrorItem {
                layer: Layer::Role,
                kind,
                start: r.start,
                end: r.end,
                text: r.text.clone(),
                what: format!("{}: {}{org}", r.person, r.title),
                note: String::new(),
                rule,
            });
        }
    }
    RoleScores {
        person_title: pt.score(),
        person_title_org: pto.score(),
    }
}
