//! The rules stages: from a document's mentions to resolved entities, the roles people hold and
//! the numeric facts the text states. Input offsets and output offsets are bytes into `doc.text`.

pub mod entities;
pub mod facts;
pub mod lexicon;
pub mod roles;
pub mod sentences;

use crate::doc::Doc;
use crate::record::{Entity, Fact, Role};

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
