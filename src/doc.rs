//! The pipeline's internal document: what the model stage hands the rules stages.
//!
//! All spans here are BYTE offsets into `text` (on char boundaries); the record writer converts
//! them to code points.

use crate::parse::Candidates;
use chrono::NaiveDate;

/// A word as the model's tokenizer splits text: whitespace separates words and every
/// punctuation character is a word of its own ("U.S." is `U` `.` `S` `.`), as BERT's
/// pre-tokenizer does. The model labels words, so mentions always start and end on words.
#[derive(Debug, Clone, PartialEq)]
pub struct Word<'a> {
    pub start: usize,
    pub end: usize,
    /// Penn Treebank part-of-speech tag from the model's POS head, when the model has one.
    pub pos: Option<&'a str>,
    /// IOB2 chunk tag ("B-NP", "I-VP", "O") from the model's chunk head, when it has one.
    pub chunk: Option<&'a str>,
}

/// A named-entity mention found by the model.
#[derive(Debug, Clone, PartialEq)]
pub struct MentionSpan<'a> {
    pub start: usize,
    pub end: usize,
    /// "PER", "ORG", "LOC", "MISC" for the default model; whatever types the model's labels use.
    pub label: &'a str,
    /// Mean probability of the decoded labels of the mention's words.
    pub score: f32,
}

#[derive(Debug, Clone)]
pub struct Doc<'a> {
    pub text: &'a str,
    /// The document's date (from the input's `date`), anchor for relative dates.
    pub date: Option<NaiveDate>,
    /// Every word of the text in order.
    pub words: Vec<Word<'a>>,
    /// Mentions in text order, not overlapping.
    pub mentions: Vec<MentionSpan<'a>>,
    /// Per word, the heads the model's dependency head scores for it (the rules decode a tree
    /// per sentence from them); empty when the model has no dependency head.
    pub arcs: Vec<Candidates>,
    /// The dependency labels the candidates' label indices name (spaCy's English labels).
    pub dep_labels: &'a [String],
}

impl<'a> Doc<'a> {
    /// A document whose words come from [`split_words`] and carry no tags; for rules tests and
    /// for models without POS/chunk heads.
    pub fn from_text(
        text: &'a str,
        date: Option<NaiveDate>,
        mentions: Vec<MentionSpan<'a>>,
    ) -> Self {
        let words = split_words(text)
            .map(|(start, end)| Word {
                start,
                end,
                pos: None,
                chunk: None,
            })
            .collect();
        Doc {
            text,
            date,
            words,
            mentions,
            arcs: Vec::new(),
            dep_labels: &[],
        }
    }

    pub fn span_text(&self, start: usize, end: usize) -> &'a str {
        &self.text[start..end]
    }
}

/// BERT's pre-tokenization (`BertPreTokenizer` + the CJK rule of `BertNormalizer`): split on
/// whitespace, and make each punctuation character and each CJK ideograph a word of its own.
/// Yields byte spans.
pub fn split_words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        while let Some(&(_, c)) = chars.peek() {
            if c.is_whitespace() || c.is_control() {
                chars.next();
            } else {
                break;
            }
        }
        let (start, c) = chars.next()?;
        let mut end = start + c.len_utf8();
        if is_bert_punctuation(c) || is_cjk(c) {
            return Some((start, end));
        }
        while let Some(&(i, c)) = chars.peek() {
            if c.is_whitespace() || c.is_control() || is_bert_punctuation(c) || is_cjk(c) {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        Some((start, end))
    })
}

/// BERT treats every non-alphanumeric ASCII symbol as punctuation, and Unicode's P* categories.
pub fn is_bert_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    // Unicode general category P*: the ranges BERT's normaliser meets in news text.
    matches!(c,
        '\u{00A1}' | '\u{00A7}' | '\u{00AB}' | '\u{00B6}' | '\u{00B7}' | '\u{00BB}' | '\u{00BF}'
        | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '\u{3001}'..='\u{3003}'
        | '\u{3008}'..='\u{3011}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}')
}

/// The CJK ideograph blocks BERT splits character by character.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2B73F
        | 0x2B740..=0x2B81F | 0x2B820..=0x2CEAF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        split_words(text).map(|(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn splits_like_bert() {
        assert_eq!(
            words("the U.S. said: “no”"),
            ["the", "U", ".", "S", ".", "said", ":", "“", "no", "”"]
        );
        assert_eq!(words("Abedi’s attack"), ["Abedi", "’", "s", "attack"]);
        assert_eq!(words("東京 café 😀x"), ["東", "京", "café", "😀x"]);
        assert_eq!(words("  45,000 jobs\n"), ["45", ",", "000", "jobs"]);
    }
}
