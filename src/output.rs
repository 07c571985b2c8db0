//! The output stage: a document and its annotations → the record users read, with every
//! byte offset turned into a code-point offset; and the JSONL writer.

use crate::input::InputDoc;
use crate::record::{CharOffsets, Mention, Record, RecordError};
use crate::rules::Annotations;
use anyhow::{Context, Result};
use std::io::Write;

/// Builds the record of `doc` from annotations whose offsets are bytes into `doc.text`.
pub fn record(doc: InputDoc, annotations: Annotations, errors: Vec<RecordError>) -> Record {
    let Annotations {
        mut entities,
        mut roles,
        mut facts,
    } = annotations;
    let chars = CharOffsets::new(&doc.text);
    let span = |start: &mut usize, end: &mut usize| {
        *start = chars.to_char(*start);
        *end = chars.to_char(*end);
    };
    for entity in &mut entities {
        for Mention { start, end, .. } in &mut entity.mentions {
            span(start, end);
        }
    }
    for role in &mut roles {
        span(&mut role.start, &mut role.end);
    }
    for fact in &mut facts {
        span(&mut fact.start, &mut fact.end);
    }
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
    use crate::record::{Entity, Fact, FactKind, FactValue};

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
        let annotations = Annotations {
            entities: vec![Entity {
                id: "e1".into(),
                label: "PER".into(),
                name: "Ms May".into(),
                mentions: vec![Mention {
                    start: ms,
                    end: me,
                    text: "Ms May".into(),
                    score: 0.9,
                }],
            }],
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
                text: "£1.8m".into(),
                rule: None,
                entity_rule: None,
                reading: None,
            }],
        };
        let record = record(doc, annotations, vec![]);
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
