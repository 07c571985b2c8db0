//! Countries and their adjectives (`data/demonyms.tsv`): "British" → Britain, "US" → United
//! States; also which names refer to the same country ("UK", "United Kingdom", "Britain").

use super::lexicon;
use super::names::key;
use std::collections::HashMap;
use std::sync::LazyLock;

struct Table {
    /// Country names as entities get them, indexed by country id.
    names: Vec<&'static str>,
    /// Adjective as written ("British", "US") → country id. Case matters: "us" is a pronoun.
    adjectives: HashMap<&'static str, usize>,
    /// Name key of the country or one of its other names → country id.
    by_name: HashMap<String, usize>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut table = Table {
        names: Vec::new(),
        adjectives: HashMap::new(),
        by_name: HashMap::new(),
    };
    for cols in lexicon::entries(lexicon::file("demonyms.tsv")) {
        let id = table.names.len();
        table.names.push(cols[0]);
        table.by_name.insert(key(cols[0]), id);
        for adjective in lexicon::list(&cols, 1) {
            table.adjectives.insert(adjective, id);
        }
        for name in lexicon::list(&cols, 2) {
            table.by_name.insert(key(name), id);
        }
    }
    table
});

/// The country an adjective names ("British", "South African", "U.S."), by exact spelling.
pub fn country_of_adjective(text: &str) -> Option<usize> {
    TABLE.adjectives.get(text).copied()
}

/// The country a place name refers to ("UK", "the Netherlands", "Britain"), by name key.
pub fn country_of_name(name_key: &str) -> Option<usize> {
    TABLE.by_name.get(name_key).copied()
}

/// The name a country entity gets.
pub fn country_name(country: usize) -> &'static str {
    TABLE.names[country]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjectives_and_names_meet_in_one_country() {
        let britain = country_of_adjective("British").unwrap();
        assert_eq!(country_name(britain), "Britain");
        assert_eq!(country_of_name("uk"), Some(britain));
        assert_eq!(country_of_name(&key("United Kingdom")), Some(britain));
        assert_eq!(country_of_adjective("UK"), Some(britain));
        let us = country_of_adjective("US").unwrap();
        assert_eq!(country_of_adjective("U.S."), Some(us));
        assert_eq!(country_of_name(&key("U.S.")), Some(us));
        assert_eq!(
            country_of_adjective("South African").map(country_name),
            Some("South Africa")
        );
        assert_eq!(country_of_adjective("us"), None);
    }
}
