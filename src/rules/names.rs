//! Name helpers shared by entity resolution and roles: normalised keys, honorifics ("Mr",
//! "Ms", "Sir"; `data/honorifics.tsv`) and the possessive "’s".

use super::lexicon;
use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

/// Lowercase honorific → the gender it implies, if any.
static HONORIFICS: LazyLock<HashMap<String, Option<Gender>>> = LazyLock::new(|| {
    lexicon::entries(lexicon::file("honorifics.tsv"))
        .map(|cols| {
            let gender = match cols.get(1).copied() {
                Some("m") => Some(Gender::Male),
                Some("f") => Some(Gender::Female),
                _ => None,
            };
            (cols[0].to_lowercase(), gender)
        })
        .collect()
});

/// `Some(gender)` when `word` is a capitalised honorific ("Mr", "Mrs.", "Dame"); the inner
/// option is the gender it implies.
pub fn honorific(word: &str) -> Option<Option<Gender>> {
    let word = word.strip_suffix('.').unwrap_or(word);
    if !word.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    HONORIFICS.get(&word.to_lowercase()).copied()
}

/// The comparison key of a name: lowercase, dots dropped ("U.S." = "US"), curly apostrophes
/// straightened, whitespace collapsed to single spaces.
pub fn key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars().filter(|&c| c != '.') {
            match c {
                '’' | '‘' => out.push('\''),
                _ => out.extend(c.to_lowercase()),
            }
        }
    }
    out
}

/// Byte length of a possessive ending of `text`: "’s"/"'s" after a letter or digit, or a lone
/// apostrophe after a final "s" ("Spurs’"). 0 when there is none.
pub fn possessive_len(text: &str) -> usize {
    for apostrophe in ['’', '\''] {
        for s in ["s", "S"] {
            if let Some(stem) = text
                .strip_suffix(s)
                .and_then(|t| t.strip_suffix(apostrophe))
            {
                if stem.chars().next_back().is_some_and(char::is_alphanumeric) {
                    return apostrophe.len_utf8() + 1;
                }
            }
        }
        if let Some(stem) = text.strip_suffix(apostrophe) {
            if stem.ends_with(['s', 'S']) {
                return apostrophe.len_utf8();
            }
        }
    }
    0
}

/// Whether `word` is an apostrophe character, as the tokenizer splits "’s" off a word.
pub fn is_apostrophe(word: &str) -> bool {
    matches!(word, "’" | "'")
}

/// The straight and the curly apostrophe, which news text uses interchangeably.
pub fn is_apostrophe_char(c: char) -> bool {
    matches!(c, '’' | '\'')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_possessives() {
        assert_eq!(key("U.S."), "us");
        assert_eq!(key(" Théresa\n May "), "théresa may");
        assert_eq!(possessive_len("Abedi’s"), "’s".len());
        assert_eq!(possessive_len("McDonald's"), 2);
        assert_eq!(possessive_len("Spurs'"), 1);
        assert_eq!(possessive_len("’s"), 0);
        assert_eq!(possessive_len("Abedi"), 0);
        assert_eq!(honorific("Ms"), Some(Some(Gender::Female)));
        assert_eq!(honorific("Dr."), Some(None));
        assert_eq!(honorific("mr"), None);
        assert_eq!(honorific("May"), None);
    }
}
