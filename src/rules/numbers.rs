//! The number reader: finds the numbers of a text and reads each with what the text says about it
//! around it: how exact it is ("at least"), its currency ("£1.8m"), percent sign, unit of measure
//! ("60 miles"), the noun it counts ("45 banks" → "bank"), or that it is someone's age ("aged 44",
//! "a 26-year-old man"). It leaves alone the numbers that are not amounts: ordinals, clock times
//! ("2.15pm"), years and dates (the date reader's), phone numbers, "7/7", "Article 2", "Euro 2004",
//! "Ocean's Twelve", scores ("2-1"), proportions ("one in four"). Ranges ("20-25%", "between 5
//! and 7%") give a floor and a ceiling; durations ("a 10-year deal") are measures.
//!
//! It works on its own tokens (see [`Toks`]) rather than the model's words because "45,000" and
//! "1.3bn" must stay whole. Everything contextual beyond the phrase (predicates, entities, changes)
//! is the caller's (`facts.rs`).

use super::lexicon;
use super::sentences::Sentence;
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
}

/// A text cut into digit groups ("45,000", "2.77"), letter runs and single other characters,
/// with each token's lowercase form and, when the model gave one, its POS tag.
pub struct Toks<'a> {
    pub text: &'a str,
    pub toks: Vec<Tok>,
    lower: Vec<String>,
    pos: Vec<Option<&'a str>>,
}

impl<'a> Toks<'a> {
    /// `words`: the document's words, for their POS tags (may be untagged or empty).
    pub fn new(text: &'a str, words: &[Word<'a>]) -> Self {
        let toks = tokenize(text);
        let lower = toks
            .iter()
            .map(|t| text[t.start..t.end].to_lowercase())
            .collect();
        // A token takes the tag of the word starting where it starts.
        let pos = toks
            .iter()
            .map(|t| {
                words
                    .binary_search_by_key(&t.start, |w| w.start)
                    .ok()
                    .and_then(|k| words[k].pos)
            })
            .collect();
        Toks {
            text,
            toks,
            lower,
            pos,
        }
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

    /// Token bounds `from..to` of the sentence holding token `i`; the whole text when no
    /// sentence does (tests without a splitter).
    pub fn sentence_of(&self, sentences: &[Sentence], i: usize) -> (usize, usize) {
        let at = self.toks[i].start;
        let k = sentences.partition_point(|s| s.end <= at);
        match sentences.get(k).filter(|s| s.start <= at) {
            Some(s) => (
                self.toks.partition_point(|tok| tok.start < s.start),
                self.toks.partition_point(|tok| tok.start < s.end),
            ),
            None => (0, self.len()),
        }
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

/// Splits `text` into [`Tok`]s. Digit groups take thousands separators and one decimal part
/// ("45,000", "2.77"); a trailing "." or "," stays a token of its own.
fn tokenize(text: &str) -> Vec<Tok> {
    let b = text.as_bytes();
    let mut toks = Vec::new();
    let (mut glued, mut line_start) = (false, true);
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        if c.is_whitespace() || c.is_control() {
            glued = false;
            line_start |= c == '\n';
            i += c.len_utf8();
            continue;
        }
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
        toks.push(Tok {
            start: i,
            end,
            kind,
            glued,
            line_start,
        });
        (glued, line_start) = (true, false);
        i = end;
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
        // A modifier: an adjective, a noun or a name ("new jobs", "US adults"), never a function
        // word or another number.
        let modifier = match tag {
            Some(p) => matches!(p, "JJ" | "JJR" | "VBN" | "NNP" | "NN"),
            None => !lower || !w.ends_with('s') && !w.ends_with("ly"),
        };
        if !modifier || is_function_word(&w) || NUMBER_WORDS.contains_key(&w) {
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
pub fn read(t: &Toks, claimed: &[bool]) -> Vec<Quantity> {
    let mut out: Vec<Quantity> = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if claimed.get(i).copied().unwrap_or(false) {
            i += 1;
            continue;
        }
        if let Some([a, b]) = range_at(t, i) {
            i = b.last + 1;
            out.extend([a, b]);
            continue;
        }
        let prev_age = out.last().filter(|q| q.kind == FactKind::Age);
        match read_at(t, i, prev_age, false) {
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
fn range_at(t: &Toks, i: usize) -> Option<[Quantity; 2]> {
    let mut a = read_at(t, i, None, true)?;
    let dash = a.last + 1;
    if !matches!(t.l(dash), "-" | "–") || !t.glued(dash) || !t.glued(dash + 1) {
        return None;
    }
    let second = if t.is_num(dash + 1) {
        dash + 1
    } else {
        dash + 2
    };
    let mut b = read_at(t, second, None, true)?;
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

/// Reads the amount whose number starts at token `i`. `in_range`: a "-" joining it to another
/// number is a range's ("20-25%"), not a score's or a date's.
fn read_at(t: &Toks, i: usize, prev_age: Option<&Quantity>, in_range: bool) -> Option<Quantity> {
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
    };

    // Left: currency symbol glued to the digits, a fraction ("a quarter of"), then a hedge.
    let mut currency = None;
    if !core.words && t.glued(i) {
        if let Some((s, &cur)) = t.phrase_before(i, &CURRENCIES, 3) {
            if !t.is_word(i - 1) {
                currency = Some(cur);
                q.first = s;
            }
        }
    }
    if matches!(t.l(i), "a" | "an") {
        if let Some((s, &(fraction, _))) = t.phrase_before(q.first, &FRACTIONS, 3) {
            q.value *= fraction;
            q.first = s;
        }
    }
    if let Some((s, &a)) = t.phrase_before(q.first, &APPROX, 3) {
        if t.is_word(q.first - 1) {
            q.approx = a;
            q.first = s;
        }
    }
    // "Article 2", "Euro 2004", "Windows 95": a number naming a thing; "number 10", "page 3".
    // "Ocean's Twelve", "Formula One": a capitalised number word inside a sentence is a name.
    // "one in four people": a proportion, not a count.
    if i > 0 && currency.is_none() && q.first == i {
        let labelled = matches!(word_class(t, i - 1), Some((_, Class::Label)));
        let name = if core.words {
            t.is_capitalized(i) && !t.starts_sentence(i)
        } else {
            // "Aged 19, Sara Holt left": an age, capitalised as the sentence opens.
            t.is_capitalized(i - 1) && !is_function_word(t.l(i - 1)) && t.l(i - 1) != "aged"
        };
        let proportion = i >= 2 && t.key(i - 2, i) == "one in";
        if labelled || name || proportion {
            return None;
        }
    }

    // Right of the number.
    let j = core.last + 1;
    if t.is_num(i) && t.glued(j) && t.is_word(j) && !core.suffix {
        // Glued letters: "1st", "2.15pm", "1990s", "3G" are not amounts; "100km", "50p" are.
        let w = t.l(j);
        if let Some(&unit) = UNITS.get(w) {
            return finish(q, FactKind::Quantity, Some(unit), j);
        }
        return match CURRENCIES.get(w) {
            Some(cur) if currency.is_none() => money(q, cur, j),
            _ => None,
        };
    }
    if clock_or_ordinal_after(t, j) {
        return None;
    }
    if let Some(cur) = currency {
        return money(q, cur, core.last);
    }
    // Percent.
    if t.l(j) == "%" {
        return finish(q, FactKind::Percent, None, j);
    }
    match t.key(j, j + 2).as_str() {
        "per cent" => return finish(q, FactKind::Percent, None, j + 1),
        "percentage point" | "percentage points" => {
            return finish(q, FactKind::Percent, Some("point"), j + 1)
        }
        _ => {}
    }
    if matches!(t.l(j), "percent" | "pc") {
        return finish(q, FactKind::Percent, None, j);
    }
    // Ages: "26-year-old man", "44 years old"; compound measures: "a two-day sale".
    if t.l(j) == "-" && t.glued(j) {
        // A range's floor: what it is comes from the ceiling.
        if in_range && !core.words && (t.is_num(j + 1) || CURRENCIES.contains_key(t.l(j + 1))) {
            q.bare = true;
            return Some(q);
        }
        if matches!(t.key(j, j + 4).as_str(), "-year-old" | "-years-old") {
            if ageless(t, j + 4) {
                return None;
            }
            q.last = j + 3;
            return age(q);
        }
        if let Some(&unit) = UNITS.get(t.l(j + 1)).filter(|_| t.glued(j + 1)) {
            return finish(q, FactKind::Quantity, Some(unit), j + 1);
        }
        // "5-0", "a one-off", "three-quarters": scores and other compounds.
        return None;
    }
    if matches!(t.key(j, j + 2).as_str(), "years old" | "year old") {
        q.last = j + 1;
        return age(q);
    }
    // "aged 44", "at the age of 44", "died at 62", "aged eight and 18".
    if age_before(t, q.first, q.last, prev_age) {
        return age(q);
    }
    // Money by word: "200 dinars", "400 yuan", "200 Algerian dinars", "millions of pounds".
    let after_of = j + usize::from(t.l(j) == "of" && core.vague);
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
                return money(q, cur, end - 1);
            }
            let qualifier = t.text[t.toks[after_of].start..t.toks[at].start].trim();
            let iso = currency_for_country(&t.key(at, end), qualifier)?;
            q.value *= cur.per;
            return finish(q, FactKind::Money, Some(iso), end - 1);
        }
    }
    // Units of measure and durations.
    // "one day he ..." is rarely a measure.
    if !core.vague && (t.l(i) != "one" || t.l(j) != "day") {
        if let Some((end, &unit)) = t.phrase_at(j, &UNITS, 3) {
            return finish(q, FactKind::Quantity, Some(unit), end - 1);
        }
    }
    // Counted nouns, also through "of": "thousands of children", "three million of the consoles".
    let mut k = after_of;
    if t.key(j, j + 2) == "of the" && !core.vague && q.value > 1.0 {
        k = j + 2;
    } else if core.vague && matches!(t.l(k), "the" | "their" | "his" | "her" | "its" | "our") {
        k += 1;
    }
    if let Some((noun, unit)) = counted_noun(t, k, q.value == 1.0) {
        // "a man" is no count; "1990 people" is rather the date reader's.
        if matches!(t.l(i), "a" | "an") && q.value == 1.0 || is_year(t.s(i)) && !core.suffix {
            return None;
        }
        q.unit = Some(unit);
        q.last = noun;
        return Some(q);
    }
    // A figure in millions says it counts something even with no noun: "32 million".
    let scaled = !core.words && core.last > i && !core.suffix;
    if (core.vague && t.l(j) != "of") || scaled {
        return Some(q);
    }
    // Nothing says what it counts: "rose from 19 to 22", "killing 22". A bare "45m" may be
    // metres; a bare "thousands of" something else, a bare year, "one" are nothing.
    if core.vague || core.suffix || q.value == 1.0 || is_year(t.s(i)) {
        return None;
    }
    q.bare = true;
    Some(q)
}

fn money(mut q: Quantity, cur: &Currency, last: usize) -> Option<Quantity> {
    q.value *= cur.per;
    finish(q, FactKind::Money, Some(cur.iso), last)
}

fn age(mut q: Quantity) -> Option<Quantity> {
    q.kind = FactKind::Age;
    q.unit = Some("year".into());
    // An age is a whole number of years a person can have.
    (q.value.fract() == 0.0 && (0.0..=125.0).contains(&q.value) && !q.vague).then_some(q)
}

fn finish(mut q: Quantity, kind: FactKind, unit: Option<&str>, last: usize) -> Option<Quantity> {
    q.kind = kind;
    q.unit = unit.map(str::to_string);
    q.last = last;
    Some(q)
}

/// "2.15pm", "10 am", "9 a.m.", "1400 GMT", "2nd": not amounts.
fn clock_or_ordinal_after(t: &Toks, j: usize) -> bool {
    matches!(
        t.l(j),
        "am" | "pm" | "gmt" | "bst" | "cet" | "est" | "hrs" | "st" | "nd" | "rd" | "th"
    ) || matches!(t.key(j, j + 4).as_str(), "a.m." | "p.m.")
        || t.key(j, j + 3) == "o'clock"
        || t.key(j, j + 3) == "o’clock"
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
fn age_before(t: &Toks, first: usize, last: usize, prev_age: Option<&Quantity>) -> bool {
    let before = |n: usize| first.checked_sub(n);
    let chained = prev_age
        .is_some_and(|p| before(2) == Some(p.last) && matches!(t.l(first - 1), "and" | "or" | ","));
    let marked = chained
        || before(1).is_some_and(|b| t.l(b) == "aged")
        || before(4).is_some_and(|b| t.key(b, first) == "at the age of")
        || before(2).is_some_and(|b| matches!(t.key(b, first).as_str(), "died at" | "dies at"));
    if marked {
        return true;
    }
    let next = last + 1;
    let ends = next >= t.len() || !t.is_word(next) || AGE_ENDS.contains(t.l(next));
    if !ends || first == 0 {
        return false;
    }
    let pronoun_was = first >= 2
        && matches!(t.l(first - 2), "he" | "she")
        && matches!(t.l(first - 1), "is" | "was");
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

    /// What the table expects of a phrase: the first fact the readers find, or none.
    fn read_phrase(
        phrase: &str,
    ) -> Option<(FactKind, FactValue, Approx, Option<String>, bool, bool)> {
        let t = Toks::new(phrase, &[]);
        let anchor = NaiveDate::from_ymd_opt(2017, 5, 24);
        let found = dates::find(&t, anchor, &[]);
        let mut claimed = vec![false; t.len()];
        for d in &found {
            claimed[d.first..=d.last].iter_mut().for_each(|c| *c = true);
        }
        let qs = read(&t, &claimed);
        let date = found.first().map(|d| (d.first, d.value.clone()));
        let num = qs.first();
        match (date, num) {
            (Some((df, v)), n) if n.is_none_or(|q| df < q.first) => Some((
                FactKind::Date,
                FactValue::Date(v.unwrap_or_default()),
                Approx::Exact,
                None,
                false,
                false,
            )),
            (_, Some(q)) => Some((
                q.kind,
                FactValue::Number(q.value),
                q.approx,
                q.unit.clone(),
                q.vague,
                q.bare,
            )),
            _ => None,
        }
    }

    /// tests/fixtures/number_phrases.tsv: phrase, kind ("-" for nothing, "number" for a bare
    /// number), value, approx, unit ("-" for none), and "vague" where it is.
    #[test]
    fn number_phrase_table() {
        let data = include_str!("../../tests/fixtures/number_phrases.tsv");
        let mut failures = Vec::new();
        let mut rows = 0;
        for cols in lexicon::entries(data) {
            rows += 1;
            let phrase = cols[0];
            let got = read_phrase(phrase);
            let want = match cols.get(1).copied().unwrap_or("-") {
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
                        FactValue::Date(cols[2].to_string())
                    } else {
                        FactValue::Number(cols[2].parse().expect("bad value"))
                    };
                    let approx =
                        serde_json::from_value(serde_json::json!(cols[3])).expect("bad approx");
                    let unit = cols.get(4).filter(|u| **u != "-").map(|u| u.to_string());
                    let vague = cols.get(5) == Some(&"vague");
                    Some((kind, value, approx, unit, vague, bare))
                }
            };
            if got != want {
                failures.push(format!("{phrase:?}\n   want {want:?}\n    got {got:?}"));
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
        let t = Toks::new(text, &[]);
        read(&t, &vec![false; t.len()])
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
        let t = Toks::new(text, &words);
        assert!(read(&t, &[false, false]).iter().all(|q| q.bare));
        assert_eq!(read_all(text)[0].3.as_deref(), Some("cut"));
    }

    #[test]
    fn tokens_keep_numbers_whole() {
        let text = "£1.8m, 45,000 jobs. 2.15pm 22.";
        let t = Toks::new(text, &[]);
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
            let t = Toks::new(text, &[]);
            let claimed = vec![false; t.len()];
            let _ = read(&t, &claimed);
        }
    }
}
