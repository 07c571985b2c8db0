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
use crate::record::{Entity, Fact, Mention, Role};
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

/// What the rules add to a document. Offsets are bytes into the document's text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annotations {
    pub entities: Vec<Entity>,
    pub roles: Vec<Role>,
    pub facts: Vec<Fact>,
}

pub fn annotate(doc: &Doc, switches: &Switches) -> Annotations {
    let analysis = analysis::Analysis::new(doc);
    let mut entities = entities::resolve(&analysis, switches);
    let roles = roles::find(&analysis, &mut entities, switches);
    let facts = facts::extract(&analysis, &entities, switches);
    Annotations {
        entities,
        roles,
        facts,
    }
}

impl Annotations {
    /// Drops the rule names: a record without `--explain` does not carry them.
    pub fn forget_rules(&mut self) {
        self.roles.iter_mut().for_each(|r| r.rule = None);
        for f in &mut self.facts {
            (f.rule, f.entity_rule, f.reading) = (None, None, None);
        }
    }
}

/// The model's mentions as they are, each its own entity: what a record holds when the rules
/// could not run on a document.
pub fn unresolved(doc: &Doc) -> Annotations {
    let entities = doc
        .mentions
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let text = doc.span_text(m.start, m.end).to_string();
            Entity {
                id: format!("e{}", i + 1),
                label: m.label.to_string(),
                name: text.clone(),
                mentions: vec![Mention {
                    start: m.start,
                    end: m.end,
                    text,
                    score: m.score,
                }],
            }
        })
        .collect();
    Annotations {
        entities,
        ..Annotations::default()
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
