//! The entity types the rules read, and the names other models give them
//! (`data/entity_labels.tsv`): a model's types map onto the rules' or the rules do not run.

use super::lexicon;
use std::collections::HashMap;
use std::sync::LazyLock;

/// An entity's type as the rules read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    Person,
    Organisation,
    Place,
    Miscellaneous,
}

impl Label {
    /// The name records carry (CoNLL-2003's, the first column of `entity_labels.tsv`).
    pub fn name(self) -> &'static str {
        match self {
            Label::Person => "PER",
            Label::Organisation => "ORG",
            Label::Place => "LOC",
            Label::Miscellaneous => "MISC",
        }
    }

    /// The label of a rules' type name ("PER"); the pipeline renames a model's types to these
    /// before the rules run ([`rules_types`]).
    pub fn of(name: &str) -> Option<Label> {
        [
            Label::Person,
            Label::Organisation,
            Label::Place,
            Label::Miscellaneous,
        ]
        .into_iter()
        .find(|l| l.name() == name)
    }
}

/// Any accepted name (uppercase) → the rules' type.
static TYPES: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
    lexicon::entries(lexicon::file("entity_labels.tsv"))
        .flat_map(|cols| {
            let rules_type = cols[0];
            std::iter::once(rules_type)
                .chain(lexicon::list(&cols, 1))
                .map(move |name| (name.to_uppercase(), rules_type))
        })
        .collect()
});

/// The rules' names for a model's entity types, in order; or the types no rule knows.
pub fn rules_types(model_types: &[String]) -> Result<Vec<String>, Vec<String>> {
    let mapped: Vec<Option<&str>> = model_types
        .iter()
        .map(|t| TYPES.get(&t.to_uppercase()).copied())
        .collect();
    if mapped.iter().all(Option::is_some) {
        Ok(mapped.into_iter().flatten().map(str::to_string).collect())
    } else {
        Err(model_types
            .iter()
            .zip(&mapped)
            .filter(|(_, m)| m.is_none())
            .map(|(t, _)| t.clone())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn other_models_types_map_onto_the_rules_or_are_named() {
        let conll = types(&["PER", "ORG", "LOC", "MISC"]);
        assert_eq!(rules_types(&conll), Ok(conll.clone()));
        let wikiner = types(&["person", "Organization", "LOCATION"]);
        assert_eq!(rules_types(&wikiner), Ok(types(&["PER", "ORG", "LOC"])));
        let ontonotes = types(&["PERSON", "GPE", "DATE", "MONEY"]);
        assert_eq!(rules_types(&ontonotes), Err(types(&["DATE", "MONEY"])));
        // Every type the table maps to is a label.
        for t in rules_types(&types(&["PERSON", "ORGANIZATION", "GPE", "MISCELLANEOUS"])).unwrap() {
            assert_eq!(Label::of(&t).map(Label::name), Some(t.as_str()));
        }
    }
}
