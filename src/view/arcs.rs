//! Roles drawn as displaCy draws dependencies: arcs above the words, from the person's mention
//! to the title ("holds", or "held" dashed for a former role) and from the title to the
//! organisation's mention ("of"), each arrow pointing at its head.
//!
//! Without script a page cannot know where the browser wraps a word, so the arcs are not drawn
//! over the running text. Above each sentence that states roles, a strip of inline SVG lays
//! out the spans the arcs join in text order (the few words between them kept, longer stretches
//! shown as "…") and draws the arcs over them: a strip is as wide as what it joins, however
//! long the paragraph or document. An end in another paragraph, or far away in the same one, is
//! drawn at the strip's edge with ↑ or ↓ and its paragraph's number, instead of an arc across
//! the document.

use super::{escape, label_class, CodePoints};
use crate::record::{Entity, Record};
use std::collections::HashMap;
use std::fmt::Write;

/// An end further than this many code points from the title is drawn at the strip's edge: a
/// strip stays within a few sentences.
const NEAR: usize = 300;
/// How far back a strip looks for the start of the sentence it goes above.
const SENTENCE_SEARCH: usize = 1_000;
/// Words between two spans shown in full up to this many code points; more become "…".
const GAP_SHOWN: usize = 24;
/// Pixels: a monospace cell at the strip's 13px font (0.6em, rounded up), the space around a
/// column's text, the height an arc rises per level.
const CELL: usize = 8;
const PAD: usize = 12;
const LEVEL: usize = 22;

/// A stretch of the text in code points, end-exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Span {
    start: usize,
    end: usize,
}

impl Span {
    fn distance(self, other: Span) -> usize {
        if self.end <= other.start {
            other.start - self.end
        } else {
            // 0 when they overlap.
            self.start.saturating_sub(other.end)
        }
    }
}

/// What a column of a strip shows: a mention (its entity's label), a title, or the words
/// between two of them.
#[derive(Debug, Clone, PartialEq)]
enum Column {
    Unit { span: Span, tag: String, far: Far },
    Gap(String),
}

/// Where a unit lies against the title it is joined to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Far {
    /// In an earlier paragraph (numbered from 1), or far before in the same one.
    Before(usize),
    Near,
    After(usize),
}

/// One arc of a role: `from` → `to`, both units of the same strip.
struct Arc {
    role: usize,
    from: Span,
    to: Span,
    /// `to-title` (person → title) or `to-org` (title → organisation).
    kind: &'static str,
    /// What it says above its peak: "holds", "held" (a former role), "of".
    label: &'static str,
    former: bool,
    /// What it says on hover: "Theresa May holds prime minister".
    says: String,
}

/// The roles whose arcs go in one strip, and the text offset the strip is placed before.
struct Strip {
    at: usize,
    /// Where the last near unit ends: a role whose sentence starts before it joins this strip.
    reach: usize,
    units: Vec<(Span, String, Far)>,
    arcs: Vec<Arc>,
}

/// The strips of `record` as `(offset, html)`, in text order, for `marked_text` to place before
/// those offsets; and how many roles have no arc (no valid span, or no mention of the person).
pub(super) fn strips(record: &Record, text: &CodePoints) -> (Vec<(usize, String)>, usize) {
    if record.roles.is_empty() {
        return (Vec::new(), 0);
    }
    let entities: HashMap<&str, &Entity> =
        record.entities.iter().map(|e| (e.id.as_str(), e)).collect();
    let paragraphs = paragraph_starts(text);
    let paragraph_of = |offset: usize| paragraphs.partition_point(|&p| p <= offset) - 1;
    let mut undrawn = 0;
    let mut roles: Vec<Strip> = Vec::new();
    for (index, role) in record.roles.iter().enumerate() {
        if role.start >= role.end || role.end > text.len() {
            undrawn += 1;
            continue;
        }
        let statement = Span {
            start: role.start,
            end: role.end,
        };
        let title = find_title(text, statement, &role.title);
        // The entity and its mention nearest the title.
        let nearest = |id: &str| {
            let entity = entities.get(id)?;
            let mention = entity
                .mentions
                .iter()
                .map(|m| Span {
                    start: m.start,
                    end: m.end,
                })
                .filter(|m| m.start < m.end && m.end <= text.len())
                .min_by_key(|m| (m.distance(title), m.start))?;
            Some((*entity, mention))
        };
        let Some((person, person_at)) = nearest(&role.person) else {
            undrawn += 1;
            continue;
        };
        let org = role.org.as_deref().and_then(nearest);
        let paragraph = paragraph_of(title.start);
        let far = |span: Span| {
            let other = paragraph_of(span.start);
            if other == paragraph && span.distance(title) <= NEAR {
                Far::Near
            } else if span.start < title.start {
                Far::Before(other + 1)
            } else {
                Far::After(other + 1)
            }
        };
        let title_text = text.slice(title.start, title.end);
        let verb = if role.former { "held" } else { "holds" };
        let mut units = vec![
            (person_at, person.label.clone(), far(person_at)),
            (title, "title".to_string(), Far::Near),
        ];
        let mut arcs = vec![Arc {
            role: index,
            from: person_at,
            to: title,
            kind: "to-title",
            label: verb,
            former: role.former,
            says: format!("{} {verb} {}", person.name, title_text),
        }];
        if let Some((org, org_at)) = org {
            units.push((org_at, org.label.clone(), far(org_at)));
            arcs.push(Arc {
                role: index,
                from: title,
                to: org_at,
                kind: "to-org",
                label: "of",
                former: role.former,
                says: format!("{title_text} of {}", org.name),
            });
        }
        let near = units.iter().filter(|(_, _, f)| *f == Far::Near);
        let first = near
            .clone()
            .map(|(s, _, _)| s.start)
            .min()
            .unwrap_or(title.start);
        let reach = near.map(|(s, _, _)| s.end).max().unwrap_or(title.end);
        roles.push(Strip {
            at: sentence_start(text, paragraphs[paragraph_of(first)], first),
            reach,
            units,
            arcs,
        });
    }
    // One strip for roles whose sentences overlap; each other above its own sentence.
    roles.sort_by_key(|strip| strip.at);
    let mut drawn: Vec<Strip> = Vec::new();
    for strip in roles {
        match drawn.last_mut() {
            Some(last) if strip.at < last.reach => {
                last.reach = last.reach.max(strip.reach);
                last.units.extend(strip.units);
                last.arcs.extend(strip.arcs);
            }
            _ => drawn.push(strip),
        }
    }
    let html = drawn
        .iter()
        .map(|strip| (strip.at, strip_svg(strip, text)))
        .collect();
    (html, undrawn)
}

/// Where each paragraph starts: the text's start, and after each run of line breaks.
fn paragraph_starts(text: &CodePoints) -> Vec<usize> {
    let mut starts = vec![0];
    let mut previous = None;
    for (offset, c) in text.chars().enumerate() {
        if previous == Some('\n') && c != '\n' && c != '\r' {
            starts.push(offset);
        }
        if c != '\r' {
            previous = Some(c);
        }
    }
    starts
}

/// The start of the sentence holding `offset`, not before `paragraph`: after the last `.`, `!`
/// or `?` (closing quotes allowed after it) and whitespace before `offset`. Looks back at most
/// [`SENTENCE_SEARCH`] code points, then takes the start of the word at `offset`.
fn sentence_start(text: &CodePoints, paragraph: usize, offset: usize) -> usize {
    let limit = paragraph.max(offset.saturating_sub(SENTENCE_SEARCH));
    let before: Vec<char> = text.slice(limit, offset).chars().collect();
    let at = |i: usize| before[i - limit];
    let mut nearest_word = None;
    for i in (limit + 1..=offset).rev() {
        if !at(i - 1).is_whitespace() || (i < offset && at(i).is_whitespace()) {
            continue;
        }
        nearest_word.get_or_insert(i);
        let mut j = i - 1;
        while j > limit && at(j).is_whitespace() {
            j -= 1;
        }
        while j > limit && matches!(at(j), '"' | '\'' | '”' | '’' | ')') {
            j -= 1;
        }
        if matches!(at(j), '.' | '!' | '?') {
            return i;
        }
    }
    if limit == paragraph {
        paragraph
    } else {
        nearest_word.unwrap_or(offset)
    }
}

/// Where the role's `title` ("prime minister") is in its statement, case and spacing aside,
/// taken to the end of its word ("directors" for "director"); the whole statement when it is
/// not there.
fn find_title(text: &CodePoints, statement: Span, title: &str) -> Span {
    let said: Vec<char> = text.slice(statement.start, statement.end).chars().collect();
    let wanted: Vec<char> = title.chars().flat_map(char::to_lowercase).collect();
    if wanted.iter().all(|c| c.is_whitespace()) {
        return statement;
    }
    for start in 0..said.len() {
        if start > 0 && said[start - 1].is_alphanumeric() {
            continue;
        }
        if let Some(mut end) = match_at(&said, start, &wanted) {
            while end < said.len() && said[end].is_alphanumeric() {
                end += 1;
            }
            return Span {
                start: statement.start + start,
                end: statement.start + end,
            };
        }
    }
    statement
}

/// The end of `wanted` (lowercase) read in `said` from `start`, a run of whitespace matching a
/// run of whitespace.
fn match_at(said: &[char], start: usize, wanted: &[char]) -> Option<usize> {
    let (mut i, mut j) = (start, 0);
    while j < wanted.len() {
        let c = *said.get(i)?;
        if wanted[j].is_whitespace() {
            if !c.is_whitespace() {
                return None;
            }
            while said.get(i).is_some_and(|c| c.is_whitespace()) {
                i += 1;
            }
            while wanted.get(j).is_some_and(|c| c.is_whitespace()) {
                j += 1;
            }
            continue;
        }
        for lower in c.to_lowercase() {
            if wanted.get(j) != Some(&lower) {
                return None;
            }
            j += 1;
        }
        i += 1;
    }
    Some(i)
}

/// Monospace cells `s` takes, near enough to size a column: wide East Asian characters and
/// emoji take two, combining marks and joiners none.
fn cells(s: &str) -> usize {
    s.chars()
        .map(|c| match u32::from(c) {
            0x300..=0x36F | 0x200B..=0x200F | 0xFE00..=0xFE0F | 0x1F3FB..=0x1F3FF => 0,
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x1F1E6..=0x1F64F
            | 0x1F680..=0x1FAFF
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

/// Whitespace runs as one space, as SVG text shows them.
fn collapsed(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The strip's columns in order: units before the title's paragraph, the near units in text
/// order with the words between them, units after.
fn columns(strip: &Strip, text: &CodePoints) -> Vec<Column> {
    let mut units: Vec<(Span, String, Far)> = Vec::new();
    for unit in &strip.units {
        if !units.iter().any(|(span, _, _)| *span == unit.0) {
            units.push(unit.clone());
        }
    }
    units.sort_by_key(|(span, _, far)| (*far, *span));
    let mut columns = Vec::new();
    let mut previous: Option<(Span, Far)> = None;
    for (span, tag, far) in units {
        if let Some((before, Far::Near)) = previous {
            if far == Far::Near && before.end < span.start {
                let between = collapsed(text.slice(before.end, span.start));
                if between.chars().count() > GAP_SHOWN {
                    columns.push(Column::Gap("…".into()));
                } else if !between.is_empty() {
                    columns.push(Column::Gap(between));
                }
            }
        }
        previous = Some((span, far));
        columns.push(Column::Unit { span, tag, far });
    }
    columns
}

/// A strip as inline SVG (no line breaks: it sits in `white-space: pre-wrap` text), wrapped in a
/// block that scrolls sideways when wider than the page.
fn strip_svg(strip: &Strip, text: &CodePoints) -> String {
    let columns = columns(strip, text);
    let shown = |column: &Column| match column {
        Column::Unit { span, far, .. } => {
            let words = collapsed(text.slice(span.start, span.end));
            match far {
                Far::Before(_) => format!("↑ {words}"),
                Far::After(_) => format!("↓ {words}"),
                Far::Near => words,
            }
        }
        Column::Gap(words) => words.clone(),
    };
    let widths: Vec<usize> = columns
        .iter()
        .map(|c| (cells(&shown(c)) * CELL).max(4 * CELL) + 2 * PAD)
        .collect();
    let mut x = 0;
    let mut centre: HashMap<Span, (usize, usize)> = HashMap::new();
    for (index, (column, width)) in columns.iter().zip(&widths).enumerate() {
        if let Column::Unit { span, .. } = column {
            centre.insert(*span, (index, x + width / 2));
        }
        x += width;
    }
    let width = x;
    // As displaCy: the wider an arc, the higher it rises, one level per distinct width.
    let columns_spanned = |arc: &Arc| centre[&arc.from].0.abs_diff(centre[&arc.to].0).max(1);
    let mut widths_spanned: Vec<usize> = strip.arcs.iter().map(columns_spanned).collect();
    widths_spanned.sort_unstable();
    widths_spanned.dedup();
    let base = widths_spanned.len() * LEVEL + 14;
    let text_y = base + 16;
    let height = text_y + 22;
    let mut svg = format!(
        "<span class=\"arcs\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" \
         height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        escape(
            &strip
                .arcs
                .iter()
                .map(|a| a.says.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        )
    );
    let mut x = 0;
    for (column, width) in columns.iter().zip(&widths) {
        let middle = x + width / 2;
        match column {
            Column::Unit { span, tag, far } => {
                let (class, marker) = match far {
                    Far::Near => ("unit", String::new()),
                    Far::Before(p) | Far::After(p) => ("unit far", format!(" ¶{p}")),
                };
                let fill = if tag == "title" {
                    "title"
                } else {
                    label_class(tag)
                };
                let _ = write!(
                    svg,
                    "<g class=\"{class}\" data-start=\"{}\" data-end=\"{}\"><rect class=\"{fill}\" \
                     x=\"{}\" y=\"{}\" width=\"{}\" height=\"20\" rx=\"3\"></rect>\
                     <text class=\"words\" x=\"{middle}\" y=\"{text_y}\">{}</text>\
                     <text class=\"tag\" x=\"{middle}\" y=\"{}\">{}{marker}</text></g>",
                    span.start,
                    span.end,
                    x + 3,
                    text_y - 14,
                    width - 6,
                    escape(&shown(column)),
                    text_y + 16,
                    escape(tag)
                );
            }
            Column::Gap(_) => {
                let _ = write!(
                    svg,
                    "<text class=\"gap\" x=\"{middle}\" y=\"{text_y}\">{}</text>",
                    escape(&shown(column))
                );
            }
        }
        x += width;
    }
    for arc in &strip.arcs {
        let level = widths_spanned.partition_point(|&w| w < columns_spanned(arc)) + 1;
        let (from, to) = (centre[&arc.from].1, centre[&arc.to].1);
        // Leaves beside the centre, towards its head, so that it does not meet the arrow
        // arriving at the same unit.
        let from = if to >= from { from + 6 } else { from - 6 };
        let (foot, top) = (base, base - level * LEVEL);
        // A cubic's control points at 4/3 of the height make its peak reach `top`.
        let control = base as isize - (level * LEVEL * 4 / 3) as isize;
        let _ = write!(
            svg,
            "<g class=\"arc {}{}\" data-role=\"{}\" data-from=\"{}-{}\" data-to=\"{}-{}\">\
             <title>{}</title><path d=\"M{from},{foot} C{from},{control} {to},{control} {to},{foot}\">\
             </path><path class=\"head\" d=\"M{to},{} L{},{} L{},{} Z\"></path>\
             <text class=\"label\" x=\"{}\" y=\"{}\">{}</text></g>",
            arc.kind,
            if arc.former { " former" } else { "" },
            arc.role,
            arc.from.start,
            arc.from.end,
            arc.to.start,
            arc.to.end,
            escape(&arc.says),
            foot + 2,
            to - 4,
            foot - 6,
            to + 4,
            foot - 6,
            (from + to) / 2,
            top - 3,
            arc.label
        );
    }
    svg + "</svg></span>"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    #[test]
    fn titles_are_found_in_code_points_whatever_their_case() {
        let text = "😀 Zoë, the Prime  Minister's directors";
        let points = CodePoints::new(text);
        let whole = span(0, points.len());
        assert_eq!(find_title(&points, whole, "prime minister"), span(11, 26));
        assert_eq!(find_title(&points, whole, "director"), span(29, 38));
        assert_eq!(find_title(&points, whole, "zoë"), span(2, 5));
        assert_eq!(find_title(&points, whole, "mayor"), whole);
    }

    #[test]
    fn strips_go_above_the_sentence_of_their_roles() {
        let text = "Intro. Mr X said so.\nHe left! “Yes.” Then she came";
        let points = CodePoints::new(text);
        assert_eq!(paragraph_starts(&points), [0, 21]);
        assert_eq!(sentence_start(&points, 0, 12), 7);
        assert_eq!(sentence_start(&points, 0, 3), 0);
        assert_eq!(sentence_start(&points, 21, 48), 37);
        assert_eq!(sentence_start(&points, 21, 32), 30);
    }

    #[test]
    fn wide_characters_take_two_cells() {
        assert_eq!(cells("May"), 3);
        assert_eq!(cells("😀 中"), 5);
        assert_eq!(cells("e\u{301}"), 1);
    }
}
