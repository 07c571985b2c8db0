//! Sports clubs' nicknames (`data/club_nicknames.tsv`): "Spurs" is Tottenham, "Saints" is
//! Southampton or Northampton, whichever the document names.

use super::lexicon;
use super::names;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Nickname key → the name keys of each club it may stand for.
static CLUBS: LazyLock<HashMap<String, Vec<Vec<String>>>> = LazyLock::new(|| {
    let mut clubs: HashMap<String, Vec<Vec<String>>> = HashMap::new();
    for cols in lexicon::entries(lexicon::file("club_nicknames.tsv")) {
        let names = lexicon::list(&cols, 1).map(names::key).collect();
        clubs.entry(names::key(cols[0])).or_default().push(names);
    }
    clubs
});

/// The clubs a nickname may stand for, each as its name keys; empty for other names.
pub fn clubs_of(name_key: &str) -> &'static [Vec<String>] {
    CLUBS.get(name_key).map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nicknames_name_their_clubs() {
        assert_eq!(clubs_of("spurs"), [vec!["tottenham", "tottenham hotspur"]]);
        assert!(clubs_of("saints").len() > 1);
        assert!(clubs_of("tottenham").is_empty());
    }
}
