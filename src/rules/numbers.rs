//! The number reader: finds the numbers of a text and reads each with what the text says about it
//! around it: how exact it is ("at least"), its currency ("£1.8m"), percent sign, unit of measure
//! ("60 miles"), the noun it counts ("45 banks" → "bank"), or that it is someone's age ("aged 44",
//! "a 26-year-old man"). It leaves alone the numbers that are not amounts: ordinals, clock times
//! ("2.15pm"), years and dates (the date reader's), phone numbers, "7/7", "Article 2", "Euro 2004",
//! "Ocean's Twelve", scores ("2-1"), proportions ("one in four"). Ranges ("20-25%", "between 5
//! and 7%") give a floor and a ceiling; durations ("a 10-year deal") are measures.
//!
//! It reads the analysed document's number layer ([`Toks`]: the words regrouped so that "45,000"
//! and "1.3bn" read whole). Everything contextual beyond the phrase (predicates, entities,
//! changes) is the caller's (`facts.rs`).

use super::lexicon;
use super::names;
use super::sentences::Sentence;
use super::Switches;
use crate::doc::Word;
use crate::record::{Approx, FactKind};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    Num,
    Word,
    Punct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tok {
    pub start: usize,
    pub end: usize,
    pub kind: TokKind,
    /// No whitespace before it: "1.3bn" is `1.3` + glued `bn`.
    pub glued: bool,
    /// A line break before it: a headline or paragraph starts here.
    pub line_start: bool,
    /// The document's word it starts in.
    pub word: usize,
}

/// The number layer of the analysed document: its words regrouped into digit groups ("45,000",
/// "2.77" from the words `45` `,` `000`), letter runs ("1.3bn" is `1.3` + `bn`) and single other
/// characters, each token with its lowercase form, POS tag and sentence.
pub struct Toks<'a> {
    pub text: &'a str,
    pub toks: Vec<Tok>,
    lower: Vec<String>,
    pos: Vec<Option<&'a str>>,
    /// Each token's sentence as token bounds `from..to`.
    sentence: Vec<(usize, usize)>,
}

impl<'a> Toks<'a> {
    /// `words`: the document's words, which cover every character but whitespace and control
    /// characters; `sentences`: word ranges over them.
    pub fn new(text: &'a str, words: &[Word<'a>], sentences: &[Sentence]) -> Self {
        let toks = regroup(text, words);
        let lower = toks
            .iter()
            .map(|t| text[t.start..t.end].to_lowercase())
            .collect();
        // A token takes the tag of the word starting where it starts.
        let pos = toks
            .iter()
            .map(|t| {
                let word = &words[t.word];
                (word.start == t.start).then_some(word.pos).flatten()
            })
            .collect();
        let mut sentence = Vec::with_capacity(toks.len());
        let mut from = 0;
        for s in sentences {
            let to = from + toks[from..].partition_point(|t| t.word < s.words.end);
            sentence.extend(std::iter::repeat_n((from, to), to - from));
            from = to;
        }
        Toks {
            text,
            toks,
            lower,
            pos,
            sentence,
        }
    }

    /// The layer of a text read as one sentence, with untagged words: for tests of the readers.
    #[cfg(test)]
    pub fn of_text(text: &'a str) -> Self {
        Self::of_words(
            text,
            &crate::doc::Doc::from_text(text, None, Vec::new()).words,
        )
    }

    /// The layer of `words` read as one sentence.
    #[cfg(test)]
    pub fn of_words(text: &'a str, words: &[Word<'a>]) -> Self {
        let whole = Sentence {
            start: 0,
            end: text.len(),
            words: 0..words.len(),
        };
        Toks::new(text, words, &[whole])
    }

    pub(crate) fn len(&self) -> usize {
        self.toks.len()
    }

    /// The token as written; "" past the end.
    pub fn s(&self, i: usize) -> &'a str {
        self.toks.get(i).map_or("", |t| &self.text[t.start..t.end])
    }

    /// The token lowercased; "" past either end, so lookaround needs no bounds checks.
    pub fn l(&self, i: usize) -> &str {
        self.lower.get(i).map_or("", String::as_str)
    }

    pub fn pos(&self, i: usize) -> Option<&'a str> {
        self.pos.get(i).copied().flatten()
    }

    pub fn kind(&self, i: usize) -> Option<TokKind> {
        self.toks.get(i).map(|t| t.kind)
    }

    pub fn glued(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.glued)
    }

    pub fn is_word(&self, i: usize) -> bool {
        self.kind(i) == Some(TokKind::Word)
    }

    pub fn is_num(&self, i: usize) -> bool {
        self.kind(i) == Some(TokKind::Num)
    }

    /// Whether token `i` is the "s" of a possessive: the tokens split "Woodward's" as
    /// "Woodward", "'", "s".
    pub fn is_possessive_s(&self, i: usize) -> bool {
        i >= 1 && self.l(i) == "s" && names::is_apostrophe(self.l(i - 1))
    }

    pub fn is_capitalized(&self, i: usize) -> bool {
        self.is_word(i) && self.s(i).starts_with(|c: char| c.is_uppercase())
    }

    /// Whether a sentence, headline or quote may start at token `i`.
    pub fn starts_sentence(&self, i: usize) -> bool {
        i == 0
            || self.toks[i].line_start
            || matches!(
                self.l(i - 1),
                "." | "!" | "?" | ":" | ";" | "\"" | "“" | "‘" | "'" | "(" | "-" | "–" | "—"
            )
    }

    /// Token bounds `from..to` of the sentence holding token `i`.
    pub fn sentence_of(&self, i: usize) -> (usize, usize) {
        self.sentence[i]
    }

    /// Tokens `i..j` as one lowercase key: glued tokens joined directly, others with one space
    /// ("US$" → "us$", "per cent" → "per cent", "km/h" → "km/h").
    pub fn key(&self, i: usize, j: usize) -> String {
        let mut k = String::new();
        for n in i..j.min(self.len()) {
            if n > i && !self.toks[n].glued {
                k.push(' ');
            }
            k.push_str(self.l(n));
        }
        k
    }

    /// The longest phrase of `map` (at most `max` tokens) starting at `i`: (end, value).
    pub fn phrase_at<'m, V>(
        &self,
        i: usize,
        map: &'m HashMap<String, V>,
        max: usize,
    ) -> Option<(usize, &'m V)> {
        (1..=max)
            .rev()
            .filter(|n| i + n <= self.len())
            .find_map(|n| map.get(&self.key(i, i + n)).map(|v| (i + n, v)))
    }

    /// The longest phrase of `map` (at most `max` tokens) ending just before `i`: (start, value).
    pub fn phrase_before<'m, V>(
        &self,
        i: usize,
        map: &'m HashMap<String, V>,
        max: usize,
    ) -> Option<(usize, &'m V)> {
        (1..=max)
            .rev()
            .filter(|&n| n <= i)
            .find_map(|n| map.get(&self.key(i - n, i)).map(|v| (i - n, v)))
    }
}

/// The words of `text` as [`Tok`]s. A digit group takes thousands separators and one decimal
/// part across the words it spans ("45,000", "2.77"); a trailing "." or "," stays a token of its
/// own. Letter runs split a word at digits ("3bn" → `3` `bn`) and join glued CJK words.
fn regroup(text: &str, words: &[Word]) -> Vec<Tok> {
    let b = text.as_bytes();
    let mut toks: Vec<Tok> = Vec::new();
    let mut done = 0;
    for (w, word) in words.iter().enumerate() {
        let mut i = word.start.max(done);
        while i < word.end {
            let c = text[i..].chars().next().expect("inside a word");
            let (end, kind) = if c.is_ascii_digit() {
                (digits_end(b, i), TokKind::Num)
            } else if c.is_alphabetic() {
                let len = text[i..]
                    .find(|c: char| !c.is_alphabetic())
                    .unwrap_or(text.len() - i);
                (i + len, TokKind::Word)
            } else {
                (i + c.len_utf8(), TokKind::Punct)
            };
            let gap = &text[done..i];
            toks.push(Tok {
                start: i,
                end,
                kind,
                glued: !toks.is_empty() && gap.is_empty(),
                line_start: toks.is_empty() || gap.contains('\n'),
                word: w,
            });
            (done, i) = (end, end);
        }
    }
    toks
}

/// End of the number starting at `i`: digits, then ",ddd" groups, then ".d+".
fn digits_end(b: &[u8], i: usize) -> usize {
    let run = |from: usize| from + b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut j = run(i);
    while b.get(j) == Some(&b',') && run(j + 1) == j + 4 {
        j += 4;
    }
    if b.get(j) == Some(&b'.') && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
        j = run(j + 1);
    }
    j
}

/// A digit token's value: "45,000" → 45000, "2.77" → 2.77; with `scale`, exact for decimals
/// ("1.3" × 1e9 = 1300000000, not 1300000000.0000002).
fn digits_value(s: &str, scale: f64) -> Option<f64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits: String = int
        .chars()
        .filter(|c| *c != ',')
        .chain(frac.chars())
        .collect();
    let mantissa: f64 = digits.parse().ok()?;
    Some(mantissa * scale / 10f64.powi(frac.len() as i32)).filter(|v| v.is_finite())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Unit,
    Scale,
    Suffix,
    Vague,
    Dozen,
    Label,
    Fraction,
}

fn table<V>(data: &'static str, f: impl Fn(&[&'static str]) -> V) -> HashMap<String, V> {
    lexicon::entries(data)
        .map(|cols| (cols[0].to_string(), f(&cols)))
        .collect()
}

static NUMBER_WORDS: LazyLock<HashMap<String, (f64, Class)>> = LazyLock::new(|| {
    table(lexicon::file("number_words.tsv"), |c| {
        let class = match c[2] {
            "unit" => Class::Unit,
            "scale" => Class::Scale,
            "suffix" => Class::Suffix,
            "vague" => Class::Vague,
            "dozen" => Class::Dozen,
            "label" => Class::Label,
            "fraction" => Class::Fraction,
            other => panic!("number_words.tsv: unknown class {other}"),
        };
        (c[1].parse().expect("number_words.tsv: bad value"), class)
    })
});

static APPROX: LazyLock<HashMap<String, Approx>> = LazyLock::new(|| {
    table(lexicon::file("approx.tsv"), |c| match c[1] {
        "at_least" => Approx::AtLeast,
        "more_than" => Approx::MoreThan,
        "at_most" => Approx::AtMost,
        "less_than" => Approx::LessThan,
        "about" => Approx::About,
        other => panic!("approx.tsv: unknown approx {other}"),
    })
});

pub struct Currency {
    /// ISO 4217 code, or the currency word when it needs a country to say which.
    pub iso: &'static str,
    /// Units of `iso` per unit of this currency: 0.01 for pence and cents.
    pub per: f64,
    /// Country or demonym → ISO code.
    pub countries: Vec<(&'static str, &'static str)>,
}

/// Every form of every currency, lowercase; symbol forms ("£", "us$") and word forms alike.
static CURRENCIES: LazyLock<HashMap<String, &'static Currency>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for cols in lexicon::entries(lexicon::file("currencies.tsv")) {
        let countries = lexicon::list(&cols, 2)
            .filter_map(|kv| kv.split_once('='))
            .collect();
        let (iso, per) = match cols[1].split_once("/") {
            Some((iso, div)) => (
                iso,
                1.0 / div.parse::<f64>().expect("currencies.tsv: bad divisor"),
            ),
            None => (cols[1], 1.0),
        };
        let cur: &'static Currency = Box::leak(Box::new(Currency {
            iso,
            per,
            countries,
        }));
        for form in lexicon::list(&cols, 0) {
            map.insert(form.to_lowercase(), cur);
        }
    }
    map
});

/// "a quarter of a million": the fraction multiplies the number after it.
static FRACTIONS: LazyLock<HashMap<String, (f64, Class)>> = LazyLock::new(|| {
    NUMBER_WORDS
        .iter()
        .filter(|(_, (_, c))| *c == Class::Fraction)
        .map(|(w, &v)| (format!("{w} of"), v))
        .collect()
});

static UNITS: LazyLock<HashMap<String, &'static str>> =
    LazyLock::new(|| table(lexicon::file("units.tsv"), |c| c[1]));

/// Irregular plural → singular; `None` for words that are not counted nouns.
static COUNTED: LazyLock<HashMap<String, Option<&'static str>>> = LazyLock::new(|| {
    table(lexicon::file("counted_nouns.tsv"), |c| {
        (c[1] != "-").then_some(c[1])
    })
});

static SIZE_ADJECTIVES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("size_adjectives.tsv")));

static FUNCTION_WORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("function_words.tsv")));

/// Whether `w` (lowercase) is a function word.
pub fn is_function_word(w: &str) -> bool {
    FUNCTION_WORDS.contains(w)
}

/// A currency's ISO code given a country or demonym ("Algerian", "Algeria"), if it settles it.
pub fn currency_for_country(currency: &str, country: &str) -> Option<&'static str> {
    let cur = CURRENCIES.get(currency)?;
    cur.countries
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(country))
        .map(|&(_, iso)| iso)
}

/// A number read with its context.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub kind: FactKind,
    /// In units of `unit`: 1800000 for "£1.8m" (GBP), 0.5 for "50p" (GBP).
    pub value: f64,
    pub approx: Approx,
    /// Counted noun (singular), ISO currency code (or the currency word when the country is
    /// unsaid), unit of measure or duration, "point" for percentage points, "year" for ages.
    pub unit: Option<String>,
    pub vague: bool,
    /// A number with nothing after it that says what it counts ("rose from 19 to 22").
    pub bare: bool,
    /// Tokens of the whole phrase, inclusive: "at least 22 people".
    pub first: usize,
    pub last: usize,
    /// The number's first token: "22" of "at least 22 people".
    pub num_first: usize,
    /// The reading that made it (`READINGS`).
    pub reading: &'static str,
}

/// The number core at a token: (value, last token, vague, written in words, glued scale suffix).
struct Core {
    value: f64,
    last: usize,
    vague: bool,
    words: bool,
    suffix: bool,
}

fn word_class(t: &Toks, i: usize) -> Option<(f64, Class)> {
    if !t.is_word(i) {
        return None;
    }
    NUMBER_WORDS.get(t.l(i)).copied()
}

/// Digits, with an optional scale: "45,000", "1.3bn", "1.3 billion", "£5k".
fn digits_core(t: &Toks, i: usize) -> Option<Core> {
    let s = t.s(i);
    let next = word_class(t, i + 1);
    let (scale, last, suffix) = match next {
        Some((v, Class::Suffix)) if t.glued(i + 1) && t.s(i + 1) == t.l(i + 1) => (v, i + 1, true),
        Some((v, Class::Scale)) if v >= 1000.0 => (v, i + 1, false),
        _ => (1.0, i, false),
    };
    Some(Core {
        value: digits_value(s, scale)?,
        last,
        vague: false,
        words: false,
        suffix,
    })
}

/// Number words: "eight", "twenty-two", "two hundred and fifty", "a dozen", "half a million",
/// "thousands of", "tens of thousands of".
fn words_core(t: &Toks, i: usize) -> Option<Core> {
    let w = t.l(i);
    // "a"/"half" only open a number before a scale: "a dozen", "a million", "half a million".
    let (mut cur, mut j) = match w {
        "a" | "an" => (1.0, i + 1),
        "half" if matches!(t.l(i + 1), "a" | "an") => (0.5, i + 2),
        _ => (0.0, i),
    };
    // After "a"/"half a" only a scale may come: "a dozen", not "a eight".
    let mut need_scale = j > i;
    if let Some((v, Class::Vague)) = word_class(t, i) {
        // "tens of thousands of", "hundreds of millions of": the smaller scale multiplies.
        let mut value = v;
        let mut last = i;
        while t.l(last + 1) == "of" {
            match word_class(t, last + 2) {
                Some((w2, Class::Vague)) if w2 > value => {
                    value *= w2;
                    last += 2;
                }
                _ => break,
            }
        }
        // "tens" means nothing without "of thousands"; "millions" alone is rather money.
        let alone = t.l(last + 1) != "of";
        if value == 10.0 || alone && value >= 1e6 {
            return None;
        }
        return Some(Core {
            value,
            last,
            vague: true,
            words: true,
            suffix: false,
        });
    }
    let mut total = 0.0;
    let mut last = None;
    let mut prev_unit: Option<f64> = None;
    loop {
        match word_class(t, j) {
            Some((v, Class::Unit)) if !need_scale => {
                match prev_unit {
                    // "twenty-two", "twenty two"
                    Some(p) if p >= 20.0 && p % 10.0 == 0.0 && v < 10.0 => cur += v,
                    Some(_) => break,
                    None => cur += v,
                }
                prev_unit = Some(v);
            }
            Some((_, Class::Unit)) => break,
            Some((v, Class::Scale)) if cur > 0.0 => {
                need_scale = false;
                if v == 100.0 {
                    cur *= 100.0;
                } else {
                    total += cur * v;
                    cur = 0.0;
                }
                prev_unit = None;
            }
            Some((v, Class::Dozen)) if cur > 0.0 => {
                need_scale = false;
                cur *= v;
                prev_unit = None;
            }
            _ => {
                // "-" inside "twenty-two"; "and" inside "two hundred and fifty".
                let joins = (t.l(j) == "-" && t.glued(j) && t.glued(j + 1) && prev_unit.is_some())
                    || (t.l(j) == "and"
                        && last.is_some()
                        && prev_unit.is_none()
                        && matches!(word_class(t, j + 1), Some((_, Class::Unit))));
                if joins {
                    j += 1;
                    continue;
                }
                break;
            }
        }
        last = Some(j);
        j += 1;
    }
    let last = last?;
    if need_scale {
        return None;
    }
    let value = total + cur;
    (value > 0.0).then_some(Core {
        value,
        last,
        vague: false,
        words: true,
        suffix: false,
    })
}

/// A plain number at token `i` (digits or words, no context): its value and last token.
pub fn number_at(t: &Toks, i: usize) -> Option<(f64, usize)> {
    let core = match t.kind(i)? {
        TokKind::Num if !digits_excluded(t, i, false) => digits_core(t, i)?,
        TokKind::Word => words_core(t, i).filter(|c| !c.vague)?,
        _ => return None,
    };
    Some((core.value, core.last))
}

/// Whether the digits at `i` are part of something that is not an amount: "7/7", "10:30",
/// "2-1", "1.2.3", "G8", "+44", "0800".
fn digits_excluded(t: &Toks, i: usize, in_range: bool) -> bool {
    let s = t.s(i);
    if i > 0 && t.glued(i) && (t.is_word(i - 1) || matches!(t.l(i - 1), "+" | "#")) {
        return true;
    }
    // Digit groups in a row: phone numbers ("0800 555 111"), tables.
    if (i > 0 && t.is_num(i - 1)) || t.is_num(i + 1) {
        return true;
    }
    // Leading zero: phone numbers, codes ("0800", "007"); "0.5" is fine.
    (joined_to_digits(t, i) && !in_range)
        || (s.len() > 1 && s.starts_with('0') && !s.starts_with("0."))
}

/// Whether the digits at `i` are glued to other digits: "2004-05", "7/7", "2-1", "10:30".
pub fn joined_to_digits(t: &Toks, i: usize) -> bool {
    let joint = |p: usize| matches!(t.l(p), "/" | "-" | ":" | "." | "–");
    (i >= 2 && t.glued(i) && joint(i - 1) && t.glued(i - 1) && t.is_num(i - 2))
        || (t.glued(i + 1) && joint(i + 1) && t.glued(i + 2) && t.is_num(i + 2))
}

fn is_year(s: &str) -> bool {
    s.len() == 4
        && s.bytes().all(|b| b.is_ascii_digit())
        && (1000..=2100).contains(&s.parse::<u32>().unwrap_or(0))
}

/// Singular of a plural counted noun, `None` when the word is not one.
fn singular(w: &str) -> Option<String> {
    if let Some(s) = COUNTED.get(w) {
        return s.map(str::to_string);
    }
    if w.len() < 4 || !w.bytes().all(|b| b.is_ascii_lowercase()) || !w.ends_with('s') {
        return None;
    }
    if w.ends_with("ss") || w.ends_with("us") || w.ends_with("is") || w.ends_with("ous") {
        return None;
    }
    let stem = if let Some(s) = w.strip_suffix("ies") {
        format!("{s}y")
    } else if ["ches", "shes", "sses", "xes", "zes"]
        .iter()
        .any(|e| w.ends_with(e))
    {
        w[..w.len() - 2].to_string()
    } else {
        w[..w.len() - 1].to_string()
    };
    Some(stem)
}

/// The counted noun after a number: up to two modifiers then a plural ("45,000 new jobs").
/// Returns (noun token, singular).
fn counted_noun(t: &Toks, j: usize, one: bool) -> Option<(usize, String)> {
    let mut k = j;
    for _ in 0..3 {
        if !t.is_word(k) || t.glued(k) {
            return None;
        }
        // Hyphenated words are one: "e-mails", "full-time".
        let mut last = k;
        while t.l(last + 1) == "-" && t.glued(last + 1) && t.glued(last + 2) && t.is_word(last + 2)
        {
            last += 2;
        }
        let w = t.key(k, last + 1);
        let lower = t.s(k) == t.l(k);
        let tag = t.pos(last);
        if let Some(noun) = plural_noun(t, k, last, &w, lower, tag) {
            return Some((last, noun));
        }
        // One thing is named in the singular: "one man", "only one side".
        let noun_tag = tag.is_none_or(|p| p == "NN");
        let noun = noun_tag
            && !is_function_word(&w)
            && COUNTED.get(&w) != Some(&None)
            && !UNITS.contains_key(&w);
        if one && k == j && lower && noun && !w.ends_with("ed") {
            return Some((last, w));
        }
        // A modifier: an adjective, a noun or a name ("new jobs", "two biggest economies", "US
        // adults"), never a function word but "other" ("two other children"), nor another
        // number.
        let modifier = match tag {
            Some(p) => matches!(p, "JJ" | "JJR" | "JJS" | "VBN" | "NNP" | "NN"),
            None => !lower || !w.ends_with('s') && !w.ends_with("ly"),
        };
        let function_word = is_function_word(&w) && w != "other";
        if !modifier || function_word || NUMBER_WORDS.contains_key(&w) {
            return None;
        }
        k = last + 1;
    }
    None
}

/// The singular of the plural noun `w` (tokens `k..=last`): "banks" → "bank", "Americans" →
/// "person" (a nationality counts people), "PSPs" → "psp".
fn plural_noun(
    t: &Toks,
    k: usize,
    last: usize,
    w: &str,
    lower: bool,
    tag: Option<&str>,
) -> Option<String> {
    let plural_tag = matches!(tag, Some("NNS" | "NNPS"));
    if lower {
        if tag.is_some_and(|p| !p.starts_with("NN")) && !COUNTED.contains_key(w) {
            return None;
        }
        let head = w.rsplit('-').next().unwrap_or(w);
        let stem = singular(head).or_else(|| plural_tag.then(|| head.to_string()))?;
        return Some(format!("{}{stem}", &w[..w.len() - head.len()]));
    }
    let s = t.s(last);
    if k != last || !s.ends_with('s') || t.starts_sentence(k) {
        return None;
    }
    let stem = &s[..s.len() - 1];
    if stem.len() > 1
        && stem
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Some(stem.to_lowercase());
    }
    (w.ends_with("ans") || w.ends_with("ians")).then(|| "person".to_string())
}

/// Reads every amount in `t`, skipping tokens marked in `claimed` (dates).
pub fn read(t: &Toks, claimed: &[bool], switches: &Switches) -> Vec<Quantity> {
    let mut out: Vec<Quantity> = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if claimed.get(i).copied().unwrap_or(false) {
            i += 1;
            continue;
        }
        if let Some([a, b]) = range_at(t, i, switches) {
            i = b.last + 1;
            out.extend([a, b]);
            continue;
        }
        let prev_age = out.last().filter(|q| q.kind == FactKind::Age);
        match read_at(t, i, prev_age, false, switches) {
            Some(q) => {
                i = q.last + 1;
                out.push(q);
            }
            None => i += 1,
        }
    }
    // "between 5 and 7%": the first number is a floor of the second's kind.
    for k in 1..out.len() {
        let (head, tail) = out.split_at_mut(k);
        let (a, b) = (&mut head[k - 1], &mut tail[0]);
        let between = a.first > 0 && t.l(a.first - 1) == "between" && t.l(a.last + 1) == "and";
        if between && a.bare && !b.bare && b.first == a.last + 2 {
            (a.kind, a.unit, a.bare) = (b.kind, b.unit.clone(), false);
            (a.approx, b.approx) = (Approx::AtLeast, Approx::AtMost);
        }
    }
    out
}

/// "20-25%", "£5m-£7m", "10-12 years": two amounts, a floor and a ceiling. A score ("2-1") does
/// not ascend, or has nothing after it.
fn range_at(t: &Toks, i: usize, switches: &Switches) -> Option<[Quantity; 2]> {
    let mut a = read_at(t, i, None, true, switches)?;
    let dash = a.last + 1;
    if !matches!(t.l(dash), "-" | "–") || !t.glued(dash) || !t.glued(dash + 1) {
        return None;
    }
    let second = if t.is_num(dash + 1) {
        dash + 1
    } else {
        dash + 2
    };
    let mut b = read_at(t, second, None, true, switches)?;
    if b.bare || b.kind == FactKind::Age || b.value <= a.value || b.first != dash + 1 {
        return None;
    }
    if a.bare {
        (a.kind, a.unit, a.bare) = (b.kind, b.unit.clone(), false);
    }
    if a.kind != b.kind {
        return None;
    }
    (a.approx, b.approx) = (Approx::AtLeast, Approx::AtMost);
    Some([a, b])
}

/// A number being read: its core, what stands left of it, and where its right side starts.
struct Number<'t, 'a> {
    t: &'t Toks<'a>,
    /// The number's first token, and the token after its core.
    i: usize,
    j: usize,
    core: Core,
    /// A currency symbol glued before the digits: "£1.8m".
    currency: Option<&'static Currency>,
    /// A "-" joining it to another number is a range's ("20-25%"), not a score's or a date's.
    in_range: bool,
    /// The age read just before: "aged eight and 18" makes 18 an age too.
    prev_age: Option<&'t Quantity>,
}

impl Number<'_, '_> {
    /// A "-" glued right after the number: "26-year-old", "5-0", "20-25%".
    fn hyphen_after(&self) -> bool {
        self.t.l(self.j) == "-" && self.t.glued(self.j)
    }

    /// Where the right side goes on after an order of magnitude's "of": "millions of pounds".
    fn after_of(&self) -> usize {
        self.j + usize::from(self.t.l(self.j) == "of" && self.core.vague)
    }
}

/// What a reading makes of a number.
enum Verdict {
    /// Not this reading's case: the next one tries.
    Pass,
    /// The number states no amount ("1st", "Article 2", "5-0").
    Reject,
    Read(Quantity),
}

impl From<Option<Quantity>> for Verdict {
    fn from(q: Option<Quantity>) -> Self {
        q.map_or(Verdict::Reject, Verdict::Read)
    }
}

/// A way of reading what a number is from the words around it.
struct Reading {
    name: &'static str,
    example: &'static str,
    read: fn(&Number, &Quantity) -> Verdict,
}

/// The readings in the order they are tried on each number; the first that does not pass
/// decides.
#[rustfmt::skip]
const READINGS: &[Reading] = &[
    Reading { name: "number-in-url", example: "https://www.test.com/search?q=30%25%2020 (no amount)", read: |n, _| in_url(n.t, n.i) },
    Reading { name: "number-metres", example: "I'm 1.8m tall; a 30m long tunnel (not £1.8m)", read: metres },
    Reading { name: "number-name", example: "Article 2, Euro 2004, Ocean's Twelve, one in four (no amount)", read: name_or_proportion },
    Reading { name: "number-glued-unit", example: "100km, 50p (1st, 2.15pm, 1990s: no amount)", read: glued_unit },
    Reading { name: "number-clock-or-ordinal", example: "10 am, 9 a.m., 1400 GMT (no amount)", read: |n, _| clock_or_ordinal(n) },
    Reading { name: "number-currency-symbol", example: "£1.8m, US$5", read: |n, q| n.currency.map_or(Verdict::Pass, |cur| money(q.clone(), cur, n.core.last).into()) },
    Reading { name: "number-percent", example: "15%, 15 per cent, 2 percentage points", read: percent },
    Reading { name: "number-range-floor", example: "the 20 of 20-25% (its kind comes from 25%)", read: range_floor },
    Reading { name: "number-years-old", example: "a 26-year-old man, 44 years old, ten months old, 6 weeks of age", read: years_old },
    Reading { name: "number-hyphen-unit", example: "a two-day sale, a 10-year deal, a 12-cent dividend", read: hyphen_unit },
    Reading { name: "number-compound", example: "5-0, a one-off, three-quarters (no amount)", read: |n, _| if n.hyphen_after() { Verdict::Reject } else { Verdict::Pass } },
    Reading { name: "number-age-marker", example: "aged 44, at the age of 44, died at 62", read: age_marker },
    Reading { name: "number-currency-word", example: "200 dinars, 200 Algerian dinars, millions of pounds, 20 USD, 10 €", read: currency_word },
    Reading { name: "number-measure", example: "60 miles, three months", read: measure },
    Reading { name: "number-counted-noun", example: "45 banks, thousands of children, three million of the consoles", read: counted },
    Reading { name: "number-scaled", example: "32 million, thousands", read: scaled },
    Reading { name: "number-bare", example: "rose from 19 to 22 (kept by the facts stage only in context)", read: bare },
];

/// The number readings' names and examples, in the order they are tried.
pub fn readings() -> Vec<(&'static str, &'static str)> {
    READINGS.iter().map(|r| (r.name, r.example)).collect()
}

/// Reads the amount whose number starts at token `i`: its core and left context (a glued
/// currency symbol, "a quarter of", a hedge), then the first of the `READINGS` that decides.
/// `in_range`: see [`Number`].
fn read_at(
    t: &Toks,
    i: usize,
    prev_age: Option<&Quantity>,
    in_range: bool,
    switches: &Switches,
) -> Option<Quantity> {
    let core = match t.kind(i)? {
        TokKind::Num => {
            if digits_excluded(t, i, in_range) {
                return None;
            }
            digits_core(t, i)?
        }
        TokKind::Word => words_core(t, i)?,
        TokKind::Punct => return None,
    };
    let mut q = Quantity {
        kind: FactKind::Count,
        value: core.value,
        // Orders of magnitude are floors: "thousands" is at least a thousand.
        approx: if core.vague {
            Approx::AtLeast
        } else {
            Approx::Exact
        },
        unit: None,
        vague: core.vague,
        bare: false,
        first: i,
        last: core.last,
        num_first: i,
        reading: "",
    };

    // Left: a currency symbol before the digits, a fraction ("a quarter of"), then a hedge.
    let mut currency = None;
    if !core.words && i > 0 {
        if let Some((s, cur)) = symbol_before(t, i) {
            currency = Some(cur);
            q.first = s;
        }
    }
    if matches!(t.l(i), "a" | "an") {
        if let Some((s, &(fraction, _))) = t.phrase_before(q.first, &FRACTIONS, 3) {
            q.value *= fraction;
            q.first = s;
        }
    }
    // "minus five percent".
    if q.first == i && t.l(i.wrapping_sub(1)) == "minus" {
        q.value = -q.value;
        q.first -= 1;
    }
    if let Some((s, &a)) = t.phrase_before(q.first, &APPROX, 3) {
        if t.is_word(q.first - 1) {
            q.approx = a;
            q.first = s;
        }
    }
    let number = Number {
        t,
        i,
        j: core.last + 1,
        core,
        currency,
        in_range,
        prev_age,
    };
    for reading in READINGS.iter().filter(|r| switches.on(r.name)) {
        match (reading.read)(&number, &q) {
            Verdict::Pass => {}
            Verdict::Reject => return None,
            Verdict::Read(q) => {
                return Some(Quantity {
                    reading: reading.name,
                    ..q
                })
            }
        }
    }
    None
}

/// The currency symbol right before the digits at `i`: glued ("£1.8m", "US$5"), or set apart
/// by a space as tokenised corpora write it ("$ 14 million", "c $ 16.4 million", "hk $ 10.05
/// billion"), its parts then read without their spaces; or an ISO code ("USD 200").
/// (start token, currency)
fn symbol_before(t: &Toks, i: usize) -> Option<(usize, &'static Currency)> {
    if t.is_word(i - 1) {
        // An ISO code: "USD 200", "EUR125".
        let cur = *CURRENCIES.get(t.l(i - 1))?;
        return (cur.iso.eq_ignore_ascii_case(t.l(i - 1))).then_some((i - 1, cur));
    }
    if t.glued(i) {
        return t.phrase_before(i, &CURRENCIES, 3).map(|(s, &cur)| (s, cur));
    }
    (1..=2.min(i)).rev().find_map(|n| {
        let written: String = (i - n..i).map(|k| t.l(k)).collect();
        let cur = *CURRENCIES.get(&written)?;
        // A spaced symbol's word part stands alone ("hk $", not the end of a word) and is no
        // word of its own: "a $ 300 million contract" is not Australian, "music's $ 500
        // million man" not Singaporean.
        let word = i - n;
        let own_word =
            is_function_word(t.l(word)) || matches!(t.l(word.wrapping_sub(1)), "'" | "’");
        (n == 1 || !(t.glued(word) || own_word)).then_some((word, cur))
    })
}

/// A glued "m" that is metres, not millions, when a size adjective follows: "1.8m tall".
fn metres(n: &Number, q: &Quantity) -> Verdict {
    let (t, last) = (n.t, n.core.last);
    let metres = n.core.suffix && t.s(last) == "m" && SIZE_ADJECTIVES.contains(t.l(last + 1));
    if !metres || n.currency.is_some() {
        return Verdict::Pass;
    }
    let q = Quantity {
        value: q.value / 1e6,
        ..q.clone()
    };
    finish(q, FactKind::Quantity, Some("m"), last).into()
}

/// Digits inside a web address or after a percent-encoding "%" ("%2020" is a space and "20"):
/// no amount.
fn in_url(t: &Toks, i: usize) -> Verdict {
    let mut first = i;
    while first > 0 && t.glued(first) {
        first -= 1;
    }
    let mut last = i;
    while t.glued(last + 1) {
        last += 1;
    }
    let run = t.key(first, last + 1);
    let encoded = i > 0 && t.l(i - 1) == "%" && t.glued(i);
    if encoded || run.contains("://") || run.starts_with("www.") {
        Verdict::Reject
    } else {
        Verdict::Pass
    }
}

/// "Article 2", "Euro 2004", "Windows 95": a number naming a thing; "number 10", "page 3".
/// "Ocean's Twelve", "Formula One": a capitalised number word inside a sentence is a name.
/// "one in four people": a proportion, not a count.
fn name_or_proportion(n: &Number, q: &Quantity) -> Verdict {
    let (t, i) = (n.t, n.i);
    if i == 0 || n.currency.is_some() || q.first != i {
        return Verdict::Pass;
    }
    let labelled = matches!(word_class(t, i - 1), Some((_, Class::Label)));
    let name = if n.core.words {
        t.is_capitalized(i) && !t.starts_sentence(i)
    } else {
        // "Aged 19, Sara Holt left": an age, capitalised as the sentence opens.
        t.is_capitalized(i - 1) && !is_function_word(t.l(i - 1)) && t.l(i - 1) != "aged"
    };
    let proportion = i >= 2 && t.key(i - 2, i) == "one in";
    if labelled || name || proportion {
        Verdict::Reject
    } else {
        Verdict::Pass
    }
}

/// Glued letters: "100km", "50p" are amounts; "1st", "2.15pm", "1990s", "3G" are not.
fn glued_unit(n: &Number, q: &Quantity) -> Verdict {
    let (t, j) = (n.t, n.j);
    if !(t.is_num(n.i) && t.glued(j) && t.is_word(j) && !n.core.suffix) {
        return Verdict::Pass;
    }
    let w = t.l(j);
    if let Some(&unit) = UNITS.get(w) {
        return finish(q.clone(), FactKind::Quantity, Some(unit), j).into();
    }
    match CURRENCIES.get(w) {
        Some(cur) if n.currency.is_none() => money(q.clone(), cur, j).into(),
        _ => Verdict::Reject,
    }
}

/// "2.15pm", "10 am", "9 a.m.", "1400 GMT", "2nd": not amounts.
fn clock_or_ordinal(n: &Number) -> Verdict {
    let (t, j) = (n.t, n.j);
    let after = matches!(
        t.l(j),
        "am" | "pm" | "gmt" | "bst" | "cet" | "est" | "hrs" | "st" | "nd" | "rd" | "th"
    ) || matches!(t.key(j, j + 4).as_str(), "a.m." | "p.m.");
    if after {
        Verdict::Reject
    } else {
        Verdict::Pass
    }
}

fn percent(n: &Number, q: &Quantity) -> Verdict {
    let (t, j) = (n.t, n.j);
    let (unit, last) = match (t.l(j), t.key(j, j + 2).as_str()) {
        (_, "percentage point" | "percentage points") => (Some("point"), j + 1),
        (_, "per cent") => (None, j + 1),
        ("%" | "percent" | "percents" | "percentage" | "pc", _) => (None, j),
        _ => return Verdict::Pass,
    };
    finish(q.clone(), FactKind::Percent, unit, last).into()
}

/// A range's floor ("20" of "20-25%"): what it is comes from the ceiling.
fn range_floor(n: &Number, q: &Quantity) -> Verdict {
    let (t, j) = (n.t, n.j);
    let ceiling = t.is_num(j + 1) || CURRENCIES.contains_key(t.l(j + 1));
    if n.hyphen_after() && n.in_range && !n.core.words && ceiling {
        Verdict::Read(Quantity {
            bare: true,
            ..q.clone()
        })
    } else {
        Verdict::Pass
    }
}

/// Ages: "26-year-old man", "44 years old", "ninety five years of age", "87 yo"; in the unit they are
/// given in, as docs/ANNOTATION.md has it (a thing's age is an age too): "ten months old",
/// "6 weeks of age", "a 90 day old bill".
fn years_old(n: &Number, q: &Quantity) -> Verdict {
    let (t, j) = (n.t, n.j);
    let hyphenated = t.key(j, j + 4);
    let compound = hyphenated
        .strip_prefix('-')
        .and_then(|k| k.strip_suffix("-old"))
        .and_then(age_unit);
    let (unit, last) = if let Some(unit) = compound.filter(|_| n.hyphen_after()) {
        if ageless(t, j + 4) {
            return Verdict::Reject;
        }
        (unit, j + 3)
    } else if let Some(unit) = age_unit(t.l(j)).filter(|_| t.l(j + 1) == "old") {
        (unit, j + 1)
    } else if let Some(unit) = age_unit(t.l(j)).filter(|_| t.key(j + 1, j + 3) == "of age") {
        (unit, j + 2)
    } else if t.l(j) == "yo" {
        // Clinical notes' "a 87 yo man".
        ("year", j)
    } else {
        return Verdict::Pass;
    };
    age(Quantity { last, ..q.clone() }, unit).into()
}

/// The unit of an age given in `word`: "years" → "year".
fn age_unit(word: &str) -> Option<&'static str> {
    match word {
        "year" | "years" => Some("year"),
        "month" | "months" => Some("month"),
        "week" | "weeks" => Some("week"),
        "day" | "days" => Some("day"),
        _ => None,
    }
}

/// Compound measures: "a two-day sale".
fn hyphen_unit(n: &Number, q: &Quantity) -> Verdict {
    let (t, j) = (n.t, n.j);
    if !n.hyphen_after() || !t.glued(j + 1) {
        return Verdict::Pass;
    }
    if let Some(&unit) = UNITS.get(t.l(j + 1)).filter(|&&u| unit_fits_number(n, u)) {
        return finish(q.clone(), FactKind::Quantity, Some(unit), j + 1).into();
    }
    // An amount of money made an adjective: "a 12-cent dividend", "its one-yen bid".
    match CURRENCIES.get(t.l(j + 1)) {
        Some(&cur) if t.is_word(j + 1) && t.l(j + 1).len() >= 2 => {
            money(q.clone(), cur, j + 1).into()
        }
        _ => Verdict::Pass,
    }
}

/// "aged 44", "at the age of 44", "died at 62", "aged eight and 18".
fn age_marker(n: &Number, q: &Quantity) -> Verdict {
    if age_before(n.t, q.first, q.last, n.prev_age) {
        age(q.clone(), "year").into()
    } else {
        Verdict::Pass
    }
}

/// Money by word: "200 dinars", "400 yuan", "200 Algerian dinars", "millions of pounds"; or by
/// a symbol or code after the number ("10 €", "20 USD").
fn currency_word(n: &Number, q: &Quantity) -> Verdict {
    let t = n.t;
    let after_of = n.after_of();
    // A symbol after the number, as some write it: "10 €", "125$"; not one that opens the
    // next amount ("in 2004 £5m").
    let opens_next = t.glued(after_of + 1) && t.is_num(after_of + 1);
    if let Some(&cur) = CURRENCIES
        .get(t.l(after_of))
        .filter(|_| !t.is_word(after_of) && !opens_next)
    {
        return money(q.clone(), cur, after_of).into();
    }
    for skip in 0..=2 {
        let at = after_of + skip;
        if !t.is_word(at) {
            break;
        }
        if let Some((end, &cur)) = t.phrase_at(at, &CURRENCIES, 2) {
            // Single letters ("p") only glued: "50p".
            if t.l(at).len() < 2 {
                break;
            }
            if skip == 0 {
                let cents = |k| {
                    let (unit_end, &part) = t.phrase_at(k, &CURRENCIES, 2)?;
                    (part.iso == cur.iso && part.per < cur.per).then_some((part.per, unit_end - 1))
                };
                return money(q.clone(), cur, end - 1)
                    .map(|q| smaller_part(t, q, cents))
                    .into();
            }
            let qualifier = t.text[t.toks[after_of].start..t.toks[at].start].trim();
            let Some(iso) = currency_for_country(&t.key(at, end), qualifier) else {
                return Verdict::Reject;
            };
            let q = Quantity {
                value: q.value * cur.per,
                ..q.clone()
            };
            return finish(q, FactKind::Money, Some(iso), end - 1).into();
        }
    }
    Verdict::Pass
}

/// Units of measure and durations; "one day he ..." is rarely a measure.
fn measure(n: &Number, q: &Quantity) -> Verdict {
    let (t, j) = (n.t, n.j);
    if n.core.vague || (t.l(n.i) == "one" && t.l(j) == "day") {
        return Verdict::Pass;
    }
    // A unit in brackets, as tables and forms write it: "20 (kg)", "20 [kg]".
    let closer = match t.l(j) {
        "(" => Some(")"),
        "[" => Some("]"),
        "{" => Some("}"),
        "<" => Some(">"),
        _ => None,
    };
    let found = match closer {
        Some(closer) => t
            .phrase_at(j + 1, &UNITS, 3)
            .filter(|&(end, _)| t.l(end) == closer)
            .map(|(end, unit)| (end + 1, unit)),
        None => t.phrase_at(j, &UNITS, 3),
    };
    let Some((end, &unit)) = found.filter(|(_, &u)| unit_fits_number(n, u)) else {
        return Verdict::Pass;
    };
    // "5 feet 2 inches", "5 ft 2 in": the inches are the feet's ("in" only where no phrase
    // follows it: "12 ft 2 in long").
    let inches = |k: usize| {
        if unit == "foot" && t.l(k) == "in" {
            let next = t.l(k + 1);
            let ends = !t.is_word(k + 1) || next == "more" || SIZE_ADJECTIVES.contains(next);
            return ends.then_some((1.0 / 12.0, k));
        }
        let (unit_end, &part) = t.phrase_at(k, &UNITS, 1)?;
        (unit == "foot" && part == "inch").then_some((1.0 / 12.0, unit_end - 1))
    };
    finish(q.clone(), FactKind::Quantity, Some(unit), end - 1)
        .map(|q| smaller_part(t, q, inches))
        .into()
}

/// Whether `unit` may follow a number written in words: bits only follow digits ("16-bit",
/// "2048-bit"), as "two-bit Tories" and "one bit of silicon" say.
fn unit_fits_number(n: &Number, unit: &str) -> bool {
    unit != "bit" || n.t.is_num(n.i)
}

/// An amount given in two units, the smaller after the larger ("3 dollars 50 cents",
/// "thirteen dollars and forty-five cents", "5 feet 2 inches"): `part(k)` reads a smaller unit
/// at token `k` as (its size in `q`'s unit, its last token).
fn smaller_part(
    t: &Toks,
    mut q: Quantity,
    part: impl Fn(usize) -> Option<(f64, usize)>,
) -> Quantity {
    let k = q.last + 1 + usize::from(t.l(q.last + 1) == "and");
    if let Some((value, last)) = number_at(t, k) {
        if let Some((size, unit_last)) = part(last + 1) {
            q.value += value * size;
            q.last = unit_last;
        }
    }
    q
}

/// Counted nouns, also through "of": "thousands of children", "three million of the consoles".
fn counted(n: &Number, q: &Quantity) -> Verdict {
    let (t, i, j) = (n.t, n.i, n.j);
    let mut k = n.after_of();
    if t.key(j, j + 2) == "of the" && !n.core.vague && q.value > 1.0 {
        k = j + 2;
    } else if n.core.vague && matches!(t.l(k), "the" | "their" | "his" | "her" | "its" | "our") {
        k += 1;
    }
    let Some((noun, unit)) = counted_noun(t, k, q.value == 1.0) else {
        return Verdict::Pass;
    };
    // "a man" is no count; "1990 people" is rather the date reader's.
    if matches!(t.l(i), "a" | "an") && q.value == 1.0 || is_year(t.s(i)) && !n.core.suffix {
        return Verdict::Reject;
    }
    Verdict::Read(Quantity {
        unit: Some(unit),
        last: noun,
        ..q.clone()
    })
}

/// A figure in millions says it counts something even with no noun: "32 million"; so does an
/// order of magnitude ("thousands") not followed by "of".
fn scaled(n: &Number, q: &Quantity) -> Verdict {
    let core = &n.core;
    let scaled = !core.words && core.last > n.i && !core.suffix;
    if (core.vague && n.t.l(n.j) != "of") || scaled {
        Verdict::Read(q.clone())
    } else {
        Verdict::Pass
    }
}

/// Nothing says what it counts: "rose from 19 to 22", "killing 22". A bare "45m" may be
/// metres; a bare "thousands of" something else, a bare year, "one" are nothing.
fn bare(n: &Number, q: &Quantity) -> Verdict {
    let core = &n.core;
    if core.vague || core.suffix || q.value == 1.0 || is_year(n.t.s(n.i)) {
        return Verdict::Reject;
    }
    Verdict::Read(Quantity {
        bare: true,
        ..q.clone()
    })
}

fn money(mut q: Quantity, cur: &Currency, last: usize) -> Option<Quantity> {
    q.value *= cur.per;
    finish(q, FactKind::Money, Some(cur.iso), last)
}

fn age(mut q: Quantity, unit: &str) -> Option<Quantity> {
    q.kind = FactKind::Age;
    q.unit = Some(unit.into());
    // An age is a whole number; in years, one a person can have ("the 500-year-old wall" is
    // rather a thing's history than an age the fixtures count).
    let possible = unit != "year" || (0.0..=125.0).contains(&q.value);
    (q.value.fract() == 0.0 && q.value >= 0.0 && possible && !q.vague).then_some(q)
}

fn finish(mut q: Quantity, kind: FactKind, unit: Option<&str>, last: usize) -> Option<Quantity> {
    q.kind = kind;
    q.unit = unit.map(str::to_string);
    q.last = last;
    Some(q)
}

static AGELESS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("ageless_nouns.tsv")));

/// "a 40-year-old trade embargo": the noun after "N-year-old" is a thing, not a person.
fn ageless(t: &Toks, k: usize) -> bool {
    let noun = |k: usize| singular(t.l(k)).unwrap_or_else(|| t.l(k).to_string());
    t.is_word(k) && (AGELESS.contains(noun(k).as_str()) || AGELESS.contains(noun(k + 1).as_str()))
}

static AGE_MARKERS: LazyLock<HashMap<String, ()>> =
    LazyLock::new(|| table(lexicon::file("age_markers.tsv"), |_| ()));
static AGE_ENDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("age_ends.tsv")));
static AGE_VERBS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("age_verbs.tsv")));
/// First words of a phrase fronted before a sentence's subject ("At 30,", "Still only 23,").
pub static FRONTED_OPENERS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::words(lexicon::file("fronted_openers.tsv")));

/// An age marker before the number at `first` (its last token `last`): "aged", "at the age
/// of", "died at", or "and" after an age ("aged eight and 18"); or, when the number ends its
/// phrase, a marker of `age_markers.tsv` ("turns 40"), "he was 59", a sentence opening with
/// the number after fronting words and before a comma ("At 30,", "Still only 23,"), or "at 16"
/// after a life event's verb in the clause ("left school at 16").
/// An adverb between "she was" and an age: "she was just 15".
pub fn is_age_adverb(word: &str) -> bool {
    matches!(word, "just" | "only" | "barely" | "still")
}

fn age_before(t: &Toks, first: usize, last: usize, prev_age: Option<&Quantity>) -> bool {
    let before = |n: usize| first.checked_sub(n);
    let chained = prev_age
        .is_some_and(|p| before(2) == Some(p.last) && matches!(t.l(first - 1), "and" | "or" | ","));
    let marked = chained
        || before(1).is_some_and(|b| t.l(b) == "aged")
        || before(4).is_some_and(|b| t.key(b, first) == "at the age of")
        || before(2).is_some_and(|b| t.key(b, first) == "of age")
        || before(2).is_some_and(|b| matches!(t.key(b, first).as_str(), "died at" | "dies at"));
    if marked {
        return true;
    }
    let next = last + 1;
    let ends = next >= t.len() || !t.is_word(next) || AGE_ENDS.contains(t.l(next));
    if !ends || first == 0 {
        return false;
    }
    // "he was 24", "she was just 15".
    let adverb = usize::from(first >= 3 && is_age_adverb(t.l(first - 1)));
    let pronoun_was = first >= 2 + adverb
        && matches!(t.l(first - 2 - adverb), "he" | "she")
        && matches!(t.l(first - 1 - adverb), "is" | "was");
    let at = t.l(first - 1) == "at";
    let fronting = (first.saturating_sub(3)..first)
        .rev()
        .take_while(|&k| FRONTED_OPENERS.contains(t.l(k)))
        .last();
    let opening = fronting.is_some_and(|k| t.starts_sentence(k)) && t.l(next) == ",";
    let life_event_at = at
        && (first.saturating_sub(8)..first - 1)
            .rev()
            .take_while(|&k| t.is_word(k) || t.l(k) == "'" || t.l(k) == "’")
            .any(|k| AGE_VERBS.contains(t.l(k)));
    t.phrase_before(first, &AGE_MARKERS, 2).is_some() || pronoun_was || opening || life_event_at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::FactValue;
    use crate::rules::dates;
    use chrono::NaiveDate;

    /// What a phrase reads as: the first fact the readers find (a date or an amount, whichever
    /// starts first), or none; with the name of the reading that read it ("fact-date" for a
    /// date).
    type Read = Option<(FactKind, FactValue, Approx, Option<String>, bool, bool)>;

    fn read_phrase(phrase: &str, switches: &Switches) -> (Read, &'static str) {
        let t = Toks::of_text(phrase);
        let anchor = NaiveDate::from_ymd_opt(2017, 5, 24);
        let found = if switches.on("fact-date") {
            dates::find(&t, anchor)
        } else {
            Vec::new()
        };
        let mut claimed = vec![false; t.len()];
        for d in &found {
            claimed[d.first..=d.last].iter_mut().for_each(|c| *c = true);
        }
        let qs = read(&t, &claimed, switches);
        let date = found.first().map(|d| (d.first, d.value.clone()));
        let num = qs.first();
        match (date, num) {
            (Some((df, v)), n) if n.is_none_or(|q| df < q.first) => (
                Some((
                    FactKind::Date,
                    FactValue::Date(v.unwrap_or_default()),
                    Approx::Exact,
                    None,
                    false,
                    false,
                )),
                "fact-date",
            ),
            (_, Some(q)) => (
                Some((
                    q.kind,
                    FactValue::Number(q.value),
                    q.approx,
                    q.unit.clone(),
                    q.vague,
                    q.bare,
                )),
                q.reading,
            ),
            _ => (None, "-"),
        }
    }

    /// tests/fixtures/number_phrases.tsv: phrase, rule, kind ("-" for nothing, "number" for a
    /// bare number), value, approx, unit ("-" for none), and "vague" where it is. The rule is
    /// the reading that reads the phrase, or that finds it states no amount ("-": none of them
    /// decides; switching it off must then change the row). Every reading has a row that
    /// changes when it is off.
    #[test]
    fn number_phrase_table() {
        let data = include_str!("../../tests/fixtures/number_phrases.tsv");
        let mut failures = Vec::new();
        let mut decisive = HashSet::new();
        let mut rows = 0;
        for cols in lexicon::entries(data) {
            rows += 1;
            let (phrase, rule) = (cols[0], cols[1]);
            let (got, reading) = read_phrase(phrase, &Switches::default());
            let want = match cols.get(2).copied().unwrap_or("-") {
                "-" => None,
                kind => {
                    let (kind, bare) = match kind {
                        "number" => (FactKind::Count, true),
                        k => (
                            serde_json::from_value(serde_json::json!(k)).expect("bad kind"),
                            false,
                        ),
                    };
                    let value = if kind == FactKind::Date {
                        FactValue::Date(cols[3].to_string())
                    } else {
                        FactValue::Number(cols[3].parse().expect("bad value"))
                    };
                    let approx =
                        serde_json::from_value(serde_json::json!(cols[4])).expect("bad approx");
                    let unit = cols.get(5).filter(|u| **u != "-").map(|u| u.to_string());
                    let vague = cols.get(6) == Some(&"vague");
                    Some((kind, value, approx, unit, vague, bare))
                }
            };
            if got != want {
                failures.push(format!("{phrase:?}\n   want {want:?}\n    got {got:?}"));
            }
            if want.is_some() && reading != rule {
                failures.push(format!(
                    "{phrase:?}: read by {reading}, the row says {rule}"
                ));
            }
            if rule != "-" {
                let off = Switches::without(&[rule]).expect("a rule's name");
                if read_phrase(phrase, &off).0 != got {
                    decisive.insert(rule);
                } else if want.is_none() {
                    failures.push(format!("{phrase:?}: switching {rule} off changes nothing"));
                }
            }
        }
        for (name, _) in readings() {
            if !decisive.contains(name) {
                failures.push(format!("no row changes when {name} is off"));
            }
        }
        assert!(rows >= 150, "only {rows} phrases");
        assert!(
            failures.is_empty(),
            "{} of {rows} phrases:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    fn read_all(text: &str) -> Vec<(FactKind, f64, Approx, Option<String>)> {
        let t = Toks::of_text(text);
        read(&t, &vec![false; t.len()], &Switches::default())
            .into_iter()
            .map(|q| (q.kind, q.value, q.approx, q.unit))
            .collect()
    }

    #[test]
    fn ranges_give_a_floor_and_a_ceiling() {
        let pct = |v, a| (FactKind::Percent, v, a, None);
        assert_eq!(
            read_all("by 20-25% in"),
            [pct(20.0, Approx::AtLeast), pct(25.0, Approx::AtMost)]
        );
        assert_eq!(
            read_all("between 5 and 7%"),
            [pct(5.0, Approx::AtLeast), pct(7.0, Approx::AtMost)]
        );
        let gbp = |v| (FactKind::Money, v, Approx::AtLeast, Some("GBP".to_string()));
        assert_eq!(read_all("£5m-£7m")[0], gbp(5e6));
        assert_eq!(read_all("won 2-1 win"), []);
    }

    #[test]
    fn pos_tags_decide_nouns() {
        // "45 cuts" tagged as a verb is no count; untagged it is.
        let text = "45 cuts";
        let words: Vec<Word> = crate::doc::split_words(text)
            .zip([Some("CD"), Some("VBZ")])
            .map(|((start, end), pos)| Word {
                start,
                end,
                pos,
                chunk: None,
            })
            .collect();
        let t = Toks::of_words(text, &words);
        assert!(read(&t, &[false, false], &Switches::default())
            .iter()
            .all(|q| q.bare));
        assert_eq!(read_all(text)[0].3.as_deref(), Some("cut"));
    }

    #[test]
    fn tokens_keep_numbers_whole() {
        let text = "£1.8m, 45,000 jobs. 2.15pm 22.";
        let t = Toks::of_text(text);
        let s: Vec<_> = (0..t.len()).map(|i| t.s(i)).collect();
        assert_eq!(
            s,
            ["£", "1.8", "m", ",", "45,000", "jobs", ".", "2.15", "pm", "22", "."]
        );
    }

    #[test]
    fn no_panic_on_odd_text() {
        for text in [
            "",
            "£",
            "1,",
            "1.",
            "a",
            "half a",
            "“22” people ’s 😀 5😀 東京 45,000東京 café 3 cafés",
            "aged",
            "aged 8 and",
            "-year-old 5-",
            "$ 5 % £££ 9,99 1,000,00 0.5p 12k€",
        ] {
            let t = Toks::of_text(text);
            let claimed = vec![false; t.len()];
            let _ = read(&t, &claimed, &Switches::default());
        }
    }
}
