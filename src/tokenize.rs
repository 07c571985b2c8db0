//! The tokenizer stage: text → sub-tokens with byte offsets → the words the model labels, each
//! token's casing class, and overlapping windows the model can take.

use crate::model::spec::ModelSpec;
use anyhow::{anyhow, Context, Result};
use std::ops::Range;
use tokenizers::Tokenizer;

/// A document as the model sees it.
#[derive(Debug, Clone, Default)]
pub struct EncodedDoc {
    pub ids: Vec<u32>,
    /// Token type id per token: the casing class of its word, or 0 for models without casing.
    pub type_ids: Vec<u8>,
    pub words: Vec<EncodedWord>,
}

/// A word of the tokenizer's pre-tokenization: a first sub-token and its continuations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EncodedWord {
    /// Index of the word's first sub-token; the model's label for the word is read there.
    pub first_token: usize,
    /// Byte span of the word in the text.
    pub start: usize,
    pub end: usize,
}

/// A slice of a document's tokens that fits the model, and the tokens it is trusted for.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub tokens: Range<usize>,
    /// The tokens this window labels: those for which no other window has more context.
    pub keep: Range<usize>,
}

/// Word shape classes carried in the token-type channel (`casing-v1`; the training code in
/// `scripts/train/casing.py` implements the same function, and `tests/fixtures/casing_golden.json`
/// holds both sides to it).
pub fn casing_class(word: &str) -> u8 {
    let mut letters = word.chars().filter(|&c| is_letter(c));
    let Some(first) = letters.next() else {
        return if word.chars().any(is_digit) { 5 } else { 6 };
    };
    let rest: Vec<char> = letters.collect();
    let any_upper = first.is_uppercase() || rest.iter().any(|c| c.is_uppercase());
    if !any_upper {
        1
    } else if first.is_uppercase() && (rest.is_empty() || rest.iter().any(|c| c.is_lowercase())) {
        2
    } else if first.is_uppercase() {
        3
    } else {
        4
    }
}

/// Python's `str.isalpha`: Rust's Alphabetic property also holds letter-like numbers (Ⅳ),
/// which Python counts as neither letters nor digits.
fn is_letter(c: char) -> bool {
    c.is_alphabetic() && !c.is_numeric()
}

/// Python's `str.isdigit`, which the training code uses: numeric characters except fractions
/// and Roman numerals (Unicode Numeric_Type Digit/Decimal, as near as `char` can tell).
fn is_digit(c: char) -> bool {
    c.is_numeric() && !matches!(c, '\u{00BC}'..='\u{00BE}' | '\u{2150}'..='\u{218B}')
}

pub struct Encoder {
    tokenizer: Tokenizer,
    casing: bool,
    /// Content tokens per window (the model's max length less [CLS] and [SEP]).
    window_tokens: usize,
    /// Minimum overlap between consecutive windows.
    overlap: usize,
    pub cls_id: u32,
    pub sep_id: u32,
    pub pad_id: u32,
}

impl Encoder {
    pub fn new(spec: &ModelSpec) -> Result<Self> {
        let path = spec.tokenizer_path();
        let mut tokenizer = Tokenizer::from_file(&path)
            .map_err(|e| anyhow!("cannot load tokenizer {}: {e}", path.display()))?;
        // Windows are cut here, never by the tokenizer: it must not truncate or pad.
        tokenizer
            .with_truncation(None)
            .map_err(|e| anyhow!("{e}"))?;
        tokenizer.with_padding(None);
        let id = |token: &str| {
            tokenizer
                .token_to_id(token)
                .with_context(|| format!("{}: no {token} token", path.display()))
        };
        let window_tokens = spec.max_length - 2;
        Ok(Encoder {
            cls_id: id("[CLS]")?,
            sep_id: id("[SEP]")?,
            pad_id: id("[PAD]").unwrap_or(0),
            casing: spec.casing_token_types,
            window_tokens,
            overlap: window_tokens / 4,
            tokenizer,
        })
    }

    pub fn encode(&self, text: &str) -> Result<EncodedDoc> {
        let encoding = self
            .tokenizer
            .encode(text, false)
            .map_err(|e| anyhow!("tokenizer: {e}"))?;
        let offsets = encoding.get_offsets();
        let mut words: Vec<EncodedWord> = Vec::new();
        let mut last_word_id = None;
        for (i, (word_id, &(start, end))) in encoding.get_word_ids().iter().zip(offsets).enumerate()
        {
            match words.last_mut() {
                Some(word) if *word_id == last_word_id && word_id.is_some() => word.end = end,
                _ => words.push(EncodedWord {
                    first_token: i,
                    start,
                    end,
                }),
            }
            last_word_id = *word_id;
        }
        let mut type_ids = vec![0u8; encoding.len()];
        if self.casing {
            for (w, word) in words.iter().enumerate() {
                let class = casing_class(&text[word.start..word.end]);
                let next = words.get(w + 1).map_or(type_ids.len(), |n| n.first_token);
                type_ids[word.first_token..next].fill(class);
            }
        }
        Ok(EncodedDoc {
            ids: encoding.get_ids().to_vec(),
            type_ids,
            words,
        })
    }

    /// Windows of at most `window_tokens` tokens covering all `n` tokens, spread evenly with at
    /// least `overlap` tokens shared by neighbours; each token is kept from the window where it
    /// is farthest from an edge, i.e. the boundary is the middle of each overlap.
    pub fn windows(&self, n: usize) -> Vec<Window> {
        plan_windows(n, self.window_tokens, self.overlap)
    }
}

fn plan_windows(n: usize, size: usize, overlap: usize) -> Vec<Window> {
    if n <= size {
        return vec![Window {
            tokens: 0..n,
            keep: 0..n,
        }];
    }
    let step = size - overlap;
    let count = (n - overlap).div_ceil(step);
    let starts: Vec<usize> = (0..count).map(|i| i * (n - size) / (count - 1)).collect();
    (0..count)
        .map(|i| {
            let tokens = starts[i]..starts[i] + size;
            let keep_start = if i == 0 {
                0
            } else {
                (starts[i] + starts[i - 1] + size).div_ceil(2)
            };
            let keep_end = if i + 1 == count {
                n
            } else {
                (starts[i + 1] + starts[i] + size).div_ceil(2)
            };
            Window {
                tokens,
                keep: keep_start..keep_end,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casing_classes() {
        let cases = [
            ("the", 1),
            ("x2", 1),
            ("London", 2),
            ("McDonald", 2),
            ("I", 2),
            ("BBC", 3),
            ("iPhone", 4),
            ("2017", 5),
            ("“", 6),
            ("😀", 6),
            ("Élysée", 2),
            ("ÉTÉ", 3),
            ("東", 1),
        ];
        for (word, class) in cases {
            assert_eq!(casing_class(word), class, "{word}");
        }
    }

    #[test]
    fn windows_cover_every_token_once_with_context() {
        for n in [1, 10, 254, 255, 300, 508, 1000, 5001] {
            let windows = plan_windows(n, 254, 63);
            let mut next = 0;
            for w in &windows {
                assert!(w.tokens.len() <= 254 && w.tokens.end <= n);
                assert_eq!(
                    w.keep.start, next,
                    "n={n}: keep ranges must tile the document"
                );
                assert!(w.tokens.start <= w.keep.start && w.keep.end <= w.tokens.end);
                if windows.len() > 1 {
                    // Each kept token has at least a quarter of the overlap on both sides, except at the document's ends.
                    assert!(
                        w.keep.start == 0 || w.keep.start - w.tokens.start >= 31,
                        "n={n} {w:?}"
                    );
                    assert!(
                        w.keep.end == n || w.tokens.end - w.keep.end >= 31,
                        "n={n} {w:?}"
                    );
                }
                next = w.keep.end;
            }
            assert_eq!(next, n);
        }
    }
}
