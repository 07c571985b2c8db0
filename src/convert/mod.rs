//! Records to the formats annotation tools and NLP libraries read, and corrected annotations
//! back to gold records (docs/CONVERT.md).
//!
//! Every writer takes records one at a time, so `factx extract --format` streams; the ones whose
//! container needs the whole corpus (a DocBin) hold it until `finish`. Offsets stay code points
//! everywhere except at the Label Studio boundary, where JavaScript's UTF-16 indices begin.

pub mod brat;
pub mod conll;
mod gold;
pub mod labelstudio;
pub mod parquet;
pub mod spacy;

use crate::doc::split_words;
use crate::output::JsonlWriter;
use crate::record::{Entity, Fact, Record};
use anyhow::{bail, Context, Result};
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

/// A format records can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// factx's own records (docs/FORMAT.md).
    Jsonl,
    /// brat standoff: a directory of ID.txt + ID.ann (+ ID.json with id, date and meta).
    Brat,
    /// CoNLL-2003 columns: token, POS, chunk, BIO tag.
    Conll,
    /// Label Studio tasks (JSON array) with the annotations as predictions.
    Labelstudio,
    /// spaCy's DocBin (`.spacy`).
    Spacy,
    /// Apache Parquet, one row per document.
    Parquet,
}

impl Format {
    /// Whether the format goes to a stream (stdout is fine) rather than needing a path.
    pub fn streams(self) -> bool {
        matches!(self, Format::Jsonl | Format::Conll | Format::Labelstudio)
    }

    /// The name the command line gives the format.
    pub fn name(self) -> String {
        use clap::ValueEnum;
        self.to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_string())
    }
}

/// A format corrected annotations can be read back from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Source {
    /// Label Studio's JSON export: tasks with their annotations (or predictions).
    Labelstudio,
    /// A brat directory: NAME.txt + NAME.ann (+ NAME.json as factx writes it).
    Brat,
}

/// Takes records one by one and writes them in one format.
pub trait RecordWriter {
    fn write(&mut self, record: &Record) -> Result<()>;
    /// Writes what is buffered to the underlying file (no-op for whole-corpus containers).
    fn flush(&mut self) -> Result<()>;
    fn finish(self: Box<Self>) -> Result<()>;
}

impl<W: Write> RecordWriter for JsonlWriter<W> {
    fn write(&mut self, record: &Record) -> Result<()> {
        JsonlWriter::write(self, record)
    }

    fn flush(&mut self) -> Result<()> {
        JsonlWriter::flush(self)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        JsonlWriter::finish(*self)
    }
}

/// A writer of `format` into `out` (stdout when `None`; the formats that do not stream need a
/// path: a directory for brat, a file for the others).
pub fn writer(format: Format, out: Option<&Path>) -> Result<Box<dyn RecordWriter>> {
    let stream = || -> Result<Box<dyn Write>> {
        Ok(match out {
            Some(path) => Box::new(
                std::fs::File::create(path)
                    .with_context(|| format!("{}: cannot create", path.display()))?,
            ),
            None => Box::new(std::io::stdout().lock()),
        })
    };
    let buffered = |w: Box<dyn Write>| std::io::BufWriter::with_capacity(1 << 16, w);
    let path =
        || out.with_context(|| format!("{} cannot go to stdout: give -o OUT", format.name()));
    Ok(match format {
        Format::Jsonl => Box::new(JsonlWriter::new(buffered(stream()?))),
        Format::Conll => Box::new(conll::ConllWriter::new(buffered(stream()?))),
        Format::Labelstudio => Box::new(labelstudio::TaskWriter::new(buffered(stream()?))),
        Format::Brat => Box::new(brat::BratWriter::new(path()?)?),
        Format::Spacy => Box::new(spacy::DocBinWriter::new(path()?)),
        Format::Parquet => Box::new(parquet::ParquetWriter::new(path()?)?),
    })
}

/// `factx convert RECORDS --to FORMAT`: every record of the JSONL file, streamed.
pub fn convert_records(input: &Path, format: Format, out: Option<&Path>) -> Result<()> {
    let file =
        std::fs::File::open(input).with_context(|| format!("{}: cannot open", input.display()))?;
    let mut writer = writer(format, out)?;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let place = || format!("{}:{}", input.display(), i + 1);
        let line = line.with_context(|| format!("{}: cannot read", place()))?;
        if line.trim().is_empty() {
            continue;
        }
        let record: Record = serde_json::from_str(&line)
            .with_context(|| format!("{}: not a factx record", place()))?;
        check_spans(&record).with_context(place)?;
        writer.write(&record).with_context(place)?;
    }
    writer.finish()
}

/// `factx convert --from SOURCE`: corrected annotations as gold records (JSONL).
pub fn convert_to_gold(input: &Path, source: Source, out: Option<&Path>) -> Result<()> {
    let records = match source {
        Source::Labelstudio => labelstudio::read(input)?,
        Source::Brat => brat::read(input)?,
    };
    let mut writer = writer(Format::Jsonl, out)?;
    for record in &records {
        writer.write(record)?;
    }
    writer.finish()
}

/// Every offset of a record read from a file lies inside its text, and every span's `text` is
/// what the offsets cover: the converters slice by offsets, and a hand-edited record must not
/// make them panic or write spans that say something else.
pub fn check_spans(record: &Record) -> Result<()> {
    let chars = CodePoints::new(&record.text);
    let check = |what: &str, start: usize, end: usize, text: &str| -> Result<()> {
        match chars.slice(start, end) {
            Some(covered) if covered == text => Ok(()),
            Some(covered) => bail!(
                "record {:?}: {what} {start}..{end} is {text:?} but the text there is {covered:?}",
                record.id
            ),
            None => bail!(
                "record {:?}: {what} {start}..{end} is not inside the text ({} code points)",
                record.id,
                chars.len()
            ),
        }
    };
    for entity in &record.entities {
        for m in &entity.mentions {
            check(
                &format!("mention of {}", entity.id),
                m.start,
                m.end,
                &m.text,
            )?;
        }
    }
    for role in &record.roles {
        check("role", role.start, role.end, &role.text)?;
    }
    for fact in &record.facts {
        check("fact", fact.start, fact.end, &fact.text)?;
    }
    Ok(())
}

/// A text indexed by code point: slicing by record offsets.
pub struct CodePoints<'a> {
    text: &'a str,
    /// Byte offset of every code point, and the text's length at the end.
    bytes: Vec<usize>,
}

impl<'a> CodePoints<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        bytes.push(text.len());
        CodePoints { text, bytes }
    }

    /// Number of code points.
    pub fn len(&self) -> usize {
        self.bytes.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `text[start..end]` in code points; `None` when out of range.
    pub fn slice(&self, start: usize, end: usize) -> Option<&'a str> {
        (start <= end && end <= self.len()).then(|| &self.text[self.bytes[start]..self.bytes[end]])
    }

    /// The code-point offset of byte offset `b` (a char boundary).
    pub fn char_at_byte(&self, b: usize) -> usize {
        self.bytes.partition_point(|&x| x < b)
    }
}

/// The start and end of every mention, role and fact: token boundaries the tokenisations of
/// the token-based formats must keep so that every span covers whole tokens.
fn span_boundaries(record: &Record) -> BTreeSet<usize> {
    let mentions = record.entities.iter().flat_map(|e| &e.mentions);
    let spans = mentions
        .map(|m| (m.start, m.end))
        .chain(record.roles.iter().map(|r| (r.start, r.end)))
        .chain(record.facts.iter().map(|f| (f.start, f.end)));
    spans.flat_map(|(s, e)| [s, e]).collect()
}

/// A token: a code-point span of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    /// All whitespace (or control characters, which BERT skips like whitespace).
    pub blank: bool,
}

/// The record's text cut into tokens that cover all of it: BERT's words (punctuation apart, as
/// the model saw them), the gaps between them, each cut again at every span boundary.
pub fn tokens(record: &Record) -> Vec<Token> {
    let chars = CodePoints::new(&record.text);
    let mut cuts = span_boundaries(record);
    for (start, end) in split_words(&record.text) {
        cuts.insert(chars.char_at_byte(start));
        cuts.insert(chars.char_at_byte(end));
    }
    let len = chars.len();
    cuts.insert(0);
    cuts.insert(len);
    let cuts: Vec<usize> = cuts.into_iter().filter(|&c| c <= len).collect();
    let blank = |c: char| c.is_whitespace() || c.is_control();
    let mut tokens = Vec::new();
    for pair in cuts.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        // Between two words there may be both blanks and characters BERT drops; keep them apart.
        let piece: Vec<char> = chars
            .slice(start, end)
            .unwrap_or_default()
            .chars()
            .collect();
        let mut from = 0;
        for i in 1..=piece.len() {
            if i == piece.len() || blank(piece[i]) != blank(piece[from]) {
                tokens.push(Token {
                    start: start + from,
                    end: start + i,
                    blank: blank(piece[from]),
                });
                from = i;
            }
        }
    }
    tokens
}

/// The mentions of a record in text order with their entity, refusing overlaps: BIO tags and
/// spaCy's `doc.ents` hold one mention per token.
fn mentions_in_order(record: &Record) -> Result<Vec<(&Entity, &crate::record::Mention)>> {
    let mut mentions: Vec<_> = record
        .entities
        .iter()
        .flat_map(|e| e.mentions.iter().map(move |m| (e, m)))
        .collect();
    mentions.sort_by_key(|(_, m)| (m.start, m.end));
    for pair in mentions.windows(2) {
        let ((_, a), (_, b)) = (pair[0], pair[1]);
        if b.start < a.end {
            bail!(
                "record {:?}: mentions {:?} ({}..{}) and {:?} ({}..{}) overlap, which \
                 token tags cannot hold",
                record.id,
                a.text,
                a.start,
                a.end,
                b.text,
                b.start,
                b.end
            );
        }
    }
    Ok(mentions)
}

/// The name factx gives an entity when nothing else is known: its longest mention (the first
/// of equals). Formats store an entity's name only when it differs from this.
pub fn default_name(entity_mentions: &[crate::record::Mention]) -> Option<&str> {
    entity_mentions
        .iter()
        .rev()
        .max_by_key(|m| m.text.chars().count())
        .map(|m| m.text.as_str())
}

/// A fact's fields other than its kind, span and entity, which formats hold otherwise, and its
/// rule names, which say how factx found it and are no part of an annotation: `value`,
/// `approx`, `from`, `unit`, `predicate`, `vague`, as the record writes them.
pub fn fact_fields(fact: &Fact) -> Map<String, Value> {
    let mut fields = match serde_json::to_value(fact) {
        Ok(Value::Object(fields)) => fields,
        _ => Map::new(),
    };
    for held_elsewhere in [
        "kind",
        "start",
        "end",
        "text",
        "entity",
        "rule",
        "entity_rule",
        "reading",
    ] {
        fields.shift_remove(held_elsewhere);
    }
    fields
}

/// The mention of `entity` a span points to: the first one inside `start..end`, else the
/// entity's first mention. `None` when the record has no such entity (or it has no mention).
fn anchor_mention(
    record: &Record,
    entity: &str,
    start: usize,
    end: usize,
) -> Option<(usize, usize)> {
    let (e, entity) = record
        .entities
        .iter()
        .enumerate()
        .find(|(_, e)| e.id == entity)?;
    let inside = entity
        .mentions
        .iter()
        .position(|m| start <= m.start && m.end <= end);
    let m = inside.or((!entity.mentions.is_empty()).then_some(0))?;
    Some((e, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_cover_the_text_and_cut_at_span_boundaries() {
        let record = Record {
            id: "x".into(),
            text: "😀 Zoë  UK-based\n\n👩‍👩‍👧".into(),
            entities: vec![Entity {
                id: "e1".into(),
                label: "LOC".into(),
                name: "UK".into(),
                mentions: vec![crate::record::Mention {
                    start: 7,
                    end: 9,
                    text: "UK".into(),
                    score: 1.0,
                }],
            }],
            ..Record::default()
        };
        let toks = tokens(&record);
        let chars = CodePoints::new(&record.text);
        let texts: Vec<&str> = toks
            .iter()
            .map(|t| chars.slice(t.start, t.end).unwrap())
            .collect();
        assert_eq!(texts.concat(), record.text);
        assert!(texts.contains(&"UK") && texts.contains(&"-") && texts.contains(&"based"));
        for (token, text) in toks.iter().zip(&texts) {
            assert_eq!(token.blank, text.trim().is_empty(), "{text:?}");
        }
    }
}
