//! factx: documents → windows → logits → mentions → entities/roles/facts → records.

pub mod doc;
pub mod record;
pub mod rules;
