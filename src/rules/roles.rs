//! Roles people hold, read from the words around each title the lexicon finds in a sentence,
//! by the named patterns of `ROLE_PATTERNS` (tried in that order, the first that answers
//! decides; `role_phrases.tsv` has a sentence for each):
//!
//! - pre-nominal: "[former] [ORG|LOC|demonym]['s] TITLE Label::Person [of|at ORG]" ("British
//!   prime minister Theresa May", "McDonald's chief executive James Skinner", "Professor Hugh
//!   Bell of Marlow University said"), also "TITLE and TITLE Label::Person" and "TITLE of ORG
//!   Label::Person" ("chief executive of Tesco Terry Leahy");
//! - appositive: "Label::Person, [AGE,] [the] [former] [ORG] TITLE [of|at|for ... ORG]," ("Charlie
//!   Bell, the former head of McDonald's"), with brackets or dashes as well as commas;
//! - reversed appositive: "[ORG] TITLE, Label::Person," ("The Ukraine's new president, Viktor
//!   Yushchenko,");
//! - parenthetical: "(TITLE) Label::Person";
//! - plural titles before a list: "former Disney directors Roy Disney, Stanley Gold and ...";
//! - copular and appointment verbs, with auxiliaries: "Label::Person [, AGE,] [, who] became|has been named|is
//!   expected to become|took over as [the] TITLE" ("Mr Bell took over as chief executive"),
//!   "Label::Person as TITLE"; "resigned/stepped down as", "had been" make it former;
//! - succession: "X succeeded Y as TITLE" (both; Y former);
//! - from the dependency tree, where the words around the title say too little: the title as
//!   what a verb makes of its object or subject ("Sarah Quinn from Bergen will take
//!   over as chairwoman", "appointed John Ellis chief operating officer").
//!
//! A title owned by "its"/"their" belongs to the organisation that is the subject of its clause
//! ("Roma have sacked their coach, Luigi Conti"), read from the tree.
//!
//! The person is the entity of the PER mention, so a role stated through an alias ("Mr Bell")
//! lands on the full entity (Charlie Bell). The title never overlaps a mention, and it must be
//! closed (punctuation, a preposition, a verb like "said") except before the person's name, so
//! "was manager material" gives nothing. Descriptions ("US pop star Ariana Grande", "suicide
//! bomber") and family relations ("her mother, Lisa", "sister Ashlee") are roles too (issue 4);
//! a relation has no organisation, and its possessive opens its text. A demonym ("British")
//! points the role to its country's entity: the document's own ("Britain", "UK"), else one
//! created without mentions (the adjective stays a mention of its demonym entity only; the
//! role's span is the evidence), numbered after every mentioned entity. Every statement is a
//! role, repeats included.

use super::analysis::Analysis;
use super::demonyms;
use super::labels::Label;
use super::lexicon;
use super::names::{self, key};
use super::references;
use super::sentences::Sentence;
use super::titles::{self, TitleMatch};
use super::Switches;
use super::{Entity, EntityId, EntityName, EntityTable, Role};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Verb phrases that link a subject to the title after them: (words, whether an auxiliary
/// must precede them, whether the role is over). Auxiliaries before any of them are read by
/// `View::linking_verb` ("has been named", "is to become", "will act as").
static LINKING_VERBS: LazyLock<Vec<(&'static str, bool, bool)>> = LazyLock::new(|| {
    lexicon::entries(lexicon::file("linking_verbs.tsv"))
        .map(|cols| (cols[0], cols[1] == "aux", cols[2] == "over"))
        .collect()
});

/// Auxiliaries before a linking verb; "had been" says the role is over.
static AUXILIARIES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("role_auxiliaries.tsv")));

/// Verbs of succession: in "X succeeded Y as chairman" Y held the title before X.
static SUCCESSION: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("succession_verbs.tsv")));

/// Adverbs that may sit inside a linking verb phrase ("was later named").
static ADVERBS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("role_adverbs.tsv")));

/// Determiners before a title ("the former head").
static DETERMINERS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("title_determiners.tsv")));

/// Possessive determiners a relation's statement starts with ("her mother, Lisa").
static POSSESSIVES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("possessive_determiners.tsv")));

/// Verbs by which an organisation announces its own appointments (`announcing_verbs.tsv`).
static ANNOUNCING_VERBS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("announcing_verbs.tsv")));

/// Prepositions that attach an organisation after a title ("head of McDonald's").
static PREPOSITIONS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("title_prepositions.tsv")));

/// Lowercase words that may follow a complete title.
static CLOSING_WORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("title_closing_words.tsv")));

/// What a role's organisation is, before countries named by adjectives get their entities.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Org {
    Entity(EntityId),
    /// A country named through an adjective ("British"): its id in the demonym table.
    Country(usize),
}

/// A role found, in word indices and entity indices.
#[derive(Debug)]
struct Found {
    person: EntityId,
    title: String,
    org: Option<Org>,
    former: bool,
    start: usize,
    end: usize,
    /// The pattern that found it.
    rule: &'static str,
}

/// The patterns that read the dependency tree: a rules test has no model to parse its
/// sentences, so tests/fixtures/syntax_role_phrases.tsv checks them through the default model
/// (tests/default_model.rs).
pub const TREE_PATTERNS: &[&str] = &["role-syntax-link"];

/// A way a sentence ties a title to people. Patterns are tried in this order for each title,
/// and the first that answers decides, even with no role: a blocking pattern answers with
/// none, so that the patterns after it do not read the title.
struct RolePattern {
    name: &'static str,
    example: &'static str,
    read: for<'d, 'a, 't> fn(&View<'d, 'a>, &Site<'t>) -> Option<Vec<Found>>,
}

#[rustfmt::skip]
const ROLE_PATTERNS: &[RolePattern] = &[
    RolePattern { name: "role-plural-list", example: "former Disney directors Roy Disney, Stanley Gold and Raymond Watson", read: |v, s| v.plural_list(s) },
    RolePattern { name: "role-pre-nominal", example: "British prime minister Theresa May", read: |v, s| v.pre_nominal(s) },
    RolePattern { name: "role-shared-person", example: "chairman and chief executive Rick Wagoner (the chairman)", read: |v, s| v.shared_person(s) },
    RolePattern { name: "role-parenthetical", example: "(chairman) Daniel Levy", read: |v, s| v.parenthetical(s) },
    RolePattern { name: "role-unclosed-title", example: "he was manager material (no role: the title phrase goes on)", read: |v, s| v.unclosed_title(s) },
    RolePattern { name: "role-appositive", example: "Charlie Bell, the former head of McDonald's,", read: |v, s| v.appositive(s) },
    RolePattern { name: "role-succession", example: "Mr Ghosn succeeded Mr Hanawa as chief executive", read: |v, s| v.succession(s) },
    RolePattern { name: "role-linking-verb", example: "Mr Bell took over as chief executive", read: |v, s| v.linking_verb_role(s) },
    RolePattern { name: "role-reversed-appositive", example: "The Ukraine's new president, Viktor Yushchenko, will", read: |v, s| v.reversed_appositive(s) },
    RolePattern { name: "role-syntax-link", example: "Sarah Quinn from Bergen will take over as chairwoman; The firm appointed John Ellis chief operating officer", read: |v, s| v.syntax_link(s) },
];

/// The role patterns' names and examples, in the order they are tried.
pub fn patterns() -> Vec<(&'static str, &'static str)> {
    ROLE_PATTERNS.iter().map(|p| (p.name, p.example)).collect()
}

/// One title in its sentence, as the patterns read it.
struct Site<'t> {
    /// The sentence's words: `first..last`.
    first: usize,
    last: usize,
    title: &'t TitleMatch,
    /// The title after this one in the sentence.
    next: Option<&'t TitleMatch>,
    left: Left,
    right: Right,
    /// The organisation either side names: "McDonald's chief executive", "head of McDonald's".
    org: Option<Org>,
}

impl Site<'_> {
    fn found(
        &self,
        person: EntityId,
        start: usize,
        end: usize,
        org: Option<Org>,
        former: bool,
    ) -> Found {
        Found {
            person,
            title: self.title.title.clone(),
            org: org.filter(|_| !self.title.relation),
            former: former || self.left.former,
            start,
            end,
            rule: "",
        }
    }
}

/// An entity mention in word indices.
struct MentionAt {
    start: usize,
    end: usize,
    entity: EntityId,
}

/// The document as the patterns read it.
struct View<'d, 'a> {
    a: &'d Analysis<'d, 'a>,
    entities: &'d EntityTable,
    named: &'d references::Named,
    mentions: Vec<MentionAt>,
    mention_at: Vec<Option<usize>>,
    /// Name keys of organisations and places → entity ("greater manchester police").
    by_key: HashMap<String, EntityId>,
}

/// What precedes a title: where the role statement starts and what it says.
struct Left {
    start: usize,
    /// Before determiners ("the former head"): where the link to a person must end.
    outer: usize,
    org: Option<Org>,
    former: bool,
}

/// What follows a title: an "of/at ORG" tail and whether the title phrase is closed there.
struct Right {
    end: usize,
    /// The word after the title phrase (its terminator).
    next: usize,
    org: Option<EntityId>,
    closed: bool,
}

/// May add entities (a country named only through a demonym: "British" → Britain).
pub fn find(
    a: &Analysis,
    entities: &mut EntityTable,
    named: &references::Named,
    switches: &Switches,
) -> Vec<Role> {
    let doc = a.doc;
    let view = View::new(a, entities, named);
    let mut found = Vec::new();
    for s in &a.sentences {
        let titles = titles::find(a, s.words.clone(), |w| view.mention_at[w].is_some());
        for (k, t) in titles.iter().enumerate().filter(|(_, t)| t.role) {
            let prev = k.checked_sub(1).map(|j| &titles[j]);
            found.extend(view.roles(s, t, prev, titles.get(k + 1), switches));
        }
    }
    let mut countries = country_entities(doc.text, entities);
    let mut roles = Vec::with_capacity(found.len());
    for f in &found {
        let org = match f.org {
            None => None,
            Some(Org::Entity(e)) => Some(e),
            Some(Org::Country(country)) => Some(country_entity(entities, &mut countries, country)),
        };
        roles.push(Role {
            person: f.person,
            title: f.title.clone(),
            org,
            former: f.former,
            start: doc.words[f.start].start,
            end: doc.words[f.end - 1].end,
            rule: f.rule,
        });
    }
    roles.sort_by_key(|r| (r.start, r.end));
    roles
}

impl<'d, 'a> View<'d, 'a> {
    fn new(
        a: &'d Analysis<'d, 'a>,
        entities: &'d EntityTable,
        named: &'d references::Named,
    ) -> Self {
        let words = &a.doc.words;
        let mut mentions = Vec::new();
        let mut by_key = HashMap::new();
        for entity in entities.iter() {
            let e = entity.id;
            for m in &entity.mentions {
                let (start, end) = (a.word_from(m.start), a.word_from(m.end));
                if start < end {
                    mentions.push(MentionAt {
                        start,
                        end,
                        entity: e,
                    });
                }
                if matches!(entity.label, Label::Organisation | Label::Place) {
                    by_key.entry(key(&a.doc.text[m.start..m.end])).or_insert(e);
                }
            }
        }
        mentions.sort_by_key(|m| m.start);
        let mut mention_at = vec![None; words.len()];
        for (i, m) in mentions.iter().enumerate() {
            for slot in &mut mention_at[m.start..m.end] {
                slot.get_or_insert(i);
            }
        }
        View {
            a,
            mentions,
            mention_at,
            entities,
            named,
            by_key,
        }
    }

    fn label(&self, mention: usize) -> Label {
        self.entities[self.mentions[mention].entity].label
    }

    /// The mention that ends exactly before word `end`.
    fn mention_ending(&self, end: usize) -> Option<usize> {
        let m = self.mention_at[end.checked_sub(1)?]?;
        (self.mentions[m].end == end).then_some(m)
    }

    /// A person named from word `i` on, maybe after an honorific: (entity, end).
    fn person_at(&self, mut i: usize, limit: usize) -> Option<(EntityId, usize)> {
        if i < limit && names::honorific(self.a.word(i)).is_some() {
            i += 1;
            if i < limit && self.a.word(i) == "." {
                i += 1;
            }
        }
        if i >= limit {
            return None;
        }
        let m = &self.mentions[self.mention_at[i]?];
        (m.start == i && self.entities[m.entity].label == Label::Person)
            .then_some((m.entity, m.end))
    }

    /// A person named right before word `end`, with an honorific before the name included:
    /// (entity, start).
    fn person_ending(&self, end: usize, limit: usize) -> Option<(EntityId, usize)> {
        let m = self.mention_ending(end)?;
        if self.label(m) != Label::Person {
            return None;
        }
        let mut start = self.mentions[m].start;
        if start > limit && self.a.word(start - 1) == "." && start - 1 > limit {
            if names::honorific(self.a.word(start - 2)).is_some() && self.a.glued(start - 2) {
                start -= 2;
            }
        } else if start > limit && names::honorific(self.a.word(start - 1)).is_some() {
            start -= 1;
        }
        Some((self.mentions[m].entity, start))
    }

    /// The roles a title states in sentence `s` (`prev`, `next`: the titles around it there):
    /// the first pattern of [`ROLE_PATTERNS`] that answers decides.
    fn roles(
        &self,
        s: &Sentence,
        t: &'d TitleMatch,
        prev: Option<&TitleMatch>,
        next: Option<&'d TitleMatch>,
        switches: &Switches,
    ) -> Vec<Found> {
        let site = self.site(s, t, prev, next);
        ROLE_PATTERNS
            .iter()
            .filter(|p| switches.on(p.name))
            .find_map(|p| {
                let mut found = (p.read)(self, &site)?;
                found.iter_mut().for_each(|f| f.rule = p.name);
                Some(found)
            })
            .unwrap_or_default()
    }

    fn site<'t>(
        &self,
        s: &Sentence,
        t: &'t TitleMatch,
        prev: Option<&TitleMatch>,
        next: Option<&'t TitleMatch>,
    ) -> Site<'t> {
        let (first, last) = (s.words.start, s.words.end);
        // "GM chairman and chief executive Rick Wagoner": the second title's organisation,
        // "former" and statement are the first's.
        let coordinated = prev.filter(|p| {
            p.role
                && !t.relation
                && p.end + 1 == t.start
                && matches!(self.a.lower[p.end].as_ref(), "and" | "&")
                && self.person_at(t.end, last).is_some()
        });
        let mut left = self.left(coordinated.map_or(t.start, |p| p.start), first);
        if t.relation {
            // A relation belongs to no organisation, and its possessive is part of the
            // statement ("her mother, Lisa").
            left.org = None;
            if left.outer < left.start && POSSESSIVES.contains(self.a.lower[left.outer].as_ref()) {
                left.start = left.outer;
            }
        }
        let right = self.right(t.end, last);
        let org = left
            .org
            .or(right.org.map(Org::Entity))
            .or_else(|| self.owner_by_pronoun(&left, t.end).map(Org::Entity))
            .or_else(|| self.announcing_organisation(t.end).map(Org::Entity));
        Site {
            first,
            last,
            title: t,
            next,
            left,
            right,
            org,
        }
    }

    /// The word before word `i` within the sentence.
    fn before(&self, site: &Site, i: usize) -> Option<&'a str> {
        (i > site.first).then(|| self.a.word(i - 1))
    }

    fn plural_list(&self, site: &Site) -> Option<Vec<Found>> {
        if !site.title.plural {
            return None;
        }
        let mut people = Vec::new();
        let mut i = site.title.end;
        while let Some((person, end)) = self.person_at(i, site.last) {
            people.push(site.found(person, site.left.start, end, site.left.org, false));
            let more = end + 1 < site.last && matches!(self.a.word(end), "," | "and");
            let and = more && self.a.word(end) == "," && self.a.lower[end + 1] == "and";
            i = end + 1 + usize::from(and);
            if !more {
                break;
            }
        }
        Some(people)
    }

    fn pre_nominal(&self, site: &Site) -> Option<Vec<Found>> {
        let Some((person, end)) = self.person_at(site.title.end, site.last) else {
            return self.title_of_org_before_name(site);
        };
        // "Professor Hugh Bell of Marlow University said": the organisation may follow the
        // name, where the phrase ends with it ("Prime Minister Thatcher in Brighton", "John
        // Prescott at the Labour conference" say where, not whose).
        let after = self
            .org_after_preposition(end, site.last)
            .filter(|&(_, org_end)| {
                site.org.is_none()
                    && matches!(self.a.lower[end].as_ref(), "of" | "at")
                    && (self.closes(org_end, site.last) || self.is_verb(org_end))
            });
        let org = site.org.or(after.map(|(org, _)| Org::Entity(org)));
        let end = after.map_or(end, |(_, org_end)| org_end);
        Some(vec![site.found(person, site.left.start, end, org, false)])
    }

    /// "chief executive of Tesco Terry Leahy": the organisation between the title and the
    /// name.
    fn title_of_org_before_name(&self, site: &Site) -> Option<Vec<Found>> {
        let (org, org_end) = self.org_after_preposition(site.title.end, site.last)?;
        let (person, end) = self.person_at(org_end, site.last)?;
        let org = site.left.org.unwrap_or(Org::Entity(org));
        Some(vec![site.found(
            person,
            site.left.start,
            end,
            Some(org),
            false,
        )])
    }

    fn shared_person(&self, site: &Site) -> Option<Vec<Found>> {
        let (t, next) = (site.title, site.next?);
        if next.start != t.end + 1 || !matches!(self.a.lower[t.end].as_ref(), "and" | "&") {
            return None;
        }
        let (person, end) = self.person_at(next.end, site.last)?;
        Some(vec![site.found(
            person,
            site.left.start,
            end,
            site.left.org,
            false,
        )])
    }

    fn parenthetical(&self, site: &Site) -> Option<Vec<Found>> {
        let (left, right) = (&site.left, &site.right);
        let bracketed = self.before(site, left.outer) == Some("(")
            && right.next < site.last
            && self.a.word(right.next) == ")";
        if !bracketed {
            return None;
        }
        let (person, end) = self.person_at(right.next + 1, site.last)?;
        Some(vec![site.found(
            person,
            left.outer - 1,
            end,
            site.org,
            false,
        )])
    }

    /// A title phrase that does not end where a phrase can ("was manager material") states
    /// nothing through the patterns after this one.
    fn unclosed_title(&self, site: &Site) -> Option<Vec<Found>> {
        (!site.right.closed).then(Vec::new)
    }

    fn appositive(&self, site: &Site) -> Option<Vec<Found>> {
        let (first, left, right) = (site.first, &site.left, &site.right);
        let open @ ("," | "(" | "-" | "–" | "—") = self.before(site, left.outer)? else {
            return None;
        };
        let closes = open != "(" || (right.next < site.last && self.a.word(right.next) == ")");
        if !closes {
            return None;
        }
        let link = self
            .name_end_before_age(left.outer, first)
            .unwrap_or(left.outer - 1);
        let (person, start) = self.person_ending(link, first)?;
        Some(vec![site.found(person, start, right.end, site.org, false)])
    }

    /// Where a name ends when an age in commas ends right before word `end` ("Amy Cole, 45,
    /// is"): at the first comma.
    fn name_end_before_age(&self, end: usize, first: usize) -> Option<usize> {
        let is_age = |w: usize| self.a.word(w).chars().all(|c| c.is_ascii_digit());
        (end >= first + 3
            && self.a.word(end - 1) == ","
            && is_age(end - 2)
            && self.a.word(end - 3) == ",")
            .then(|| end - 3)
    }

    fn succession(&self, site: &Site) -> Option<Vec<Found>> {
        let (first, outer, end) = (site.first, site.left.outer, site.right.end);
        if self.before(site, outer) != Some("as") {
            return None;
        }
        let (old, old_start) = self.person_ending(outer - 1, first)?;
        if old_start <= first || !SUCCESSION.contains(self.a.lower[old_start - 1].as_ref()) {
            return None;
        }
        let mut roles = vec![site.found(old, old_start, end, site.org, true)];
        let mut subject = old_start - 1;
        while subject > first && AUXILIARIES.contains(self.a.lower[subject - 1].as_ref()) {
            subject -= 1;
        }
        if let Some((new, new_start)) = self.person_ending(subject, first) {
            roles.insert(0, site.found(new, new_start, end, site.org, false));
        }
        Some(roles)
    }

    fn linking_verb_role(&self, site: &Site) -> Option<Vec<Found>> {
        let (verb_start, over) = self.linking_verb(site.left.outer, site.first)?;
        let mut link = verb_start;
        if link > site.first && self.a.lower[link - 1] == "who" {
            link -= 1;
            if matches!(self.before(site, link), Some("," | "-" | "–" | "—")) {
                link -= 1;
            }
        }
        let link = self.name_end_before_age(link, site.first).unwrap_or(link);
        let (person, start) = self.person_ending(link, site.first)?;
        Some(vec![site.found(
            person,
            start,
            site.right.end,
            site.org,
            over,
        )])
    }

    fn reversed_appositive(&self, site: &Site) -> Option<Vec<Found>> {
        let next = site.right.next;
        if next + 1 >= site.last || self.a.word(next) != "," {
            return None;
        }
        // "Head of genetics at the institute, Professor Robin Lovell-Badge,": a title used as
        // an honorific may stand before the name.
        let (person, end) = self.person_at(next + 1, site.last).or_else(|| {
            let titled = titles::ends_title(&self.a.lower[next + 1])
                && self.a.word(next + 1).starts_with(char::is_uppercase);
            titled
                .then(|| self.person_at(next + 2, site.last))
                .flatten()
        })?;
        self.closes(end, site.last)
            .then(|| vec![site.found(person, site.left.start, end, site.org, false)])
    }

    /// Read from the dependency tree where the words around the title say too little: the
    /// title is what a verb makes of its object or its subject, as "as TITLE" ("Sarah Quinn
    /// from Bergen will take over as chairwoman", "Atlas named Sarah Quinn as its director") or as
    /// its complement ("The firm appointed John Ellis chief operating officer", read as an
    /// apposition to the object or as its predicate); the person is the verb's object if it
    /// has one, else its subject. A verb the linking-verb table marks
    /// as ending a role ("resigned as") makes it former; an organisation as the object
    /// ("joined BP as head of trading") is the title's.
    fn syntax_link(&self, site: &Site) -> Option<Vec<Found>> {
        let a = self.a;
        let head = site.title.end.checked_sub(1)?;
        let verb = match a.dep(head) {
            "pobj" => {
                let prep = a.head(head).filter(|&p| a.lower[p] == "as")?;
                a.head(prep)?
            }
            "oprd" => a.head(head)?,
            // "appointed John Ellis chief operating officer": the model sets the complement
            // beside the object.
            "appos" => a.head(a.head(head)?)?,
            _ => return None,
        };
        if !self.is_verb(verb) {
            return None;
        }
        let named = |w: usize, label: Label| {
            let m = &self.mentions[self.mention_at[w]?];
            (self.entities[m.entity].label == label).then_some(m)
        };
        let object = a.child(verb, "dobj");
        let subject = a.subjects(verb).next();
        let m = object
            .and_then(|o| named(o, Label::Person))
            .or_else(|| named(subject?, Label::Person))?;
        // "Ravi Menon joined BP as head of trading": an organisation as the object is the
        // title's.
        let org = site.org.or_else(|| {
            let o = named(object?, Label::Organisation)?;
            Some(Org::Entity(o.entity))
        });
        let over = LINKING_VERBS
            .iter()
            .any(|&(words, _, over)| over && words.split(' ').next() == Some(&*a.lower[verb]));
        let (start, end) = (m.start.min(site.left.start), m.end.max(site.right.end));
        Some(vec![site.found(m.entity, start, end, org, over)])
    }

    /// "Roma have sacked their coach", "Atlas cut its chief executive's pay": a title owned by
    /// "its"/"their" belongs to the organisation that is the subject of its clause.
    fn owner_by_pronoun(&self, left: &Left, title_end: usize) -> Option<EntityId> {
        let a = self.a;
        let head = title_end.checked_sub(1)?;
        let is_owner = |w: usize| matches!(a.lower[w].as_ref(), "its" | "their");
        // The parser hangs "their" on the name in "their manager Liam Ford", so the title's
        // own determiner counts too.
        let owned =
            a.child(head, "poss").is_some_and(is_owner) || (left.outer..left.start).any(is_owner);
        if !owned {
            return None;
        }
        let m = self.organisation_subject(self.clause_of(head)?)?;
        // "AMF has begun proceedings against Vivendi, its chief executive ...": another
        // organisation or place named in between may be the owner (references::Nearer).
        let other_between = (m.end..head).any(|w| {
            self.mention_at[w].is_some_and(|n| {
                self.mentions[n].entity != m.entity
                    && matches!(self.label(n), Label::Organisation | Label::Place)
            })
        });
        (!other_between).then_some(m.entity)
    }

    /// "Corvel said on Monday that Nina Berg would become chief executive": an organisation
    /// announcing an appointment is the title's, read from the tree (the clause holding the
    /// title is what an announcing verb of `announcing_verbs.tsv` says, and that verb's subject
    /// is an organisation).
    fn announcing_organisation(&self, title_end: usize) -> Option<EntityId> {
        let a = self.a;
        let head = title_end.checked_sub(1)?;
        let clause = self.clause_of(head)?;
        if a.dep(clause) != "ccomp" {
            return None;
        }
        let announcing = a
            .head(clause)
            .filter(|&v| ANNOUNCING_VERBS.contains(a.lower[v].as_ref()))?;
        self.organisation_subject(announcing).map(|m| m.entity)
    }

    fn is_verb(&self, w: usize) -> bool {
        self.a.doc.words[w].pos.is_some_and(|p| p.starts_with("VB"))
    }

    /// The verb of the clause holding word `w`: the nearest verb above it in the tree.
    fn clause_of(&self, w: usize) -> Option<usize> {
        self.a.ancestors(w).skip(1).find(|&v| self.is_verb(v))
    }

    /// The mention that is `verb`'s subject, when it names an organisation.
    fn organisation_subject(&self, verb: usize) -> Option<&MentionAt> {
        let subject = self.a.subjects(verb).next()?;
        let m = &self.mentions[self.mention_at[subject]?];
        (self.entities[m.entity].label == Label::Organisation).then_some(m)
    }

    fn left(&self, title_start: usize, first: usize) -> Left {
        let mut start = title_start;
        let mut former = self.ex_before(start, first);
        if former {
            start -= 2;
        }
        // Free noun modifiers before a lexicon title ("committee chairman", "Labour party
        // leader"), then descriptive words ("Tottenham's new manager").
        let mut scan = start;
        for _ in 0..2 {
            if self.org_before(scan, first).is_some() {
                break;
            }
            if scan > first
                && titles::is_noun_modifier(self.a.doc, scan - 1)
                && self.mention_at[scan - 1].is_none()
            {
                scan -= 1;
            }
        }
        while scan > first && titles::DESCRIPTIVE.contains(&self.a.lower[scan - 1].as_ref()) {
            scan -= 1;
        }
        let mut org = self.org_before(scan, first);
        if let Some((org_start, _)) = org {
            start = org_start;
        } else if scan < start
            && (scan == first
                || matches!(self.a.word(scan - 1), "," | "(")
                || DETERMINERS.contains(self.a.lower[scan - 1].as_ref())
                || self.linking_verb(scan, first).is_some())
        {
            // Without an organisation, modifiers count only where a noun phrase must start
            // ("Jean Corston, committee chairman", "Jay-Z becomes label boss"), not anywhere
            // ("gave a statement chairman ...").
            start = scan;
        }
        if start > first && self.a.lower[start - 1] == "former" {
            former = true;
            start -= 1;
        } else if self.ex_before(start, first) {
            former = true;
            start -= 2;
        }
        // An owner before "former": "McDonald's former chief executive", "Marley's former head
        // of press" (a person's: no organisation).
        if former && org.is_none() {
            org = self.org_before(start, first);
            if let Some((org_start, _)) = org {
                start = org_start;
            }
        }
        let mut outer = start;
        while outer > first && titles::DESCRIPTIVE.contains(&self.a.lower[outer - 1].as_ref()) {
            outer -= 1;
        }
        // "the then chancellor": no longer.
        if outer > first && self.a.lower[outer - 1] == "then" {
            former = true;
            outer -= 1;
        }
        if outer > first && DETERMINERS.contains(self.a.lower[outer - 1].as_ref()) {
            outer -= 1;
        }
        // "Johann Cruyff, currently a consultant at Barcelona".
        if outer > first + 1
            && ADVERBS.contains(self.a.lower[outer - 1].as_ref())
            && self.a.word(outer - 2) == ","
        {
            outer -= 1;
        }
        Left {
            start,
            outer,
            org: org.and_then(|(_, o)| o),
            former,
        }
    }

    /// "ex-" glued before word `i`.
    fn ex_before(&self, i: usize, first: usize) -> bool {
        i >= first + 2
            && self.a.lower[i - 2] == "ex"
            && self.a.word(i - 1) == "-"
            && self.a.glued(i - 2)
            && self.a.glued(i - 1)
    }

    /// An organisation, place or nationality right before word `end`, possibly possessive, or
    /// a reference back to a company named before ("Its chief executive", "the firm's
    /// chairman"): (start word, the organisation when it is one).
    fn org_before(&self, end: usize, first: usize) -> Option<(usize, Option<Org>)> {
        if let Some(start) = self.company_reference_before(end, first) {
            // "Vivendi and its former chief executive", "Vivendi, its chief executive": the
            // organisation right before "its" is the one meant.
            let beside = (start > first + 1
                && self.a.lower[start] == "its"
                && matches!(self.a.lower[start - 1].as_ref(), "and" | ","))
            .then(|| self.mention_ending(start - 1))
            .flatten()
            .filter(|&m| self.label(m) == Label::Organisation);
            if let Some(m) = beside {
                return Some((start, Some(Org::Entity(self.mentions[m].entity))));
            }
            let at = self.a.doc.words[start].start;
            let company = self
                .named
                .opening_organisation(self.a, at, references::Nearer::Blocks);
            if let Some(company) = company {
                return Some((start, Some(Org::Entity(company))));
            }
        }
        let mut end = end;
        if self.glued_s_before(end, first) {
            end -= 2;
        } else if end >= first + 2
            && names::is_apostrophe(self.a.word(end - 1))
            && self.a.glued(end - 2)
            && self.a.lower[end - 2].ends_with('s')
        {
            end -= 1;
        }
        if end == first {
            return None;
        }
        // "Dutch football federation (KNVB) spokesman": a bracketed name before the title.
        if end >= first + 3 && self.a.word(end - 1) == ")" {
            if let Some(m) = self.mention_ending(end - 1) {
                let mention = &self.mentions[m];
                if mention.start > first
                    && self.a.word(mention.start - 1) == "("
                    && matches!(self.label(m), Label::Organisation | Label::Place)
                {
                    return Some((mention.start - 1, Some(Org::Entity(mention.entity))));
                }
            }
        }
        if let Some(m) = self.mention_ending(end) {
            let mention = &self.mentions[m];
            let org = match self.label(m) {
                Label::Organisation | Label::Place => Some(Org::Entity(mention.entity)),
                Label::Person => return (end < mention.end + 2).then_some((mention.start, None)),
                _ => self.country_at(mention.start, end),
            };
            return Some((mention.start, org));
        }
        // "Greater Manchester police" named elsewhere as one organisation.
        if let Some(m) = self.mention_ending(end - 1) {
            let start = self.mentions[m].start;
            let span =
                &self.a.doc.text[self.a.doc.words[start].start..self.a.doc.words[end - 1].end];
            if let Some(&e) = self.by_key.get(&key(span)) {
                return Some((start, Some(Org::Entity(e))));
            }
        }
        (1..=4)
            .rev()
            .filter(|&k| end >= first + k && (end - k..end).all(|i| self.mention_at[i].is_none()))
            .find_map(|k| Some((end - k, Some(self.country_at(end - k, end)?))))
    }

    /// Where a reference to a company ending right before word `end` starts: "its", "the
    /// firm's" (nouns of `company_nouns.tsv`).
    fn company_reference_before(&self, end: usize, first: usize) -> Option<usize> {
        if end > first && self.a.lower[end - 1] == "its" {
            return Some(end - 1);
        }
        (end >= first + 4
            && self.glued_s_before(end, first)
            && references::COMPANY_NOUNS.contains(self.a.lower[end - 3].as_ref())
            && self.a.lower[end - 4] == "the")
            // Lazily: `end - 4` overflows when the test fails for a short prefix.
            .then(|| end - 4)
    }

    /// Whether a possessive "’s" glued to a word ends right before word `end` ("McDonald's").
    fn glued_s_before(&self, end: usize, first: usize) -> bool {
        end >= first + 3
            && self.a.lower[end - 1] == "s"
            && names::is_apostrophe(self.a.word(end - 2))
            && self.a.glued(end - 3)
            && self.a.glued(end - 2)
    }

    /// The country an adjective at words `start..end` names ("British", "U.S.").
    fn country_at(&self, start: usize, end: usize) -> Option<Org> {
        let span = &self.a.doc.text[self.a.doc.words[start].start..self.a.doc.words[end - 1].end];
        let adjective = span.split_whitespace().collect::<Vec<_>>().join(" ");
        demonyms::country_of_adjective(&adjective).map(Org::Country)
    }

    fn right(&self, title_end: usize, last: usize) -> Right {
        let closed_at = |next: usize, org: Option<EntityId>, end: usize| Right {
            end,
            next,
            org,
            closed: true,
        };
        if let Some((org, end)) = self.org_after_preposition(title_end, last) {
            return closed_at(end, Some(org), end);
        }
        if title_end < last && PREPOSITIONS.contains(self.a.lower[title_end].as_ref()) {
            // "principal of the college,": a short phrase up to punctuation.
            let mut org = None;
            let mut end = title_end;
            let mut i = title_end + 1;
            while i < last && i <= title_end + 8 {
                if self.terminates(i) {
                    return closed_at(i, org, end);
                }
                if let Some(m) = self.mention_at[i] {
                    let mention = &self.mentions[m];
                    if org.is_none() && matches!(self.label(m), Label::Organisation | Label::Place)
                    {
                        org = Some(mention.entity);
                        end = mention.end;
                    }
                    i = mention.end;
                } else {
                    i += 1;
                }
            }
            if i == last {
                return closed_at(i, org, end);
            }
            return Right {
                end: title_end,
                next: title_end,
                org: None,
                closed: false,
            };
        }
        Right {
            end: title_end,
            next: title_end,
            org: None,
            closed: self.closes(title_end, last),
        }
    }

    /// "of [the] McDonald's" from word `i`: the organisation or place a preposition of
    /// `title_prepositions.tsv` introduces, and the word after its name.
    fn org_after_preposition(&self, i: usize, last: usize) -> Option<(EntityId, usize)> {
        if i >= last || !PREPOSITIONS.contains(self.a.lower[i].as_ref()) {
            return None;
        }
        let mut i = i + 1;
        if i < last && DETERMINERS.contains(self.a.lower[i].as_ref()) {
            i += 1;
        }
        let m = self.mention_at.get(i).copied().flatten()?;
        let mention = &self.mentions[m];
        (i < last
            && mention.start == i
            && matches!(self.label(m), Label::Organisation | Label::Place))
        .then_some((mention.entity, mention.end))
    }

    /// Whether the phrase before word `i` is complete: the sentence ends, or punctuation or a
    /// closing word follows.
    fn closes(&self, i: usize, last: usize) -> bool {
        i >= last || self.terminates(i) || CLOSING_WORDS.contains(self.a.lower[i].as_ref())
    }

    fn terminates(&self, i: usize) -> bool {
        matches!(
            self.a.word(i),
            "," | ";"
                | ":"
                | ")"
                | "."
                | "!"
                | "?"
                | "-"
                | "–"
                | "—"
                | "”"
                | "\""
                | "said"
                | "says"
                | "told"
                | "added"
                | "who"
                | "which"
        )
    }

    /// A linking verb phrase ending right before word `end`, with its auxiliaries (adverbs
    /// may sit among them): its first word and whether it ends the role.
    fn linking_verb(&self, end: usize, first: usize) -> Option<(usize, bool)> {
        // Up to eight words before `end`, nearest first, adverbs left out.
        let mut words = Vec::new();
        let mut i = end;
        while i > first && words.len() < 8 {
            i -= 1;
            if !ADVERBS.contains(self.a.lower[i].as_ref()) {
                words.push(i);
            }
        }
        let (phrase, needs_auxiliary, over) = LINKING_VERBS
            .iter()
            .filter(|(phrase, _, _)| {
                let n = phrase.split(' ').count();
                n <= words.len()
                    && phrase
                        .split(' ')
                        .rev()
                        .zip(&words)
                        .all(|(p, &w)| self.a.lower[w] == p)
            })
            .max_by_key(|(phrase, _, _)| phrase.len())?;
        let n = phrase.split(' ').count();
        let auxiliaries: Vec<&str> = words[n..]
            .iter()
            .map(|&w| self.a.lower[w].as_ref())
            .take_while(|w| AUXILIARIES.contains(w))
            .collect();
        if *needs_auxiliary && auxiliaries.is_empty() {
            return None;
        }
        let had_been = auxiliaries.first() == Some(&"had") && *phrase == "been"
            || auxiliaries.windows(2).any(|w| w == ["been", "had"]);
        Some((words[n + auxiliaries.len() - 1], *over || had_been))
    }
}

/// Places that are countries → their entity.
fn country_entities(text: &str, entities: &[Entity]) -> HashMap<usize, EntityId> {
    let mut map = HashMap::new();
    for entity in entities.iter().filter(|e| e.label == Label::Place) {
        let mentions = entity
            .mentions
            .iter()
            .map(|m| text[m.start..m.end].to_string());
        let names = std::iter::once(entity.name(text)).chain(mentions);
        for country in names.filter_map(|n| demonyms::country_of_name(&key(&n))) {
            map.entry(country).or_insert(entity.id);
        }
    }
    map
}

/// The entity of `country`: the document's own (a place named "Britain", "UK", ...), else
/// one created for it, named from the demonym table. A created entity has no mentions: the
/// country is inferred from an adjective, which stays a mention of its own demonym entity
/// (docs/ANNOTATION.md: demonyms are MISC entities); the role's span is the evidence.
fn country_entity(
    entities: &mut EntityTable,
    countries: &mut HashMap<usize, EntityId>,
    country: usize,
) -> EntityId {
    *countries.entry(country).or_insert_with(|| {
        let name = EntityName::Listed(demonyms::country_name(country));
        entities.add(Label::Place, name, Vec::new())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Entity, Role};
    use crate::rules::testing::{doc, record, table_mentions, SEED, SEED_MENTIONS};
    use crate::rules::{entities, lexicon, Annotations};

    /// A role by names: (person, title, org, former, text).
    type Named = (String, String, Option<String>, bool, String);

    /// The roles found with `switches`, and the entities after.
    fn found_with<'a>(
        text: &'a str,
        mentions: &[(&str, &'a str)],
        switches: &Switches,
    ) -> (Vec<Role>, Vec<Entity>) {
        let d = doc(text, mentions);
        let a = Analysis::new(&d);
        let mut entities = entities::resolve(&a, switches);
        let named = references::Named::new(&entities);
        let roles = find(&a, &mut entities, &named, switches);
        let annotations = Annotations {
            entities,
            roles,
            facts: Vec::new(),
        };
        let record = record(&d, annotations);
        (record.roles, record.entities)
    }

    /// The roles found, by names, and the entities after.
    fn roles_of(text: &str, mentions: &[(&str, &'static str)]) -> (Vec<Named>, Vec<Entity>) {
        let (roles, entities) = found_with(text, mentions, &Switches::default());
        let name = |id: &str| entities.iter().find(|e| e.id == id).unwrap().name.clone();
        let out = roles
            .iter()
            .map(|r| {
                let span: String = text.chars().skip(r.start).take(r.end - r.start).collect();
                assert_eq!(span, r.text);
                let person = entities.iter().find(|e| e.id == r.person).unwrap();
                assert_eq!(person.label, "PER");
                (
                    name(&r.person),
                    r.title.clone(),
                    r.org.as_deref().map(name),
                    r.former,
                    r.text.clone(),
                )
            })
            .collect();
        (out, entities)
    }

    /// tests/fixtures/role_phrases.tsv: each row's role is made by its named pattern, and
    /// switching that pattern off changes the sentence's roles; every pattern has a row.
    #[test]
    fn role_phrase_table() {
        let data = include_str!("../../tests/fixtures/role_phrases.tsv");
        let mut tested = std::collections::HashSet::new();
        for row in lexicon::entries(data) {
            let [sentence, mentions, person, title, org, rule] = row[..] else {
                panic!("not 6 columns: {row:?}");
            };
            let line = row.join(" | ");
            let mentions = table_mentions(mentions);
            let by_name = |switches: &Switches| {
                let (roles, entities) = found_with(sentence, &mentions, switches);
                let name = |id: &str| entities.iter().find(|e| e.id == id).unwrap().name.clone();
                roles
                    .iter()
                    .map(|r| {
                        let org = r.org.as_deref().map_or("-".to_string(), name);
                        (
                            name(&r.person),
                            r.title.clone(),
                            org,
                            r.rule.clone().unwrap(),
                        )
                    })
                    .collect::<Vec<_>>()
            };
            let with = by_name(&Switches::default());
            let without = by_name(&Switches::without(&[rule]).unwrap());
            if person == "-" {
                assert!(with.iter().all(|r| r.1 != title), "{line}\n{with:?}");
                assert!(without.iter().any(|r| r.1 == title), "{line}\n{without:?}");
            } else {
                let want = (person.into(), title.into(), org.into(), rule.into());
                assert!(with.contains(&want), "{line}\n{with:?}");
                assert!(!without.contains(&want), "{line}\n{without:?}");
            }
            tested.insert(rule);
        }
        let untested: Vec<_> = ROLE_PATTERNS
            .iter()
            .filter(|p| !tested.contains(p.name) && !TREE_PATTERNS.contains(&p.name))
            .map(|p| p.name)
            .collect();
        assert!(untested.is_empty(), "patterns without a row: {untested:?}");
    }

    fn role(person: &str, title: &str, org: Option<&str>, former: bool, text: &str) -> Named {
        (
            person.into(),
            title.into(),
            org.map(Into::into),
            former,
            text.into(),
        )
    }

    #[test]
    fn seed_roles() {
        // The seed with mentions as a CoNLL-style model gives them: honorifics outside ("Ms
        // May" → "May"), "Greater Manchester" and "US" LOC, "British" MISC.
        let (roles, entities) = roles_of(SEED, SEED_MENTIONS);
        assert_eq!(
            roles,
            [
                role(
                    "Theresa May",
                    "prime minister",
                    Some("Britain"),
                    false,
                    "British prime minister Theresa May"
                ),
                role(
                    "Ian Hopkins",
                    "chief constable",
                    Some("Greater Manchester police"),
                    false,
                    "Greater Manchester police chief constable Ian Hopkins"
                ),
                // Descriptions and family relations are roles; relations have no org.
                role(
                    "Ariana Grande",
                    "pop star",
                    Some("US"),
                    false,
                    "US pop star Ariana Grande"
                ),
                role("Lisa", "mother", None, false, "her mother, Lisa"),
                role("Ashlee", "sister", None, false, "sister Ashlee"),
            ]
        );
        let entity = |name: &str| -> &Entity {
            entities
                .iter()
                .find(|e| e.name == name)
                .unwrap_or_else(|| panic!("no entity {name}"))
        };
        let texts = |name: &str| -> Vec<&str> {
            entity(name)
                .mentions
                .iter()
                .map(|m| m.text.as_str())
                .collect()
        };
        // The people's clusters are entities.rs's seed test; here, what the roles point to.
        assert_eq!(entity("Greater Manchester police").label, "ORG");
        assert_eq!(
            texts("Greater Manchester police"),
            ["Greater Manchester police", "Greater Manchester police"]
        );
        assert_eq!(entity("Manchester Arena").label, "LOC");
        // "British" stays a demonym entity of its own and is no mention of Britain: the role
        // points to the country the text names elsewhere.
        assert_eq!(texts("Britain"), ["Britain", "Britain", "Britain"]);
        assert_eq!(texts("British"), ["British"]);
        assert_eq!(entity("British").label, "MISC");
        assert_eq!(texts("US"), ["US", "US"]);
        // Every entity is mentioned (no country had to be created), ids by first mention.
        for (n, e) in entities.iter().enumerate() {
            assert_eq!(e.id, format!("e{}", n + 1));
            assert!(!e.mentions.is_empty(), "{e:?}");
        }
        assert!(entities
            .windows(2)
            .all(|w| w[0].mentions[0].start < w[1].mentions[0].start));
    }

    #[test]
    fn demonym_creates_its_country() {
        // BBC politics.
        let text = "More than 20 other world leaders are expected to attend including French President Jacques Chirac - due to speak by video link - and South African President Thabo Mbeki, whose arrival has been delayed.";
        let (roles, entities) = roles_of(
            text,
            &[
                ("French", "MISC"),
                ("Jacques Chirac", "PER"),
                ("South African", "MISC"),
                ("Thabo Mbeki", "PER"),
            ],
        );
        assert_eq!(
            roles,
            [
                role(
                    "Jacques Chirac",
                    "president",
                    Some("France"),
                    false,
                    "French President Jacques Chirac"
                ),
                role(
                    "Thabo Mbeki",
                    "president",
                    Some("South Africa"),
                    false,
                    "South African President Thabo Mbeki"
                ),
            ]
        );
        // The demonym stays a MISC entity; the created countries have no mentions and come
        // after the mentioned entities, in order of creation.
        let summary: Vec<_> = entities
            .iter()
            .map(|e| {
                (
                    e.id.as_str(),
                    e.label.as_str(),
                    e.name.as_str(),
                    e.mentions.len(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("e1", "MISC", "French", 1),
                ("e2", "PER", "Jacques Chirac", 1),
                ("e3", "MISC", "South African", 1),
                ("e4", "PER", "Thabo Mbeki", 1),
                ("e5", "LOC", "France", 0),
                ("e6", "LOC", "South Africa", 0)
            ]
        );
        // A country the document names is used, not created: "US" for "American".
        let (roles, entities) = roles_of(
            "American president George Bush met Tony Blair in the US.",
            &[
                ("American", "MISC"),
                ("George Bush", "PER"),
                ("Tony Blair", "PER"),
                ("US", "LOC"),
            ],
        );
        assert_eq!(roles[0].2.as_deref(), Some("US"));
        assert_eq!(entities.len(), 4);
        let us = entities.iter().find(|e| e.name == "US").unwrap();
        assert_eq!(us.mentions.len(), 1);
        // Without a model mention for the adjective too.
        let (roles, _) = roles_of(
            "Newly elected Palestinian leader Mahmoud Abbas arrived.",
            &[("Mahmoud Abbas", "PER")],
        );
        assert_eq!(roles[0].2.as_deref(), Some("Palestine"));
    }

    #[test]
    fn descriptions_and_relations() {
        // entertainment/abba-queen-enters-music-rich-list.txt: "mogul" takes its modifier.
        let (roles, _) = roles_of(
            "But Pop Idol mogul Simon Fuller has seen his wealth plummet. Music mogul Tony Wilson agreed.",
            &[("Pop Idol", "ORG"), ("Simon Fuller", "PER"), ("Tony Wilson", "PER")],
        );
        let titles: Vec<(&str, &str)> =
            roles.iter().map(|r| (r.0.as_str(), r.1.as_str())).collect();
        assert_eq!(
            titles,
            [("Simon Fuller", "mogul"), ("Tony Wilson", "music mogul")]
        );
        // BBC entertainment and news: descriptions take the org or country before them.
        let (roles, _) = roles_of(
            "The Manchester suicide bomber Salman Abedi was 22. Hollywood star Tom Cruise and his brother-in-law Peter Smith arrived.",
            &[
                ("Manchester", "LOC"),
                ("Salman Abedi", "PER"),
                ("Hollywood", "LOC"),
                ("Tom Cruise", "PER"),
                ("Peter Smith", "PER"),
            ],
        );
        assert_eq!(
            roles,
            [
                role(
                    "Salman Abedi",
                    "suicide bomber",
                    Some("Manchester"),
                    false,
                    "Manchester suicide bomber Salman Abedi"
                ),
                role(
                    "Tom Cruise",
                    "star",
                    Some("Hollywood"),
                    false,
                    "Hollywood star Tom Cruise"
                ),
                role(
                    "Peter Smith",
                    "brother-in-law",
                    None,
                    false,
                    "his brother-in-law Peter Smith"
                ),
            ]
        );
        // A relation has no org, even after a place or a nationality; a named possessor
        // opens the statement.
        let (roles, entities) = roles_of(
            "British mother Jane Smith spoke. Abedi's brother, Hashem Abedi, was held.",
            &[
                ("British", "MISC"),
                ("Jane Smith", "PER"),
                ("Hashem Abedi", "PER"),
                ("Abedi", "PER"),
            ],
        );
        assert_eq!(
            roles,
            [
                role(
                    "Jane Smith",
                    "mother",
                    None,
                    false,
                    "British mother Jane Smith"
                ),
                role(
                    "Hashem Abedi",
                    "brother",
                    None,
                    false,
                    "Abedi's brother, Hashem Abedi"
                ),
            ]
        );
        assert!(entities.iter().all(|e| e.name != "Britain"));
        // docs/ANNOTATION.md's examples.
        let (roles, _) = roles_of(
            "Mr Nogar's son Stephen spoke. Dhani Harrison, son of the late Beatle George Harrison, sang.",
            &[
                ("Nogar", "PER"),
                ("Stephen", "PER"),
                ("Dhani Harrison", "PER"),
                ("Beatle", "MISC"),
                ("George Harrison", "PER"),
            ],
        );
        let found: Vec<(&str, &str, Option<&str>)> = roles
            .iter()
            .map(|r| (r.0.as_str(), r.1.as_str(), r.2.as_deref()))
            .collect();
        assert_eq!(
            found,
            [("Stephen", "son", None), ("Dhani Harrison", "son", None)]
        );
        // Evaluations, parts in one event and non-family relations are no roles.
        for text in [
            "Beatles legend Paul McCartney sang.",
            "Top seed Lleyton Hewitt won.",
            "Police named the suspect, Paul McCartney, on Monday.",
            "He arrived with his girlfriend Jane Smith.",
        ] {
            let (roles, _) = roles_of(
                text,
                &[
                    ("Paul McCartney", "PER"),
                    ("Lleyton Hewitt", "PER"),
                    ("Jane Smith", "PER"),
                ],
            );
            assert!(roles.is_empty(), "{text}: {roles:?}");
        }
        // No named person next to it: no role.
        for text in [
            "Her mother said she was a pop star.",
            "The pop star cancelled the tour, Ariana Grande's manager said.",
            "She went with her mother and sister to see Ariana Grande.",
            "The bomber, who was 22, died.",
        ] {
            let (roles, _) = roles_of(text, &[("Ariana Grande", "PER")]);
            assert!(roles.is_empty(), "{text}: {roles:?}");
        }
    }

    #[test]
    fn pre_nominal_possessive_and_former() {
        // BBC business and sport.
        let (roles, _) = roles_of("The deal came about as a result of a long-standing friendship between Motorola's chief executive Ed Zander and Steve Jobs.", &[("Motorola", "ORG"), ("Ed Zander", "PER"), ("Steve Jobs", "PER")]);
        assert_eq!(
            roles,
            [role(
                "Ed Zander",
                "chief executive",
                Some("Motorola"),
                false,
                "Motorola's chief executive Ed Zander"
            )]
        );
        let (roles, _) = roles_of("Cruyff has been impressed by the way former RFC Waalwijk coach Jol has turned round Spurs' fortunes since taking over from Jacques Santini.", &[("Cruyff", "PER"), ("RFC Waalwijk", "ORG"), ("Jol", "PER"), ("Spurs", "ORG"), ("Jacques Santini", "PER")]);
        assert_eq!(
            roles,
            [role(
                "Jol",
                "coach",
                Some("RFC Waalwijk"),
                true,
                "former RFC Waalwijk coach Jol"
            )]
        );
        let (roles, _) = roles_of("Tottenham sporting director Frank Arnesen has denied that coach Jacques Santini resigned because of a clash of personalities at White Hart Lane.", &[("Tottenham", "ORG"), ("Frank Arnesen", "PER"), ("Jacques Santini", "PER"), ("White Hart Lane", "LOC")]);
        assert_eq!(
            roles,
            [
                role(
                    "Frank Arnesen",
                    "sporting director",
                    Some("Tottenham"),
                    false,
                    "Tottenham sporting director Frank Arnesen"
                ),
                role(
                    "Jacques Santini",
                    "coach",
                    None,
                    false,
                    "coach Jacques Santini"
                ),
            ]
        );
        let (roles, _) = roles_of(
            "United manager Sir Alex Ferguson was furious.",
            &[("United", "ORG"), ("Alex Ferguson", "PER")],
        );
        assert_eq!(
            roles,
            [role(
                "Alex Ferguson",
                "manager",
                Some("United"),
                false,
                "United manager Sir Alex Ferguson"
            )]
        );
    }

    #[test]
    fn capitalised_titles_and_dotted_honorifics() {
        // BBC politics.
        let (roles, _) = roles_of(
            "Prime Minister Tony Blair and Chancellor Gordon Brown met Mr. Howard, the Tory leader.",
            &[("Tony Blair", "PER"), ("Gordon Brown", "PER"), ("Howard", "PER"), ("Tory", "ORG")],
        );
        assert_eq!(
            roles,
            [
                role(
                    "Tony Blair",
                    "prime minister",
                    None,
                    false,
                    "Prime Minister Tony Blair"
                ),
                role(
                    "Gordon Brown",
                    "chancellor",
                    None,
                    false,
                    "Chancellor Gordon Brown"
                ),
                role(
                    "Howard",
                    "leader",
                    Some("Tory"),
                    false,
                    "Mr. Howard, the Tory leader"
                ),
            ]
        );
    }

    #[test]
    fn guideline_examples() {
        // docs/ANNOTATION.md, section 2.
        let (roles, _) = roles_of(
            "As chief operating officer, Toshiyuki Shiga will run the firm. WPP chief executive Sir Martin Sorrell agreed, as did Terry Lundgren, Federated's chairman.",
            &[("Toshiyuki Shiga", "PER"), ("WPP", "ORG"), ("Martin Sorrell", "PER"), ("Terry Lundgren", "PER"), ("Federated", "ORG")],
        );
        let found: Vec<(&str, &str, Option<&str>)> = roles
            .iter()
            .map(|r| (r.0.as_str(), r.1.as_str(), r.2.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                ("Toshiyuki Shiga", "chief operating officer", None),
                ("Martin Sorrell", "chief executive", Some("WPP")),
                ("Terry Lundgren", "chairman", Some("Federated")),
            ]
        );
    }

    #[test]
    fn appositives() {
        // The example, then BBC business.
        let (roles, _) = roles_of(
            "Charlie Bell, the former head of McDonald's, has died.",
            &[("Charlie Bell", "PER"), ("McDonald's", "ORG")],
        );
        assert_eq!(
            roles,
            [role(
                "Charlie Bell",
                "head",
                Some("McDonald's"),
                true,
                "Charlie Bell, the former head of McDonald's"
            )]
        );
        let (roles, _) = roles_of("\"The economic impact will be large,\" Glenn Maguire, chief economist for the region at Societe Generale, told Agence France Presse.", &[("Glenn Maguire", "PER"), ("Societe Generale", "ORG"), ("Agence France Presse", "ORG")]);
        assert_eq!(
            roles,
            [role(
                "Glenn Maguire",
                "chief economist",
                Some("Societe Generale"),
                false,
                "Glenn Maguire, chief economist for the region at Societe Generale"
            )]
        );
        let (roles, _) = roles_of(
            "Joyce Johnston, principal of the college, said: \"It is very fitting.\"",
            &[("Joyce Johnston", "PER")],
        );
        assert_eq!(
            roles,
            [role(
                "Joyce Johnston",
                "principal",
                None,
                false,
                "Joyce Johnston, principal"
            )]
        );
        let (roles, _) = roles_of(
            "Jean Corston, committee chairman, said the report was clear.",
            &[("Jean Corston", "PER")],
        );
        assert_eq!(roles[0].1, "chairman");
        let (roles, _) = roles_of(
            "The Ukraine's new president, Viktor Yushchenko, will also be there.",
            &[("Ukraine", "LOC"), ("Viktor Yushchenko", "PER")],
        );
        assert_eq!(
            roles,
            [role(
                "Viktor Yushchenko",
                "president",
                Some("Ukraine"),
                false,
                "Ukraine's new president, Viktor Yushchenko"
            )]
        );
    }

    #[test]
    fn linking_verbs_and_aliases() {
        // The example: the role through "Mr Bell" lands on Charlie Bell.
        let text = "Charlie Bell has died. Mr Bell took over as chief executive in 2004.";
        let (roles, _) = roles_of(text, &[("Charlie Bell", "PER"), ("Bell", "PER")]);
        assert_eq!(
            roles,
            [role(
                "Charlie Bell",
                "chief executive",
                None,
                false,
                "Mr Bell took over as chief executive"
            )]
        );
        // BBC politics and business.
        let (roles, _) = roles_of(
            "Lord Callaghan resigned as Labour leader.",
            &[("Callaghan", "PER"), ("Labour", "ORG")],
        );
        assert_eq!(
            roles,
            [role(
                "Callaghan",
                "leader",
                Some("Labour"),
                true,
                "Lord Callaghan resigned as Labour leader"
            )]
        );
        let (roles, _) = roles_of("Dr Greenspan - who became chairman of the Federal Reserve for an unprecedented fifth term in June 2004 - will step down in January next year.", &[("Greenspan", "PER"), ("Federal Reserve", "ORG")]);
        assert_eq!(
            roles,
            [role(
                "Greenspan",
                "chairman",
                Some("Federal Reserve"),
                false,
                "Dr Greenspan - who became chairman of the Federal Reserve"
            )]
        );
        let (roles, _) = roles_of(
            "Walter Smith was named as the new national manager.",
            &[("Walter Smith", "PER")],
        );
        assert_eq!(roles[0].1, "national manager");
    }

    #[test]
    fn succession_and_expectation() {
        // BBC business: the successor and the one succeeded.
        let (roles, _) = roles_of(
            "Carlos Ghosn will succeed Yoshikazu Hanawa as chief executive of Nissan in June.",
            &[
                ("Carlos Ghosn", "PER"),
                ("Yoshikazu Hanawa", "PER"),
                ("Nissan", "ORG"),
            ],
        );
        let found: Vec<(&str, &str, Option<&str>, bool)> = roles
            .iter()
            .map(|r| (r.0.as_str(), r.1.as_str(), r.2.as_deref(), r.3))
            .collect();
        assert_eq!(
            found,
            [
                ("Carlos Ghosn", "chief executive", Some("Nissan"), false),
                ("Yoshikazu Hanawa", "chief executive", Some("Nissan"), true)
            ]
        );
        let (roles, _) = roles_of(
            "Gordon Brown is expected to become prime minister.",
            &[("Gordon Brown", "PER")],
        );
        assert_eq!(roles[0].1, "prime minister");
    }

    #[test]
    fn parenthetical_and_coordinated_titles() {
        // BBC sport.
        let (roles, _) = roles_of("\"If (coach) Peter Lundgren will stick around with me and I can improve, then I can win.\"", &[("Peter Lundgren", "PER")]);
        assert_eq!(
            roles,
            [role(
                "Peter Lundgren",
                "coach",
                None,
                false,
                "(coach) Peter Lundgren"
            )]
        );
        // Both titles belong to the organisation (business/european-losses-hit-gm-s-profits.txt).
        let text = "GM chairman and chief executive Rick Wagoner said so.";
        let (roles, _) = roles_of(text, &[("GM", "ORG"), ("Rick Wagoner", "PER")]);
        let statement = "GM chairman and chief executive Rick Wagoner";
        assert_eq!(
            roles,
            [
                role("Rick Wagoner", "chairman", Some("GM"), false, statement),
                role(
                    "Rick Wagoner",
                    "chief executive",
                    Some("GM"),
                    false,
                    statement
                )
            ]
        );
        let (roles, _) = roles_of(
            "Former Microsoft chairman and chief executive Steve Ballmer spoke.",
            &[("Microsoft", "ORG"), ("Steve Ballmer", "PER")],
        );
        let titles: Vec<(&str, bool)> = roles.iter().map(|r| (r.1.as_str(), r.3)).collect();
        assert_eq!(titles, [("chairman", true), ("chief executive", true)]);
        // A bracketed acronym names the organisation (sport/legendary-dutch-boss-michels-dies.txt).
        let text = "Michels had recently undergone heart surgery and Dutch football federation (KNVB) spokesman Frank Huizinga said: \"He was one of the best coaches.\"";
        let (roles, _) = roles_of(
            text,
            &[
                ("Michels", "PER"),
                ("KNVB", "ORG"),
                ("Frank Huizinga", "PER"),
            ],
        );
        assert_eq!(
            roles,
            [role(
                "Frank Huizinga",
                "spokesman",
                Some("KNVB"),
                false,
                "(KNVB) spokesman Frank Huizinga"
            )]
        );
        // A bracketed person is no organisation.
        let (roles, _) = roles_of(
            "The singer (Madonna) spokesman Liz Rosenberg said so.",
            &[("Madonna", "PER"), ("Liz Rosenberg", "PER")],
        );
        assert_eq!(
            roles.iter().map(|r| r.2.clone()).collect::<Vec<_>>(),
            [None]
        );
    }

    #[test]
    fn plural_titles_lists_and_portfolios() {
        // BBC business and tech.
        let (roles, _) = roles_of(
            "The SEC said former Disney directors Roy Disney, Stanley Gold and Raymond Watson had been told.",
            &[("Roy Disney", "PER"), ("SEC", "ORG"), ("Disney", "ORG"), ("Stanley Gold", "PER"), ("Raymond Watson", "PER")],
        );
        let found: Vec<(&str, &str, bool)> = roles
            .iter()
            .map(|r| (r.0.as_str(), r.1.as_str(), r.3))
            .collect();
        assert_eq!(
            found,
            [
                ("Roy Disney", "director", true),
                ("Stanley Gold", "director", true),
                ("Raymond Watson", "director", true)
            ]
        );
        assert_eq!(
            roles[2].4,
            "former Disney directors Roy Disney, Stanley Gold and Raymond Watson"
        );
        let (roles, _) = roles_of(
            "Marco Behrmann, director of community relations at Mindark, said the amount was a record.",
            &[("Marco Behrmann", "PER"), ("Mindark", "ORG")],
        );
        assert_eq!(
            roles,
            [role(
                "Marco Behrmann",
                "director of community relations",
                Some("Mindark"),
                false,
                "Marco Behrmann, director of community relations at Mindark"
            )]
        );
    }

    #[test]
    fn auxiliaries_headlines_and_hyphens() {
        // BBC entertainment headline, politics, sport.
        let (roles, _) = roles_of("Rapper Jay-Z becomes label boss\n\nRap star Jay-Z has been appointed as the new president.", &[("Jay-Z", "PER")]);
        let titles: Vec<&str> = roles.iter().map(|r| r.1.as_str()).collect();
        // A description is a role; its modifier may open the sentence ("Rap star").
        assert_eq!(titles, ["rapper", "boss", "rap star", "president"]);
        let (roles, _) = roles_of(
            "Mr Howard had been home secretary when the law was passed.",
            &[("Howard", "PER")],
        );
        assert_eq!(
            roles,
            [role(
                "Howard",
                "home secretary",
                None,
                true,
                "Mr Howard had been home secretary"
            )]
        );
        let (roles, _) = roles_of(
            "Amelie Mauresmo, a runner-up in 2004, lost.",
            &[("Amelie Mauresmo", "PER")],
        );
        assert!(roles.is_empty(), "{roles:?}");
    }

    #[test]
    fn no_role_without_a_stated_link() {
        for text in [
            "Abedi was known to the police and security services.",
            "The prime minister said the increase in the threat level means more.",
            "Police are seeking to establish if the Manchester suicide bomber who killed 22 people was acting alone.",
            "He said the prime minister's spokesman Tom Kelly had spoken.",
            "Mr Smith was manager material, said Tony Blair.",
            "They told the chairman nothing, Tony Blair said.",
        ] {
            let (roles, _) = roles_of(text, &[("Abedi", "PER"), ("Manchester", "LOC"), ("Tom Kelly", "PER"), ("Smith", "PER"), ("Tony Blair", "PER")]);
            let kept: Vec<_> = roles.iter().filter(|r| !r.1.ends_with("spokesman")).collect();
            assert!(kept.is_empty(), "{text}: {roles:?}");
        }
    }

    #[test]
    fn odd_text_does_not_panic() {
        for text in [
            "",
            "’s",
            "former",
            "chief executive",
            "(chairman)",
            "ex-",
            "Ms. Zoë, 東京 star 😀 Zoë, the former",
            "Zoë, 44,",
            "a\u{a0}Mr\u{a0}Zoë\u{2003}chairman Zoë, the\u{3000}chairman",
            "directors Zoë, and",
            "French ”chairman” Zoë (chairman",
        ] {
            let _ = roles_of(text, &[("Zoë", "PER"), ("東京", "LOC"), ("😀", "ORG")]);
        }
    }
}
