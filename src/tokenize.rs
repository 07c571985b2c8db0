//! The tokenizer stage: text → sub-tokens with byte offsets → the words the model labels, each
//! token's casing class, and overlapping windows the model can take.

use crate::model::spec::ModelSpec;
use anyhow::{anyhow, bail, Context, Result};
use std::ops::Range;
use tokenizers::normalizers::NormalizerWrapper;
use tokenizers::pre_tokenizers::PreTokenizerWrapper;
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

/// Texts are encoded in pieces of at most about this many bytes: the tokenizer's working state
/// for a text (its normalised copy with an alignment per byte, a string per token) takes about
/// a hundred times the text, 900 MB for an 8 MB document encoded whole.
const PIECE_BYTES: usize = 1 << 16;

/// Where a text can be cut into pieces that the tokenizer encodes alone exactly as it encodes
/// them within the whole text.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cuts {
    /// An unknown pre-tokenizer or normaliser (a Metaspace or byte-level one marks the text's
    /// start): the text is encoded whole.
    Nowhere,
    /// Before ASCII whitespace, which always separates words (Unicode spaces may be control
    /// characters that a normaliser deletes, joining their neighbours).
    Whitespace,
    /// Also before ASCII punctuation, a word of its own for BERT's pre-tokenizer: a text with
    /// no whitespace still comes in pieces.
    WhitespaceOrPunctuation,
}

pub struct Encoder {
    tokenizer: Tokenizer,
    casing: bool,
    cuts: Cuts,
    /// The tokenizer's added tokens ([CLS], [SEP], ...), lowercase: it finds them in the text
    /// too, so no cut may split one or part one from the whitespace it strips.
    added: Vec<String>,
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
        let per_character_normaliser = matches!(
            tokenizer.get_normalizer(),
            None | Some(NormalizerWrapper::BertNormalizer(_) | NormalizerWrapper::Lowercase(_))
        );
        let cuts = match tokenizer.get_pre_tokenizer() {
            _ if !per_character_normaliser => Cuts::Nowhere,
            Some(PreTokenizerWrapper::BertPreTokenizer(_)) => Cuts::WhitespaceOrPunctuation,
            Some(PreTokenizerWrapper::WhitespaceSplit(_)) => Cuts::Whitespace,
            _ => Cuts::Nowhere,
        };
        let added = tokenizer
            .get_added_tokens_decoder()
            .values()
            .map(|t| t.content.to_lowercase())
            .filter(|t| !t.is_empty())
            .collect();
        let window_tokens = spec.max_length - 2;
        Ok(Encoder {
            cls_id: id("[CLS]")?,
            sep_id: id("[SEP]")?,
            pad_id: id("[PAD]").unwrap_or(0),
            casing: spec.casing_token_types,
            cuts,
            added,
            window_tokens,
            overlap: window_tokens / 4,
            tokenizer,
        })
    }

    pub fn encode(&self, text: &str) -> Result<EncodedDoc> {
        self.encode_in_pieces(text, PIECE_BYTES, usize::MAX)
    }

    /// [`Encoder::encode`], or an error as soon as the text has more than `max_words` words:
    /// the memory of the later stages grows with the words (`--max-doc-words`).
    pub fn encode_at_most(&self, text: &str, max_words: usize) -> Result<EncodedDoc> {
        self.encode_in_pieces(text, PIECE_BYTES, max_words)
    }

    /// The encoding in pieces of at most about `piece_bytes`: the same for any size (the tests
    /// cut small), but for a run of more than 16 pieces with nowhere to cut, which is cut
    /// anyway (the tokenizer reads any word over 100 characters as one unknown token).
    pub fn encode_in_pieces(
        &self,
        text: &str,
        piece_bytes: usize,
        max_words: usize,
    ) -> Result<EncodedDoc> {
        let mut ids = Vec::new();
        let mut words: Vec<EncodedWord> = Vec::new();
        let mut start = 0;
        while start < text.len() {
            let end = self.cut(text, start, piece_bytes);
            let encoding = self
                .tokenizer
                .encode(&text[start..end], false)
                .map_err(|e| anyhow!("tokenizer: {e}"))?;
            // A piece starts a word: its first token never continues the last piece's word.
            let mut last_word_id = None;
            let first = ids.len();
            for (i, (word_id, &(s, e))) in encoding
                .get_word_ids()
                .iter()
                .zip(encoding.get_offsets())
                .enumerate()
            {
                match words.last_mut() {
                    Some(word) if *word_id == last_word_id && word_id.is_some() => {
                        word.end = start + e
                    }
                    _ => words.push(EncodedWord {
                        first_token: first + i,
                        start: start + s,
                        end: start + e,
                    }),
                }
                last_word_id = *word_id;
            }
            ids.extend_from_slice(encoding.get_ids());
            if words.len() > max_words {
                bail!(
                    "document has more than {max_words} words, the limit that bounds memory \
                     (--max-doc-words)"
                );
            }
            start = end;
        }
        let mut type_ids = vec![0u8; ids.len()];
        if self.casing {
            for (w, word) in words.iter().enumerate() {
                let class = casing_class(&text[word.start..word.end]);
                let next = words.get(w + 1).map_or(type_ids.len(), |n| n.first_token);
                type_ids[word.first_token..next].fill(class);
            }
        }
        Ok(EncodedDoc {
            ids,
            type_ids,
            words,
        })
    }

    /// The end of the piece that starts at `start`: the last place to cut within `piece_bytes`
    /// (a line break if the second half holds one), else the first after within 16 pieces,
    /// else the first character boundary from there (or the text's end if nearer).
    fn cut(&self, text: &str, start: usize, piece_bytes: usize) -> usize {
        let bytes = text.as_bytes();
        let limit = start.saturating_add(piece_bytes);
        if limit >= text.len() || self.cuts == Cuts::Nowhere {
            return text.len();
        }
        let can_cut = |i: usize| {
            let b = bytes[i];
            let at_boundary = b.is_ascii_whitespace()
                || (self.cuts == Cuts::WhitespaceOrPunctuation && b.is_ascii_punctuation());
            // ASCII bytes never occur inside a multi-byte character, so `i` is a boundary.
            at_boundary && !self.added.iter().any(|t| added_token_across(text, i, t))
        };
        let half = start.saturating_add(piece_bytes / 2);
        let far = start.saturating_add(piece_bytes.saturating_mul(16));
        (half.max(start + 1)..=limit)
            .rev()
            .find(|&i| bytes[i] == b'\n' && can_cut(i))
            .or_else(|| (start + 1..=limit).rev().find(|&i| can_cut(i)))
            .or_else(|| (limit + 1..text.len().min(far)).find(|&i| can_cut(i)))
            .unwrap_or_else(|| {
                (far.min(text.len())..text.len())
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(text.len())
            })
    }

    /// Windows of at most `window_tokens` tokens covering all `n` tokens, spread evenly with at
    /// least `overlap` tokens shared by neighbours; each token is kept from the window where it
    /// is farthest from an edge, i.e. the boundary is the middle of each overlap.
    pub fn windows(&self, n: usize) -> Vec<Window> {
        plan_windows(n, self.window_tokens, self.overlap)
    }
}

/// Whether `token` occurs in `text` (ignoring ASCII case) starting before byte `at` and ending
/// at or after it.
fn added_token_across(text: &str, at: usize, token: &str) -> bool {
    (at.saturating_sub(token.len())..at).any(|start| {
        text.get(start..start + token.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(token))
    })
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

    const SEED: &str = include_str!("../seeds/000_ad85a12eac8d44ce.txt");

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

    fn default_encoder() -> Encoder {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/factx-ner-minilm-l6");
        Encoder::new(&ModelSpec::load(&dir).unwrap()).unwrap()
    }

    #[test]
    fn pieces_encode_as_the_whole_text() {
        let encoder = default_encoder();
        assert_eq!(encoder.cuts, Cuts::WhitespaceOrPunctuation);
        let texts = [
            SEED,
            "Ms May said [SEP] and [CLS]x[MASK] [UNK]. [PAD]",
            "line one\r\nline two\r\n\r\nthree\tfour  five",
            "\u{FEFF}BOM, NUL\u{0}here, zero\u{200B}width and jo\u{200D}ined, cafe\u{301} e\u{301}\u{302}",
            "عربي مرحبا بالعالم עברית שלום 😀👍🏽 東京タワー ΣΊΣΥΦΟΣ",
            "no-whitespace-at-all,just.punctuation;and(words)here/and/there",
            "a\u{85}b c\u{2028}d e\u{A0}f",
        ];
        for text in texts {
            let whole = encoder
                .encode_in_pieces(text, usize::MAX, usize::MAX)
                .unwrap();
            for piece_bytes in [3, 7, 40] {
                let pieces = encoder
                    .encode_in_pieces(text, piece_bytes, usize::MAX)
                    .unwrap();
                assert_eq!(pieces.ids, whole.ids, "{piece_bytes}: {text}");
                assert_eq!(pieces.type_ids, whole.type_ids, "{piece_bytes}: {text}");
                assert_eq!(pieces.words, whole.words, "{piece_bytes}: {text}");
            }
        }
    }

    #[test]
    fn a_run_with_nowhere_to_cut_is_cut_and_too_many_words_stop_the_encoding() {
        let encoder = default_encoder();
        let run = "x".repeat(1000);
        let doc = encoder.encode_in_pieces(&run, 10, usize::MAX).unwrap();
        let spans: Vec<_> = doc.words.iter().map(|w| (w.start, w.end)).collect();
        // Cut where 16 pieces end.
        let tiles: Vec<_> = (0..1000)
            .step_by(160)
            .map(|s| (s, (s + 160).min(1000)))
            .collect();
        assert_eq!(spans, tiles);
        let e = encoder.encode_in_pieces(SEED, 40, 10).unwrap_err();
        assert!(e.to_string().contains("more than 10 words"), "{e}");
        assert!(encoder.encode_at_most(SEED, 10_000).is_ok());
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
