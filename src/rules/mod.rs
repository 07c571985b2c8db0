//! The rules stages: from a document's mentions to resolved entities, the roles people hold and
//! the numeric facts the text states. Input offsets and output offsets are bytes into `doc.text`.

pub mod dates;
pub mod demonyms;
pub mod entities;
pub mod facts;
pub mod known_names;
pub mod lexicon;
pub mod names;
pub mod nicknames;
pub mod numbers;
pub mod parties;
pub mod roles;
pub mod sentences;
#[cfg(test)]
pub mod testing;
pub mod titles;

use crate::doc::Doc;
use crate::record::{Entity, Fact, Mention, Role};

/// What the rules add to a document. Offsets are bytes into the document's text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annotations {
    pub entities: Vec<Entity>,
    pub roles: Vec<Role>,
    pub facts: Vec<Fact>,
}

pub fn annotate(doc: &Doc) -> Annotations {
    let sentences = sentences::split(doc);
    let mut entities = entities::resolve(doc, &sentences);
    let roles = roles::find(doc, &sentences, &mut entities);
    let facts = facts::extract(doc, &sentences, &entities);
    Annotations {
        entities,
        roles,
        facts,
    }
}

/// The model's mentions as they are, each its own entity: what a record holds when the rules
/// could not run on a document.
pub fn unresolved(doc: &Doc) -> Annotations {
    let entities = doc
        .mentions
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let text = doc.span_text(m.start, m.end).to_string();
            Entity {
                id: format!("e{}", i + 1),
                label: m.label.to_string(),
                name: text.clone(),
                mentions: vec![Mention {
                    start: m.start,
                    end: m.end,
                    text,
                    score: m.score,
                }],
            }
        })
        .collect();
    Annotations {
        entities,
        ..Annotations::default()
    }
}
