//! Roles people hold. PLACEHOLDER: finds none yet.

use super::sentences::Sentence;
use crate::doc::Doc;
use crate::record::{Entity, Role};

/// May add entities (a country named only through a demonym: "British" → Britain).
pub fn find(_doc: &Doc, _sentences: &[Sentence], _entities: &mut Vec<Entity>) -> Vec<Role> {
    Vec::new()
}
