//! The rules stages: from a document's mentions to resolved entities, the roles people hold and
//! the numeric facts the text states. Input offsets and output offsets are bytes into `doc.text`.

pub mod analysis;
pub mod dates;
pub mod demonyms;
pub mod entities;
pub mod facts;
pub mod known_names;
pub mod labels;
pub mod lexicon;
pub mod names;
pub mod nicknames;
pub mod numbers;
pub mod parties;
pub mod references;
pub mod roles;
pub mod sentences;
#[cfg(test)]
pub mod testing;
pub mod titles;

use crate::doc::Doc;
use crate::record::{Approx, FactKind, FactValue};
use labels::Label;
use std::collections::BTreeSet;

/// A rule as its table lists it: the name `--explain` prints and `--without` switches off,
/// and an example of what it reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RuleName {
    pub stage: &'static str,
    pub name: &'static str,
    pub example: &'static str,
}

/// Every named rule, stage by stage, each stage's in the order it tries them.
pub fn catalogue() -> Vec<RuleName> {
    let named = |stage, rules: &[(&'static str, &'static str)]| {
        rules
            .iter()
            .map(move |&(name, example)| RuleName {
                stage,
                name,
                example,
            })
            .collect::<Vec<_>>()
    };
    [
        named("entities", &entities::passes()),
        named("roles", &roles::patterns()),
        named("numbers", &numbers::readings()),
        named("facts", &facts::rules()),
    ]
    .concat()
}

/// Which rules run: all but those switched off (`factx eval --without`, for ablation).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Switches {
    off: BTreeSet<&'static str>,
}

impl Switches {
    /// All rules but `names`; a name no table lists is an error that lists the known ones.
    pub fn without<S: AsRef<str>>(names: &[S]) -> anyhow::Result<Self> {
        let known = catalogue();
        let mut off = BTreeSet::new();
        for name in names {
            let name = name.as_ref();
            let rule = known.iter().find(|r| r.name == name).ok_or_else(|| {
                let all: Vec<_> = known.iter().map(|r| r.name).collect();
                anyhow::anyhow!("no rule is named {name:?}; the rules: {}", all.join(", "))
            })?;
            off.insert(rule.name);
        }
        Ok(Switches { off })
    }

    pub fn on(&self, name: &str) -> bool {
        !self.off.contains(name)
    }
}

/// An entity's place in its document's [`EntityTable`]: given when the entity is added and
/// never changed (the record's "e1", "e2", ... are numbered by `output.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityId(usize);

/// An entity the rules found or inferred. Offsets are bytes into the document's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub id: EntityId,
    pub label: Label,
    pub name: EntityName,
    pub mentions: Vec<Mention>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EntityName {
    /// The span of its fullest mention, written with its whitespace collapsed.
    Span(usize, usize),
    /// A name from a table: the country a demonym names ("British" → "Britain").
    Listed(&'static str),
}

impl Entity {
    /// The entity's name as records write it.
    pub fn name(&self, text: &str) -> String {
        match self.name {
            EntityName::Span(start, end) => text[start..end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            EntityName::Listed(name) => name.to_string(),
        }
    }
}

/// A mention of an entity: byte offsets into the document's text, and the model's confidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub score: f32,
}

/// A document's entities. Stages may add entities (roles add the countries that demonyms
/// name); an entity's [`EntityId`] never changes, so stages can run in any order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntityTable {
    entities: Vec<Entity>,
}

impl EntityTable {
    pub fn add(&mut self, label: Label, name: EntityName, mentions: Vec<Mention>) -> EntityId {
        let id = EntityId(self.entities.len());
        self.entities.push(Entity {
            id,
            label,
            name,
            mentions,
        });
        id
    }
}

impl std::ops::Deref for EntityTable {
    type Target = [Entity];

    fn deref(&self) -> &[Entity] {
        &self.entities
    }
}

impl std::ops::Index<EntityId> for EntityTable {
    type Output = Entity;

    fn index(&self, id: EntityId) -> &Entity {
        &self.entities[id.0]
    }
}

/// A role a person holds. Offsets are bytes into the document's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub person: EntityId,
    /// The role's core, lowercase: "prime minister".
    pub title: String,
    pub org: Option<EntityId>,
    pub former: bool,
    pub start: usize,
    pub end: usize,
    /// The pattern that stated it.
    pub rule: &'static str,
}

/// A numeric fact. Offsets are bytes into the document's text; docs/FORMAT.md says what each
/// field means.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub kind: FactKind,
    pub value: Option<FactValue>,
    pub approx: Approx,
    pub from: Option<f64>,
    pub unit: Option<String>,
    pub predicate: Option<String>,
    pub entity: Option<EntityId>,
    pub vague: bool,
    pub start: usize,
    pub end: usize,
    /// The fact rule that made it, the tie that chose `entity`, the number reading.
    pub rule: &'static str,
    pub entity_rule: Option<&'static str>,
    pub reading: Option<&'static str>,
}

/// What the rules add to a document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annotations {
    pub entities: EntityTable,
    pub roles: Vec<Role>,
    pub facts: Vec<Fact>,
}

pub fn annotate(doc: &Doc, switches: &Switches) -> Annotations {
    let analysis = analysis::Analysis::new(doc);
    let mut entities = entities::resolve(&analysis, switches);
    let named = references::Named::new(&entities);
    let roles = roles::find(&analysis, &mut entities, &named, switches);
    let facts = facts::extract(&analysis, &entities, &named, switches);
    Annotations {
        entities,
        roles,
        facts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_unique_and_name_their_stage() {
        let rules = catalogue();
        let mut names = BTreeSet::new();
        for r in &rules {
            assert!(names.insert(r.name), "{} twice", r.name);
            let lowercase = r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-');
            assert!(lowercase, "{}: lowercase words joined by '-'", r.name);
            assert!(!r.example.is_empty(), "{}: no example", r.name);
        }
        let stages: BTreeSet<_> = rules.iter().map(|r| r.stage).collect();
        assert_eq!(
            stages,
            BTreeSet::from(["entities", "facts", "numbers", "roles"])
        );
    }

    #[test]
    fn switching_off_an_unknown_rule_is_an_error_that_lists_the_rules() {
        let e = Switches::without(&["role-appositive", "no-such-rule"]).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("\"no-such-rule\""), "{msg}");
        assert!(msg.contains("role-linking-verb"), "{msg}");
        let off = Switches::without(&["role-appositive"]).unwrap();
        assert!(!off.on("role-appositive") && off.on("role-linking-verb"));
        assert!(Switches::default().on("role-appositive"));
    }
}
