//! CoNLL-2003 columns, the format `scripts/train/data.py` (`read_conll`) and `factx eval
//! --conll` read: `TOKEN POS CHUNK TAG` a line, a blank line after each sentence, a
//! `-DOCSTART-` line before each document. Records carry no POS or chunk tags, so both columns
//! hold `-X-`, CoNLL's own "no tag" (its `-DOCSTART- -X- -X- O` line).

use super::{mentions_in_order, tokens, CodePoints, RecordWriter};
use crate::doc::Doc;
use crate::record::Record;
use crate::rules::sentences;
use anyhow::{Context, Result};
use std::io::Write;

pub struct ConllWriter<W: Write> {
    out: W,
}

impl<W: Write> ConllWriter<W> {
    pub fn new(out: W) -> Self {
        ConllWriter { out }
    }
}

/// The record's sentences as lines of `token tag`, BIO tags from its mentions.
fn sentences_with_tags(record: &Record) -> Result<Vec<Vec<(String, String)>>> {
    let chars = CodePoints::new(&record.text);
    let mentions = mentions_in_order(record)?;
    let doc = Doc::from_text(&record.text, None, Vec::new());
    let sentence_starts: Vec<usize> = sentences::split(&doc)
        .iter()
        .map(|s| chars.char_at_byte(s.start))
        .collect();
    let mut sentences: Vec<Vec<(String, String)>> = Vec::new();
    let mut current = usize::MAX;
    let mut next_mention = 0;
    for token in tokens(record).into_iter().filter(|t| !t.blank) {
        while next_mention < mentions.len() && mentions[next_mention].1.end <= token.start {
            next_mention += 1;
        }
        let tag = match mentions.get(next_mention) {
            Some((entity, m)) if m.start <= token.start => {
                let bio = if m.start == token.start { "B" } else { "I" };
                format!("{bio}-{}", entity.label)
            }
            _ => "O".to_string(),
        };
        let sentence = sentence_starts
            .partition_point(|&s| s <= token.start)
            .saturating_sub(1);
        let text = chars.slice(token.start, token.end).unwrap_or_default();
        match sentences.last_mut() {
            Some(last) if sentence == current => last.push((text.to_string(), tag)),
            _ => sentences.push(vec![(text.to_string(), tag)]),
        }
        current = sentence;
    }
    Ok(sentences)
}

impl<W: Write> RecordWriter for ConllWriter<W> {
    fn write(&mut self, record: &Record) -> Result<()> {
        let sentences = sentences_with_tags(record)?;
        let mut block = String::from("-DOCSTART- -X- -X- O\n\n");
        for sentence in sentences {
            for (token, tag) in sentence {
                block.push_str(&format!("{token} -X- -X- {tag}\n"));
            }
            block.push('\n');
        }
        self.out
            .write_all(block.as_bytes())
            .context("cannot write CoNLL")
    }

    fn flush(&mut self) -> Result<()> {
        self.out.flush().context("cannot write CoNLL")
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.out.flush().context("cannot write CoNLL")
    }
}
