//! spaCy's DocBin (`.spacy`), written the way spaCy 3.8's `DocBin.to_bytes` writes it
//! (spacy/tokens/_serialize.py): a zlib-compressed msgpack map whose token table holds, per
//! token, 64-bit string ids of the attributes ORTH, ENT_IOB, ENT_TYPE and ENT_ID.
//!
//! - Tokens are `convert::tokens` (BERT's words and the gaps between them): one space after a
//!   word is the word's trailing whitespace, other whitespace is a token of its own, as spaCy's
//!   tokenizer makes it, so `doc.text` is the record's text.
//! - `doc.ents` are the mentions; each entity's id (`e1`) is its mentions' `ent_id_`.
//! - Span groups `roles` (label: the title, `kb_id_`: the person's entity id) and `facts`
//!   (label: the kind, `kb_id_`: the entity id); each group's `attrs["factx"]` lists the roles'
//!   or facts' other fields in span order, as the record writes them.
//! - `doc.user_data` holds the record's `id`, `date` and `meta` (JSON).
//!
//! A string id is spaCy's symbol number for the strings spaCy knows as symbols
//! (data/spacy_symbols.txt, line N = symbol N, from spacy.symbols.IDS of spaCy 3.8.18) and
//! MurmurHash64A (seed 1) of the UTF-8 bytes for every other string, as StringStore does.

use super::{mentions_in_order, tokens, CodePoints, RecordWriter};
use crate::record::Record;
use anyhow::{Context, Result};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// spaCy's attribute ids (spacy.attrs), in the order DocBin stores them: ORTH first, then
/// ascending.
const ORTH: u64 = 65;
const ENT_IOB: u64 = 77;
const ENT_TYPE: u64 = 78;
const ENT_ID: u64 = 454;
const ATTRS: [u64; 4] = [ORTH, ENT_IOB, ENT_TYPE, ENT_ID];
/// Token.iob_strings(): ("", "I", "O", "B").
const IOB_I: u64 = 1;
const IOB_O: u64 = 2;
const IOB_B: u64 = 3;

static SYMBOLS: LazyLock<HashMap<&'static str, u64>> = LazyLock::new(|| {
    include_str!("data/spacy_symbols.txt")
        .split('\n')
        .enumerate()
        .map(|(i, s)| (s, i as u64))
        .filter(|(s, i)| !s.is_empty() || *i == 0)
        .collect()
});

/// StringStore's id of a string.
pub fn string_id(s: &str) -> u64 {
    SYMBOLS
        .get(s)
        .copied()
        .unwrap_or_else(|| murmurhash64a(s.as_bytes(), 1))
}

/// MurmurHash64A, as the `murmurhash` package's `hash64` that spaCy hashes strings with.
pub fn murmurhash64a(key: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h = seed ^ (key.len() as u64).wrapping_mul(M);
    let mut blocks = key.chunks_exact(8);
    for block in &mut blocks {
        let mut k = u64::from_le_bytes(block.try_into().expect("8-byte chunk"));
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = blocks.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate() {
            h ^= u64::from(b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

pub struct DocBinWriter {
    path: PathBuf,
    /// Per token, the ATTRS values; all documents one after another.
    tokens: Vec<u64>,
    spaces: Vec<bool>,
    lengths: Vec<i32>,
    strings: BTreeSet<String>,
    span_groups: Vec<Vec<u8>>,
    user_data: Vec<Vec<u8>>,
}

impl DocBinWriter {
    pub fn new(path: &Path) -> Self {
        DocBinWriter {
            path: path.to_path_buf(),
            tokens: Vec::new(),
            spaces: Vec::new(),
            lengths: Vec::new(),
            // DocBin.add adds the empty tag, lemma, ... of every token.
            strings: BTreeSet::from([String::new()]),
            span_groups: Vec::new(),
            user_data: Vec::new(),
        }
    }

    fn string(&mut self, s: &str) -> u64 {
        self.strings.insert(s.to_string());
        string_id(s)
    }
}

/// A spaCy token: its text and whether one space follows it.
struct SpacyToken {
    start: usize,
    end: usize,
    space: bool,
}

/// The record's tokens as spaCy holds them: a single space after a token is its trailing
/// whitespace unless a span starts there.
fn spacy_tokens(record: &Record, chars: &CodePoints) -> Vec<SpacyToken> {
    let starts: BTreeSet<usize> = super::span_boundaries(record);
    let mut out: Vec<SpacyToken> = Vec::new();
    for token in tokens(record) {
        let mut start = token.start;
        if let Some(last) = out.last_mut() {
            let absorbable = token.blank
                && !last.space
                && chars.slice(start, start + 1) == Some(" ")
                && !starts.contains(&start)
                && !chars
                    .slice(last.start, last.end)
                    .unwrap_or_default()
                    .trim()
                    .is_empty();
            if absorbable {
                last.space = true;
                start += 1;
            }
        }
        if start < token.end {
            out.push(SpacyToken {
                start,
                end: token.end,
                space: false,
            });
        }
    }
    out
}

impl RecordWriter for DocBinWriter {
    fn write(&mut self, record: &Record) -> Result<()> {
        let chars = CodePoints::new(&record.text);
        let tokens = spacy_tokens(record, &chars);
        let token_at: HashMap<usize, usize> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| (t.start, i))
            .collect();
        let token_ending: HashMap<usize, usize> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| (t.end, i + 1))
            .collect();
        // Every span boundary is a token boundary (`tokens` cuts there).
        let token_range = |start: usize, end: usize| -> Result<(usize, usize)> {
            match (token_at.get(&start), token_ending.get(&end)) {
                (Some(&first), Some(&end_token)) if first < end_token => Ok((first, end_token)),
                _ => anyhow::bail!(
                    "record {:?}: span {start}..{end} covers no whole token",
                    record.id
                ),
            }
        };
        let mut rows: Vec<[u64; 4]> = Vec::with_capacity(tokens.len());
        for token in &tokens {
            let orth = self.string(chars.slice(token.start, token.end).unwrap_or_default());
            rows.push([orth, IOB_O, 0, 0]);
        }
        for (entity, mention) in mentions_in_order(record)? {
            let label = self.string(&entity.label);
            let id = self.string(&entity.id);
            let (first, end) = token_range(mention.start, mention.end)?;
            for (i, row) in rows[first..end].iter_mut().enumerate() {
                row[1] = if i == 0 { IOB_B } else { IOB_I };
                row[2] = label;
                row[3] = id;
            }
        }
        // Span groups: the (token start, token end, char start, char end) of each span.
        let group_span = |kb_id: u64, label: u64, start: usize, end: usize| -> Result<GroupSpan> {
            let (first, end_token) = token_range(start, end)?;
            let int = |v: usize| i32::try_from(v).context("offset too large for spaCy");
            Ok(GroupSpan {
                kb_id,
                label,
                start: int(first)?,
                end: int(end_token)?,
                start_char: int(start)?,
                end_char: int(end)?,
            })
        };
        let mut roles = Vec::new();
        let mut roles_fields = Vec::new();
        for role in &record.roles {
            let (label, kb_id) = (self.string(&role.title), self.string(&role.person));
            roles.push(group_span(kb_id, label, role.start, role.end)?);
            let mut fields = serde_json::to_value(role)?
                .as_object()
                .cloned()
                .unwrap_or_default();
            for span_field in ["title", "person", "start", "end", "text", "rule"] {
                fields.shift_remove(span_field);
            }
            roles_fields.push(Value::Object(fields));
        }
        let mut facts = Vec::new();
        let mut facts_fields = Vec::new();
        for fact in &record.facts {
            let label = self.string(fact.kind.as_str());
            let kb_id = self.string(fact.entity.as_deref().unwrap_or_default());
            facts.push(group_span(kb_id, label, fact.start, fact.end)?);
            facts_fields.push(Value::Object(super::fact_fields(fact)));
        }
        let groups = [
            span_group("roles", &roles, roles_fields)?,
            span_group("facts", &facts, facts_fields)?,
        ];
        // SpanGroups.to_bytes: a map of each group's bytes to the keys it is stored under.
        let mut span_groups = Vec::new();
        rmp::encode::write_map_len(&mut span_groups, groups.len() as u32)?;
        for (name, bytes) in &groups {
            rmp::encode::write_bin(&mut span_groups, bytes)?;
            rmp::encode::write_array_len(&mut span_groups, 1)?;
            rmp::encode::write_str(&mut span_groups, name)?;
        }
        let mut user_data = Vec::new();
        let mut data = Map::new();
        data.insert("id".into(), Value::String(record.id.clone()));
        data.insert(
            "date".into(),
            record.date.clone().map_or(Value::Null, Value::String),
        );
        data.insert(
            "meta".into(),
            Value::String(Value::Object(record.meta.clone()).to_string()),
        );
        write_value(&mut user_data, &Value::Object(data))?;

        self.tokens.extend(rows.iter().flatten());
        self.spaces.extend(tokens.iter().map(|t| t.space));
        self.lengths
            .push(i32::try_from(tokens.len()).context("too many tokens for a DocBin")?);
        self.span_groups.push(span_groups);
        self.user_data.push(user_data);
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        let msg = self.to_msgpack().context("cannot encode the DocBin")?;
        let file = std::fs::File::create(&self.path)
            .with_context(|| format!("{}: cannot create", self.path.display()))?;
        let mut z = flate2::write::ZlibEncoder::new(
            std::io::BufWriter::new(file),
            flate2::Compression::default(),
        );
        z.write_all(&msg)
            .and_then(|()| z.finish()?.flush())
            .with_context(|| format!("{}: cannot write", self.path.display()))
    }
}

impl DocBinWriter {
    /// DocBin.to_bytes's map, before compression.
    fn to_msgpack(&self) -> Result<Vec<u8>> {
        use rmp::encode::*;
        let mut out = Vec::new();
        write_map_len(&mut out, 10)?;
        write_str(&mut out, "version")?;
        write_str(&mut out, "0.1")?;
        write_str(&mut out, "attrs")?;
        write_array_len(&mut out, ATTRS.len() as u32)?;
        for attr in ATTRS {
            write_uint(&mut out, attr)?;
        }
        write_str(&mut out, "tokens")?;
        let tokens: Vec<u8> = self.tokens.iter().flat_map(|v| v.to_le_bytes()).collect();
        write_bin(&mut out, &tokens)?;
        write_str(&mut out, "spaces")?;
        let spaces: Vec<u8> = self.spaces.iter().map(|&s| u8::from(s)).collect();
        write_bin(&mut out, &spaces)?;
        write_str(&mut out, "lengths")?;
        let lengths: Vec<u8> = self.lengths.iter().flat_map(|v| v.to_le_bytes()).collect();
        write_bin(&mut out, &lengths)?;
        write_str(&mut out, "strings")?;
        write_array_len(&mut out, self.strings.len() as u32)?;
        for s in &self.strings {
            write_str(&mut out, s)?;
        }
        write_str(&mut out, "cats")?;
        write_array_len(&mut out, self.lengths.len() as u32)?;
        for _ in &self.lengths {
            write_map_len(&mut out, 0)?;
        }
        write_str(&mut out, "flags")?;
        write_array_len(&mut out, self.lengths.len() as u32)?;
        for _ in &self.lengths {
            write_map_len(&mut out, 1)?;
            write_str(&mut out, "has_unknown_spaces")?;
            write_bool(&mut out, false)?;
        }
        write_str(&mut out, "span_groups")?;
        write_array_len(&mut out, self.span_groups.len() as u32)?;
        for group in &self.span_groups {
            write_bin(&mut out, group)?;
        }
        write_str(&mut out, "user_data")?;
        write_array_len(&mut out, self.user_data.len() as u32)?;
        for data in &self.user_data {
            write_bin(&mut out, data)?;
        }
        Ok(out)
    }
}

/// A span of a span group: string ids, token range, code-point range.
struct GroupSpan {
    kb_id: u64,
    label: u64,
    start: i32,
    end: i32,
    start_char: i32,
    end_char: i32,
}

/// SpanGroup.to_bytes of a group: its name, attrs and each span packed as struct ">QQQllll"
/// (id, kb_id, label, start, end, start_char, end_char).
fn span_group(
    name: &'static str,
    spans: &[GroupSpan],
    fields: Vec<Value>,
) -> Result<(&'static str, Vec<u8>)> {
    use rmp::encode::*;
    let mut out = Vec::new();
    {
        write_map_len(&mut out, 3)?;
        write_str(&mut out, "name")?;
        write_str(&mut out, name)?;
        write_str(&mut out, "attrs")?;
        let mut attrs = Map::new();
        attrs.insert("factx".into(), Value::Array(fields));
        write_value(&mut out, &Value::Object(attrs))?;
        write_str(&mut out, "spans")?;
        write_array_len(&mut out, spans.len() as u32)?;
        for span in spans {
            let mut packed = Vec::with_capacity(40);
            // The span's own id stays 0 (none).
            for v in [0, span.kb_id, span.label] {
                packed.extend(v.to_be_bytes());
            }
            for v in [span.start, span.end, span.start_char, span.end_char] {
                packed.extend(v.to_be_bytes());
            }
            write_bin(&mut out, &packed)?;
        }
    }
    Ok((name, out))
}

/// A JSON value as msgpack, the way srsly packs the equivalent Python object.
fn write_value(out: &mut Vec<u8>, value: &Value) -> Result<()> {
    use rmp::encode::*;
    match value {
        Value::Null => write_nil(out)?,
        Value::Bool(b) => write_bool(out, *b)?,
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => {
                write_uint(out, u)?;
            }
            (_, Some(i), _) => {
                write_sint(out, i)?;
            }
            (_, _, f) => write_f64(out, f.unwrap_or(f64::NAN))?,
        },
        Value::String(s) => write_str(out, s)?,
        Value::Array(items) => {
            write_array_len(out, items.len() as u32)?;
            for item in items {
                write_value(out, item)?;
            }
        }
        Value::Object(fields) => {
            write_map_len(out, fields.len() as u32)?;
            for (key, item) in fields {
                write_str(out, key)?;
                write_value(out, item)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values of spacy.strings.hash_string (spaCy 3.8.18) and spacy.symbols.IDS.
    #[test]
    fn string_ids_are_spacys() {
        assert_eq!(string_id("Zoë"), 16948573035762911534);
        assert_eq!(string_id("😀"), 13900606239988879105);
        assert_eq!(string_id("abcdefghij"), 17029599333975756408);
        assert_eq!(string_id("PER"), 4317129024397789502);
        assert_eq!(string_id("ORG"), 383);
        assert_eq!(string_id("LOC"), 385);
        assert_eq!(string_id(""), 0);
    }
}
