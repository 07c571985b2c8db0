//! CoNLL-2003 scoring: read a CoNLL file into the texts the pipeline reads, turn predicted
//! mention spans back into one IOB2 tag per token, and score tag sequences as seqeval does.
//!
//! Use: `read(path)` → for each doc, run the pipeline on `doc.text`, then
//! `tags_from_mentions(&doc, &mention_spans(&record))`; collect `doc.sentences(&gold_tags)` and
//! `doc.sentences(&pred_tags)` over all documents and pass them to [`seqeval`].

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;

use super::table::{class_rows, render, SCORED_HEADERS};
use super::{ClassScores, Counts, LabeledSpan};

/// One `-DOCSTART-`-delimited document.
#[derive(Debug, Clone, PartialEq)]
pub struct ConllDoc {
    /// Tokens joined by single spaces, sentences joined by "\n".
    pub text: String,
    pub tokens: Vec<ConllToken>,
    /// Token index ranges of the sentences.
    pub sentences: Vec<Range<usize>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConllToken {
    /// Code-point span in `ConllDoc::text`.
    pub start: usize,
    pub end: usize,
    /// Gold tag, IOB2.
    pub tag: String,
}

impl ConllDoc {
    pub fn gold_tags(&self) -> Vec<String> {
        self.tokens.iter().map(|t| t.tag.clone()).collect()
    }

    /// Splits per-token `tags` into sentences: seqeval's unit (no chunk crosses a sentence).
    pub fn sentences(&self, tags: &[String]) -> Vec<Vec<String>> {
        self.sentences
            .iter()
            .map(|r| tags[r.clone()].to_vec())
            .collect()
    }
}

pub fn read(path: &Path) -> Result<Vec<ConllDoc>> {
    let content =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse(&content).with_context(|| format!("parsing {}", path.display()))
}

/// Parses CoNLL-2003 text (`token POS chunk NER` per line; a file without `-DOCSTART-` is one
/// document). IOB1 tags (the original release) are converted to IOB2.
pub fn parse(content: &str) -> Result<Vec<ConllDoc>> {
    // Documents of sentences of (token, tag).
    let mut docs: Vec<Vec<Vec<(&str, &str)>>> = vec![vec![vec![]]];
    for (n, line) in content.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            [] => docs.last_mut().unwrap().push(vec![]),
            ["-DOCSTART-", ..] => docs.push(vec![vec![]]),
            [token, .., tag] => docs
                .last_mut()
                .unwrap()
                .last_mut()
                .unwrap()
                .push((token, tag)),
            [_] => anyhow::bail!("line {}: a token without a tag: {line:?}", n + 1),
        }
    }
    Ok(docs
        .into_iter()
        .map(|sentences| build(sentences.into_iter().filter(|s| !s.is_empty()).collect()))
        .filter(|d| !d.tokens.is_empty())
        .collect())
}

fn build(sentences: Vec<Vec<(&str, &str)>>) -> ConllDoc {
    let mut doc = ConllDoc {
        text: String::new(),
        tokens: vec![],
        sentences: vec![],
    };
    let mut chars = 0;
    for (si, sentence) in sentences.iter().enumerate() {
        if si > 0 {
            doc.text.push('\n');
            chars += 1;
        }
        let first = doc.tokens.len();
        let mut prev = "O";
        for (ti, (token, tag)) in sentence.iter().enumerate() {
            if ti > 0 {
                doc.text.push(' ');
                chars += 1;
            }
            doc.text.push_str(token);
            let len = token.chars().count();
            doc.tokens.push(ConllToken {
                start: chars,
                end: chars + len,
                tag: iob2(prev, tag),
            });
            chars += len;
            prev = tag;
        }
        doc.sentences.push(first..doc.tokens.len());
    }
    doc
}

/// IOB1 → IOB2: an `I-X` that does not continue an `X` chunk begins one.
fn iob2(prev: &str, tag: &str) -> String {
    match tag.strip_prefix("I-") {
        Some(ty) if prev.get(2..) != Some(ty) => format!("B-{ty}"),
        _ => tag.to_string(),
    }
}

/// One IOB2 tag per token of `doc` from predicted mention spans (code points in `doc.text`).
/// Every token a mention overlaps gets its label, B- on the first such token, so a mention
/// that starts or ends inside a token still tags it. Where mentions compete for a token, the
/// earlier-starting one keeps it.
pub fn tags_from_mentions(doc: &ConllDoc, mentions: &[LabeledSpan]) -> Vec<String> {
    let mut tags = vec!["O".to_string(); doc.tokens.len()];
    let mut sorted: Vec<&LabeledSpan> = mentions.iter().collect();
    sorted.sort();
    for m in sorted {
        let mut first = true;
        for (tag, tok) in tags.iter_mut().zip(&doc.tokens) {
            if tag == "O" && super::overlaps((tok.start, tok.end), (m.start, m.end)) {
                *tag = format!("{}-{}", if first { "B" } else { "I" }, m.label);
                first = false;
            }
        }
    }
    tags
}

/// An entity chunk: (type, first token, last token) over the flattened sequences.
type Chunk = (String, usize, usize);

/// seqeval's `get_entities` (default, non-strict mode), which follows conlleval: sentences
/// are flattened with an "O" after each, and an I- after O (or after another type) starts a
/// chunk. Handles IOBES too, as seqeval does.
pub fn chunks(sentences: &[Vec<String>]) -> Vec<Chunk> {
    let flat: Vec<&str> = sentences
        .iter()
        .flat_map(|s| s.iter().map(String::as_str).chain(["O"]))
        .chain(["O"])
        .collect();
    let split = |t: &str| -> (char, String) {
        let prefix = t.chars().next().unwrap_or('O');
        let rest = &t[prefix.len_utf8()..];
        let ty = rest.split_once('-').map_or(rest, |(_, ty)| ty);
        (
            prefix,
            if ty.is_empty() {
                "_".to_string()
            } else {
                ty.to_string()
            },
        )
    };
    let mut out = Vec::new();
    let (mut prev_tag, mut prev_type, mut begin) = ('O', String::new(), 0);
    for (i, t) in flat.iter().enumerate() {
        let (tag, ty) = split(t);
        if end_of_chunk(prev_tag, tag, &prev_type, &ty) {
            out.push((prev_type.clone(), begin, i - 1));
        }
        if start_of_chunk(prev_tag, tag, &prev_type, &ty) {
            begin = i;
        }
        (prev_tag, prev_type) = (tag, ty);
    }
    out
}

fn end_of_chunk(prev: char, tag: char, prev_type: &str, ty: &str) -> bool {
    matches!(prev, 'E' | 'S')
        || (matches!(prev, 'B' | 'I') && matches!(tag, 'B' | 'S' | 'O'))
        || (prev != 'O' && prev != '.' && prev_type != ty)
}

fn start_of_chunk(prev: char, tag: char, prev_type: &str, ty: &str) -> bool {
    matches!(tag, 'B' | 'S')
        || (matches!(prev, 'E' | 'S' | 'O') && matches!(tag, 'E' | 'I'))
        || (tag != 'O' && tag != '.' && prev_type != ty)
}

/// seqeval's figures: entity-level micro, macro and per-type P/R/F1 with support
/// (`per_class` holds the types).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SeqevalReport {
    #[serde(flatten)]
    pub scores: ClassScores,
}

impl SeqevalReport {
    /// Aligned plain-text table, as [`super::Report::table`] prints the other layers.
    pub fn table(&self) -> String {
        let headers: Vec<&str> = ["type"].into_iter().chain(SCORED_HEADERS).collect();
        render(&headers, &class_rows(&[], &self.scores), 1)
    }
}

/// Scores predicted tag sequences against gold ones (same shapes), as seqeval's
/// `classification_report` does in its default mode. seqeval reports 0 where this reports
/// `None` (a zero denominator).
pub fn seqeval(gold: &[Vec<String>], pred: &[Vec<String>]) -> SeqevalReport {
    let gold: BTreeSet<Chunk> = chunks(gold).into_iter().collect();
    let pred: BTreeSet<Chunk> = chunks(pred).into_iter().collect();
    let mut per_type: BTreeMap<String, Counts> = BTreeMap::new();
    for c in gold.union(&pred) {
        let counts = per_type.entry(c.0.clone()).or_default();
        match (gold.contains(c), pred.contains(c)) {
            (true, true) => counts.correct += 1,
            (true, false) => counts.missed += 1,
            _ => counts.spurious += 1,
        }
    }
    // seqeval lists (and macro-averages over) every type in gold or prediction, as here.
    SeqevalReport {
        scores: ClassScores::from_counts(&per_type),
    }
}

/// Runs `pipeline` on the documents' texts and scores its mentions against their tags.
pub fn evaluate(
    pipeline: &mut crate::pipeline::Pipeline,
    docs: &[ConllDoc],
) -> Result<SeqevalReport> {
    let inputs = docs
        .iter()
        .enumerate()
        .map(|(i, d)| crate::input::InputDoc {
            id: i.to_string(),
            text: d.text.clone(),
            ..Default::default()
        })
        .collect();
    let records = pipeline.annotate(inputs)?;
    let (mut gold, mut pred) = (Vec::new(), Vec::new());
    for (doc, record) in docs.iter().zip(&records) {
        if let Some(e) = record.errors.first() {
            anyhow::bail!("document {}: {} error: {}", record.id, e.stage, e.message);
        }
        gold.extend(doc.sentences(&doc.gold_tags()));
        pred.extend(doc.sentences(&tags_from_mentions(doc, &super::mention_spans(record))));
    }
    Ok(seqeval(&gold, &pred))
}
