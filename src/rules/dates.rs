//! Dates: absolute ones normalised to ISO ("July 2007" → "2007-07", "May 24, 2017" →
//! "2017-05-24", "in 2005" → "2005") and relative ones ("on Monday night", "yesterday", "last
//! year") resolved against the document's date; without one a relative date has no value.
//!
//! A weekday names the most recent such day up to the document's date (news reports the past:
//! "on Monday" in Wednesday's paper is two days back, "on Wednesday" is the same day), or the
//! next one when its sentence is about the future ("will meet on Friday").

use super::lexicon;
use super::numbers::{self, joined_to_digits, Toks};
use chrono::{Datelike, Days, Months, NaiveDate};
use std::collections::HashMap;
use std::sync::LazyLock;

/// A date the text states: tokens `first..=last` of the [`Toks`], and its ISO value.
#[derive(Debug, Clone, PartialEq)]
pub struct DateMention {
    pub first: usize,
    pub last: usize,
    pub value: Option<String>,
}

/// data/dates.tsv: word → its (class, value) pairs.
static CALENDAR: LazyLock<HashMap<&'static str, Vec<(&'static str, i64)>>> = LazyLock::new(|| {
    let mut map: HashMap<_, Vec<_>> = HashMap::new();
    for c in lexicon::entries(lexicon::file("dates.tsv")) {
        let value = c[2].parse().expect("dates.tsv: bad value");
        map.entry(c[0]).or_default().push((c[1], value));
    }
    map
});

fn cal(word: &str, class: &str) -> Option<i64> {
    CALENDAR
        .get(word)?
        .iter()
        .find(|(c, _)| *c == class)
        .map(|&(_, v)| v)
}

fn month_at(t: &Toks, i: usize) -> Option<u32> {
    // Month names are capitalised; "march" and "may" in lower case are verbs.
    if !t.is_capitalized(i) {
        return None;
    }
    cal(t.l(i), "month").map(|m| m as u32)
}

fn day_at(t: &Toks, i: usize) -> Option<u32> {
    let s = t.s(i);
    if !t.is_num(i) || s.len() > 2 {
        return None;
    }
    s.parse().ok().filter(|d| (1..=31).contains(d))
}

fn year_at(t: &Toks, i: usize) -> Option<i32> {
    let s = t.s(i);
    if !t.is_num(i) || s.len() != 4 {
        return None;
    }
    s.parse().ok().filter(|y| (1800..=2100).contains(y))
}

/// After a day number: a glued ordinal suffix ("24th"); returns the last token of the day.
fn skip_ordinal(t: &Toks, i: usize) -> usize {
    if t.glued(i + 1) && matches!(t.l(i + 1), "st" | "nd" | "rd" | "th") {
        i + 1
    } else {
        i
    }
}

/// A year with letters glued on is not a year: "1990s", "2005m".
fn year_alone(t: &Toks, i: usize) -> bool {
    !(joined_to_digits(t, i) || t.glued(i + 1) && t.is_word(i + 1))
}

fn iso(y: i32, m: u32, d: Option<u32>) -> Option<String> {
    match d {
        Some(d) => NaiveDate::from_ymd_opt(y, m, d).map(|dt| dt.format("%Y-%m-%d").to_string()),
        None => (1..=12).contains(&m).then(|| format!("{y:04}-{m:02}")),
    }
}

/// The year of a month (and day) stated without one: the occurrence nearest the anchor.
fn nearest_year(anchor: NaiveDate, m: u32, d: Option<u32>) -> i32 {
    let y = anchor.year();
    let months_off = |yy: i32| {
        let dm = (yy - y) * 12 + m as i32 - anchor.month() as i32;
        let dd = d.map_or(0, |d| d as i32 - anchor.day() as i32);
        (dm * 31 + dd).abs()
    };
    [y - 1, y, y + 1]
        .into_iter()
        .min_by_key(|&yy| months_off(yy))
        .unwrap_or(y)
}

/// Finds the dates of `t`; its sentences tell a weekday's tense.
pub fn find(t: &Toks, anchor: Option<NaiveDate>) -> Vec<DateMention> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if let Some(pair) = year_range(t, i).or_else(|| day_range(t, i, anchor)) {
            i = pair[1].last + 1;
            out.extend(pair);
            continue;
        }
        match date_at(t, i, anchor) {
            Some(d) => {
                i = d.last + 1;
                out.push(d);
            }
            None => i += 1,
        }
    }
    out
}

/// "1965-71", "the 2004-05 season": two years, each a date fact of its own.
fn year_range(t: &Toks, i: usize) -> Option<[DateMention; 2]> {
    let y1 = year_at(t, i)?;
    let joined = matches!(t.l(i + 1), "-" | "–" | "/") && t.glued(i + 1) && t.glued(i + 2);
    let s2 = t.s(i + 2);
    // Nothing glued after: not "2004-05-24" nor "1990-91s".
    let ends = !t.glued(i + 3) || !(t.is_word(i + 3) || t.glued(i + 4) && t.is_num(i + 4));
    if !joined || !t.is_num(i + 2) || !(s2.len() == 2 || s2.len() == 4) || !ends {
        return None;
    }
    let y2: i32 = s2.parse().ok()?;
    let y2 = if s2.len() == 2 {
        y1 - y1 % 100 + y2
    } else {
        y2
    };
    if y2 <= y1 || y2 - y1 > 50 || !dated_year(t, i) {
        return None;
    }
    let year = |k: usize, y: i32| DateMention {
        first: k,
        last: k,
        value: Some(format!("{y:04}")),
    };
    Some([year(i, y1), year(i + 2, y2)])
}

/// "16-18 December": the first day takes the second's month (and year).
fn day_range(t: &Toks, i: usize, anchor: Option<NaiveDate>) -> Option<[DateMention; 2]> {
    let d1 = day_at(t, i)?;
    let joined = matches!(t.l(i + 1), "-" | "–") && t.glued(i + 1) && t.glued(i + 2);
    let d2 = day_at(t, i + 2).filter(|&d2| joined && d2 > d1)?;
    let m = month_at(t, i + 3)?;
    let (year, last) = match year_at(t, i + 4) {
        Some(y) => (Some(y), i + 4),
        None => (anchor.map(|a| nearest_year(a, m, Some(d2))), i + 3),
    };
    let day = |first: usize, last: usize, d: u32| DateMention {
        first,
        last,
        value: year.and_then(|y| iso(y, m, Some(d))),
    };
    Some([day(i, i, d1), day(i + 2, last, d2)])
}

/// Whether the word before the year at `i` makes it a date: "in 2005", "the 1974 World Cup",
/// "Woodward's 2005 Lions" ("Euro 2004" is a name).
fn dated_year(t: &Toks, i: usize) -> bool {
    let prev = if i > 0 { t.l(i - 1) } else { "" };
    let dated = cal(prev, "year_prep").is_some() || attributive_year(t, i);
    dated && i > 0 && t.is_word(i - 1)
}

/// Whether a determiner or a possessive before the year at `i` makes it an attribute of what
/// follows: "the 1974 World Cup", "Woodward's 2005 Lions".
pub fn attributive_year(t: &Toks, i: usize) -> bool {
    i > 0 && (cal(t.l(i - 1), "year_det").is_some() || t.is_possessive_s(i - 1))
}

fn date_at(t: &Toks, i: usize, anchor: Option<NaiveDate>) -> Option<DateMention> {
    let mention = |last: usize, value: Option<String>| {
        Some(DateMention {
            first: i,
            last,
            value,
        })
    };
    // ISO: "2017-05-24".
    if let (Some(y), true) = (year_at(t, i), t.key(i, i + 5).len() == 10) {
        let k = t.key(i, i + 5);
        if k.as_bytes()[4] == b'-' && k.as_bytes()[7] == b'-' && t.glued(i + 4) {
            if let (Some(m), Some(d)) = (day_at(t, i + 2), day_at(t, i + 4)) {
                if let Some(v) = iso(y, m, Some(d)) {
                    return mention(i + 4, Some(v));
                }
            }
        }
    }
    // "24 May 2017", "24th of May", "31 March".
    if let Some(d) = day_at(t, i).filter(|_| !joined_to_digits(t, i)) {
        let mut k = skip_ordinal(t, i) + 1;
        if t.l(k) == "of" {
            k += 1;
        }
        if let Some(m) = month_at(t, k) {
            return match year_at(t, k + 1) {
                Some(y) => mention(k + 1, iso(y, m, Some(d))),
                None => mention(
                    k,
                    anchor.and_then(|a| iso(nearest_year(a, m, Some(d)), m, Some(d))),
                ),
            };
        }
    }
    if let Some(m) = month_at(t, i) {
        // "May 24, 2017", "May 24".
        if let Some(d) = day_at(t, i + 1).filter(|_| !joined_to_digits(t, i + 1)) {
            let k = skip_ordinal(t, i + 1);
            let year_tok = if t.l(k + 1) == "," { k + 2 } else { k + 1 };
            return match year_at(t, year_tok) {
                Some(y) => mention(year_tok, iso(y, m, Some(d))),
                None => mention(
                    k,
                    anchor.and_then(|a| iso(nearest_year(a, m, Some(d)), m, Some(d))),
                ),
            };
        }
        // "July 2007".
        if let Some(y) = year_at(t, i + 1).filter(|_| year_alone(t, i + 1)) {
            return mention(i + 1, iso(y, m, None));
        }
        // "in March", "last March": full names only, and never "May" (a surname too).
        let full = t.l(i).len() > 4 || t.l(i) == "june" || t.l(i) == "july";
        let prev = if i > 0 { t.l(i - 1) } else { "" };
        // "the October-December period": a month range's second month.
        let range = prev == "-" && t.glued(i) && i >= 2 && month_at(t, i - 2).is_some();
        let dated = cal(prev, "year_prep").is_some()
            || cal(prev, "year_det").is_some()
            || matches!(prev, "last" | "next" | "this")
            || range;
        if full && t.l(i) != "may" && dated {
            let value = anchor.and_then(|a| {
                let y = match prev {
                    "last" => a.year() - i32::from(m >= a.month()),
                    "next" => a.year() + i32::from(m <= a.month()),
                    _ => nearest_year(a, m, None),
                };
                iso(y, m, None)
            });
            return mention(i, value);
        }
    }
    // "in 2005", "since 1997": a year after a preposition.
    if let Some(y) = year_at(t, i) {
        if dated_year(t, i) && year_alone(t, i) {
            return mention(i, Some(format!("{y:04}")));
        }
        return None;
    }
    // Weekdays: "on Monday night", "last Tuesday".
    if let Some(wd) = cal(t.l(i), "weekday").filter(|_| t.is_capitalized(i)) {
        let last = if cal(t.l(i + 1), "part").is_some() {
            i + 1
        } else {
            i
        };
        let before = if i > 0 { t.l(i - 1) } else { "" };
        let future = match before {
            "last" => false,
            "next" => true,
            _ => in_future(t, i),
        };
        let value = anchor.map(|a| {
            let today = a.weekday().num_days_from_monday() as i64;
            let days = if future {
                (wd - today).rem_euclid(7)
            } else {
                -(today - wd).rem_euclid(7)
            };
            shift(a, days)
        });
        return mention(last, value);
    }
    // "yesterday", "today", "tomorrow".
    if let Some(days) = cal(t.l(i), "day") {
        return mention(i, anchor.map(|a| shift(a, days)));
    }
    // "two years ago", "a month earlier".
    if let Some(d) = span_ago(t, i, anchor) {
        return Some(d);
    }
    // "last year", "this month", "next year"; "last week" (no ISO value).
    let step = match t.l(i) {
        "last" => Some(-1),
        "this" => Some(0),
        "next" => Some(1),
        _ => None,
    }?;
    if cal(t.l(i + 1), "year").is_some() {
        return mention(i + 1, anchor.map(|a| format!("{:04}", a.year() + step)));
    }
    if cal(t.l(i + 1), "week_rel").is_some() {
        return mention(i + 1, None);
    }
    if cal(t.l(i + 1), "month_rel").is_some() {
        let value = anchor.and_then(|a| {
            let first = a.with_day(1)?;
            let d = if step < 0 {
                first.checked_sub_months(Months::new(1))
            } else {
                first.checked_add_months(Months::new(step as u32))
            }?;
            Some(d.format("%Y-%m").to_string())
        });
        return mention(i + 1, value);
    }
    None
}

/// "two years ago" (→ the year), "three months ago" (→ the month), "a week ago" (→ the day);
/// "a year earlier" and "two months later" count from a date not tracked here: null.
fn span_ago(t: &Toks, i: usize, anchor: Option<NaiveDate>) -> Option<DateMention> {
    let (n, k) = match t.l(i) {
        "a" | "an" => (1.0, i),
        _ => numbers::number_at(t, i)?,
    };
    let span = t.l(k + 1);
    cal(span, "span")?;
    let back = cal(t.l(k + 2), "offset")? < 0;
    let n = n as u32;
    let value = anchor
        .filter(|_| back && n > 0)
        .and_then(|a| match span.trim_end_matches('s') {
            "year" => Some(format!("{:04}", a.year() - n as i32)),
            "month" => a
                .with_day(1)?
                .checked_sub_months(Months::new(n))
                .map(|d| d.format("%Y-%m").to_string()),
            "week" => Some(shift(a, -7 * i64::from(n))),
            _ => Some(shift(a, -i64::from(n))),
        });
    Some(DateMention {
        first: i,
        last: k + 2,
        value,
    })
}

fn shift(a: NaiveDate, days: i64) -> String {
    let d = if days < 0 {
        a.checked_sub_days(Days::new(days.unsigned_abs()))
    } else {
        a.checked_add_days(Days::new(days as u64))
    };
    d.unwrap_or(a).format("%Y-%m-%d").to_string()
}

/// Whether the sentence holding token `i` speaks of the future: "will", "due", "next".
fn in_future(t: &Toks, i: usize) -> bool {
    let (from, to) = t.sentence_of(i);
    (from..to).any(|k| {
        cal(t.l(k), "future").is_some() || matches!(t.key(k, k + 2).as_str(), "is to" | "are to")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(text: &str, anchor: Option<&str>) -> Vec<(String, Option<String>)> {
        let t = Toks::of_text(text);
        let anchor = anchor.map(|a| a.parse().unwrap());
        find(&t, anchor)
            .into_iter()
            .map(|d| {
                (
                    t.text[t.toks[d.first].start..t.toks[d.last].end].to_string(),
                    d.value,
                )
            })
            .collect()
    }

    fn one(text: &str, anchor: Option<&str>) -> Option<String> {
        let d = dates(text, anchor);
        assert_eq!(d.len(), 1, "{text:?}: {d:?}");
        d[0].1.clone()
    }

    #[test]
    fn absolute_dates() {
        assert_eq!(one("since July 2007.", None).as_deref(), Some("2007-07"));
        assert_eq!(
            one("on May 24, 2017 at", None).as_deref(),
            Some("2017-05-24")
        );
        assert_eq!(one("on 24 May 2017", None).as_deref(), Some("2017-05-24"));
        assert_eq!(one("on London in 2005.", None).as_deref(), Some("2005"));
        assert_eq!(
            one("Sir Clive Woodward's 2005 Lions", None).as_deref(),
            Some("2005")
        );
        assert_eq!(one("the 1974 World Cup", None).as_deref(), Some("1974"));
        assert_eq!(dates("the October-December period", None).len(), 2);
        let days = dates("polled on 16-18 December 2004", None);
        assert_eq!(
            days.iter().map(|d| d.1.as_deref()).collect::<Vec<_>>(),
            [Some("2004-12-16"), Some("2004-12-18")]
        );
        let range = dates("coach in 1965-71 and", None);
        assert_eq!(
            range.iter().map(|d| d.1.as_deref()).collect::<Vec<_>>(),
            [Some("1965"), Some("1971")]
        );
        assert_eq!(one("dated 2017-05-24", None).as_deref(), Some("2017-05-24"));
        assert_eq!(one("for the year to 31 March", None), None);
        assert_eq!(
            one("for the year to 31 March", Some("2005-02-10")).as_deref(),
            Some("2005-03-31")
        );
    }

    #[test]
    fn relative_dates() {
        let a = Some("2017-05-24"); // a Wednesday
        assert_eq!(one("on Monday night as", a).as_deref(), Some("2017-05-22"));
        assert_eq!(
            one("rose to 22 on Tuesday in", a).as_deref(),
            Some("2017-05-23")
        );
        assert_eq!(one("said on Wednesday", a).as_deref(), Some("2017-05-24"));
        assert_eq!(one("will meet on Friday", a).as_deref(), Some("2017-05-26"));
        assert_eq!(one("last Friday", a).as_deref(), Some("2017-05-19"));
        assert_eq!(one("yesterday", a).as_deref(), Some("2017-05-23"));
        assert_eq!(one("profits last year", a).as_deref(), Some("2016"));
        assert_eq!(one("sales last month", a).as_deref(), Some("2017-04"));
        assert_eq!(one("on Monday", None), None);
        assert_eq!(one("two years ago", a).as_deref(), Some("2015"));
        assert_eq!(one("three months ago", a).as_deref(), Some("2017-02"));
        assert_eq!(one("a year earlier", a), None);
        assert_eq!(one("quit last week", a), None);
    }

    #[test]
    fn not_dates() {
        for text in [
            "the 7/7 attacks",
            "Euro 2004 finals",
            "Ms May said",
            "Theresa May raised it",
            "in the 1990s",
            "won 2-1",
            "at 10:30",
            "45,000 jobs",
        ] {
            assert_eq!(dates(text, Some("2017-05-24")), vec![], "{text}");
        }
    }
}
