//! Sentence segmentation. PLACEHOLDER: splits after . ! ? followed by whitespace; the rules
//! issue replaces it with one that survives "Mr.", "U.S.", initials, decimals and quotes.

use crate::doc::Doc;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    /// Byte span in the document's text.
    pub start: usize,
    pub end: usize,
    /// Indices into `doc.words` of the sentence's words.
    pub words: Range<usize>,
}

pub fn split(doc: &Doc) -> Vec<Sentence> {
    let mut sentences = Vec::new();
    let mut first = 0;
    for (i, w) in doc.words.iter().enumerate() {
        let token = doc.span_text(w.start, w.end);
        let last = i + 1 == doc.words.len();
        if last || matches!(token, "." | "!" | "?") {
            sentences.push(Sentence {
                start: doc.words[first].start,
                end: w.end,
                words: first..i + 1,
            });
            first = i + 1;
        }
    }
    sentences
}
