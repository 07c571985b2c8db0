//! Label Studio tasks: a JSON array of `{"data": {...}, "predictions": [{"result": [...]}]}`
//! for a project with the labeling config of docs/CONVERT.md, and the way back from Label
//! Studio's JSON export to gold records.
//!
//! Label Studio indexes text in UTF-16 code units (JavaScript strings); records index code
//! points. The conversion happens here and nowhere else.
//!
//! One region (result id) per mention, role and fact. Mentions are labelled with their entity
//! label, roles `ROLE`, facts with their kind. What a label cannot say goes in the per-region
//! text area `attributes` as a JSON object (a role's title, a fact's normalised value, an
//! entity's name when it is not its longest mention), and the links are relations: `coref`
//! from each later mention to its entity's first, `person` and `org` from a role, `about`
//! from a fact to the entity it is about.

use super::gold::{self, Link, Span, ROLE_LABEL};
use super::{anchor_mention, default_name, fact_fields, CodePoints, RecordWriter};
use crate::record::Record;
use anyhow::{bail, Context, Result};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

pub struct TaskWriter<W: Write> {
    out: W,
    tasks: usize,
}

impl<W: Write> TaskWriter<W> {
    pub fn new(out: W) -> Self {
        TaskWriter { out, tasks: 0 }
    }
}

/// Code-point offsets → UTF-16 offsets of one text.
struct Utf16Offsets(Vec<usize>);

impl Utf16Offsets {
    fn new(text: &str) -> Self {
        let mut at = vec![0];
        for c in text.chars() {
            at.push(at.last().copied().unwrap_or(0) + c.len_utf16());
        }
        Utf16Offsets(at)
    }

    fn of(&self, code_point: usize) -> usize {
        self.0[code_point]
    }

    /// The code point starting at UTF-16 offset `u`; `None` inside a surrogate pair or out of
    /// range.
    fn code_point(&self, u: usize) -> Option<usize> {
        self.0.binary_search(&u).ok()
    }
}

fn mention_region_id(entity: usize, mention: usize) -> String {
    format!("e{}-m{}", entity + 1, mention + 1)
}

/// A region of a task: a labelled span, and what its label cannot say.
struct Region<'a> {
    id: String,
    label: &'a str,
    start: usize,
    end: usize,
    text: &'a str,
    score: Option<f32>,
    attributes: Map<String, Value>,
}

impl Region<'_> {
    /// The region's results: its label, and its attributes in the `attributes` text area.
    fn results(self, utf16: &Utf16Offsets) -> Vec<Value> {
        let span =
            json!({"start": utf16.of(self.start), "end": utf16.of(self.end), "text": self.text});
        let mut value = span.clone();
        value["labels"] = json!([self.label]);
        let mut labels = json!({"id": self.id, "from_name": "label", "to_name": "text",
                                "type": "labels", "value": value});
        if let Some(score) = self.score {
            // Four decimals, as records write scores.
            labels["score"] = json!((f64::from(score) * 1e4).round() / 1e4);
        }
        let mut results = vec![labels];
        if !self.attributes.is_empty() {
            let mut value = span;
            value["text"] = json!([Value::Object(self.attributes).to_string()]);
            results.push(
                json!({"id": self.id, "from_name": "attributes", "to_name": "text",
                                "type": "textarea", "value": value}),
            );
        }
        results
    }
}

/// The Label Studio task of one record.
pub fn task(record: &Record) -> Value {
    let utf16 = Utf16Offsets::new(&record.text);
    let mut regions = Vec::new();
    let mut relations = Vec::new();
    for (e, entity) in record.entities.iter().enumerate() {
        for (m, mention) in entity.mentions.iter().enumerate() {
            let mut attributes = Map::new();
            if m == 0 && default_name(&entity.mentions) != Some(entity.name.as_str()) {
                attributes.insert("name".into(), json!(entity.name));
            }
            if m > 0 {
                relations.push((mention_region_id(e, m), mention_region_id(e, 0), "coref"));
            }
            regions.push(Region {
                id: mention_region_id(e, m),
                label: &entity.label,
                start: mention.start,
                end: mention.end,
                text: &mention.text,
                score: Some(mention.score),
                attributes,
            });
        }
    }
    // A relation from a role or fact region to a mention of `entity`.
    let mut link = |from: &str, entity: Option<&str>, start, end, label| {
        if let Some((e, m)) = entity.and_then(|entity| anchor_mention(record, entity, start, end)) {
            relations.push((from.to_string(), mention_region_id(e, m), label));
        }
    };
    for (i, role) in record.roles.iter().enumerate() {
        let id = format!("role{}", i + 1);
        let mut attributes = Map::new();
        attributes.insert("title".into(), json!(role.title));
        if role.former {
            attributes.insert("former".into(), json!(true));
        }
        link(&id, Some(&role.person), role.start, role.end, "person");
        link(&id, role.org.as_deref(), role.start, role.end, "org");
        regions.push(Region {
            id,
            label: ROLE_LABEL,
            start: role.start,
            end: role.end,
            text: &role.text,
            score: None,
            attributes,
        });
    }
    for (i, fact) in record.facts.iter().enumerate() {
        let id = format!("fact{}", i + 1);
        link(&id, fact.entity.as_deref(), fact.start, fact.end, "about");
        regions.push(Region {
            id,
            label: fact.kind.as_str(),
            start: fact.start,
            end: fact.end,
            text: &fact.text,
            score: None,
            attributes: fact_fields(fact),
        });
    }
    let mut result: Vec<Value> = regions
        .into_iter()
        .flat_map(|r| r.results(&utf16))
        .collect();
    for (from, to, label) in relations {
        result.push(json!({"from_id": from, "to_id": to, "type": "relation",
                           "direction": "right", "labels": [label]}));
    }
    json!({
        "data": {"text": record.text, "factx_id": record.id, "date": record.date, "meta": record.meta},
        "predictions": [{"model_version": concat!("factx ", env!("CARGO_PKG_VERSION")), "result": result}],
    })
}

impl<W: Write> RecordWriter for TaskWriter<W> {
    fn write(&mut self, record: &Record) -> Result<()> {
        let separator = if self.tasks == 0 { "[\n" } else { ",\n" };
        self.out
            .write_all(separator.as_bytes())
            .and_then(|()| Ok(serde_json::to_writer(&mut self.out, &task(record))?))
            .context("cannot write Label Studio tasks")?;
        self.tasks += 1;
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        self.out.flush().context("cannot write Label Studio tasks")
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        let end: &[u8] = if self.tasks == 0 { b"[]\n" } else { b"\n]\n" };
        self.out
            .write_all(end)
            .and_then(|()| self.out.flush())
            .context("cannot write Label Studio tasks")
    }
}

/// Gold records from Label Studio's JSON export (or from tasks this module wrote): each task's
/// latest annotation that was not cancelled, else its first prediction.
pub fn read(path: &Path) -> Result<Vec<Record>> {
    let content = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let tasks: Vec<Value> = serde_json::from_str(&content)
        .with_context(|| format!("{}: not a JSON array of Label Studio tasks", path.display()))?;
    tasks
        .iter()
        .enumerate()
        .map(|(i, task)| {
            let id = record_id(task, i);
            record(task, id.clone()).with_context(|| format!("{}: task {id:?}", path.display()))
        })
        .collect()
}

/// The id of a task's record: the one factx wrote in `data.factx_id`, else Label Studio's
/// task id, else the task's place in the file.
fn record_id(task: &Value, index: usize) -> String {
    match (&task["data"]["factx_id"], &task["id"]) {
        (Value::String(id), _) => id.clone(),
        (_, Value::Number(id)) => id.to_string(),
        _ => format!("task {}", index + 1),
    }
}

fn record(task: &Value, id: String) -> Result<Record> {
    let data = &task["data"];
    let text = data["text"]
        .as_str()
        .context("data.text is missing or not a string")?
        .to_string();
    let annotations = task["annotations"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let latest = annotations
        .iter()
        .rev()
        .find(|a| a["was_cancelled"] != Value::Bool(true));
    let results = match latest {
        Some(annotation) => &annotation["result"],
        None => &task["predictions"][0]["result"],
    };
    let results = results.as_array().map(Vec::as_slice).unwrap_or_default();

    let chars = CodePoints::new(&text);
    let utf16 = Utf16Offsets::new(&text);
    let mut spans: Vec<Span> = Vec::new();
    let mut attributes: HashMap<String, Map<String, Value>> = HashMap::new();
    let mut links: Vec<Link> = Vec::new();
    for result in results {
        let id = result["id"].as_str().unwrap_or_default().to_string();
        match result["type"].as_str() {
            Some("labels") => {
                let span = read_region(id.clone(), result, &chars, &utf16)
                    .with_context(|| format!("region {id:?}"))?;
                spans.push(span);
            }
            Some("textarea") => {
                let typed = result["value"]["text"][0].as_str().unwrap_or("{}");
                let parsed: Map<String, Value> =
                    serde_json::from_str(typed).with_context(|| {
                        format!("region {id:?}: attributes {typed:?} are not a JSON object")
                    })?;
                attributes.insert(id, parsed);
            }
            Some("relation") => {
                let end = |key: &str| result[key].as_str().unwrap_or_default().to_string();
                links.push(Link {
                    from: end("from_id"),
                    to: end("to_id"),
                    label: result["labels"][0].as_str().unwrap_or_default().to_string(),
                });
            }
            _ => {}
        }
    }
    for span in &mut spans {
        span.attributes = attributes.remove(&span.key).unwrap_or_default();
    }
    Ok(gold::annotations(spans, &links)?.into_record(id, data, text))
}

fn read_region(
    key: String,
    result: &Value,
    chars: &CodePoints,
    utf16: &Utf16Offsets,
) -> Result<Span> {
    let value = &result["value"];
    let offset = |key: &str| -> Result<usize> {
        let u = value[key]
            .as_u64()
            .with_context(|| format!("value.{key} is missing or not an offset"))?;
        utf16
            .code_point(u as usize)
            .with_context(|| format!("value.{key} {u} is inside a character or past the text"))
    };
    let (start, end) = (offset("start")?, offset("end")?);
    let covered = chars
        .slice(start, end)
        .with_context(|| format!("value.start {start} is after value.end {end}"))?;
    if let Some(text) = value["text"].as_str() {
        if text != covered {
            bail!("value.text {text:?} is not the text at its offsets ({covered:?})");
        }
    }
    let label = value["labels"][0]
        .as_str()
        .context("value.labels is missing or empty")?;
    Ok(Span {
        key,
        label: label.to_string(),
        start,
        end,
        text: covered.to_string(),
        score: result["score"].as_f64().map(|s| s as f32),
        attributes: Map::new(),
    })
}
