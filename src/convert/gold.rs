//! Annotations read back from an annotation tool (Label Studio, brat) → a record's entities,
//! roles and facts. Both tools hold labelled spans, free-form attributes per span and labelled
//! links between spans; the readers turn their files into these and this module gives them
//! factx's meaning (docs/CONVERT.md):
//!
//! - a span labelled `ROLE` is a role: `title` (and `former`) in its attributes, a `person`
//!   link to a mention of the person, an `org` link to a mention of the organisation;
//! - a span labelled with a fact kind (`count`, `age`, ...) is a fact: its other fields in the
//!   attributes, an `about` link to a mention of its entity;
//! - any other span is a mention labelled with its entity's label; `coref` links join mentions
//!   into entities, numbered `e1`, `e2`, ... in order of first mention, each named by a `name`
//!   attribute on one of its mentions or else by its longest mention.

use super::default_name;
use crate::record::{Entity, Fact, Mention, Record, Role};
use anyhow::{Context, Result};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

pub const ROLE_LABEL: &str = "ROLE";
pub const FACT_KINDS: [&str; 6] = ["count", "age", "money", "percent", "quantity", "date"];

/// A labelled span, code-point offsets.
pub struct Span {
    /// The tool's id of the span, unique in its document.
    pub key: String,
    pub label: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub score: Option<f32>,
    pub attributes: Map<String, Value>,
}

/// A labelled link between two spans (by key), in either direction.
pub struct Link {
    pub from: String,
    pub to: String,
    pub label: String,
}

pub struct Annotations {
    pub entities: Vec<Entity>,
    pub roles: Vec<Role>,
    pub facts: Vec<Fact>,
}

impl Annotations {
    /// The gold record of `text` with these annotations; its date and meta from `data` (a
    /// Label Studio task's data, a brat document's JSON sidecar).
    pub fn into_record(self, id: String, data: &Value, text: String) -> Record {
        Record {
            id,
            date: data["date"].as_str().map(str::to_string),
            meta: data["meta"].as_object().cloned().unwrap_or_default(),
            text,
            entities: self.entities,
            roles: self.roles,
            facts: self.facts,
            errors: Vec::new(),
        }
    }
}

fn is_mention(span: &Span) -> bool {
    span.label != ROLE_LABEL && !FACT_KINDS.contains(&span.label.as_str())
}

pub fn annotations(spans: Vec<Span>, links: &[Link]) -> Result<Annotations> {
    let (mentions, others): (Vec<Span>, Vec<Span>) = spans.into_iter().partition(is_mention);
    let (entities, entity_of) = entities(mentions, links);
    // The entity a role or fact span is linked to by a link of `label`.
    let linked = |key: &str, label: &str| -> Option<String> {
        links.iter().filter(|l| l.label == label).find_map(|l| {
            let other = if l.from == key {
                &l.to
            } else if l.to == key {
                &l.from
            } else {
                return None;
            };
            entity_of.get(other).cloned()
        })
    };
    let mut roles = Vec::new();
    let mut facts = Vec::new();
    for span in others {
        let what = || format!("{} {:?} ({:?})", span.label, span.key, span.text);
        if span.label == ROLE_LABEL {
            let person = linked(&span.key, "person")
                .with_context(|| format!("{} has no `person` link to a mention", what()))?;
            let title = span
                .attributes
                .get("title")
                .and_then(Value::as_str)
                .with_context(|| format!("{} has no `title` attribute", what()))?;
            roles.push(Role {
                person,
                title: title.to_string(),
                org: linked(&span.key, "org"),
                former: span.attributes.get("former") == Some(&Value::Bool(true)),
                start: span.start,
                end: span.end,
                text: span.text,
                rule: None,
            });
        } else {
            let mut fields = span.attributes.clone();
            fields.entry("value").or_insert(Value::Null);
            fields.insert("kind".into(), json!(span.label));
            fields.insert("entity".into(), json!(linked(&span.key, "about")));
            fields.insert("start".into(), json!(span.start));
            fields.insert("end".into(), json!(span.end));
            fields.insert("text".into(), json!(span.text));
            let fact = serde_json::from_value(Value::Object(fields))
                .with_context(|| format!("{}: its attributes are not a fact's", what()))?;
            facts.push(fact);
        }
    }
    Ok(Annotations {
        entities,
        roles,
        facts,
    })
}

/// Mentions joined by `coref` links into entities, and each mention's entity id by key.
fn entities(mut mentions: Vec<Span>, links: &[Link]) -> (Vec<Entity>, HashMap<String, String>) {
    mentions.sort_by_key(|m| (m.start, m.end));
    let index: HashMap<&str, usize> = mentions
        .iter()
        .enumerate()
        .map(|(i, m)| (m.key.as_str(), i))
        .collect();
    // Union-find whose roots are each group's earliest mention.
    let mut parent: Vec<usize> = (0..mentions.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for link in links.iter().filter(|l| l.label == "coref") {
        if let (Some(&a), Some(&b)) = (index.get(link.from.as_str()), index.get(link.to.as_str())) {
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut entities: Vec<Entity> = Vec::new();
    let mut names: Vec<Option<String>> = Vec::new();
    let mut entity_at_root: HashMap<usize, usize> = HashMap::new();
    let mut entity_of = HashMap::new();
    for (i, m) in mentions.iter().enumerate() {
        let r = root(&mut parent, i);
        let e = *entity_at_root.entry(r).or_insert_with(|| {
            entities.push(Entity {
                id: format!("e{}", entities.len() + 1),
                label: m.label.clone(),
                name: String::new(),
                mentions: Vec::new(),
            });
            names.push(None);
            entities.len() - 1
        });
        if let Some(name) = m.attributes.get("name").and_then(Value::as_str) {
            names[e].get_or_insert_with(|| name.to_string());
        }
        entities[e].mentions.push(Mention {
            start: m.start,
            end: m.end,
            text: m.text.clone(),
            score: m.score.unwrap_or(1.0),
        });
        entity_of.insert(m.key.clone(), entities[e].id.clone());
    }
    for (entity, name) in entities.iter_mut().zip(names) {
        entity.name = name
            .or_else(|| default_name(&entity.mentions).map(str::to_string))
            .unwrap_or_default();
    }
    (entities, entity_of)
}
