//! Finding titles in a sentence with the lexicon `data/titles.tsv`.
//!
//! A title is the longest lexicon entry at a position ("chief constable" over "chief"),
//! widened to the left by qualifiers ("deputy", "shadow") and, for head nouns, by up to two
//! noun modifiers the lexicon does not list ("sports minister", "fund manager", "pop star").
//! Descriptions ("pop star", "suicide bomber") and family relations ("mother", "sister") are
//! roles too; relations are marked, as they belong to no organisation. Other words for people
//! ("legend", "suspect", "girlfriend") are found but are no roles.

use super::analysis::Analysis;
use super::lexicon;
use crate::doc::Doc;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Title,
    Head,
    Prefix,
    Relation,
    Description,
    Other,
}

struct Lexicon {
    /// First word → entries starting with it (their words), longest first.
    entries: HashMap<String, Vec<(Vec<String>, Kind)>>,
    prefixes: HashSet<String>,
    /// Last words of titles: evidence that the name after them is a person.
    last_words: HashSet<String>,
    /// One-word relations, descriptions and others: never modifiers of a title
    /// ("international").
    never_modifiers: HashSet<String>,
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut lexicon = Lexicon {
        entries: HashMap::new(),
        prefixes: HashSet::new(),
        last_words: HashSet::new(),
        never_modifiers: HashSet::new(),
    };
    for cols in lexicon::entries(lexicon::file("titles.tsv")) {
        let phrase = cols[0];
        let words: Vec<String> = crate::doc::split_words(phrase)
            .map(|(s, e)| phrase[s..e].to_string())
            .collect();
        let kind = match cols.get(1).copied() {
            Some("head") => Kind::Head,
            Some("prefix") => Kind::Prefix,
            Some("relation") => Kind::Relation,
            Some("description") => Kind::Description,
            Some("other") => Kind::Other,
            _ => Kind::Title,
        };
        if kind == Kind::Prefix {
            lexicon.prefixes.insert(phrase.to_string());
            continue;
        }
        lexicon
            .last_words
            .insert(words.last().cloned().unwrap_or_default());
        if matches!(kind, Kind::Relation | Kind::Description | Kind::Other) && words.len() == 1 {
            lexicon.never_modifiers.insert(phrase.to_string());
        }
        let list = lexicon.entries.entry(words[0].clone()).or_default();
        // A word listed both as a title and as a head noun is a head: it may take modifiers.
        match list.iter_mut().find(|(w, _)| *w == words) {
            Some(entry) if kind == Kind::Head => entry.1 = Kind::Head,
            Some(_) => {}
            None => list.push((words, kind)),
        }
    }
    for list in lexicon.entries.values_mut() {
        list.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    }
    lexicon
});

/// Words that never modify a head noun inside a title: function words and the verbs that link
/// a title ("has been made artistic director").
pub static NOT_MODIFIERS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("not_modifiers.tsv")));

/// Words that describe the holder rather than the role, skipped between a determiner and a
/// title and never taken into one ("the new manager", "a paid adviser", "top official").
pub static DESCRIPTIVE: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("descriptive_words.tsv")));

/// Endings of adjectives that describe a person, not a role ("controversial" passes: "-al"
/// also ends nouns like "rival"); used when the model gives no POS tags.
static ADJECTIVE_ENDINGS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    lexicon::entries(lexicon::file("adjective_endings.tsv"))
        .map(|cols| cols[0])
        .collect()
});

/// A title found in a sentence: words `start..end`, lowercase text `title`.
#[derive(Debug, Clone, PartialEq)]
pub struct TitleMatch {
    pub start: usize,
    pub end: usize,
    pub title: String,
    /// False for words that are no role ("legend", "suspect", "girlfriend").
    pub role: bool,
    /// A family relation ("mother", "sister"): a role that belongs to no organisation.
    pub relation: bool,
    /// "directors": the title of several people; `title` is singular.
    pub plural: bool,
}

/// Whether a lowercase word ends some title ("minister", "star").
pub fn ends_title(word: &str) -> bool {
    LEXICON.last_words.contains(word)
}

/// The titles in `range` of the document's words, in order, not overlapping; words for which `blocked` is true (inside a mention) are never part
/// of a title.
pub fn find(a: &Analysis, range: Range<usize>, blocked: impl Fn(usize) -> bool) -> Vec<TitleMatch> {
    let mut found = Vec::new();
    let mut i = range.start;
    while i < range.end {
        let Some(core) = core_at(a, i, range.end, &blocked) else {
            i += 1;
            continue;
        };
        // "Deputy" is a title, but in "deputy prime minister" it qualifies the next one.
        let qualifies = core.end == i + 1
            && LEXICON.prefixes.contains(a.lower[i].as_ref())
            && [i + 1, i + 2].into_iter().any(|j| {
                j < range.end
                    && (j == i + 1 || a.lower[i + 1] == "-")
                    && core_at(a, j, range.end, &blocked).is_some()
            });
        if qualifies {
            i += 1;
            continue;
        }
        let mut start = i;
        if core.kind == Kind::Head {
            start = modifiers_before(a, start, range.start, &blocked);
        }
        start = prefixes_before(a, start, range.start, &blocked);
        let mut end = core.end;
        // The written words up to the last, which is given in the singular ("vice-president",
        // "chief executives" → "chief executive").
        let before_last = &a.doc.text[a.doc.words[start].start..a.doc.words[end - 1].start];
        let mut title = collapse(before_last);
        if before_last.ends_with(char::is_whitespace) {
            title.push(' ');
        }
        title.push_str(core.last);
        if !core.plural {
            let portfolio = portfolio_after(a, end, range.end, &blocked);
            if portfolio > end {
                title.push(' ');
                title.push_str(&collapse(
                    &a.doc.text[a.doc.words[end].start..a.doc.words[portfolio - 1].end],
                ));
                end = portfolio;
            }
        }
        found.push(TitleMatch {
            start,
            end,
            title,
            role: core.kind != Kind::Other,
            relation: core.kind == Kind::Relation,
            plural: core.plural,
        });
        i = end;
    }
    found
}

/// Lowercase, whitespace runs collapsed to one space.
fn collapse(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A lexicon entry found at a word.
struct Core {
    end: usize,
    kind: Kind,
    /// The entry's last word, singular.
    last: &'static str,
    plural: bool,
}

/// The longest title entry at word `i`, its last word possibly plural ("directors").
fn core_at(a: &Analysis, i: usize, limit: usize, blocked: &impl Fn(usize) -> bool) -> Option<Core> {
    if blocked(i) {
        return None;
    }
    let word = a.lower[i].as_ref();
    let entries = LEXICON.entries.get(word).into_iter().flatten();
    // A plural one-word title is listed under its singular.
    let singular = singulars(word)
        .filter_map(|s| LEXICON.entries.get(&s))
        .flatten()
        .filter(|(w, _)| w.len() == 1);
    let (words, kind, plural) = entries.chain(singular).find_map(|(w, kind)| {
        if i + w.len() > limit || (0..w.len()).any(|k| blocked(i + k)) {
            return None;
        }
        let n = w.len() - 1;
        let head_ok = (0..n).all(|k| a.lower[i + k] == w[k].as_str());
        let last = a.lower[i + n].as_ref();
        (head_ok && (last == w[n] || is_plural_of(last, &w[n]))).then(|| (w, *kind, last != w[n]))
    })?;
    let end = i + words.len();
    // "runner-up", "anti-president": part of a hyphenated word, not a title ("ex-" is read
    // as "former" by the roles, prefixes by `prefixes_before`).
    let glued = |k: usize| a.glued(k);
    let hyphen_after = end + 1 < limit && a.lower[end] == "-" && glued(end - 1) && glued(end);
    let hyphen_before = i >= 2
        && a.lower[i - 1] == "-"
        && glued(i - 2)
        && glued(i - 1)
        && a.lower[i - 2] != "ex"
        && !LEXICON.prefixes.contains(a.lower[i - 2].as_ref());
    if hyphen_after || hyphen_before {
        return None;
    }
    // The model's POS head knows "head" in "to head the firm" is a verb.
    let verb = a.doc.words[end - 1]
        .pos
        .is_some_and(|p| p.starts_with("VB"));
    (!verb).then(|| Core {
        end,
        kind,
        last: words[words.len() - 1].as_str(),
        plural,
    })
}

/// The singular forms a plural noun may have: "directors", "chairmen", "secretaries".
fn singulars(word: &str) -> impl Iterator<Item = String> + '_ {
    [
        word.strip_suffix('s').map(str::to_string),
        word.strip_suffix("men").map(|s| format!("{s}man")),
        word.strip_suffix("ies").map(|s| format!("{s}y")),
    ]
    .into_iter()
    .flatten()
}

fn is_plural_of(word: &str, singular: &str) -> bool {
    word != singular && singulars(word).any(|s| s == singular)
}

/// Titles after which "for" opens a portfolio ("director for public policy").
static PORTFOLIO_FOR: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("portfolio_for_titles.tsv")));

/// The end of a lowercase portfolio after a title, "director [of community relations]", "head
/// [of new media]", "director [for public policy]", "vice president [of sales and
/// marketing]": "of" or "for" and one to three lowercase words (two joined by "and"), then a
/// boundary (punctuation, a capital, a preposition). `end` itself when there is none.
fn portfolio_after(
    a: &Analysis,
    end: usize,
    limit: usize,
    blocked: &impl Fn(usize) -> bool,
) -> usize {
    let opens = end < limit
        && match a.lower[end].as_ref() {
            "of" => true,
            "for" => PORTFOLIO_FOR.contains(a.lower[end - 1].as_ref()),
            _ => false,
        };
    if !opens {
        return end;
    }
    let is_word = |j: usize| {
        j < limit
            && !blocked(j)
            && !NOT_MODIFIERS.contains(a.lower[j].as_ref())
            && a.doc.text[a.doc.words[j].start..a.doc.words[j].end]
                .chars()
                .all(|c| c.is_alphabetic() && c.is_lowercase())
    };
    let mut j = end + 1;
    while j < end + 5 {
        if is_word(j) {
            j += 1;
        } else if j > end + 1 && a.lower[j] == "and" && is_word(j + 1) {
            j += 2;
        } else {
            break;
        }
    }
    // A name after the words makes them a description of it ("head of chip maker Texas
    // Instruments"), not a portfolio.
    let bounded = j >= limit
        || matches!(a.lower[j].as_ref(), "at" | "for" | "in" | "with" | "from")
        || !a.doc.text[a.doc.words[j].start..].starts_with(|c: char| c.is_alphanumeric());
    if j > end + 1 && bounded {
        j
    } else {
        end
    }
}

/// Nouns for the organisation a title belongs to, not its portfolio: "government
/// communications chief" is a communications chief, "record label boss" a boss; but "local
/// government minister".
static ORGANISATION_NOUNS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("organisation_nouns.tsv")));

/// Whether word `j` can be a noun modifier inside a title ("sports", "fund", "tour");
/// `initial`: the word opens the sentence, so it may be capitalised ("Rap star Jay-Z").
pub fn is_modifier(doc: &Doc, j: usize, initial: bool) -> bool {
    let word = doc.text[doc.words[j].start..doc.words[j].end].to_lowercase();
    noun_modifier(doc, j, initial)
        && !ORGANISATION_NOUNS.contains(word.as_str())
        && !LEXICON.never_modifiers.contains(&word)
}

/// Whether word `j` is shaped like a noun modifier ("committee", "government"): a lowercase
/// word, not a function word or a description of the holder, tagged noun/adjective (without
/// POS tags: not shaped like a descriptive adjective), standing alone (not the "s" of "’s";
/// "(tour manager)" is fine).
pub fn is_noun_modifier(doc: &Doc, j: usize) -> bool {
    noun_modifier(doc, j, false)
}

/// [`is_noun_modifier`], and with `initial` a capital first letter is allowed.
fn noun_modifier(doc: &Doc, j: usize, initial: bool) -> bool {
    let w = &doc.words[j];
    let written = &doc.text[w.start..w.end];
    let mut chars = written.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_alphabetic() && (c.is_lowercase() || initial));
    let shaped = first_ok && chars.all(|c| c.is_alphabetic() && c.is_lowercase());
    let lower = written.to_lowercase();
    let word = lower.as_str();
    doc.words.get(j + 1).is_some_and(|next| w.end < next.start)
        && (j == 0
            || doc.words[j - 1].end < w.start
            || matches!(
                &doc.text[doc.words[j - 1].start..doc.words[j - 1].end],
                "(" | "“" | "\""
            ))
        && shaped
        && !NOT_MODIFIERS.contains(word)
        && !DESCRIPTIVE.contains(word)
        && match w.pos {
            Some(pos) => pos.starts_with("NN") || pos == "JJ" || pos == "VBG",
            None => !ADJECTIVE_ENDINGS.iter().any(|e| word.ends_with(e)),
        }
}

fn modifiers_before(
    a: &Analysis,
    mut start: usize,
    limit: usize,
    blocked: &impl Fn(usize) -> bool,
) -> usize {
    let fits = |j: usize, next: usize| {
        !blocked(j)
            && is_modifier(a.doc, j, j == limit)
            && !LEXICON.prefixes.contains(a.lower[j].as_ref())
            // With chunk tags, the modifier must sit in the head's noun phrase.
            && a.doc.words[next].chunk.is_none_or(|c| c == "I-NP")
    };
    let mut taken = 0;
    while taken < 2 && start > limit {
        let j = start - 1;
        let word = a.lower[j].as_ref();
        if ORGANISATION_NOUNS.contains(word) {
            // Only inside a portfolio ("local government minister"), not as its outer word
            // ("government communications chief").
            if taken == 0 && j > limit && is_noun_modifier(a.doc, j) && fits(j - 1, j) {
                start = j - 1;
            }
            break;
        }
        if !fits(j, start) {
            break;
        }
        start = j;
        taken += 1;
    }
    start
}

fn prefixes_before(
    a: &Analysis,
    mut start: usize,
    limit: usize,
    blocked: &impl Fn(usize) -> bool,
) -> usize {
    for _ in 0..2 {
        // "deputy prime minister", "vice-president" (prefix, hyphen, title).
        let hyphen = start > limit + 1
            && a.lower[start - 1] == "-"
            && a.doc.words[start - 2].end == a.doc.words[start - 1].start
            && a.doc.words[start - 1].end == a.doc.words[start].start;
        let j = if hyphen {
            start - 2
        } else {
            start.wrapping_sub(1)
        };
        if start == limit
            || j < limit
            || blocked(j)
            || !LEXICON.prefixes.contains(a.lower[j].as_ref())
        {
            break;
        }
        start = j;
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(text: &str) -> Vec<String> {
        let doc = Doc::from_text(text, None, Vec::new());
        let a = Analysis::new(&doc);
        find(&a, 0..doc.words.len(), |_| false)
            .into_iter()
            .map(|t| t.title)
            .collect()
    }

    #[test]
    fn longest_entries_qualifiers_and_head_modifiers() {
        assert_eq!(
            titles("Greater Manchester police chief constable Ian Hopkins"),
            ["chief constable"]
        );
        assert_eq!(
            titles("Dutch sports minister Medy van der Laan"),
            ["sports minister"]
        );
        assert_eq!(
            titles("the Manchester suicide bomber who killed"),
            ["suicide bomber"]
        );
        assert_eq!(
            titles("Deputy Prime Minister John Prescott"),
            ["deputy prime minister"]
        );
        assert_eq!(
            titles("the vice-president and new manager"),
            ["vice-president", "manager"]
        );
        assert_eq!(titles("a talented manager"), ["manager"]);
        assert_eq!(titles("the record label boss"), ["boss"]);
        assert!(ends_title("minister") && !ends_title("said"));
        assert_eq!(titles("three Disney directors"), ["director"]);
        assert_eq!(titles("former chairmen"), ["chairman"]);
        assert_eq!(
            titles("Marco Behrmann, director of community relations at Mindark"),
            ["director of community relations"]
        );
        assert_eq!(
            titles("Hugo Lueders, director for public policy at CompTIA"),
            ["director for public policy"]
        );
        assert_eq!(
            titles("Jan Bolz, vice president of sales and marketing in Europe"),
            ["vice president of sales and marketing"]
        );
        assert_eq!(titles("manager for four seasons"), ["manager"]);
        assert_eq!(titles("a lobbyist for disabled rights"), ["lobbyist"]);
        assert_eq!(titles("spokesman for the firm and"), ["spokesman"]);
        assert_eq!(titles("head of the college"), ["head"]);
        assert_eq!(titles("head of chip maker Texas"), ["head"]);
        assert_eq!(titles("the SEC's chief accountant"), ["chief accountant"]);
        assert_eq!(
            titles("a runner-up, an anti-president"),
            Vec::<String>::new()
        );
        assert_eq!(
            titles("has been made artistic director"),
            ["artistic director"]
        );
    }
}
