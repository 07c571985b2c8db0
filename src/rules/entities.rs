//! Entity resolution. PLACEHOLDER: each mention is its own entity.

use super::sentences::Sentence;
use crate::doc::Doc;
use crate::record::{Entity, Mention};

pub fn resolve(doc: &Doc, _sentences: &[Sentence]) -> Vec<Entity> {
    doc.mentions
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
        .collect()
}
