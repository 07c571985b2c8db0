//! Sentence segmentation over the document's words.
//!
//! A sentence ends at `.`, `!` or `?` (or a run of them: "?!", "...") when whitespace follows
//! and the next word can start a sentence (capital letter, digit, opening quote or bracket), and
//! at blank lines, and at line breaks before such a word (headlines carry no full stop). A `.` does not end a
//! sentence after a title abbreviation ("Mr.", "Dr.", "St."), after an initial ("J. K.
//! Rowling"), inside a number ("2.15", no whitespace follows) or after a dotted acronym ("U.S.")
//! unless a typical sentence opener follows ("... the U.S. The ..."). Closing quotes and brackets
//! right after the mark belong to the sentence that ends there ("... imminent.” She said").

use super::lexicon;
use crate::doc::Doc;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    /// Byte span in the document's text.
    pub start: usize,
    pub end: usize,
    /// Indices into `doc.words` of the sentence's words.
    pub words: Range<usize>,
}

/// Abbreviations that precede a name or number and so never end a sentence with their dot.
static PREFIX_ABBREVIATIONS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    lexicon::entries(lexicon::file("prefix_abbreviations.tsv"))
        .map(|cols| cols[0])
        .collect()
});

/// Words that open sentences; after a dotted acronym ("U.S.") only these start a new one.
static SENTENCE_OPENERS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("sentence_openers.tsv")));

pub fn split(doc: &Doc) -> Vec<Sentence> {
    let words = &doc.words;
    let text = doc.text;
    let word = |i: usize| &text[words[i].start..words[i].end];
    let mut sentences = Vec::new();
    let mut first = 0;
    let mut i = 0;
    while i < words.len() {
        let mut last = i;
        let ends = if is_terminal(word(i)) {
            // A run of marks and the closing quotes/brackets glued to it stay together.
            while last + 1 < words.len()
                && words[last + 1].start == words[last].end
                && (is_terminal(word(last + 1)) || is_closer(word(last + 1)))
            {
                last += 1;
            }
            last + 1 == words.len() || terminal_ends_sentence(doc, i, last)
        } else {
            last + 1 == words.len() || {
                let gap = &text[words[i].end..words[i + 1].start];
                // A blank line always ends one; a line break where a sentence can start.
                gap.matches('\n').count() > 1
                    || (gap.contains('\n') && can_start_sentence(word(i + 1)))
            }
        };
        if ends {
            sentences.push(Sentence {
                start: words[first].start,
                end: words[last].end,
                words: first..last + 1,
            });
            first = last + 1;
        }
        i = last + 1;
    }
    sentences
}

/// Whether the marks at words `mark..=last` end the sentence (a word follows `last`).
fn terminal_ends_sentence(doc: &Doc, mark: usize, last: usize) -> bool {
    let words = &doc.words;
    let text = doc.text;
    let word = |i: usize| &text[words[i].start..words[i].end];
    let next = word(last + 1);
    // "2.15", "U.S": no whitespace after the mark, not a boundary.
    if words[last + 1].start == words[last].end || !can_start_sentence(next) {
        return false;
    }
    if word(mark) != "." || mark == 0 || words[mark - 1].end != words[mark].start {
        return true;
    }
    let before = word(mark - 1);
    if PREFIX_ABBREVIATIONS
        .iter()
        .any(|a| a.eq_ignore_ascii_case(before))
    {
        return false;
    }
    // Initials are capitals: the "s" of "Alzheimer's." ends its sentence.
    if before.chars().count() == 1 && before.chars().all(char::is_uppercase) {
        // "U.S." (letters and dots glued together) versus the initial "J. K. Rowling".
        let dotted =
            mark >= 2 && word(mark - 2) == "." && words[mark - 2].end == words[mark - 1].start;
        return dotted && SENTENCE_OPENERS.contains(next);
    }
    true
}

fn is_terminal(w: &str) -> bool {
    matches!(w, "." | "!" | "?" | "…")
}

fn is_closer(w: &str) -> bool {
    matches!(w, "”" | "’" | "\"" | "'" | ")" | "]" | "»")
}

fn can_start_sentence(w: &str) -> bool {
    w.chars().next().is_some_and(|c| {
        c.is_uppercase() || c.is_numeric() || matches!(c, '“' | '"' | '‘' | '\'' | '(' | '[' | '«')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        let doc = Doc::from_text(text, None, Vec::new());
        split(&doc).iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn abbreviations_initials_and_decimals_do_not_split() {
        assert_eq!(
            sentences("Mr. Blair met Dr. Greenspan in the U.S. on Monday. Shares rose 2.15%."),
            [
                "Mr. Blair met Dr. Greenspan in the U.S. on Monday.",
                "Shares rose 2.15%."
            ]
        );
        assert_eq!(
            sentences("Author J. K. Rowling spoke. She left."),
            ["Author J. K. Rowling spoke.", "She left."]
        );
        assert_eq!(
            sentences("It moved to the U.S. The firm grew."),
            ["It moved to the U.S.", "The firm grew."]
        );
        assert_eq!(
            sentences("He had Alzheimer's. The 71-year-old died."),
            ["He had Alzheimer's.", "The 71-year-old died."]
        );
    }

    #[test]
    fn quotes_close_the_sentence_they_end() {
        // From the seed.
        let text = "She said: “The police have asked for authorisation.” This means some armed police officers guarding events will be replaced.";
        assert_eq!(
            sentences(text),
            [
                "She said: “The police have asked for authorisation.”",
                "This means some armed police officers guarding events will be replaced."
            ]
        );
        assert_eq!(
            sentences("“Is it over?” he asked. Yes."),
            ["“Is it over?” he asked.", "Yes."]
        );
    }

    #[test]
    fn line_breaks_end_headlines() {
        let text = "Absa and Barclays talks continue\n\nSouth Africa biggest retail bank Absa has said it is still in talks.";
        assert_eq!(
            sentences(text),
            [
                "Absa and Barclays talks continue",
                "South Africa biggest retail bank Absa has said it is still in talks."
            ]
        );
    }

    #[test]
    fn odd_input_does_not_panic() {
        for text in ["", ".", "...", "😀. 東京。Café! ”", "a.\n", "\"'"] {
            let doc = Doc::from_text(text, None, Vec::new());
            let s = split(&doc);
            assert_eq!(
                s.iter().map(|s| s.words.len()).sum::<usize>(),
                doc.words.len()
            );
        }
    }
}
