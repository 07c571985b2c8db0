//! Political parties and the names news text gives them (`data/parties.tsv`): "Tory",
//! "Tories" and "Conservative Party" are one party, an organisation.

use super::lexicon;
use super::names;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Name key → party number (its line among the table's entries).
static PARTIES: LazyLock<HashMap<String, usize>> = LazyLock::new(|| {
    let mut by_name = HashMap::new();
    for (party, cols) in lexicon::entries(lexicon::file("parties.tsv")).enumerate() {
        for name in std::iter::once(cols[0]).chain(lexicon::list(&cols, 1)) {
            by_name.insert(names::key(name), party);
        }
    }
    by_name
});

/// The party a name refers to ("Tories", "Lib Dem"), by name key.
pub fn party_of_name(name_key: &str) -> Option<usize> {
    PARTIES.get(name_key).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_party_s_names_meet() {
        let tories = party_of_name("tories");
        assert!(tories.is_some());
        for name in ["conservative party", "tory", "conservatives"] {
            assert_eq!(party_of_name(name), tories, "{name}");
        }
        assert_eq!(
            party_of_name("lib dems"),
            party_of_name("liberal democrats")
        );
        assert_ne!(party_of_name("labour"), tories);
        assert_eq!(party_of_name("democratic"), None);
    }
}
