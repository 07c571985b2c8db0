//! Names whose label docs/ANNOTATION.md fixes whatever the context (`data/known_names.tsv`):
//! holidays, competitions, awards and eponymous diseases (MISC), and the places that stand for
//! the institutions in them (LOC). The model learnt them badly or not at all from CoNLL-2003,
//! which leaves "Christmas" untagged.

use super::labels::Label;
use super::lexicon;
use super::names;
use crate::doc::{split_words, Word};
use std::collections::HashMap;
use std::sync::LazyLock;

struct Table {
    /// Name key → the name's number (its line among the table's entries).
    by_key: HashMap<String, usize>,
    labels: Vec<Label>,
    /// A form's first word → (form, name), longest form first.
    forms_by_first_word: HashMap<&'static str, Vec<(&'static str, usize)>>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut table = Table {
        by_key: HashMap::new(),
        labels: Vec::new(),
        forms_by_first_word: HashMap::new(),
    };
    for (name, cols) in lexicon::entries(lexicon::file("known_names.tsv")).enumerate() {
        let label =
            Label::of(cols[1]).unwrap_or_else(|| panic!("known_names.tsv: no label {}", cols[1]));
        table.labels.push(label);
        for form in std::iter::once(cols[0]).chain(lexicon::list(&cols, 2)) {
            table.by_key.insert(names::key(form), name);
            let first = split_words(form).next().map_or(form, |(s, e)| &form[s..e]);
            table
                .forms_by_first_word
                .entry(first)
                .or_default()
                .push((form, name));
        }
    }
    for forms in table.forms_by_first_word.values_mut() {
        forms.sort_by_key(|(form, _)| std::cmp::Reverse(form.len()));
    }
    table
});

/// The known name a name key refers to ("oscar" and "academy awards" are the Oscars).
pub fn of_name(name_key: &str) -> Option<usize> {
    TABLE.by_key.get(name_key).copied()
}

/// The label a known name takes.
pub fn label(name: usize) -> Label {
    TABLE.labels[name]
}

/// The longest known name written in `text` from `word` on: its end (a byte offset) and the
/// name. Spelling must match exactly, apostrophes either way round ("Alzheimer’s"); the match
/// ends where a word ends. Forms are looked up by their first word as the tokenizer splits
/// words ("Hallowe" of "Hallowe'en").
pub fn at(text: &str, word: &Word) -> Option<(usize, usize)> {
    let forms = TABLE.forms_by_first_word.get(&text[word.start..word.end])?;
    let rest = &text[word.start..];
    forms.iter().find_map(|&(form, name)| {
        let end = word.start + matched_len(rest, form)?;
        let word_ends = !text[end..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric);
        word_ends.then_some((end, name))
    })
}

/// Byte length of `form` at the start of `text`, apostrophes matching either way round.
fn matched_len(text: &str, form: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    let mut len = 0;
    for f in form.chars() {
        let (i, c) = chars.next()?;
        let same = c == f || (names::is_apostrophe_char(c) && names::is_apostrophe_char(f));
        if !same {
            return None;
        }
        len = i + c.len_utf8();
    }
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_by_any_of_their_forms() {
        let oscars = of_name("oscars").unwrap();
        assert_eq!(of_name("academy award"), Some(oscars));
        assert_eq!(label(oscars), Label::Miscellaneous);
        assert_eq!(of_name("whitehall").map(label), Some(Label::Place));
        assert_eq!(of_name("christmas carol"), None);
    }

    #[test]
    fn the_longest_form_that_ends_a_word() {
        let text = "on Christmas Day, and Christmas. Christmases; Alzheimer’s.";
        let doc = crate::doc::Doc::from_text(text, None, Vec::new());
        let at = |text: &str, start: usize| {
            let word = doc.words.iter().find(|w| w.start == start).unwrap();
            at(text, word)
        };
        let (end, name) = at(text, 3).unwrap();
        assert_eq!(&text[3..end], "Christmas Day");
        assert_eq!(of_name("christmas day"), Some(name));
        let second = text.find("Christmas.").unwrap();
        assert_eq!(
            at(text, second).map(|(end, _)| &text[second..end]),
            Some("Christmas")
        );
        assert_eq!(at(text, text.find("Christmases").unwrap()), None);
        let disease = text.find("Alzheimer").unwrap();
        let (end, _) = at(text, disease).unwrap();
        assert_eq!(&text[disease..end], "Alzheimer’s");
    }
}
