//! Numeric facts: the amounts the number reader finds ([`numbers`]) and the dates ([`dates`]),
//! tied to what the sentence says about them: the predicate, the entity they are about, and the
//! level they changed from ("the death toll rose from 19 to 22": 22, from 19).
//!
//! Each fact is made by one of the named `FACT_RULES` and tied to its entity by the first of
//! `AGE_TIES` or `FACT_TIES` that finds one; `fact_phrases.tsv` has a sentence for each.
//!
//! Conventions (the record's documented choices):
//! - `predicate` is a word as written, lowercased: the verb the number is the object or subject
//!   of ("killed", "hospitalised", "sues", "cut"); but when the verb only says that a quantity
//!   changed ("rose", "surged"), the predicate is the quantity's noun ("death toll", "profits"),
//!   since that is what the number measures. "profits surged 15%" → 15 percent, "profits".
//! - A change gives one fact: the new level as `value` and the old one as `from`. "cut by 300
//!   to 1,200" → 1200 from 1500. A change stated only as an amount ("surged 15%") gives that amount.
//! - A number with nothing after it that says what it counts becomes a fact only where the
//!   sentence does say it: a change of a measured noun, or a casualty word ("22 were killed").
//! - "$630m, down from $1bn" and "fell to 9.6% from 10.6%": the later number is the `from` of
//!   the earlier fact, not a fact of its own. Ranges ("20-25%", "between 5 and 7%") are two
//!   facts, `at_least` and `at_most`.
//! - Ages have unit "year" (docs/ANNOTATION.md) and are tied to the person the text ties them to
//!   (apposition "Smith, 44,", "(8)", "aged", "died at", "26-year-old Salman Abedi", the one who
//!   "died aged 77" in the sentence); otherwise `entity` is null.
//! - `entity` of other facts: the subject of the predicate when it is a named entity ("Parmalat
//!   sues 45 banks", "WPP's profits"), else the named subject opening the sentence.
//! - Orders of magnitude ("thousands of children") are `vague`, value 1000, `at_least`; durations
//!   ("three months", "a two-day sale") are quantities; both as docs/ANNOTATION.md labels them.

use super::analysis::Analysis;
use super::dates;
use super::labels::Label;
use super::lexicon;
use super::names;
use super::numbers::{self, is_function_word, Quantity, Toks, FRONTED_OPENERS};
use super::references::{self, COMPANY_NOUNS};
use super::Switches;
use super::{Entity, EntityId, Fact};
use crate::record::{Approx, FactKind, FactValue};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

static AUX: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("aux_words.tsv")));
static COUNT_PREDICATES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("count_predicates.tsv")));
/// Measured noun → the unit a bare number of it counts ("death toll" → "person").
static MEASURES: LazyLock<HashMap<String, Option<&'static str>>> = LazyLock::new(|| {
    lexicon::entries(lexicon::file("measure_nouns.tsv"))
        .map(|c| (c[0].to_string(), c.get(1).copied()))
        .collect()
});
/// Change verb → whether it goes up.
static CHANGES: LazyLock<HashMap<String, bool>> = LazyLock::new(|| {
    lexicon::entries(lexicon::file("change_verbs.tsv"))
        .map(|c| (c[0].to_string(), c[1] == "up"))
        .collect()
});

static CLAUSE_BREAKS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("clause_breaks.tsv")));
static AGE_JOINS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("age_joins.tsv")));
static WORKFORCE_NOUNS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("workforce_nouns.tsv")));
static SUBJECT_BREAKS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("subject_breaks.tsv")));

fn measured_unit(predicate: &str) -> Option<String> {
    MEASURES
        .get(predicate)
        .copied()
        .flatten()
        .map(str::to_string)
}

/// Entity mentions by their token span.
struct Mentions<'e> {
    /// (first token, last token, entity), in text order.
    spans: Vec<(usize, usize, &'e Entity)>,
    by_first: HashMap<usize, &'e Entity>,
    by_last: HashMap<usize, (usize, &'e Entity)>,
}

impl<'e> Mentions<'e> {
    fn new(t: &Toks, entities: &'e [Entity]) -> Self {
        let mut spans: Vec<_> = entities
            .iter()
            .flat_map(|e| e.mentions.iter().map(move |m| (m.start, m.end, e)))
            .filter_map(|(s, e_, ent)| {
                let first = t.toks.partition_point(|tok| tok.start < s);
                let after = t.toks.partition_point(|tok| tok.end <= e_);
                (first < after).then(|| (first, after - 1, ent))
            })
            .collect();
        spans.sort_by_key(|s| s.0);
        Mentions {
            by_first: spans.iter().map(|&(f, _, e)| (f, e)).collect(),
            by_last: spans.iter().map(|&(f, l, e)| (l, (f, e))).collect(),
            spans,
        }
    }

    /// The mention whose last token is `last`: (its first token, its entity).
    fn ending_at(&self, last: usize) -> Option<(usize, &'e Entity)> {
        self.by_last.get(&last).copied()
    }

    fn starting_at(&self, first: usize) -> Option<&'e Entity> {
        self.by_first.get(&first).copied()
    }

    /// The mention holding token `tok`.
    fn holding(&self, tok: usize) -> Option<&'e Entity> {
        let after = self.spans.partition_point(|s| s.0 <= tok);
        let &(_, last, e) = self.spans.get(after.checked_sub(1)?)?;
        (last >= tok).then_some(e)
    }

    /// The mentions whose first token is in `from..to`, in text order: a binary search, so
    /// that rules reading a sentence's mentions stay linear in the document's length.
    fn starting_in(&self, from: usize, to: usize) -> &[(usize, usize, &'e Entity)] {
        let start = self.spans.partition_point(|s| s.0 < from);
        let end = self.spans.partition_point(|s| s.0 < to);
        &self.spans[start..end.max(start)]
    }
}

/// How text becomes a fact, in the order `extract` tries them on each number.
const DATE: &str = "fact-date";
const AGE: &str = "fact-age";
const APPOSED_AGE: &str = "fact-apposed-age";
const CHANGE: &str = "fact-change";
const EARLIER_LEVEL: &str = "fact-earlier-level";
const COPULAR_AGE: &str = "fact-copular-age";
const AMOUNT: &str = "fact-amount";

#[rustfmt::skip]
const FACT_RULES: &[(&str, &str)] = &[
    (DATE, "on Monday; 22 May 2017; last year"),
    (APPOSED_AGE, "Saffie Rose Roussos (8); Ms May, 60,"),
    (AGE, "aged 44; a 26-year-old man"),
    (CHANGE, "the death toll rose from 19 to 22; cut by 300 to 1,200"),
    (EARLIER_LEVEL, "$630m, down from $1bn (no fact: the earlier fact's `from`)"),
    (COPULAR_AGE, "Tom Bright was just 19 when he signed; Ms Sol is 67 and has run the firm"),
    (AMOUNT, "killed at least 22 people; a 15% rise; $4.5bn"),
];

/// Who a fact is about: ways the text ties a number to an entity, tried in order.
struct Tie {
    name: &'static str,
    example: &'static str,
    find: for<'a, 'e> fn(&Ctx<'a, 'e>, &Claim) -> Tied,
}

/// What a tie finds: the entity; that the sentence says whose the number is and it is no named
/// entity's, so that no later tie guesses (`Nobody`); or nothing either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tied {
    To(EntityId),
    Nobody,
    Unsaid,
}

impl From<Option<EntityId>> for Tied {
    fn from(found: Option<EntityId>) -> Self {
        found.map_or(Tied::Unsaid, Tied::To)
    }
}

/// A number whose entity is sought: its tokens `first..=last` (the number itself from
/// `num_first`), the token a subject entity would end just before (its predicate's verb or
/// measured noun) if it has a predicate, and the number fact before it with that fact's last
/// token.
struct Claim<'f> {
    first: usize,
    last: usize,
    num_first: usize,
    head: Option<usize>,
    previous: Option<(&'f Fact, usize)>,
    /// A length of time ("three years", "a six-week ban"): it dates a clause rather than
    /// measuring something of its subject's.
    duration: bool,
    /// A percentage: "growth of 1.5% in Germany" is Germany's.
    percent: bool,
}

impl Claim<'_> {
    fn of_date(first: usize, last: usize) -> Self {
        Claim {
            first,
            last,
            num_first: first,
            head: None,
            previous: None,
            duration: false,
            percent: false,
        }
    }

    fn of(q: &Quantity, head: Option<usize>) -> Self {
        Claim {
            first: q.first,
            last: q.last,
            num_first: q.num_first,
            head,
            previous: None,
            percent: q.kind == FactKind::Percent,
            duration: q.kind == FactKind::Quantity
                && q.unit.as_deref().is_some_and(|u| {
                    matches!(u, "year" | "month" | "week" | "day" | "hour" | "minute")
                }),
        }
    }
}

#[rustfmt::skip]
const AGE_TIES: &[Tie] = &[
    Tie { name: "age-before-name", example: "26-year-old Salman Abedi", find: |c, claim| c.age_before_name(claim).into() },
    Tie { name: "age-after-name", example: "Roussos (8); May, 60; Smith, aged 44; Smith, who died in 1994 aged 72", find: |c, claim| c.age_after_name(claim).into() },
    Tie { name: "age-description", example: "Sir Nicholas Scott has died. ... The 71-year-old served; ... The former minister, 71, said", find: |c, claim| c.age_of_description(claim).into() },
    Tie { name: "age-died-in-sentence", example: "Rinus Michels, the man credited with ..., has died aged 77", find: |c, claim| c.age_of_who_died(claim).into() },
    Tie { name: "age-pronoun", example: "Jon Tate died on Friday. He was 59.", find: |c, claim| c.age_of_pronoun(claim).into() },
    Tie { name: "age-fronted-phrase", example: "At 30, Mr Lee became the youngest minister", find: |c, claim| c.age_before_subject(claim).into() },
    Tie { name: "age-clause-subject", example: "Anna Berg, the architect behind the library, has died in Oslo aged 77", find: |c, claim| c.age_of_clause_subject(claim).into() },
    Tie { name: "age-syntax-subject", example: "Signing for the club as a 17-year-old, Ruiz went on to ...; Lee, who became the bank's youngest director at 28", find: |c, claim| c.syntax_subject_person(claim).into() },
];

/// The ties of amounts and changes.
#[rustfmt::skip]
const FACT_TIES: &[Tie] = &[
    Tie { name: "tie-conversion", example: "GM earned $630m (£481.5m): the pounds are GM's too", find: |c, claim| c.converted_entity(claim).into() },
    Tie { name: "tie-possessive-amount", example: "compared to EA's $17.8bn", find: |c, claim| c.owner_before(claim).into() },
    Tie { name: "tie-predicate-subject", example: "Parmalat sues 45 banks; WPP's profits rose 15%", find: |c, claim| c.subject_entity(claim.head).into() },
    Tie { name: "tie-percent-in-place", example: "predictions of growth of 1.5% in Germany; 30% in Frankfurt", find: |c, claim| c.place_after_percent(claim).into() },
    Tie { name: "tie-clause-subject", example: "White Noise was second with $24m; Nintendo, which has sold 5 million consoles", find: |c, claim| c.clause_subject(claim) },
    Tie { name: "tie-company-reference", example: "BP added that it was increasing its dividend by 26%; The US giant earned $630m", find: |c, claim| c.referred_company(claim).into() },
    Tie { name: "tie-sentence-subject", example: "BP said its profits rose 26%", find: |c, claim| c.sentence_subject(claim.first).into() },
    Tie { name: "tie-sentence-reference", example: "Its profit rise for the year included profits of $3.65bn", find: |c, claim| c.sentence_reference(claim.first).into() },
];

/// The ties of dates. A date is mostly about no entity (tying dates as amounts are tied took
/// the tune half's facts + entity F1 from 0.665 to 0.629; by the clause subject, 0.786 to
/// 0.785 with date precision 0.67 → 0.59), but a year written before a name is that name's
/// (docs/ANNOTATION.md: "the 1974 World Cup", "Sir Clive Woodward's 2005 Lions").
#[rustfmt::skip]
const DATE_TIES: &[Tie] = &[
    Tie { name: "date-before-name", example: "the 1974 World Cup; Sir Clive Woodward's 2005 Lions", find: |c, claim| c.year_before_name(claim).into() },
];

/// The fact rules and ties that read the dependency tree: a rules test has no model to parse
/// its sentences, so tests/fixtures/syntax_phrases.tsv checks them through the default model
/// (tests/default_model.rs).
pub const TREE_RULES: &[&str] = &[COPULAR_AGE, "tie-clause-subject", "age-syntax-subject"];

/// The fact rules' and ties' names and examples, in the order they are tried.
pub fn rules() -> Vec<(&'static str, &'static str)> {
    let ties = AGE_TIES
        .iter()
        .chain(FACT_TIES)
        .chain(DATE_TIES)
        .map(|t| (t.name, t.example));
    FACT_RULES.iter().copied().chain(ties).collect()
}

pub fn extract(
    a: &Analysis,
    entities: &[Entity],
    named: &references::Named,
    switches: &Switches,
) -> Vec<Fact> {
    let t = &a.numbers;
    let found = if switches.on(DATE) {
        dates::find(t, a.doc.date)
    } else {
        Vec::new()
    };
    let mut claimed = vec![false; t.len()];
    for d in &found {
        claimed[d.first..=d.last].iter_mut().for_each(|c| *c = true);
    }
    let mut quantities = numbers::read(t, &claimed, switches);
    let mentions = Mentions::new(t, entities);
    let ctx = Ctx {
        t,
        analysis: a,
        named,
        mentions: &mentions,
        entities,
        switches,
    };
    let mut facts: Vec<Fact> = found
        .into_iter()
        .map(|d| {
            let mut f = fact(
                t,
                d.first,
                d.last,
                FactKind::Date,
                d.value.map(FactValue::Date),
                DATE,
            );
            ctx.tie(&mut f, DATE_TIES, &Claim::of_date(d.first, d.last));
            f
        })
        .collect();

    // Number facts so far: (index in `facts`, last token), for a later "down from $1bn".
    let mut recent: Vec<(usize, usize)> = Vec::new();
    let mut k = 0;
    while k < quantities.len() {
        let mut rule = AGE;
        if let Some(age) = switches
            .on(APPOSED_AGE)
            .then(|| ctx.apposed_age(&quantities[k]))
            .flatten()
        {
            quantities[k] = age;
            rule = APPOSED_AGE;
        }
        let q = &quantities[k];
        let last = q.last;
        let change = || {
            let r = quantities.get(k + 1)?;
            switches.on(CHANGE).then(|| ctx.change(q, r)).flatten()
        };
        let fact = if q.kind == FactKind::Age {
            switches.on(rule).then(|| ctx.age(q, rule))
        } else if let Some(f) = change() {
            // "from 19 to 22", "by 300 to 1,200": two numbers, one fact.
            k += 1;
            Some(f)
        } else if let Some(i) = switches
            .on(EARLIER_LEVEL)
            .then(|| ctx.earlier_level_of(q, &facts, &recent))
            .flatten()
        {
            facts[i].from = Some(q.value);
            None
        } else if let Some(age) = switches
            .on(COPULAR_AGE)
            .then(|| ctx.copular_age(q))
            .flatten()
        {
            Some(age)
        } else if switches.on(AMOUNT) {
            let previous = recent.last().map(|&(i, last)| (&facts[i], last));
            ctx.amount(q, previous)
        } else {
            None
        };
        if let Some(f) = fact {
            recent.push((facts.len(), quantities[k].last.max(last)));
            facts.push(f);
        }
        k += 1;
    }
    facts.sort_by_key(|f| (f.start, f.end));
    facts
}

/// What a pronoun can stand for: "it"/"its" a thing (an organisation, a work), "he"/"she" a
/// person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pronoun {
    Thing,
    Person,
}

/// A verb by its Penn Treebank tag (modals included).
fn is_verb(pos: Option<&str>) -> bool {
    pos.is_some_and(|p| p.starts_with("VB") || p == "MD")
}

fn fact(
    t: &Toks,
    first: usize,
    last: usize,
    kind: FactKind,
    value: Option<FactValue>,
    rule: &'static str,
) -> Fact {
    let (start, end) = (t.toks[first].start, t.toks[last].end);
    Fact {
        kind,
        value,
        approx: Approx::Exact,
        from: None,
        unit: None,
        predicate: None,
        entity: None,
        vague: false,
        start,
        end,
        rule,
        entity_rule: None,
        reading: None,
    }
}

struct Ctx<'a, 'e> {
    t: &'a Toks<'a>,
    analysis: &'a Analysis<'a, 'a>,
    named: &'a references::Named,
    mentions: &'a Mentions<'e>,
    entities: &'e [Entity],
    switches: &'a Switches,
}

/// What a number is the argument of: the predicate's text, and the token a subject entity
/// would end just before (the verb, or the measured noun); none when the number is the subject.
struct Predicate {
    text: String,
    head: Option<usize>,
}

impl<'e> Ctx<'_, 'e> {
    fn number_fact(&self, q: &Quantity, rule: &'static str) -> Fact {
        let mut f = fact(
            self.t,
            q.first,
            q.last,
            q.kind,
            Some(FactValue::Number(q.value)),
            rule,
        );
        f.approx = q.approx;
        f.unit = q.unit.as_deref().map(|u| self.currency(q.kind, u));
        f.vague = q.vague;
        f.reading = Some(q.reading);
        f
    }

    /// A currency word that needs a country ("dinar") takes it from the document's only place
    /// whose currency it can be.
    fn currency(&self, kind: FactKind, unit: &str) -> String {
        if kind != FactKind::Money || unit.chars().any(|c| c.is_uppercase()) {
            return unit.to_string();
        }
        let isos: HashSet<_> = self
            .entities
            .iter()
            .filter(|e| e.label == Label::Place)
            .filter_map(|e| numbers::currency_for_country(unit, &e.name(self.analysis.doc.text)))
            .collect();
        match isos.into_iter().collect::<Vec<_>>().as_slice() {
            [iso] => iso.to_string(),
            _ => unit.to_string(),
        }
    }

    /// A count, money, percent or quantity on its own.
    fn amount(&self, q: &Quantity, previous: Option<(&Fact, usize)>) -> Option<Fact> {
        let pred = self.predicate(q.first, q.last);
        if q.bare {
            let says_count = pred.as_ref().is_some_and(|p| {
                COUNT_PREDICATES.contains(p.text.as_str()) || MEASURES.contains_key(&p.text)
            });
            if !says_count {
                return None;
            }
        }
        let mut f = self.number_fact(q, AMOUNT);
        let claim = Claim {
            previous,
            ..Claim::of(q, pred.as_ref().and_then(|p| p.head))
        };
        self.tie(&mut f, FACT_TIES, &claim);
        f.predicate = pred.map(|p| p.text);
        Some(f)
    }

    /// "from A to B" or "by D to B" after a change verb: B, from A (or B ∓ D). A few words may
    /// come between A and "to": "from £220m last year to £75m".
    fn change(&self, q: &Quantity, r: &Quantity) -> Option<Fact> {
        let t = self.t;
        let gap = q.last + 1..r.first.saturating_sub(1);
        if r.first < q.last + 2 || gap.len() > 4 || t.l(r.first - 1) != "to" || q.first == 0 {
            return None;
        }
        // "by 12% after its profits rose to £310m": a verb between starts another statement.
        if gap.clone().any(|g| !t.is_word(g) || is_verb(t.pos(g))) {
            return None;
        }
        let marker = t.l(q.first - 1);
        if marker != "from" && marker != "by" {
            return None;
        }
        let verb = self.change_verb_before(q.first - 1)?;
        let up = CHANGES[t.l(verb)];
        let from = if marker == "from" {
            Some(q.value)
        } else if q.kind == r.kind && q.kind != FactKind::Percent {
            Some(if up {
                r.value - q.value
            } else {
                r.value + q.value
            })
        } else {
            None
        };
        let base = if r.bare && !q.bare { q } else { r };
        let mut f = self.number_fact(base, CHANGE);
        f.value = Some(FactValue::Number(r.value));
        f.approx = r.approx;
        f.from = from;
        let (start, end) = (t.toks[q.first - 1].start, t.toks[r.last].end);
        (f.start, f.end) = (start, end);
        let pred = self.change_predicate(verb);
        self.tie(&mut f, FACT_TIES, &Claim::of(q, pred.head));
        if f.unit.is_none() {
            f.unit = measured_unit(&pred.text);
        }
        f.predicate = Some(pred.text);
        Some(f)
    }

    /// "$630m ..., down from $1bn", "fell to 9.6% in December from 10.6%": `q` is the earlier
    /// level of the latest fact of its kind and unit in the sentence; returns that fact.
    fn earlier_level_of(
        &self,
        q: &Quantity,
        facts: &[Fact],
        recent: &[(usize, usize)],
    ) -> Option<usize> {
        let t = self.t;
        // "ran from 6 to 9 January" is a range, not an earlier level.
        if q.first == 0 || t.l(q.first - 1) != "from" || t.l(q.last + 1) == "to" {
            return None;
        }
        let (from, _) = t.sentence_of(q.first);
        recent
            .iter()
            .rev()
            .take_while(|&&(_, last)| last >= from && q.first.saturating_sub(last) <= 20)
            .map(|&(i, _)| i)
            .find(|&i| {
                let f = &facts[i];
                // A bare level needs "up from"/"down from" to say whose it is.
                let explicit = q.first >= 2 && matches!(t.l(q.first - 2), "up" | "down");
                f.kind == q.kind
                    && f.from.is_none()
                    && (f.unit == q.unit && !q.bare || q.bare && explicit)
            })
    }

    /// The verb just before token `i` (skipping one "-ly" adverb), if `i` follows one.
    fn verb_before(&self, i: usize) -> Option<usize> {
        let t = self.t;
        let mut v = i.checked_sub(1)?;
        if t.l(v).ends_with("ly") && v > 0 {
            v -= 1;
        }
        let w = t.l(v);
        let verbish = t.is_word(v)
            && t.s(v) == w
            && w.len() > 1
            && !is_function_word(w)
            && !AUX.contains(w)
            && !w.ends_with("ly")
            && t.pos(v).is_none_or(|p| p.starts_with("VB"));
        verbish.then_some(v)
    }

    /// The change verb a few words before token `i`, across its object: "cut its staff by".
    fn change_verb_before(&self, i: usize) -> Option<usize> {
        let t = self.t;
        (i.saturating_sub(4)..i)
            .rev()
            .take_while(|&v| t.is_word(v))
            .find(|&v| CHANGES.contains_key(t.l(v)) && t.pos(v).is_none_or(|p| p.starts_with("VB")))
    }

    /// For a change verb: the measured noun before it in its clause ("the death toll from the
    /// attack rose"), else the verb itself.
    fn change_predicate(&self, verb: usize) -> Predicate {
        let t = self.t;
        let (from, _) = t.sentence_of(verb);
        let mut k = verb;
        while k > from && verb - k < 8 {
            if let Some((s, _)) = t.phrase_before(k, &MEASURES, 3) {
                return Predicate {
                    text: t.key(s, k),
                    head: Some(s),
                };
            }
            k -= 1;
            if matches!(
                t.l(k),
                "," | ";" | ":" | "and" | "but" | "that" | "which" | "\"" | "“"
            ) {
                break;
            }
        }
        Predicate {
            text: t.l(verb).to_string(),
            head: Some(verb),
        }
    }

    /// The predicate of the number phrase `first..=last`: the verb before it whose object it is
    /// ("killed at least 22 people"), a measured noun ("death toll of 22"), or the verb after it
    /// whose subject it is ("59 people were hospitalised").
    fn predicate(&self, first: usize, last: usize) -> Option<Predicate> {
        let t = self.t;
        if first > 0 {
            let k = first;
            // "rose by 5%", "rose to 22", "a toll of 22".
            let change = matches!(t.l(k - 1), "to" | "by")
                .then(|| self.change_verb_before(k - 1))
                .flatten();
            if let Some(v) = change {
                return Some(self.change_predicate(v));
            } else if t.l(k - 1) == "of" {
                if let Some((s, _)) = t.phrase_before(k - 1, &MEASURES, 3) {
                    return Some(Predicate {
                        text: t.key(s, k - 1),
                        head: Some(s),
                    });
                }
            }
            if let Some(v) = self.verb_before(k) {
                if CHANGES.contains_key(t.l(v)) {
                    return Some(self.change_predicate(v));
                }
                return Some(Predicate {
                    text: t.l(v).to_string(),
                    head: Some(v),
                });
            }
        }
        // Subject: skip auxiliaries, take a past participle or a listed verb.
        let mut k = last + 1;
        while AUX.contains(t.l(k)) && k - last <= 3 {
            k += 1;
        }
        let w = t.l(k);
        // "girls aged eight": "aged" marks an age, it is not what the girls did.
        let verb = t.is_word(k)
            && t.s(k) == w
            && w != "aged"
            && !is_function_word(w)
            && match t.pos(k) {
                Some(p) => p.starts_with("VB") || COUNT_PREDICATES.contains(w),
                None => {
                    w.ends_with("ed") || COUNT_PREDICATES.contains(w) || CHANGES.contains_key(w)
                }
            };
        verb.then(|| Predicate {
            text: w.to_string(),
            head: None,
        })
    }

    /// The entity that is the subject of the predicate at `head`: a mention ending just before
    /// it, across auxiliaries ("Parmalat has said it will sue"), or the owner of a measured noun
    /// ("WPP's profits").
    fn subject_entity(&self, head: Option<usize>) -> Option<EntityId> {
        let t = self.t;
        let head = head.filter(|&h| h > 0)?;
        let mut k = self.subject_end(head);
        // Possessive: "WPP's", "Abedi’s" (the mention may or may not hold the "’s").
        if k >= 2 && t.is_possessive_s(k) && self.mentions.ending_at(k).is_none() {
            k -= 2;
        }
        let (first, e) = self.mentions.ending_at(k)?;
        let (from, _) = t.sentence_of(head);
        (first >= from && e.label != Label::Miscellaneous).then_some(e.id)
    }

    /// The last token of the subject of the predicate at `head` (> 0): the token before it,
    /// past auxiliaries and "-ly" adverbs ("Parmalat has said it will sue").
    fn subject_end(&self, head: usize) -> usize {
        let t = self.t;
        let mut k = head - 1;
        while k > 0 && (AUX.contains(t.l(k)) || t.l(k).ends_with("ly")) {
            k -= 1;
        }
        k
    }

    /// The named subject of the clause a number belongs to, read from the dependency tree: up
    /// from the number to the nearest verb (or the sentence's root) that has a subject, through
    /// verbs that share their subject with the one they hang from ("BP plans to cut 500
    /// jobs", "rose and paid $2bn", "after cutting"); a relative clause's subject is the noun
    /// it describes ("Nintendo, which has sold 5 million"). A reported clause keeps its own
    /// subject: the one who says is a source, not the entity ("IBGE said unemployment fell to
    /// 9.6%"). A number inside the subject, or opening the sentence, is not about it ("32
    /// million Americans read blogs").
    fn clause_subject(&self, claim: &Claim) -> Tied {
        let a = self.analysis;
        if !a.has_tree() || claim.duration {
            return Tied::Unsaid;
        }
        // "Some 63% of respondents thought ...", "A majority, 52%, said ...": a number opening
        // its sentence is its subject, whatever the model attached it to.
        let t = self.t;
        let (from, _) = t.sentence_of(claim.first);
        let opening = claim.first - from <= 4
            && (from..claim.first).all(|k| {
                let pos = t.pos(k);
                !matches!(pos, Some("IN" | "TO")) && !is_verb(pos)
            });
        let number = t.toks[claim.num_first].word;
        // "About 300 workers at Halden Steel walked out": a number in its clause's subject is
        // whose that phrase says it is, or nobody's.
        let of_counted = || {
            let counted = a.head(number)?;
            self.organisation_after_preposition(counted)
                .or_else(|| self.organisation_after_preposition(number))
                .or_else(|| self.workforce_cut_at(counted))
        };
        if opening {
            return of_counted().map_or(Tied::Nobody, |e| Tied::To(e.id));
        }
        let mut clause = number;
        loop {
            let Some(above) = self.clause_above(clause) else {
                return Tied::Unsaid;
            };
            clause = above;
            if let Some(subject) = self.subject_of(clause) {
                // (A relative clause's antecedent holds the clause, so is no such subject.)
                if a.head(subject) == Some(clause) && a.is_under(number, subject) {
                    return of_counted().map_or(Tied::Nobody, |e| Tied::To(e.id));
                }
                // "it fell to 9.6%": what changes is a level, not the company ("it cut 650
                // jobs" has an object and is the company).
                let level = CHANGES.contains_key(a.lower[clause].as_ref())
                    && a.child(clause, "dobj").is_none();
                if a.lower[subject] == "it" && level {
                    return Tied::Nobody;
                }
                return self.entity_of_phrase(subject, clause);
            }
            if !matches!(a.dep(clause), "conj" | "xcomp" | "advcl") {
                return Tied::Unsaid;
            }
        }
    }

    /// The person an age describes in the tree: the named person it modifies within five steps
    /// up, short of a verb ("The 23-year-old striker Jon Ekberg": 23 → year → old → striker →
    /// Ekberg), else the person who is the subject of
    /// its clause ([`Ctx::clause_subject`]).
    fn syntax_subject_person(&self, claim: &Claim) -> Option<EntityId> {
        let a = self.analysis;
        let number = self.t.toks[claim.num_first].word;
        let described = a
            .ancestors(number)
            .skip(1)
            .take(5)
            .take_while(|&w| !is_verb(a.doc.words[w].pos))
            .find_map(|w| self.mention_of(w).filter(|e| Self::is_person(e)));
        if let Some(e) = described {
            return Some(e.id);
        }
        let Tied::To(id) = self.clause_subject(claim) else {
            return None;
        };
        self.entities
            .iter()
            .any(|e| e.id == id && Self::is_person(e))
            .then_some(id)
    }

    /// The nearest verb above word `w` in the tree, or its sentence's root.
    fn clause_above(&self, w: usize) -> Option<usize> {
        let a = self.analysis;
        a.ancestors(w)
            .skip(1)
            .find(|&v| is_verb(a.doc.words[v].pos) || a.dep(v) == "ROOT")
    }

    /// The subject of the verb `clause`. A relative pronoun ("which", "who", "that", "whose
    /// wealth") stands for the noun before it ("Calder, whose wealth has risen to £1.3bn",
    /// "Nintendo, which has sold 5 million"), whatever the model made of the clause. Where the
    /// model gives a verb two subjects, a named one ("Tesco, Britain's biggest retailer,
    /// plans"), else the one nearest the verb ("Michael Keaton thriller White Noise was").
    fn subject_of(&self, clause: usize) -> Option<usize> {
        let a = self.analysis;
        let subjects: Vec<usize> = a.subjects(clause).collect();
        let relative = subjects.iter().find_map(|&s| {
            let pronoun = if a.child(s, "poss").is_some_and(|p| a.lower[p] == "whose") {
                // "The firm, whose Agroflora subsidiary operates 13 farms": a subject that
                // names its own organisation is that organisation's.
                if self.compound_name(s).is_some() {
                    return Some(s);
                }
                a.child(s, "poss")?
            } else if matches!(a.lower[s].as_ref(), "which" | "who" | "that") {
                s
            } else {
                return None;
            };
            let before = pronoun.checked_sub(1)?;
            let antecedent = if matches!(a.lower[before].as_ref(), "," | "-" | "–" | "—" | "(")
            {
                before.checked_sub(1)?
            } else {
                before
            };
            Some(antecedent).filter(|&w| a.sentence_index(w) == a.sentence_index(pronoun))
        });
        if relative.is_some() {
            return relative;
        }
        // "Shares in Solidere, the company founded by Rafik Hariri, fell": a subject followed
        // by a comma and another is the phrase the other's apposition describes.
        let first = subjects.iter().copied().min()?;
        let appositive = subjects
            .iter()
            .filter(|&&s| s > first)
            .any(|&s| (first..s).any(|w| a.lower[w] == ","));
        if appositive {
            return Some(first);
        }
        let nearest = |ws: &mut dyn Iterator<Item = usize>| ws.min_by_key(|&w| w.abs_diff(clause));
        nearest(
            &mut subjects
                .iter()
                .copied()
                .filter(|&w| self.mention_of(w).is_some()),
        )
        .or_else(|| nearest(&mut subjects.iter().copied()))
    }

    /// The number-layer token holding the start of word `w`.
    fn tok_of_word(&self, w: usize) -> usize {
        let start = self.analysis.doc.words[w].start;
        self.t.toks.partition_point(|k| k.end <= start)
    }

    /// The mention holding word `w`.
    fn mention_of(&self, w: usize) -> Option<&'e Entity> {
        self.mentions.holding(self.tok_of_word(w))
    }

    /// The entity a noun phrase headed by word `head`, subject of `clause`, names or belongs
    /// to: a mention holding its head ("White Noise"), its owner ("WPP's profits"), what a
    /// pronoun stands for ([`Ctx::governing_subject`]; for "it"/"its", else the company
    /// referred to), the company the phrase refers back to ("The US giant"), or an
    /// organisation or person compounded with it ("BP shares"). A place owning or compounded
    /// with the phrase describes it rather than being what it is about: "Brazil's unemployment
    /// rate", "Britain's biggest retailer", "the Manchester bomber". A reference or pronoun
    /// left unresolved says nothing; any other unnamed subject says the number is no named
    /// entity's ("Sales rose 26%").
    fn entity_of_phrase(&self, head: usize, clause: usize) -> Tied {
        let a = self.analysis;
        if let Some(e) = self
            .mention_of(head)
            .or_else(|| self.named_before_apposition(head))
        {
            return Tied::To(e.id);
        }
        let owner = a.child(head, "poss");
        if let Some(e) = owner.and_then(|o| self.mention_of(o)) {
            return if e.label == Label::Place {
                Tied::Nobody
            } else {
                Tied::To(e.id)
            };
        }
        let pronoun = match owner.map_or(&a.lower[head], |o| &a.lower[o]).as_ref() {
            "it" | "its" => Some(Pronoun::Thing),
            "he" | "she" | "his" | "her" => Some(Pronoun::Person),
            _ => None,
        };
        if let Some(id) = pronoun.and_then(|p| self.governing_subject(clause, p)) {
            return Tied::To(id);
        }
        if pronoun == Some(Pronoun::Person) {
            return Tied::Unsaid;
        }
        let reference = std::iter::once(head)
            .chain(owner)
            .map(|w| self.tok_of_word(w))
            .find(|&k| self.refers_to_company(k));
        if let Some(k) = reference {
            return self.subject_organisation(k).into();
        }
        self.compound_name(head)
            .or_else(|| self.organisation_after_preposition(head))
            .map_or(Tied::Nobody, |e| Tied::To(e.id))
    }

    /// "Up to 2,500 jobs are to go at Marsh & McLennan": a workforce noun subject of a verb (or
    /// of the verb it leads to) with "at ORG" after it.
    fn workforce_cut_at(&self, counted: usize) -> Option<&'e Entity> {
        let a = self.analysis;
        if !WORKFORCE_NOUNS.contains(a.lower[counted].as_ref())
            || !a.dep(counted).starts_with("nsubj")
        {
            return None;
        }
        let verb = a.head(counted)?;
        std::iter::once(verb)
            .chain(a.children(verb).filter(|&c| a.dep(c) == "xcomp"))
            .flat_map(|v| {
                a.children(v)
                    .filter(|&c| a.dep(c) == "prep" && a.lower[c] == "at")
            })
            .filter_map(|prep| a.child(prep, "pobj"))
            .find_map(|object| {
                let named = |w: usize| {
                    self.mention_of(w)
                        .filter(|e| e.label == Label::Organisation)
                };
                // "at US insurance broker Marsh & McLennan": the name in apposition.
                named(object).or_else(|| a.child(object, "appos").and_then(named))
            })
    }

    /// An organisation or person compounded with the noun at word `head` ("BP shares", "its
    /// Agroflora subsidiary").
    fn compound_name(&self, head: usize) -> Option<&'e Entity> {
        let a = self.analysis;
        a.children(head)
            .filter(|&c| a.dep(c) == "compound")
            .filter_map(|c| self.mention_of(c))
            .find(|e| matches!(e.label, Label::Organisation | Label::Person))
    }

    /// "Shares in Lintel Bank", "sales at Brightline", "revenue at Vexa's European arm": the
    /// organisation a preposition after word `head` names, or owns, is whose the phrase is.
    fn organisation_after_preposition(&self, head: usize) -> Option<&'e Entity> {
        let a = self.analysis;
        a.children(head)
            .filter(|&c| a.dep(c) == "prep" && matches!(a.lower[c].as_ref(), "in" | "at" | "of"))
            .filter_map(|prep| a.child(prep, "pobj"))
            .find_map(|object| {
                let owner = a.child(object, "poss");
                self.mention_of(object)
                    .or_else(|| owner.and_then(|o| self.mention_of(o)))
                    .filter(|e| e.label == Label::Organisation)
            })
    }

    /// "Tesco, Britain's biggest retailer, plans ...": the name that opens the phrase headed by
    /// word `head`, set off from the rest by a comma, is what the phrase describes (the model
    /// attaches such names to the phrase in many ways).
    fn named_before_apposition(&self, head: usize) -> Option<&'e Entity> {
        let a = self.analysis;
        // Within a tree piece (parse::MAX_TREE_WORDS), so that a sentence of a million words
        // costs no scan from its start for every number.
        let from = a
            .sentence_of(head)
            .words
            .start
            .max(head.saturating_sub(crate::parse::MAX_TREE_WORDS));
        let first = (from..head).find(|&w| a.is_under(w, head))?;
        let e = self.mention_of(first)?;
        let after = (first..head).find(|&w| self.mention_of(w).is_none_or(|m| m.id != e.id))?;
        (a.lower[after] == ",").then_some(e)
    }

    /// What a pronoun subject (or owner) of `clause` stands for when the clause hangs from
    /// another whose subject is named: "GM earned $3.7bn, while its revenue rose 4.5%", "BP
    /// added that it was increasing its dividend by 26%", "Ocean's Twelve took sixth place ...,
    /// but it led the non-US chart" (an organisation or a work); "Ade Bello moved to London
    /// when he was nine" (a person). The nearest subject above decides.
    fn governing_subject(&self, clause: usize, pronoun: Pronoun) -> Option<EntityId> {
        let a = self.analysis;
        let mut clause = clause;
        while matches!(a.dep(clause), "conj" | "advcl" | "ccomp" | "xcomp") {
            clause = self.clause_above(clause)?;
            if let Some(subject) = self.subject_of(clause) {
                let e = self.mention_of(subject)?;
                let fits = match pronoun {
                    Pronoun::Thing => {
                        matches!(e.label, Label::Organisation | Label::Miscellaneous)
                    }
                    Pronoun::Person => e.label == Label::Person,
                };
                return fits.then_some(e.id);
            }
        }
        None
    }

    /// "growth of 1.5% in Germany", "26% in London, 30% in Frankfurt": a percentage of a
    /// place, where its clause has no named subject ("BP shares fell 2% in London" are BP's).
    fn place_after_percent(&self, claim: &Claim) -> Option<EntityId> {
        let t = self.t;
        if !claim.percent || t.l(claim.last + 1) != "in" {
            return None;
        }
        let &(_, last, e) = self
            .mentions
            .starting_in(claim.last + 2, claim.last + 3)
            .first()?;
        // "2% in London trading": the place only qualifies the noun after it.
        let ends_phrase = !t.is_word(last + 1)
            || t.s(last + 1) != t.l(last + 1)
            || matches!(
                t.l(last + 1),
                "and" | "or" | "next" | "last" | "this" | "in" | "on" | "from" | "to"
            );
        let named_subject = matches!(self.clause_subject(claim), Tied::To(_));
        (e.label == Label::Place && ends_phrase && !named_subject).then_some(e.id)
    }

    /// "EA's $17.8bn": a name owning the amount, unless a place, which rather describes it
    /// (as in [`Ctx::entity_of_phrase`]).
    fn owner_before(&self, claim: &Claim) -> Option<EntityId> {
        let t = self.t;
        let s = claim.first.checked_sub(1)?;
        let possessive = s >= 2 && t.is_possessive_s(s);
        let (_, e) = possessive
            .then(|| self.mentions.ending_at(s - 2))
            .flatten()?;
        (e.label != Label::Place).then_some(e.id)
    }

    /// "$630m (£481.5m)": an amount in brackets right after another is the same amount
    /// converted, about the same entity.
    fn converted_entity(&self, claim: &Claim) -> Option<EntityId> {
        let (before, last) = claim.previous?;
        let first = claim.first;
        let bracketed = first >= 2 && last == first - 2 && self.t.l(first - 1) == "(";
        bracketed.then_some(before.entity).flatten()
    }

    /// Whether words ending at token `end` refer back to a company: "it", "the company", "The
    /// US giant", "its profits", "the firm's revenues" (up to three words after the
    /// determiner; nouns of `company_nouns.tsv`). An "it" before "is"/"was" is rather a
    /// placeholder ("It is thought that about 10,000 phones ...", "It was estimated that"), and
    /// one before "said" a source.
    fn refers_to_company(&self, end: usize) -> bool {
        let t = self.t;
        if t.l(end) == "it" {
            let next = t.l(end + 1);
            return !matches!(next, "is" | "was" | "seems" | "appears")
                && !SUBJECT_BREAKS.contains(next);
        }
        (end.saturating_sub(3)..=end)
            .rev()
            .take_while(|&k| t.is_word(k) || matches!(t.l(k), "'" | "’"))
            .any(|k| match t.l(k) {
                "its" => true,
                "the" => (k + 1..=end).any(|j| COMPANY_NOUNS.contains(t.l(j))),
                _ => false,
            })
    }

    /// The organisation a reference at token `at` refers back to (`references`).
    fn subject_organisation(&self, at: usize) -> Option<EntityId> {
        let byte = self.t.toks[at].start;
        let nearer = references::Nearer::Ignored;
        self.named.opening_organisation(self.analysis, byte, nearer)
    }

    /// "The US giant earned $630m", "BP added that it was increasing its dividend by 26%": the
    /// predicate's subject refers back to a company, or, for a number with no predicate, a
    /// word in its clause before it does; the company is the one that opens the sentence or
    /// one of the two before.
    fn referred_company(&self, claim: &Claim) -> Option<EntityId> {
        let t = self.t;
        let (from, _) = t.sentence_of(claim.first);
        let refers = match claim.head.filter(|&h| h > 0) {
            Some(head) => {
                let k = self.subject_end(head);
                (k >= from && self.refers_to_company(k)).then_some(k)
            }
            None => (from.max(claim.first.saturating_sub(8))..claim.first)
                .rev()
                .take_while(|&k| t.is_word(k) && !CLAUSE_BREAKS.contains(t.l(k)))
                .find(|&k| self.refers_to_company(k)),
        };
        self.subject_organisation(refers?)
    }

    /// "Its profit rise for the year included profits of $3.65bn", "The company is earning
    /// about $1.8m an hour": a sentence opening with a reference to a company is about it.
    fn sentence_reference(&self, first: usize) -> Option<EntityId> {
        let t = self.t;
        let (from, _) = t.sentence_of(first);
        let opens = matches!(t.l(from), "it" | "its" | "the")
            && (from..first.min(from + 4)).any(|end| self.refers_to_company(end));
        opens.then(|| self.subject_organisation(from)).flatten()
    }

    /// The entity a sentence is about when it opens with one ("BP said its profits ...",
    /// "Meet The Fockers took $28.5m"): a named subject within its first three tokens, before the
    /// number. A place opening a sentence is rather a setting ("In Brazil, ..."), so not taken.
    fn sentence_subject(&self, first: usize) -> Option<EntityId> {
        let t = self.t;
        let (mut from, _) = t.sentence_of(first);
        // "Last week, rival Shell reported ...": the subject follows a fronted phrase, at once
        // or after one describing word ("Earlier, he told BBC Radio 4" has another subject).
        let mut opening = 3;
        if let Some(comma) = (from + 1..first.min(from + 6)).find(|&k| t.l(k) == ",") {
            if self.mentions.starting_in(from, comma).is_empty() {
                from = comma + 1;
                let describing = |k: usize| match t.pos(k) {
                    Some(p) => p.starts_with("JJ") || p.starts_with("NN"),
                    None => !is_function_word(t.l(k)),
                };
                opening = if describing(from) { 2 } else { 1 };
            }
        }
        let &(f, l, e) = self.mentions.starting_in(from, usize::MAX).first()?;
        // Not across a clause: "Abedi detonated the bomb ... as thousands of children ...".
        let same_clause = (l + 1..first).all(|k| !CLAUSE_BREAKS.contains(t.l(k)));
        (f < from + opening && l < first && e.label != Label::Place && same_clause).then_some(e.id)
    }

    /// A bare number right after a person's name: "Saffie Rose Roussos (8)", "Ms May, 60,"; or
    /// after the description that opens a sentence: "The former minister, 71, said".
    fn apposed_age(&self, q: &Quantity) -> Option<Quantity> {
        let t = self.t;
        let whole = q.value.fract() == 0.0 && (1.0..=120.0).contains(&q.value);
        if !q.bare || !whole || q.first < 2 {
            return None;
        }
        let (open, close) = (t.l(q.first - 1), t.l(q.last + 1));
        let shape =
            (open == "(" && close == ")") || (open == "," && matches!(close, "," | "." | ";"));
        let person = self
            .mentions
            .ending_at(q.first - 2)
            .is_some_and(|(_, e)| Self::is_person(e));
        if !shape || !(person || open == "," && self.description_before(q.first - 1).is_some()) {
            return None;
        }
        let mut age = q.clone();
        age.kind = FactKind::Age;
        age.bare = false;
        if open == "(" {
            age.first -= 1;
            age.last += 1;
        }
        Some(age)
    }

    /// An age fact, tied to the person the text gives it to.
    fn age(&self, q: &Quantity, rule: &'static str) -> Fact {
        let mut f = self.number_fact(q, rule);
        f.approx = Approx::Exact;
        f.unit = Some(q.unit.clone().unwrap_or_else(|| "year".into()));
        self.tie(&mut f, AGE_TIES, &Claim::of(q, None));
        f
    }

    /// Ties `f` to the entity of the first of `ties` that finds one.
    /// "Tom Bright was just 19 when he signed", "Ms Sol is 67 and has run the firm", "He is now
    /// 81": a bare whole number that the tree makes the complement of "is"/"was" whose subject
    /// is a person (named, or he/she) is that person's age.
    fn copular_age(&self, q: &Quantity) -> Option<Fact> {
        let a = self.analysis;
        let whole = q.value.fract() == 0.0 && (1.0..=120.0).contains(&q.value);
        if !a.has_tree() || !q.bare || !whole || q.kind != FactKind::Count {
            return None;
        }
        let number = self.t.toks[q.num_first].word;
        let verb = a.head(number)?;
        let copula = matches!(a.lower[verb].as_ref(), "is" | "was" | "'s" | "’s");
        if !copula || !matches!(a.dep(number), "attr" | "acomp" | "npadvmod") {
            return None;
        }
        let subject = a.child(verb, "nsubj")?;
        let person = matches!(a.lower[subject].as_ref(), "he" | "she")
            || self
                .mention_of(subject)
                .is_some_and(|e| e.label == Label::Person);
        let age = Quantity {
            kind: FactKind::Age,
            unit: Some("year".into()),
            ..q.clone()
        };
        person.then(|| self.age(&age, COPULAR_AGE))
    }

    /// Ties `f` to the entity of the first of `ties` that finds one, unless one before it finds
    /// that the number is nobody's.
    fn tie(&self, f: &mut Fact, ties: &[Tie], claim: &Claim) {
        let decided = ties
            .iter()
            .filter(|tie| self.switches.on(tie.name))
            .map(|tie| ((tie.find)(self, claim), tie.name))
            .find(|(tied, _)| *tied != Tied::Unsaid);
        if let Some((Tied::To(entity), rule)) = decided {
            f.entity = Some(entity);
            f.entity_rule = Some(rule);
        }
    }

    fn is_person(e: &Entity) -> bool {
        e.label == Label::Person
    }

    /// A bare year between a determiner or possessive and a name: "the 1974 World Cup",
    /// "Woodward's 2005 Lions". After "in" or "since" the year dates the clause instead.
    fn year_before_name(&self, q: &Claim) -> Option<EntityId> {
        let t = self.t;
        let bare_year = q.first == q.last && t.is_num(q.first) && t.s(q.first).len() == 4;
        (bare_year && dates::attributive_year(t, q.first))
            .then(|| self.mentions.starting_at(q.last + 1))
            .flatten()
            .map(|e| e.id)
    }

    /// "26-year-old Salman Abedi".
    fn age_before_name(&self, q: &Claim) -> Option<EntityId> {
        let e = self.mentions.starting_at(q.last + 1)?;
        Self::is_person(e).then_some(e.id)
    }

    /// Walks left from the number over the age's own words and the clause joining it to a name:
    /// "Roussos (8)", "May, 60", "Smith, aged 44", "Smith, who died in 1994 aged 72", "Smith, a
    /// 26-year-old".
    fn age_after_name(&self, q: &Claim) -> Option<EntityId> {
        let t = self.t;
        let mut k = q.first;
        while k > 0 && q.first - k < 8 {
            k -= 1;
            if let Some((_, e)) = self
                .mentions
                .ending_at(k)
                .filter(|(_, e)| Self::is_person(e))
            {
                return Some(e.id);
            }
            let joins = t.is_num(k) || AGE_JOINS.contains(t.l(k));
            if !joins {
                break;
            }
        }
        None
    }

    /// The start of the sentence when it opens with a description ending right before token
    /// `end`: "The" and up to five words, no person named among them ("The former minister",
    /// "The Swedish runner").
    fn description_before(&self, end: usize) -> Option<usize> {
        let t = self.t;
        let (from, _) = t.sentence_of(end);
        let words = from + 1..end;
        let described = t.l(from) == "the"
            && words.len() <= 5
            && words.clone().all(|k| {
                t.is_word(k) && !self.mentions.starting_at(k).is_some_and(Self::is_person)
            });
        described.then_some(from)
    }

    /// "Sir Nicholas Scott has died. The former MP died after a long illness. The 71-year-old
    /// served in Northern Ireland", "Lord Hale has resigned. The former minister, 71, said":
    /// a sentence opening with a description that holds the age ("The N-year-old") or is
    /// followed by it goes on about the person last named, in the two sentences before.
    fn age_of_description(&self, q: &Claim) -> Option<EntityId> {
        let t = self.t;
        let from = if t.l(q.first.checked_sub(1)?) == "," {
            self.description_before(q.first - 1)?
        } else {
            let (from, _) = t.sentence_of(q.first);
            (q.first == from + 1 && t.l(from) == "the").then_some(from)?
        };
        let previous = t.sentence_of(from.checked_sub(1)?).0;
        let since = previous
            .checked_sub(1)
            .map_or(previous, |k| t.sentence_of(k).0);
        self.last_person_between(since, q.first)
    }

    /// "Rinus Michels, the man credited with ..., has died aged 77": the one who died is the
    /// nearest person named before it in the sentence.
    fn age_of_who_died(&self, q: &Claim) -> Option<EntityId> {
        let t = self.t;
        // "died aged 77", "died at 62", "has died at the age of 71".
        let marker = if q.num_first >= 4 && t.key(q.num_first - 4, q.num_first) == "at the age of" {
            4
        } else {
            0
        };
        let before = q.num_first - marker;
        let died = (1..=2)
            .filter(|&n| before >= n && matches!(t.l(before - n), "died" | "dies"))
            .map(|n| before - n)
            .next();
        // The one who died is named right before ("Rowlands, known ..., has died"), not
        // described ("his mother died").
        let died = died.filter(|&verb| {
            let mut k = verb.checked_sub(1);
            if k.is_some_and(|k| matches!(t.l(k), "has" | "had")) {
                k = k.and_then(|k| k.checked_sub(1));
            }
            k.is_some_and(|k| t.l(k) == "," || self.mentions.ending_at(k).is_some())
        });
        let (from, _) = t.sentence_of(q.first);
        died.and_then(|_| self.last_person_between(from, q.first))
    }

    /// "Jon Tate died on Friday. He was 59.", "Mr Grant started the company in 1990, when he
    /// was 24": "he"/"she" opening a sentence is the one person named since the start of the
    /// previous sentence (with several, nobody); inside a sentence, the person whose name opens
    /// it, and no other is named before the pronoun ("joined Diaghilev when she was 14" is not
    /// Diaghilev's age). People an honorific gives the other gender ("Mr Kemp" for "she") are
    /// not counted.
    fn age_of_pronoun(&self, q: &Claim) -> Option<EntityId> {
        let t = self.t;
        // "he was 59", "she was just 15".
        let mut verb = q.num_first.checked_sub(1)?;
        if numbers::is_age_adverb(t.l(verb)) {
            verb = verb.checked_sub(1)?;
        }
        if !matches!(t.l(verb), "is" | "was") {
            return None;
        }
        let pronoun = verb.checked_sub(1)?;
        let gender = match t.l(pronoun) {
            "he" => names::Gender::Male,
            "she" => names::Gender::Female,
            _ => return None,
        };
        let (from, _) = t.sentence_of(pronoun);
        let since = if pronoun == from {
            t.sentence_of(from.checked_sub(1)?).0
        } else {
            from
        };
        let people: Vec<_> = self
            .mentions
            .starting_in(since, pronoun)
            .iter()
            .filter(|&&(_, last, e)| last < pronoun && Self::is_person(e))
            .filter(|&&(_, _, e)| self.gender_of(e).is_none_or(|g| g == gender))
            .collect();
        let first = people.first()?;
        let one = people.iter().all(|p| p.2.id == first.2.id);
        (one && (pronoun == from || self.opens_clause(first.0, from))).then_some(first.2.id)
    }

    /// The gender an honorific gives a person somewhere in the text ("Mr Kemp"), if any.
    fn gender_of(&self, e: &Entity) -> Option<names::Gender> {
        let t = self.t;
        e.mentions
            .iter()
            .map(|m| t.toks.partition_point(|tok| tok.start < m.start))
            .flat_map(|first| [first.checked_sub(1), Some(first)])
            .flatten()
            .find_map(|k| names::honorific(t.s(k)).flatten())
    }

    /// Whether a mention starting at token `first` opens the sentence starting at `from`,
    /// after an honorific perhaps ("Mr Lee").
    fn opens_clause(&self, first: usize, from: usize) -> bool {
        first == from || first == from + 1 && names::honorific(self.t.s(from)).is_some()
    }

    /// "Signing for the club as a 17-year-old, Ruiz went on to ...", "At 30, Mr Lee became":
    /// an age in a phrase that opens the sentence (with a word of `fronted_openers.tsv` or an
    /// "-ing" word), up to its first comma, belongs to the person named right after that
    /// comma, the phrase naming nobody.
    fn age_before_subject(&self, q: &Claim) -> Option<EntityId> {
        let t = self.t;
        let (from, to) = t.sentence_of(q.first);
        if !FRONTED_OPENERS.contains(t.l(from)) && !t.l(from).ends_with("ing") {
            return None;
        }
        let comma = (q.last + 1..to).find(|&k| t.l(k) == ",")?;
        let named_in_phrase = self
            .mentions
            .starting_in(from, comma)
            .iter()
            .any(|&(_, l, _)| l < comma);
        if named_in_phrase || (from..q.first).any(|k| t.l(k) == ",") {
            return None;
        }
        let (first, _, e) = *self.mentions.starting_in(comma + 1, usize::MAX).first()?;
        (Self::is_person(e) && self.opens_clause(first, comma + 1)).then_some(e.id)
    }

    /// "Anna Berg, the architect behind the new library, has died in Oslo aged 77": the person
    /// whose name opens the sentence (not as a possessive: "Smith's father") is the one the
    /// age is of, when the words from the name (past one apposition between commas) to the age
    /// name no other person and hold no clause break ("Smith said his father died aged 77"),
    /// and the age does not describe a noun after it.
    fn age_of_clause_subject(&self, q: &Claim) -> Option<EntityId> {
        let t = self.t;
        // "the 27-year-old Spaniard": an age before a noun is that noun's.
        if t.l(q.last) == "old" && t.is_word(q.last + 1) {
            return None;
        }
        let (from, _) = t.sentence_of(q.first);
        let &(first, last, e) = self.mentions.starting_in(from, usize::MAX).first()?;
        if !Self::is_person(e) || !self.opens_clause(first, from) || last >= q.first {
            return None;
        }
        if matches!(t.l(last + 1), "'" | "’") {
            return None;
        }
        let mut k = last + 1;
        if t.l(k) == "," {
            k = (k + 1..q.first).find(|&j| t.l(j) == ",")? + 1;
        }
        let other = self
            .mentions
            .starting_in(k, q.first)
            .iter()
            .any(|&(_, _, o)| Self::is_person(o) && o.id != e.id);
        let broken = (k..q.first).any(|j| {
            let w = t.l(j);
            CLAUSE_BREAKS.contains(w) || SUBJECT_BREAKS.contains(w) || w == ","
        });
        (!other && !broken).then_some(e.id)
    }

    /// The last person mentioned from token `since` on, before token `before`.
    fn last_person_between(&self, since: usize, before: usize) -> Option<EntityId> {
        self.mentions
            .starting_in(since, before)
            .iter()
            .rev()
            .find(|&&(_, last, e)| last < before && Self::is_person(e))
            .map(|s| s.2.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Doc;
    use crate::record::{Entity, Fact, Record};
    use crate::rules::{entities, testing, Annotations};
    use chrono::NaiveDate;

    /// The entities and facts of `doc` with `switches`, as the record writes them.
    fn record_of(doc: &Doc, switches: &Switches) -> Record {
        let a = Analysis::new(doc);
        let entities = entities::resolve(&a, switches);
        let facts = extract(&a, &entities, &references::Named::new(&entities), switches);
        let annotations = Annotations {
            entities,
            roles: Vec::new(),
            facts,
        };
        testing::record(doc, annotations)
    }

    /// Facts of `text` with a mention at each whole-word occurrence of each (surface, label).
    fn facts_of(
        text: &str,
        date: Option<&str>,
        mentions: &[(&str, &'static str)],
    ) -> (Vec<Fact>, Vec<Entity>) {
        let mut doc = testing::doc(text, mentions);
        doc.date = date.map(|d| d.parse::<NaiveDate>().unwrap());
        let record = record_of(&doc, &Switches::default());
        (record.facts, record.entities)
    }

    /// tests/fixtures/fact_phrases.tsv: each row's fact is made by its named rule and tied by
    /// its named tie, switching either off changes it, and every rule and tie has a row.
    #[test]
    fn fact_phrase_table() {
        let data = include_str!("../../tests/fixtures/fact_phrases.tsv");
        let mut tested = std::collections::HashSet::new();
        for row in lexicon::entries(data) {
            let [sentence, mentions, kind, value, from, entity, rule, tie] = row[..] else {
                panic!("not 8 columns: {row:?}");
            };
            let line = row.join(" | ");
            let mentions = testing::table_mentions(mentions);
            let facts_with = |switches: &Switches| {
                let doc = testing::doc(sentence, &mentions);
                let doc = Doc {
                    date: Some(NaiveDate::from_ymd_opt(2017, 5, 24).unwrap()),
                    ..doc
                };
                let record = record_of(&doc, switches);
                let ents = record.entities;
                let name = |id: &Option<String>| {
                    id.as_ref().map_or("-".to_string(), |id| {
                        ents.iter().find(|e| &e.id == id).unwrap().name.clone()
                    })
                };
                record
                    .facts
                    .into_iter()
                    .map(|f| {
                        let value = match &f.value {
                            Some(FactValue::Number(n)) => n.to_string(),
                            Some(FactValue::Date(d)) => d.clone(),
                            None => "-".into(),
                        };
                        let from = f.from.map_or("-".to_string(), |n| n.to_string());
                        let kind = serde_json::to_value(f.kind).unwrap();
                        let rules = (f.rule.unwrap(), f.entity_rule.unwrap_or("-".into()));
                        (
                            (
                                kind.as_str().unwrap().to_string(),
                                value,
                                from,
                                name(&f.entity),
                            ),
                            rules,
                        )
                    })
                    .collect::<Vec<_>>()
            };
            let want = (kind.into(), value.into(), from.into(), entity.into());
            let with = facts_with(&Switches::default());
            let found = with.iter().find(|(f, _)| f == &want);
            let Some((_, (made_by, tied_by))) = found else {
                panic!("{line}\nnot found in {with:?}");
            };
            assert!(
                rule == EARLIER_LEVEL || made_by == rule,
                "{line}\nmade by {made_by}"
            );
            assert_eq!(tied_by, tie, "{line}");
            for off in [rule, tie].into_iter().filter(|r| *r != "-") {
                let without = facts_with(&Switches::without(&[off]).unwrap());
                assert!(
                    without.iter().all(|(f, _)| f != &want),
                    "{line}\nunchanged without {off}: {without:?}"
                );
                tested.insert(off);
            }
        }
        let untested: Vec<_> = rules()
            .into_iter()
            .filter(|(name, _)| !tested.contains(name) && !TREE_RULES.contains(name))
            .collect();
        assert!(untested.is_empty(), "rules without a row: {untested:?}");
    }

    /// tests/fixtures/age_phrases.tsv: each row's age is an age fact tied to its person by
    /// its tie, or to nobody; age "-": the sentence states no age. Lists every failing row.
    #[test]
    fn age_phrase_table() {
        let data = include_str!("../../tests/fixtures/age_phrases.tsv");
        let mut failures = Vec::new();
        for row in lexicon::entries(data) {
            let [sentence, mentions, age, person, tie] = row[..] else {
                panic!("not 5 columns: {row:?}");
            };
            let (facts, ents) = facts_of(sentence, None, &testing::table_mentions(mentions));
            if age == "-" {
                if let Some(f) = facts.iter().find(|f| f.kind == FactKind::Age) {
                    failures.push(format!("{sentence}\n    want no age, got {f:?}"));
                }
                continue;
            }
            let age: f64 = age.parse().unwrap();
            let got = facts
                .iter()
                .find(|f| f.kind == FactKind::Age && num(f) == age)
                .map(|f| {
                    let name = f.entity.as_ref().map_or("-".to_string(), |id| {
                        ents.iter().find(|e| &e.id == id).unwrap().name.clone()
                    });
                    (name, f.entity_rule.clone().unwrap_or("-".into()))
                });
            if got != Some((person.to_string(), tie.to_string())) {
                failures.push(format!(
                    "{sentence}\n    want {person} by {tie}, got {got:?}"
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "{} rows fail:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    fn id_of(ents: &[Entity], name: &str) -> Option<String> {
        ents.iter().find(|e| e.name == name).map(|e| e.id.clone())
    }

    fn num(f: &Fact) -> f64 {
        match f.value {
            Some(FactValue::Number(n)) => n,
            _ => f64::NAN,
        }
    }

    fn find(facts: &[Fact], kind: FactKind, value: f64) -> &Fact {
        facts
            .iter()
            .find(|f| f.kind == kind && num(f) == value)
            .unwrap_or_else(|| panic!("no {kind:?} {value} in {facts:#?}"))
    }

    #[test]
    fn seed_record() {
        let text = testing::SEED
            .trim_start()
            .strip_prefix("date 2017-05-24")
            .unwrap()
            .trim();
        let (facts, ents) = facts_of(text, Some("2017-05-24"), testing::SEED_MENTIONS);
        let killed = find(&facts, FactKind::Count, 22.0);
        assert_eq!(killed.approx, Approx::AtLeast);
        assert_eq!(killed.unit.as_deref(), Some("person"));
        assert_eq!(killed.predicate.as_deref(), Some("killed"));
        let toll = facts
            .iter()
            .find(|f| f.from == Some(19.0))
            .expect("19 → 22");
        assert_eq!(
            (num(toll), toll.predicate.as_deref(), toll.unit.as_deref()),
            (22.0, Some("death toll"), Some("person"))
        );

        let hosp = find(&facts, FactKind::Count, 59.0);
        assert_eq!(hosp.predicate.as_deref(), Some("hospitalised"));
        assert_eq!(hosp.unit.as_deref(), Some("person"));
        let kids = find(&facts, FactKind::Count, 1000.0);
        assert!(kids.vague && kids.approx == Approx::AtLeast);
        assert_eq!(kids.unit.as_deref(), Some("child"));
        for age in [18.0, 26.0] {
            let f = find(&facts, FactKind::Age, age);
            assert_eq!((f.unit.as_deref(), &f.entity), (Some("year"), &None));
        }
        let eights: Vec<_> = facts
            .iter()
            .filter(|f| f.kind == FactKind::Age && num(f) == 8.0)
            .collect();
        assert_eq!(eights.len(), 2, "{eights:#?}");
        assert_eq!(eights[0].entity, None);
        assert_eq!(eights[1].entity, id_of(&ents, "Saffie Rose Roussos"));
        let dates: Vec<_> = facts
            .iter()
            .filter(|f| f.kind == FactKind::Date)
            .map(|f| (f.text.as_str(), f.value.clone()))
            .collect();
        let d = |s: &str| Some(FactValue::Date(s.into()));
        assert_eq!(
            dates,
            [
                ("July 2007", d("2007-07")),
                ("Monday night", d("2017-05-22")),
                ("Tuesday", d("2017-05-23")),
                ("2005", d("2005")),
            ]
        );
        // Nothing else: no "7/7", no "first", no "second", no "Two girls" as a count of one.
        let counts = facts.iter().filter(|f| f.kind == FactKind::Count).count();
        assert!(counts <= 5, "{facts:#?}");
    }

    #[test]
    fn counts_tied_to_their_subject() {
        let (facts, ents) = facts_of(
            "Parmalat sues 45 banks over its collapse.",
            None,
            &[("Parmalat", "ORG")],
        );
        let f = find(&facts, FactKind::Count, 45.0);
        assert_eq!(
            (f.unit.as_deref(), f.predicate.as_deref()),
            (Some("bank"), Some("sues"))
        );
        assert_eq!(f.entity, id_of(&ents, "Parmalat"));

        let text = "Anglo-Dutch steel firm Corus is to cut 45,000 jobs by 2006.";
        let (facts, ents) = facts_of(text, None, &[("Corus", "ORG")]);
        let f = find(&facts, FactKind::Count, 45000.0);
        assert_eq!(
            (f.unit.as_deref(), f.predicate.as_deref()),
            (Some("job"), Some("cut"))
        );
        assert_eq!(f.entity, id_of(&ents, "Corus"));
    }

    /// References back to a company tie only where the words do refer: a placeholder "it", a
    /// source's "it said" and an object after a fronted phrase are not the company (BBC
    /// sentences).
    #[test]
    fn references_that_are_no_subject_tie_nothing() {
        for (text, company) in [
            (
                "Vodafone offers no back-up service. It is thought that about 10,000 phones are lost every month.",
                "Vodafone",
            ),
            (
                "The ODPM published the figures. It said annual inflation rose because prices had fallen by 1.1% in 2003.",
                "ODPM",
            ),
            (
                "Earlier, he told BBC Radio 4's Today programme the US had increased support from $1.1bn a year.",
                "BBC Radio 4",
            ),
        ] {
            let (facts, ents) = facts_of(text, None, &[(company, "ORG")]);
            let id = id_of(&ents, company);
            assert!(facts.iter().all(|f| f.entity != id), "{text}: {facts:?}");
        }
    }

    #[test]
    fn changes() {
        let (facts, ents) = facts_of(
            "Ad firm WPP's profits surged 15% in 2004.",
            None,
            &[("WPP", "ORG")],
        );
        let f = find(&facts, FactKind::Percent, 15.0);
        assert_eq!(f.predicate.as_deref(), Some("profits"));
        assert_eq!(f.entity, id_of(&ents, "WPP"));

        let (facts, _) = facts_of("The firm will cut its staff by 300 to 1,200.", None, &[]);
        let f = find(&facts, FactKind::Count, 1200.0);
        assert_eq!(
            (f.from, f.predicate.as_deref()),
            (Some(1500.0), Some("cut"))
        );
        assert_eq!(
            facts.iter().filter(|f| f.kind != FactKind::Date).count(),
            1,
            "{facts:#?}"
        );
    }

    #[test]
    fn ages_tied_to_people() {
        let text = "Ms Smith, 44, was arrested. John Brown, who died aged 62, was a teacher. \
                    The 26-year-old Anna Lee won. Tim Hall played. The 31-year-old scored twice. \
                    Sir Nicholas Scott has died. The former MP died after an illness diagnosed as Alzheimer's. The 71-year-old \
                    served in Northern Ireland.";
        let (facts, ents) = facts_of(
            text,
            None,
            &[
                ("Smith", "PER"),
                ("John Brown", "PER"),
                ("Anna Lee", "PER"),
                ("Tim Hall", "PER"),
                ("Nicholas Scott", "PER"),
            ],
        );
        let ages = [
            (44.0, "Smith"),
            (62.0, "John Brown"),
            (26.0, "Anna Lee"),
            (31.0, "Tim Hall"),
            (71.0, "Nicholas Scott"),
        ];
        for (age, who) in ages {
            assert_eq!(
                find(&facts, FactKind::Age, age).entity,
                id_of(&ents, who),
                "{age}"
            );
        }
    }

    #[test]
    fn money_resolves_currency_from_place() {
        let text = "Algeria will pay each family 200 dinars, worth £1.8m in all.";
        let (facts, _) = facts_of(text, None, &[("Algeria", "LOC")]);
        assert_eq!(
            find(&facts, FactKind::Money, 200.0).unit.as_deref(),
            Some("DZD")
        );
        assert_eq!(
            find(&facts, FactKind::Money, 1_800_000.0).unit.as_deref(),
            Some("GBP")
        );
        let (facts, _) = facts_of("It costs 200 dinars.", None, &[]);
        assert_eq!(
            find(&facts, FactKind::Money, 200.0).unit.as_deref(),
            Some("dinar")
        );
    }

    /// Every prefix of the seed, cut at each char boundary: no index runs past the end.
    #[test]
    fn no_panic_on_any_prefix() {
        let text = testing::SEED;
        for (end, _) in text.char_indices().step_by(3) {
            facts_of(
                &text[..end],
                Some("2017-05-24"),
                &[("Saffie Rose Roussos", "PER"), ("Abedi", "PER")],
            );
        }
    }

    #[test]
    fn no_panic_on_any_text() {
        for text in [
            "",
            "£",
            "“22” people ’s 😀 5😀 東京 45,000東京 café £1.8m",
            "Ms May, 60",
            "(8)",
            "rose from 19 to",
            "from 19 to 22",
            "Monday",
                        "aged",
            "1965-",
            "between 5 and",
            "£5m-",
            "from 19 to 22 on",
            "99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999 people",
            "İstanbul 45 İİ people aged 8 and",
            "Smith (8",
            "Smith, 44",
        ] {
            facts_of(text, Some("2017-05-24"), &[]);
        }
    }
}
