//! Numeric facts. PLACEHOLDER: finds none yet.

use super::sentences::Sentence;
use crate::doc::Doc;
use crate::record::{Entity, Fact};

pub fn extract(_doc: &Doc, _sentences: &[Sentence], _entities: &[Entity]) -> Vec<Fact> {
    Vec::new()
}
