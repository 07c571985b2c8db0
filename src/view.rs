//! `factx view`: any extraction, no gold needed, as one self-contained HTML page (inline CSS, no
//! script, no network): a corpus summary (the most mentioned people and organisations with
//! their roles, facts by kind, dated facts on a timeline), an index of the documents, and each
//! document with its entities coloured by label, its facts marked with their normalised value,
//! and its roles drawn as person → title → organisation.
//!
//! Every page is a `<section>` shown by CSS `:target` alone, so the browser lays out one
//! document at a time however many the file holds: thousands open at once.

use crate::record::{Approx, Entity, Fact, FactValue, Record};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// The page's own look; [`DOCUMENT_STYLE`] draws the documents.
const STYLE: &str = r#"
body { font-family: system-ui, sans-serif; margin: 0; color: #222; }
header { background: #243b53; color: #fff; padding: .5em 1.5em; }
header a { color: #fff; margin-right: 1em; }
main { padding: 0 1.5em 2em; max-width: 70em; }
.page { display: none; }
.page:target, main:not(:has(.page:target)) #summary { display: block; }
.totals { display: flex; gap: 1.5em; flex-wrap: wrap; margin: 1em 0; }
.totals div { border: 1px solid #ccc; border-radius: 6px; padding: .4em .9em; }
.totals b { display: block; font-size: 1.6em; }
table { border-collapse: collapse; margin: .4em 0 1em; font-size: 14px; }
th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f0f0f0; }
.bar { background: #4c6ef5; height: 1em; display: inline-block; vertical-align: middle; }
.timeline { display: flex; align-items: flex-end; gap: 2px; height: 10em;
  border-bottom: 1px solid #888; overflow-x: auto; }
.timeline div { background: #f08c00; min-width: 1.4em; flex: 1; }
.timeline-labels { display: flex; gap: 2px; font-size: 10px; overflow-x: auto; }
.timeline-labels span { min-width: 1.4em; flex: 1; writing-mode: vertical-rl; }
.roles li { margin: .2em 0; }
.title { font-style: italic; }
.former { color: #888; font-size: 12px; }
.errors { color: #c92a2a; }
nav.doc-nav a { margin-right: 1em; }
"#;

/// Documents drawn as [`record_html`] draws them; the eval report uses it too.
pub const DOCUMENT_STYLE: &str = r#"
.text { white-space: pre-wrap; line-height: 2.3; border: 1px solid #ddd; padding: .6em; }
mark.ent { border-radius: 4px; padding: 1px 2px; color: inherit; }
mark.ent .lab { font-size: 9px; font-weight: bold; margin-left: 3px; color: #444; }
.fact { border-bottom: 2px solid #e8590c; }
.fact .val { font-size: 10px; color: #e8590c; margin-left: 2px; }
.role-span { background: #fff3bf; }
.l-PER { background: #ffd8a8; } .l-ORG { background: #a5d8ff; }
.l-LOC { background: #b2f2bb; } .l-MISC { background: #e5dbff; }
.l-other { background: #dee2e6; }
.err { outline: 2px dashed #d00; outline-offset: 1px; }
"#;

/// How many people and organisations the summary lists.
const TOP: usize = 25;

/// Text for HTML, in content and in quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The CSS class colouring a label: the four types the rules read, any other label grey.
pub fn label_class(label: &str) -> &'static str {
    match label {
        "PER" => "l-PER",
        "ORG" => "l-ORG",
        "LOC" => "l-LOC",
        "MISC" => "l-MISC",
        _ => "l-other",
    }
}

/// A fact's normalised value, as the record states it: `≥22 person`, `19→22 %`, `2017-05-22`.
pub fn fact_value(fact: &Fact) -> String {
    let approx = match fact.approx {
        Approx::Exact => "",
        Approx::AtLeast => "≥",
        Approx::MoreThan => ">",
        Approx::AtMost => "≤",
        Approx::LessThan => "<",
        Approx::About => "~",
    };
    let value = match &fact.value {
        Some(FactValue::Number(n)) => number(*n),
        Some(FactValue::Date(date)) => date.clone(),
        None => "(unresolved)".into(),
    };
    let from = fact
        .from
        .map_or(String::new(), |f| format!("{}→", number(f)));
    let unit = match (fact.kind.as_str(), fact.unit.as_deref()) {
        ("percent", None) => " %".to_string(),
        (_, Some(unit)) => format!(" {unit}"),
        (_, None) => String::new(),
    };
    format!("{approx}{from}{value}{unit}")
}

/// Integral values without a decimal point, as the record writes them, in thousands
/// (`8,500,000,000`) so that a person reads them at a glance.
fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        let sign = if n < 0.0 { "-" } else { "" };
        format!("{sign}{}", crate::progress::thousands(n.abs() as u64))
    } else {
        format!("{n}")
    }
}

/// A stretch of text wrapped in markup: `open` before it, `close` after.
struct Markup {
    start: usize,
    end: usize,
    /// Lower wraps the others when two cover the same text: entities, then facts, then roles.
    layer: u8,
    open: String,
    close: String,
}

/// `text` as HTML with `markups` (code-point offsets) wrapped around their stretches. Markup
/// must nest: one that crosses another already placed, or lies outside the text, is left out
/// (the lists under the text still show it). Returns the HTML and how many were left out.
fn marked_text(text: &str, mut markups: Vec<Markup>) -> (String, usize) {
    // Byte offset of each code point, and of the end.
    let bytes: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    let chars = bytes.len() - 1;
    markups.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end), m.layer));
    let slice = |from: usize, to: usize| escape(&text[bytes[from]..bytes[to]]);
    let (mut out, mut at, mut left_out) = (String::new(), 0, 0);
    let mut open: Vec<Markup> = Vec::new();
    for markup in markups {
        if markup.start >= markup.end || markup.end > chars {
            left_out += 1;
            continue;
        }
        while open.last().is_some_and(|o| o.end <= markup.start) {
            let closed = open.pop().expect("checked above");
            out += &slice(at, closed.end);
            at = closed.end;
            out += &closed.close;
        }
        if open.last().is_some_and(|o| markup.end > o.end) || markup.start < at {
            left_out += 1;
            continue;
        }
        out += &slice(at, markup.start);
        at = markup.start;
        out += &markup.open;
        open.push(markup);
    }
    while let Some(closed) = open.pop() {
        out += &slice(at, closed.end);
        at = closed.end;
        out += &closed.close;
    }
    out += &slice(at, chars);
    (out, left_out)
}

/// What a drawn span stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawn {
    Mention,
    Fact,
    Role,
}

/// `record`'s text as HTML with its mentions, facts and roles drawn in it, and how many spans
/// were left out because they cross others. `flag(what, start, end, label)` outlines a span
/// as an error when it answers `Some(anchor)`, the anchor (when not empty) becoming its `id`.
pub fn record_html(
    record: &Record,
    flag: &dyn Fn(Drawn, usize, usize, &str) -> Option<String>,
) -> (String, usize) {
    marked_text(&record.text, record_markups(record, flag))
}

/// ` class="CLASS[ err]"[ id="ANCHOR"]`, as `flag` says.
fn attributes(class: &str, flagged: Option<String>) -> String {
    match flagged {
        None => format!(" class=\"{class}\""),
        Some(anchor) if anchor.is_empty() => format!(" class=\"{class} err\""),
        Some(anchor) => format!(" class=\"{class} err\" id=\"{}\"", escape(&anchor)),
    }
}

/// Entity, fact and role markups of a record, for [`marked_text`].
fn record_markups(
    record: &Record,
    flag: &dyn Fn(Drawn, usize, usize, &str) -> Option<String>,
) -> Vec<Markup> {
    let mut markups = Vec::new();
    for entity in &record.entities {
        let class = label_class(&entity.label);
        for mention in &entity.mentions {
            markups.push(Markup {
                start: mention.start,
                end: mention.end,
                layer: 0,
                open: format!(
                    "<mark{} title=\"{} {}: {}\">",
                    attributes(
                        &format!("ent {class}"),
                        flag(Drawn::Mention, mention.start, mention.end, &entity.label)
                    ),
                    escape(&entity.id),
                    escape(&entity.label),
                    escape(&entity.name)
                ),
                close: format!(
                    "<span class=\"lab\">{}</span></mark>",
                    escape(&entity.label)
                ),
            });
        }
    }
    let names: HashMap<&str, &Entity> =
        record.entities.iter().map(|e| (e.id.as_str(), e)).collect();
    for fact in &record.facts {
        let value = fact_value(fact);
        let about = fact
            .entity
            .as_deref()
            .and_then(|id| names.get(id))
            .map_or(String::new(), |e| format!(", about {}", e.name));
        let predicate = fact
            .predicate
            .as_deref()
            .map_or(String::new(), |p| format!(" ({p})"));
        markups.push(Markup {
            start: fact.start,
            end: fact.end,
            layer: 1,
            open: format!(
                "<span{} title=\"{}: {}{}{}\">",
                attributes(
                    "fact",
                    flag(Drawn::Fact, fact.start, fact.end, fact.kind.as_str())
                ),
                fact.kind.as_str(),
                escape(&value),
                escape(&predicate),
                escape(&about)
            ),
            close: format!("<sup class=\"val\">{}</sup></span>", escape(&value)),
        });
    }
    for role in &record.roles {
        markups.push(Markup {
            start: role.start,
            end: role.end,
            layer: 2,
            open: format!(
                "<span{} title=\"role: {}\">",
                attributes(
                    "role-span",
                    flag(Drawn::Role, role.start, role.end, &role.title)
                ),
                escape(&role.title)
            ),
            close: "</span>".into(),
        });
    }
    markups
}

fn entity_chip(entity: Option<&Entity>, id: &str) -> String {
    match entity {
        Some(e) => format!(
            "<mark class=\"ent {}\">{}<span class=\"lab\">{}</span></mark>",
            label_class(&e.label),
            escape(&e.name),
            escape(&e.label)
        ),
        None => format!("<span class=\"missing\">{}</span>", escape(id)),
    }
}

fn document_page(out: &mut String, records: &[Record], index: usize) {
    let record = &records[index];
    let entities: HashMap<&str, &Entity> =
        record.entities.iter().map(|e| (e.id.as_str(), e)).collect();
    let _ = write!(
        out,
        "<section class=\"page doc\" id=\"d{index}\" data-id=\"{}\">\n<nav class=\"doc-nav\">",
        escape(&record.id)
    );
    if index > 0 {
        let _ = write!(out, "<a href=\"#d{}\">← previous</a>", index - 1);
    }
    out.push_str("<a href=\"#documents\">documents</a>");
    if index + 1 < records.len() {
        let _ = write!(out, "<a href=\"#d{}\">next →</a>", index + 1);
    }
    let _ = write!(
        out,
        "</nav>\n<h2>{}</h2>\n<p>{}</p>\n",
        escape(&record.id),
        record
            .date
            .as_deref()
            .map_or("no date".to_string(), |d| format!("dated {}", escape(d)))
    );
    if !record.errors.is_empty() {
        out.push_str("<ul class=\"errors\">");
        for e in &record.errors {
            let _ = write!(
                out,
                "<li>{} error: {}</li>",
                escape(&e.stage),
                escape(&e.message)
            );
        }
        out.push_str("</ul>\n");
    }
    let (text, left_out) = record_html(record, &|_, _, _, _| None);
    let _ = writeln!(out, "<div class=\"text\">{text}</div>");
    if left_out > 0 {
        let _ = writeln!(
            out,
            "<p class=\"note\">{left_out} spans cross others and are only listed below.</p>"
        );
    }
    if !record.roles.is_empty() {
        let _ = write!(
            out,
            "<h3>Roles ({})</h3>\n<ul class=\"roles\">",
            record.roles.len()
        );
        for role in &record.roles {
            let org = role.org.as_deref().map_or(String::new(), |org| {
                format!(" → {}", entity_chip(entities.get(org).copied(), org))
            });
            let _ = writeln!(
                out,
                "<li class=\"role\">{} → <span class=\"title\">{}</span>{org}{}</li>",
                entity_chip(entities.get(role.person.as_str()).copied(), &role.person),
                escape(&role.title),
                if role.former {
                    " <span class=\"former\">former</span>"
                } else {
                    ""
                }
            );
        }
        out.push_str("</ul>\n");
    }
    if !record.facts.is_empty() {
        let _ = write!(
            out,
            "<h3>Facts ({})</h3>\n<table class=\"facts\"><tr><th>kind</th><th>value</th>\
             <th>predicate</th><th>about</th><th>text</th></tr>\n",
            record.facts.len()
        );
        for fact in &record.facts {
            let about = fact.entity.as_deref().map_or(String::new(), |id| {
                entity_chip(entities.get(id).copied(), id)
            });
            let _ = writeln!(
                out,
                "<tr class=\"fact-row\"><td>{}</td><td>{}</td><td>{}</td><td>{about}</td>\
                 <td>{}</td></tr>",
                fact.kind.as_str(),
                escape(&fact_value(fact)),
                escape(fact.predicate.as_deref().unwrap_or("")),
                escape(&fact.text)
            );
        }
        out.push_str("</table>\n");
    }
    out.push_str("</section>\n");
}

/// Per (label, name) across the corpus: mentions, documents, and the roles held.
#[derive(Default)]
struct Named {
    mentions: usize,
    documents: Vec<usize>,
    /// `title, organisation` → how often.
    roles: BTreeMap<String, usize>,
}

fn summary_page(out: &mut String, records: &[Record]) {
    let count = |f: fn(&Record) -> usize| records.iter().map(f).sum::<usize>();
    let totals = [
        ("documents", records.len()),
        ("entities", count(|r| r.entities.len())),
        (
            "mentions",
            count(|r| r.entities.iter().map(|e| e.mentions.len()).sum()),
        ),
        ("roles", count(|r| r.roles.len())),
        ("facts", count(|r| r.facts.len())),
        (
            "error records",
            count(|r| usize::from(!r.errors.is_empty())),
        ),
    ];
    out.push_str(
        "<section class=\"page\" id=\"summary\">\n<h2>Summary</h2>\n<div class=\"totals\">",
    );
    for (name, n) in totals {
        let _ = write!(
            out,
            "<div class=\"total\" data-name=\"{name}\"><b>{}</b>{name}</div>",
            crate::progress::thousands(n as u64)
        );
    }
    out.push_str("</div>\n");

    let mut named: HashMap<(&str, &str), Named> = HashMap::new();
    for (index, record) in records.iter().enumerate() {
        let by_id: HashMap<&str, &Entity> =
            record.entities.iter().map(|e| (e.id.as_str(), e)).collect();
        for entity in &record.entities {
            let entry = named.entry((&entity.label, &entity.name)).or_default();
            entry.mentions += entity.mentions.len();
            entry.documents.push(index);
        }
        for role in &record.roles {
            let person = by_id.get(role.person.as_str());
            let org = role.org.as_deref().and_then(|o| by_id.get(o));
            let held = match org {
                Some(org) => format!("{}, {}", role.title, org.name),
                None => role.title.clone(),
            };
            if let Some(person) = person {
                let entry = named.entry((&person.label, &person.name)).or_default();
                *entry.roles.entry(held).or_default() += 1;
            }
            if let (Some(org), Some(person)) = (org, person) {
                let entry = named.entry((&org.label, &org.name)).or_default();
                *entry
                    .roles
                    .entry(format!("{}: {}", person.name, role.title))
                    .or_default() += 1;
            }
        }
    }
    for (label, heading, roles_heading) in [
        ("PER", "Most mentioned people", "roles"),
        (
            "ORG",
            "Most mentioned organisations",
            "people and their roles",
        ),
    ] {
        let mut rows: Vec<(&str, &Named)> = named
            .iter()
            .filter(|((l, _), n)| *l == label && n.mentions > 0)
            .map(|((_, name), n)| (*name, n))
            .collect();
        rows.sort_by(|a, b| b.1.mentions.cmp(&a.1.mentions).then(a.0.cmp(b.0)));
        let _ = write!(
            out,
            "<h3>{heading}</h3>\n<table class=\"top\" data-label=\"{label}\"><tr><th>name</th>\
             <th>mentions</th><th>documents</th><th>{roles_heading}</th></tr>\n"
        );
        for (name, n) in rows.into_iter().take(TOP) {
            let mut held: Vec<(&String, &usize)> = n.roles.iter().collect();
            held.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let held: Vec<String> = held
                .iter()
                .take(4)
                .map(|(role, times)| format!("{} ({times})", escape(role)))
                .collect();
            let documents: Vec<String> = n
                .documents
                .iter()
                .take(5)
                .map(|&d| format!("<a href=\"#d{d}\">{}</a>", escape(&records[d].id)))
                .collect();
            let more = n.documents.len().saturating_sub(5);
            let _ = writeln!(
                out,
                "<tr><td><mark class=\"ent {}\">{}</mark></td><td class=\"n\">{}</td>\
                 <td>{}{}</td><td>{}</td></tr>",
                label_class(label),
                escape(name),
                n.mentions,
                documents.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                },
                held.join("; ")
            );
        }
        out.push_str("</table>\n");
    }

    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    let mut dated: BTreeMap<String, usize> = BTreeMap::new();
    for fact in records.iter().flat_map(|r| &r.facts) {
        *kinds.entry(fact.kind.as_str()).or_default() += 1;
        if let Some(FactValue::Date(date)) = &fact.value {
            *dated.entry(date.chars().take(7).collect()).or_default() += 1;
        }
    }
    let widest = kinds.values().copied().max().unwrap_or(1).max(1);
    out.push_str(
        "<h3>Facts by kind</h3>\n<table class=\"kinds\"><tr><th>kind</th><th>facts</th><th></th></tr>\n",
    );
    for (kind, n) in &kinds {
        let _ = writeln!(
            out,
            "<tr data-kind=\"{kind}\"><td>{kind}</td><td class=\"n\">{n}</td><td><span class=\"bar\" \
             style=\"width:{}px\"></span></td></tr>",
            n * 300 / widest
        );
    }
    out.push_str("</table>\n");
    timeline(out, dated);
    out.push_str("</section>\n");
}

/// Dated facts as bars in time order: by month (`2017-05`), or by year when they span more
/// than 60 months, so that a bar stays wide enough to read.
fn timeline(out: &mut String, by_month: BTreeMap<String, usize>) {
    out.push_str("<h3>Dated facts on a timeline</h3>\n");
    if by_month.is_empty() {
        out.push_str("<p>No fact is a date.</p>\n");
        return;
    }
    let buckets: BTreeMap<String, usize> = if by_month.len() > 60 {
        let mut by_year = BTreeMap::new();
        for (month, n) in by_month {
            *by_year.entry(month.chars().take(4).collect()).or_default() += n;
        }
        by_year
    } else {
        by_month
    };
    let highest = buckets.values().copied().max().unwrap_or(1).max(1);
    out.push_str("<div class=\"timeline\">");
    for (when, n) in &buckets {
        let _ = write!(
            out,
            "<div class=\"when\" data-when=\"{}\" data-facts=\"{n}\" title=\"{}: {n} facts\" \
             style=\"height:{}%\"></div>",
            escape(when),
            escape(when),
            (n * 100 / highest).max(1)
        );
    }
    out.push_str("</div>\n<div class=\"timeline-labels\">");
    for when in buckets.keys() {
        let _ = write!(out, "<span>{}</span>", escape(when));
    }
    out.push_str("</div>\n");
}

fn index_page(out: &mut String, records: &[Record]) {
    out.push_str(
        "<section class=\"page\" id=\"documents\">\n<h2>Documents</h2>\n<table class=\"index\">\
         <tr><th>document</th><th>date</th><th>entities</th><th>roles</th><th>facts</th>\
         <th>errors</th></tr>\n",
    );
    for (index, record) in records.iter().enumerate() {
        let _ = writeln!(
            out,
            "<tr><td><a href=\"#d{index}\">{}</a></td><td>{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&record.id),
            escape(record.date.as_deref().unwrap_or("")),
            record.entities.len(),
            record.roles.len(),
            record.facts.len(),
            record.errors.len()
        );
    }
    out.push_str("</table>\n</section>\n");
}

/// The whole page for `records`, in their order.
pub fn render(records: &[Record], title: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
         <title>{}</title>\n<style>{STYLE}{DOCUMENT_STYLE}</style></head>\n<body>\n<header><b>factx view</b> \
         {} — <a href=\"#summary\">summary</a><a href=\"#documents\">documents</a></header>\n\
         <main>\n",
        escape(title),
        escape(title)
    );
    summary_page(&mut out, records);
    index_page(&mut out, records);
    for index in 0..records.len() {
        document_page(&mut out, records, index);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn markup(start: usize, end: usize, layer: u8, name: &str) -> Markup {
        Markup {
            start,
            end,
            layer,
            open: format!("<{name}>"),
            close: format!("</{name}>"),
        }
    }

    #[test]
    fn numbers_read_in_thousands() {
        assert_eq!(number(8.5e9), "8,500,000,000");
        assert_eq!(number(-1200.0), "-1,200");
        assert_eq!(number(2.5), "2.5");
    }

    #[test]
    fn markup_nests_by_code_points_and_crossing_spans_are_left_out() {
        // Offsets count code points: "’" and "é" are one each.
        let text = "May’s café & <b>";
        let (html, left_out) = marked_text(
            text,
            vec![
                markup(0, 5, 0, "e"),
                markup(0, 10, 1, "f"),
                markup(6, 12, 2, "r"),
                markup(14, 99, 0, "x"),
            ],
        );
        assert_eq!(html, "<f><e>May’s</e> café</f> &amp; &lt;b&gt;");
        assert_eq!(left_out, 2);
    }
}
