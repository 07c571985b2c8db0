//! factx: documents → windows → logits → mentions → entities/roles/facts → records.

pub mod convert;
pub mod decode;
pub mod doc;
pub mod eval;
pub mod input;
pub mod job;
pub mod model;
pub mod output;
pub mod parse;
pub mod pipeline;
pub mod progress;
pub mod record;
pub mod rules;
pub mod tokenize;
pub mod view;
