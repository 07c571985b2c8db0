//! The output stage: a document and what the stages found in it → the record users read. The
//! only place where entities get their string ids ("e1", "e2", ...), spans their text and byte
//! offsets become code-point offsets; and the JSONL writer.

use crate::doc::Doc;
use crate::input::InputDoc;
use crate::record::{self, CharOffsets, Record, RecordError};
use crate::rules::{Annotations, EntityId};
use anyhow::{Context, Result};
use std::collections::HashMap;
use std::io::Write;

/// What the record of a document holds besides its errors.
pub enum Found {
    /// The rules' entities, roles and facts; with `explain`, the names of the rules behind them.
    Rules {
        annotations: Annotations,
        explain: bool,
    },
    /// The model's mentions as they are, each its own entity, labelled as the model labels it:
    /// when the rules did not run (NER only, or a rule failed on the document).
    Mentions(Vec<(usize, usize, String, f32)>),
    /// Nothing: the model failed on the document.
    Nothing,
}

impl Found {
    /// The model's mentions of `doc`, for [`Found::Mentions`].
    pub fn mentions(doc: &Doc) -> Found {
        Found::Mentions(
            doc.mentions
                .iter()
                .map(|m| (m.start, m.end, m.label.to_string(), m.score))
                .collect(),
        )
    }
}

/// Builds the record of `doc` from what was found in it (byte offsets into `doc.text`).
pub fn record(doc: InputDoc, found: Found, errors: Vec<RecordError>) -> Record {
    let text = &doc.text;
    let chars = CharOffsets::new(text);
    let span = |start: usize, end: usize| {
        (
            chars.to_char(start),
            chars.to_char(end),
            text[start..end].to_string(),
        )
    };
    let mention = |start: usize, end: usize, score: f32| {
        let (start, end, text) = span(start, end);
        record::Mention {
            start,
            end,
            text,
            score,
        }
    };
    let (entities, roles, facts) = match found {
        Found::Nothing => Default::default(),
        Found::Mentions(mentions) => {
            let entities = mentions
                .into_iter()
                .enumerate()
                .map(|(n, (start, end, label, score))| record::Entity {
                    id: entity_id(n),
                    label,
                    name: text[start..end].to_string(),
                    mentions: vec![mention(start, end, score)],
                })
                .collect();
            (entities, Vec::new(), Vec::new())
        }
        Found::Rules {
            annotations,
            explain,
        } => {
            let Annotations {
                entities: table,
                roles,
                facts,
            } = annotations;
            // Numbered by first mention; entities inferred without a mention last, in the order
            // they were added.
            let mut order: Vec<_> = table.iter().collect();
            order.sort_by_key(|e| match e.mentions.first() {
                Some(m) => (false, m.start),
                None => (true, 0),
            });
            let ids: HashMap<EntityId, String> = order
                .iter()
                .enumerate()
                .map(|(n, e)| (e.id, entity_id(n)))
                .collect();
            let entities = order
                .iter()
                .map(|e| record::Entity {
                    id: ids[&e.id].clone(),
                    label: e.label.name().to_string(),
                    name: e.name(text),
                    mentions: e
                        .mentions
                        .iter()
                        .map(|m| mention(m.start, m.end, m.score))
                        .collect(),
                })
                .collect();
            let rule = |name: &str| explain.then(|| name.to_string());
            let roles = roles
                .into_iter()
                .map(|r| {
                    let (start, end, text) = span(r.start, r.end);
                    record::Role {
                        person: ids[&r.person].clone(),
                        title: r.title,
                        org: r.org.map(|o| ids[&o].clone()),
                        former: r.former,
                        start,
                        end,
                        text,
                        rule: rule(r.rule),
                    }
                })
                .collect();
            let facts = facts
                .into_iter()
                .map(|f| {
                    let (start, end, text) = span(f.start, f.end);
                    record::Fact {
                        kind: f.kind,
                        value: f.value,
                        approx: f.approx,
                        from: f.from,
                        unit: f.unit,
                        predicate: f.predicate,
                        entity: f.entity.map(|e| ids[&e].clone()),
                        vague: f.vague,
                        start,
                        end,
                        text,
                        rule: rule(f.rule),
                        entity_rule: f.entity_rule.and_then(rule),
                        reading: f.reading.and_then(rule),
                    }
                })
                .collect();
            (entities, roles, facts)
        }
    };
    let mut all_errors = doc.errors;
    all_errors.extend(errors);
    Record {
        id: doc.id,
        date: doc.date,
        text: doc.text,
        meta: doc.meta,
        entities,
        roles,
        facts,
        errors: all_errors,
    }
}

fn entity_id(n: usize) -> String {
    format!("e{}", n + 1)
}

/// Writes records as JSON lines.
pub struct JsonlWriter<W: Write> {
    out: W,
}

impl<W: Write> JsonlWriter<W> {
    pub fn new(out: W) -> Self {
        JsonlWriter { out }
    }

    pub fn write(&mut self, record: &Record) -> Result<()> {
        serde_json::to_writer(&mut self.out, record).context("cannot write record")?;
        self.out.write_all(b"\n").context("cannot write record")
    }

    pub fn flush(&mut self) -> Result<()> {
        self.out.flush().context("cannot write record")
    }

    pub fn finish(mut self) -> Result<()> {
        self.out.flush().context("cannot flush output")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{FactKind, FactValue};
    use crate::rules::labels::Label;
    use crate::rules::{EntityName, EntityTable, Fact, Mention};

    #[test]
    fn byte_offsets_become_code_point_offsets() {
        let text = "“Café” 😀 東京 Ms May’s £1.8m";
        let doc = InputDoc {
            id: "x".into(),
            text: text.into(),
            ..InputDoc::default()
        };
        let byte_span = |s: &str| {
            let start = text.find(s).unwrap();
            (start, start + s.len())
        };
        let (ms, me) = byte_span("Ms May");
        let (fs, fe) = byte_span("£1.8m");
        let mut entities = EntityTable::default();
        let may = Mention {
            start: ms,
            end: me,
            score: 0.9,
        };
        entities.add(Label::Person, EntityName::Span(ms, me), vec![may]);
        let annotations = Annotations {
            entities,
            roles: vec![],
            facts: vec![Fact {
                kind: FactKind::Money,
                value: Some(FactValue::Number(1_800_000.0)),
                approx: Default::default(),
                from: None,
                unit: Some("GBP".into()),
                predicate: None,
                entity: None,
                vague: false,
                start: fs,
                end: fe,
                rule: "fact-amount",
                entity_rule: None,
                reading: Some("number-currency-symbol"),
            }],
        };
        let found = Found::Rules {
            annotations,
            explain: false,
        };
        let record = record(doc, found, vec![]);
        let chars: Vec<char> = text.chars().collect();
        let slice = |s: usize, e: usize| chars[s..e].iter().collect::<String>();
        let m = &record.entities[0].mentions[0];
        assert_eq!(slice(m.start, m.end), "Ms May");
        assert_eq!((m.start, m.end), (12, 18));
        let f = &record.facts[0];
        assert_eq!(slice(f.start, f.end), "£1.8m");
        let json = serde_json::to_string(&record).unwrap();
        assert!(json.contains("\"value\":1800000,"), "{json}");
    }
}
