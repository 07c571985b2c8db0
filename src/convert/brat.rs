//! brat standoff: a directory with, per record, `NAME.txt` (the text), `NAME.ann` (the
//! annotations) and `NAME.json` (the record's id, date and meta, which brat has no place for),
//! and one `annotation.conf` declaring the types used. NAME is the record's id made safe as a
//! file name, unique in the directory.
//!
//! In `.ann`, offsets count code points of the `.txt` (brat reads it as a Python str):
//! - `T` lines: mentions typed by their label, roles typed `Role`, facts typed by their kind;
//!   a span across a line break becomes fragments (`0 5;6 9`), as brat writes it;
//! - `#` AnnotatorNotes lines: a JSON object with what a type cannot say (a role's title, a
//!   fact's value and other fields, an entity's name when it is not its longest mention);
//! - `R` lines: `Person` and `Org` from a role, `About` from a fact to a mention;
//! - `*` lines: `Coref` groups the mentions of one entity.

use super::gold::{self, Link, Span, FACT_KINDS, ROLE_LABEL};
use super::{anchor_mention, default_name, fact_fields, CodePoints, RecordWriter};
use crate::record::Record;
use anyhow::{bail, Context, Result};
use serde_json::{json, Map, Value};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub struct BratWriter {
    dir: PathBuf,
    /// File names given so far, lowercased: unique also on case-insensitive file systems.
    names: HashSet<String>,
    entity_types: BTreeSet<String>,
}

impl BratWriter {
    pub fn new(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create directory", dir.display()))?;
        Ok(BratWriter {
            dir: dir.to_path_buf(),
            names: HashSet::new(),
            entity_types: BTreeSet::new(),
        })
    }

    /// `id` as a file name: ASCII letters, digits, `.`, `-` and `_` kept, anything else `_`,
    /// a numbered suffix when taken.
    fn file_name(&mut self, id: &str) -> String {
        let mut safe: String = id
            .chars()
            .map(|c| match c {
                'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' | '.' => c,
                _ => '_',
            })
            .take(100)
            .collect();
        // A leading dot hides the file; a trailing `.txt` would give `x.txt.txt`.
        safe = safe.trim_start_matches('.').to_string();
        if let Some(stem) = safe.strip_suffix(".txt") {
            safe = stem.to_string();
        }
        if safe.is_empty() {
            safe = "doc".into();
        }
        let mut name = safe.clone();
        let mut n = 1;
        while !self.names.insert(name.to_lowercase()) {
            n += 1;
            name = format!("{safe}-{n}");
        }
        name
    }
}

/// A brat type name: no whitespace (brat splits on it).
fn brat_type(label: &str) -> Result<&str> {
    if label.is_empty() || label.chars().any(char::is_whitespace) {
        bail!("label {label:?} cannot be a brat type (empty or with whitespace)");
    }
    Ok(label)
}

/// `start end` fragments of a span and the text brat expects for them: a span across line
/// breaks is cut around them and its pieces' texts joined by a space.
fn fragments(chars: &CodePoints, start: usize, end: usize) -> Result<(String, String)> {
    let text: Vec<char> = chars
        .slice(start, end)
        .unwrap_or_default()
        .chars()
        .collect();
    let mut pieces = Vec::new();
    let mut from = 0;
    for i in 0..=text.len() {
        if i == text.len() || matches!(text[i], '\n' | '\r') {
            if i > from {
                pieces.push((start + from, start + i));
            }
            from = i + 1;
        }
    }
    if pieces.is_empty() {
        bail!("span {start}..{end} holds only line breaks, which brat cannot annotate");
    }
    let offsets: Vec<String> = pieces.iter().map(|(s, e)| format!("{s} {e}")).collect();
    let texts: Vec<&str> = pieces
        .iter()
        .map(|&(s, e)| chars.slice(s, e).unwrap_or_default())
        .collect();
    Ok((offsets.join(";"), texts.join(" ")))
}

/// A `.ann` file being written, numbering its annotations.
struct Ann<'a> {
    chars: CodePoints<'a>,
    out: String,
    spans: usize,
    relations: usize,
    notes: usize,
}

impl Ann<'_> {
    /// A `T` line, and a note with `note` when there is something to say; the span's number.
    fn span(
        &mut self,
        typ: &str,
        start: usize,
        end: usize,
        note: Map<String, Value>,
    ) -> Result<usize> {
        self.spans += 1;
        let t = self.spans;
        let (offsets, text) = fragments(&self.chars, start, end)?;
        writeln!(self.out, "T{t}\t{typ} {offsets}\t{text}")?;
        if !note.is_empty() {
            self.notes += 1;
            writeln!(
                self.out,
                "#{}\tAnnotatorNotes T{t}\t{}",
                self.notes,
                Value::Object(note)
            )?;
        }
        Ok(t)
    }

    fn relation(&mut self, typ: &str, from: usize, to: usize) -> Result<()> {
        self.relations += 1;
        writeln!(
            self.out,
            "R{}\t{typ} Arg1:T{from} Arg2:T{to}",
            self.relations
        )?;
        Ok(())
    }
}

/// The `.ann` of one record.
pub fn ann(record: &Record) -> Result<String> {
    let mut ann = Ann {
        chars: CodePoints::new(&record.text),
        out: String::new(),
        spans: 0,
        relations: 0,
        notes: 0,
    };
    // T number of each mention, by entity and mention index.
    let mut mention_t: Vec<Vec<usize>> = Vec::new();
    for entity in &record.entities {
        let typ = brat_type(&entity.label)?;
        let mut ts = Vec::new();
        for (m, mention) in entity.mentions.iter().enumerate() {
            let mut note = Map::new();
            if m == 0 && default_name(&entity.mentions) != Some(entity.name.as_str()) {
                note.insert("name".into(), json!(entity.name));
            }
            ts.push(ann.span(typ, mention.start, mention.end, note)?);
        }
        if ts.len() > 1 {
            let members: Vec<String> = ts.iter().map(|t| format!("T{t}")).collect();
            writeln!(ann.out, "*\tCoref {}", members.join(" "))?;
        }
        mention_t.push(ts);
    }
    // The T of the mention of `entity` a role or fact points to.
    let mention_of = |entity: Option<&str>, start, end| {
        entity
            .and_then(|id| anchor_mention(record, id, start, end))
            .map(|(e, m)| mention_t[e][m])
    };
    for role in &record.roles {
        let mut note = Map::new();
        note.insert("title".into(), json!(role.title));
        if role.former {
            note.insert("former".into(), json!(true));
        }
        let t = ann.span(ROLE_LABEL, role.start, role.end, note)?;
        if let Some(person) = mention_of(Some(&role.person), role.start, role.end) {
            ann.relation("Person", t, person)?;
        }
        if let Some(org) = mention_of(role.org.as_deref(), role.start, role.end) {
            ann.relation("Org", t, org)?;
        }
    }
    for fact in &record.facts {
        let t = ann.span(fact.kind.as_str(), fact.start, fact.end, fact_fields(fact))?;
        if let Some(entity) = mention_of(fact.entity.as_deref(), fact.start, fact.end) {
            ann.relation("About", t, entity)?;
        }
    }
    Ok(ann.out)
}

impl RecordWriter for BratWriter {
    fn write(&mut self, record: &Record) -> Result<()> {
        let ann = ann(record)?;
        for entity in &record.entities {
            self.entity_types.insert(entity.label.clone());
        }
        let name = self.file_name(&record.id);
        let sidecar = json!({"id": record.id, "date": record.date, "meta": record.meta});
        for (ext, content) in [
            ("txt", record.text.clone()),
            ("ann", ann),
            ("json", format!("{sidecar}\n")),
        ] {
            let path = self.dir.join(format!("{name}.{ext}"));
            std::fs::write(&path, content)
                .with_context(|| format!("{}: cannot write", path.display()))?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        let mut conf = String::from("[entities]\n");
        for typ in self
            .entity_types
            .iter()
            .map(String::as_str)
            .chain([ROLE_LABEL])
            .chain(FACT_KINDS)
        {
            writeln!(conf, "{typ}")?;
        }
        conf.push_str(
            "\n[relations]\nPerson\tArg1:Role, Arg2:<ENTITY>\nOrg\tArg1:Role, Arg2:<ENTITY>\n",
        );
        writeln!(conf, "About\tArg1:{}, Arg2:<ENTITY>", FACT_KINDS.join("|"))?;
        conf.push_str("Coref\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive\n");
        conf.push_str("\n[events]\n\n[attributes]\n");
        let path = self.dir.join("annotation.conf");
        std::fs::write(&path, conf).with_context(|| format!("{}: cannot write", path.display()))
    }
}

/// Gold records from a brat directory: every `NAME.ann` with its `NAME.txt`, in name order;
/// id, date and meta from `NAME.json` when there is one (else the id is NAME).
pub fn read(dir: &Path) -> Result<Vec<Record>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot read directory", dir.display()))?;
    let mut anns: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("{}: cannot read directory", dir.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "ann") {
            anns.push(path);
        }
    }
    anns.sort();
    anns.iter().map(|ann| read_document(ann)).collect()
}

fn read_document(ann_path: &Path) -> Result<Record> {
    let txt_path = ann_path.with_extension("txt");
    let text = std::fs::read_to_string(&txt_path)
        .with_context(|| format!("{}: cannot read", txt_path.display()))?;
    let ann = std::fs::read_to_string(ann_path)
        .with_context(|| format!("{}: cannot read", ann_path.display()))?;
    let chars = CodePoints::new(&text);
    let mut spans: Vec<Span> = Vec::new();
    let mut notes: HashMap<String, Map<String, Value>> = HashMap::new();
    let mut links = Vec::new();
    for (i, line) in ann.lines().enumerate() {
        let place = || format!("{}:{}", ann_path.display(), i + 1);
        if line.trim().is_empty() {
            continue;
        }
        parse_line(line, &chars, &mut spans, &mut notes, &mut links)
            .with_context(|| format!("{}: {line:?}", place()))?;
    }
    for span in &mut spans {
        span.attributes = notes.remove(&span.key).unwrap_or_default();
    }
    let annotations =
        gold::annotations(spans, &links).with_context(|| format!("{}", ann_path.display()))?;
    let sidecar_path = ann_path.with_extension("json");
    let sidecar: Value = match std::fs::read_to_string(&sidecar_path) {
        Ok(content) => serde_json::from_str(&content)
            .with_context(|| format!("{}: not JSON", sidecar_path.display()))?,
        Err(_) => Value::Null,
    };
    let stem = ann_path.file_stem().unwrap_or_default().to_string_lossy();
    let id = sidecar["id"]
        .as_str()
        .map_or_else(|| stem.to_string(), str::to_string);
    Ok(annotations.into_record(id, &sidecar, text))
}

/// One line of a `.ann` file, strictly: T, R, * and # lines, the ones this module writes.
fn parse_line(
    line: &str,
    chars: &CodePoints,
    spans: &mut Vec<Span>,
    notes: &mut HashMap<String, Map<String, Value>>,
    links: &mut Vec<Link>,
) -> Result<()> {
    let fields: Vec<&str> = line.splitn(3, '\t').collect();
    let (id, annotation) = match fields.as_slice() {
        [id, annotation, ..] => (*id, *annotation),
        _ => bail!("not an annotation: no tab"),
    };
    let mut words = annotation.split(' ');
    let typ = words.next().unwrap_or_default();
    match id.chars().next() {
        Some('T') => {
            let text = fields.get(2).context("a T line needs a text field")?;
            let offsets = annotation[typ.len()..].trim();
            let mut pieces = Vec::new();
            for fragment in offsets.split(';') {
                let numbers: Vec<usize> = fragment
                    .split(' ')
                    .map(str::parse)
                    .collect::<Result<_, _>>()
                    .with_context(|| format!("offsets {fragment:?} are not two numbers"))?;
                let [start, end] = numbers[..] else {
                    bail!("offsets {fragment:?} are not two numbers");
                };
                let covered = chars
                    .slice(start, end)
                    .with_context(|| format!("offsets {start} {end} are not inside the text"))?;
                pieces.push((start, end, covered));
            }
            let joined: Vec<&str> = pieces.iter().map(|p| p.2).collect();
            if joined.join(" ") != *text {
                bail!("the text at the offsets is {:?}", joined.join(" "));
            }
            let (start, end) = (pieces[0].0, pieces[pieces.len() - 1].1);
            spans.push(Span {
                key: id.to_string(),
                label: typ.to_string(),
                start,
                end,
                text: chars.slice(start, end).unwrap_or_default().to_string(),
                score: None,
                attributes: Map::new(),
            });
        }
        Some('R') => {
            let arg = |prefix: &str| -> Result<String> {
                let word = annotation
                    .split(' ')
                    .find_map(|w| w.strip_prefix(prefix))
                    .with_context(|| format!("no {prefix}"))?;
                Ok(word.to_string())
            };
            links.push(Link {
                from: arg("Arg1:")?,
                to: arg("Arg2:")?,
                label: typ.to_lowercase(),
            });
        }
        Some('*') => {
            let members: Vec<&str> = words.collect();
            for pair in members.windows(2) {
                links.push(Link {
                    from: pair[0].to_string(),
                    to: pair[1].to_string(),
                    label: "coref".into(),
                });
            }
        }
        Some('#') => {
            let target = words.next().context("a note names no annotation")?;
            let note = fields.get(2).copied().unwrap_or_default();
            let parsed: Map<String, Value> = serde_json::from_str(note)
                .with_context(|| format!("note {note:?} is not a JSON object"))?;
            notes.insert(target.to_string(), parsed);
        }
        _ => bail!("factx reads T, R, * and # lines only"),
    }
    Ok(())
}
