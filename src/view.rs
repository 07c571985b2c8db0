//! `factx view`: any extraction, no gold needed, as self-contained HTML (inline CSS and SVG, no
//! script, no network): a corpus summary (the most mentioned people and organisations with
//! their roles, facts by kind, dated facts on a timeline), an index of the documents, and each
//! document with its entities coloured by label, its facts marked with their normalised value,
//! and its roles drawn as arcs, person → title → organisation (`arcs.rs`).
//!
//! Every page is a `<section>` shown by CSS `:target` alone, so the browser lays out one
//! document at a time. The records are read twice and never held: once for the summary, once
//! to write the index and the documents, [`DOCS_PER_FILE`] to a file, so that any corpus opens
//! as fast as one file of that many documents and memory stays flat.

mod arcs;

use crate::record::{Approx, Entity, Fact, FactValue, Record};
use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The page's own look; [`DOCUMENT_STYLE`] draws the documents.
const STYLE: &str = r#"
body { font-family: system-ui, sans-serif; margin: 0; color: #222; }
header { background: #243b53; color: #fff; padding: .5em 1.5em; }
header a { color: #fff; margin-right: 1em; }
main { padding: 0 1.5em 2em; max-width: 70em; }
.page { display: none; }
.page:target, main:not(:has(.page:target)) > .page:first-child { display: block; }
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
.files a, .files b { white-space: nowrap; }
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
.arcs { display: block; overflow-x: auto; line-height: normal; margin: .2em 0; }
.arcs svg { display: block; font: 13px ui-monospace, monospace; }
.arcs text { text-anchor: middle; }
.arcs rect { fill: #dee2e6; } .arcs rect.title { fill: #fff3bf; }
.arcs rect.l-PER { fill: #ffd8a8; } .arcs rect.l-ORG { fill: #a5d8ff; }
.arcs rect.l-LOC { fill: #b2f2bb; } .arcs rect.l-MISC { fill: #e5dbff; }
.arcs .far rect { fill: #fff; stroke: #868e96; stroke-dasharray: 2 2; }
.arcs .tag, .arcs .label { font-size: 9px; fill: #555; }
.arcs .gap { fill: #868e96; }
.arcs .arc path { fill: none; stroke: #495057; stroke-width: 1.5; }
.arcs .arc path.head { fill: #495057; stroke: none; }
.arcs .arc.to-org path { stroke: #1864ab; } .arcs .arc.to-org path.head { fill: #1864ab; }
.arcs .arc.former path { stroke-dasharray: 5 3; }
.arcs .arc.former path.head { stroke-dasharray: none; }
"#;

/// Documents a file holds by default: 500 BBC documents make about 4 MB, which a browser opens
/// at once.
pub const DOCS_PER_FILE: usize = 500;

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

/// A text addressed by code points, as records' offsets count them.
pub(crate) struct CodePoints<'a> {
    text: &'a str,
    /// Byte offset of each code point, and of the end.
    bytes: Vec<usize>,
}

impl<'a> CodePoints<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let bytes = text
            .char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(text.len()))
            .collect();
        CodePoints { text, bytes }
    }

    /// How many code points.
    pub(crate) fn len(&self) -> usize {
        self.bytes.len() - 1
    }

    pub(crate) fn slice(&self, start: usize, end: usize) -> &'a str {
        &self.text[self.bytes[start]..self.bytes[end]]
    }

    pub(crate) fn chars(&self) -> std::str::Chars<'a> {
        self.text.chars()
    }
}

/// HTML being written over a text: how far the text is written, and the markups open.
struct Marking<'a, 'b> {
    text: &'b CodePoints<'a>,
    out: String,
    at: usize,
    open: Vec<Markup>,
}

impl Marking<'_, '_> {
    /// Writes the text up to `to`, closing the markups that end on the way.
    fn advance(&mut self, to: usize) {
        while let Some(closed) = self.open.pop_if(|o| o.end <= to) {
            self.write_text(closed.end);
            self.out += &closed.close;
        }
        self.write_text(to);
    }

    fn write_text(&mut self, to: usize) {
        self.out += &escape(self.text.slice(self.at, to));
        self.at = to;
    }
}

/// `text` as HTML with `markups` (code-point offsets) wrapped around their stretches, and each
/// of `insertions` (offset, HTML; in offset order) placed before its offset, ahead of the
/// markups that open there. Markup must nest: one that crosses another already placed, or lies
/// outside the text, is left out (the lists under the text still show it). Returns the HTML and
/// how many were left out.
fn marked_text(
    text: &CodePoints,
    mut markups: Vec<Markup>,
    insertions: Vec<(usize, String)>,
) -> (String, usize) {
    markups.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end), m.layer));
    let mut marking = Marking {
        text,
        out: String::new(),
        at: 0,
        open: Vec::new(),
    };
    let mut insertions = insertions.into_iter().peekable();
    let mut left_out = 0;
    for markup in markups {
        if markup.start >= markup.end || markup.end > text.len() {
            left_out += 1;
            continue;
        }
        while let Some((at, html)) = insertions.next_if(|(at, _)| *at <= markup.start) {
            marking.advance(at);
            marking.out += &html;
        }
        marking.advance(markup.start);
        if marking.open.last().is_some_and(|o| markup.end > o.end) {
            left_out += 1;
            continue;
        }
        marking.out += &markup.open;
        marking.open.push(markup);
    }
    for (at, html) in insertions {
        marking.advance(at.min(text.len()));
        marking.out += &html;
    }
    marking.advance(text.len());
    (marking.out, left_out)
}

/// What a drawn span stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawn {
    Mention,
    Fact,
    Role,
}

/// `record`'s text as HTML with its mentions, facts and role statements drawn in it and its
/// roles as arcs above their sentences, and how many spans and roles could not be drawn
/// (crossing others, outside the text, a role's person without a mention).
/// `flag(what, start, end, label)` outlines a span as an error when it answers `Some(anchor)`,
/// the anchor (when not empty) becoming its `id`.
pub fn record_html(
    record: &Record,
    flag: &dyn Fn(Drawn, usize, usize, &str) -> Option<String>,
) -> (String, usize) {
    let text = CodePoints::new(&record.text);
    let (strips, undrawn) = arcs::strips(record, &text);
    let (html, left_out) = marked_text(&text, record_markups(record, flag), strips);
    (html, left_out + undrawn)
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

/// Document `index` of `documents`, its links as `layout` places the pages.
fn document_page(
    out: &mut String,
    record: &Record,
    index: usize,
    documents: usize,
    layout: &Layout,
) {
    let file = layout.file_of(index);
    let entities: HashMap<&str, &Entity> =
        record.entities.iter().map(|e| (e.id.as_str(), e)).collect();
    let _ = write!(
        out,
        "<section class=\"page doc\" id=\"d{index}\" data-id=\"{}\">\n<nav class=\"doc-nav\">",
        escape(&record.id)
    );
    if index > 0 {
        let _ = write!(
            out,
            "<a href=\"{}\">← previous</a>",
            layout.document_href(file, index - 1)
        );
    }
    out.push_str("<a href=\"#documents\">documents</a>");
    if index + 1 < documents {
        let _ = write!(
            out,
            "<a href=\"{}\">next →</a>",
            layout.document_href(file, index + 1)
        );
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
            "<p class=\"note\">{left_out} spans or roles cannot be drawn in the text (they cross \
             others, or lie outside it) and are only listed below.</p>"
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
    /// Entities of this name (one a document, but for a document that has two).
    documents: usize,
    /// The first few of them (position and id), which the summary links to.
    first_documents: Vec<(usize, String)>,
    /// `title, organisation` → how often.
    roles: BTreeMap<String, usize>,
}

/// How many documents of a name the summary links to.
const LINKED: usize = 5;

/// What the summary shows, gathered one record at a time: its size grows with the distinct
/// names, titles and months of the corpus, not with its documents.
#[derive(Default)]
struct Summary {
    documents: usize,
    entities: usize,
    mentions: usize,
    roles: usize,
    facts: usize,
    error_records: usize,
    named: HashMap<(String, String), Named>,
    kinds: BTreeMap<&'static str, usize>,
    /// Dated facts by month (`2017-05`).
    dated: BTreeMap<String, usize>,
}

impl Summary {
    fn named(&mut self, entity: &Entity) -> &mut Named {
        self.named
            .entry((entity.label.clone(), entity.name.clone()))
            .or_default()
    }

    fn add(&mut self, record: &Record) {
        let index = self.documents;
        self.documents += 1;
        self.entities += record.entities.len();
        self.mentions += record
            .entities
            .iter()
            .map(|e| e.mentions.len())
            .sum::<usize>();
        self.roles += record.roles.len();
        self.facts += record.facts.len();
        self.error_records += usize::from(!record.errors.is_empty());
        for entity in &record.entities {
            let entry = self.named(entity);
            entry.mentions += entity.mentions.len();
            entry.documents += 1;
            if entry.first_documents.len() < LINKED {
                entry.first_documents.push((index, record.id.clone()));
            }
        }
        let by_id: HashMap<&str, &Entity> =
            record.entities.iter().map(|e| (e.id.as_str(), e)).collect();
        for role in &record.roles {
            let person = by_id.get(role.person.as_str());
            let org = role.org.as_deref().and_then(|o| by_id.get(o));
            let held = match org {
                Some(org) => format!("{}, {}", role.title, org.name),
                None => role.title.clone(),
            };
            if let Some(person) = person {
                *self.named(person).roles.entry(held).or_default() += 1;
            }
            if let (Some(org), Some(person)) = (org, person) {
                *self
                    .named(org)
                    .roles
                    .entry(format!("{}: {}", person.name, role.title))
                    .or_default() += 1;
            }
        }
        for fact in &record.facts {
            *self.kinds.entry(fact.kind.as_str()).or_default() += 1;
            if let Some(FactValue::Date(date)) = &fact.value {
                *self
                    .dated
                    .entry(date.chars().take(7).collect())
                    .or_default() += 1;
            }
        }
    }
}

fn summary_page(out: &mut String, summary: &Summary, layout: &Layout) {
    let totals = [
        ("documents", summary.documents),
        ("entities", summary.entities),
        ("mentions", summary.mentions),
        ("roles", summary.roles),
        ("facts", summary.facts),
        ("error records", summary.error_records),
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

    for (label, heading, roles_heading) in [
        ("PER", "Most mentioned people", "roles"),
        (
            "ORG",
            "Most mentioned organisations",
            "people and their roles",
        ),
    ] {
        let mut rows: Vec<(&str, &Named)> = summary
            .named
            .iter()
            .filter(|((l, _), n)| l == label && n.mentions > 0)
            .map(|((_, name), n)| (name.as_str(), n))
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
                .first_documents
                .iter()
                .map(|(d, id)| {
                    format!(
                        "<a href=\"{}\">{}</a>",
                        layout.document_href(0, *d),
                        escape(id)
                    )
                })
                .collect();
            let more = n.documents.saturating_sub(LINKED);
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

    let widest = summary.kinds.values().copied().max().unwrap_or(1).max(1);
    out.push_str(
        "<h3>Facts by kind</h3>\n<table class=\"kinds\"><tr><th>kind</th><th>facts</th><th></th></tr>\n",
    );
    for (kind, n) in &summary.kinds {
        let _ = writeln!(
            out,
            "<tr data-kind=\"{kind}\"><td>{kind}</td><td class=\"n\">{n}</td><td><span class=\"bar\" \
             style=\"width:{}px\"></span></td></tr>",
            n * 300 / widest
        );
    }
    out.push_str("</table>\n");
    timeline(out, &summary.dated);
    out.push_str("</section>\n");
}

/// Dated facts as bars in time order: by month (`2017-05`), or by year when they span more
/// than 60 months, so that a bar stays wide enough to read.
fn timeline(out: &mut String, by_month: &BTreeMap<String, usize>) {
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
        by_month.clone()
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

/// The start of file `file`'s index of its documents, with links to the other files' indexes
/// when there are others.
fn index_start(out: &mut String, file: usize, documents: usize, layout: &Layout) {
    out.push_str("<section class=\"page\" id=\"documents\">\n<h2>Documents</h2>\n");
    let files = layout.files(documents);
    if files > 1 {
        out.push_str("<p class=\"files\">");
        for other in 0..files {
            let first = other * layout.per_file + 1;
            let last = (first + layout.per_file - 1).min(documents);
            let range = format!(
                "{}–{}",
                crate::progress::thousands(first as u64),
                crate::progress::thousands(last as u64)
            );
            if other > 0 {
                out.push_str(" · ");
            }
            if other == file {
                let _ = write!(out, "<b>{range}</b>");
            } else {
                let _ = write!(
                    out,
                    "<a href=\"{}\">{range}</a>",
                    layout.href(file, other, "documents")
                );
            }
        }
        out.push_str("</p>\n");
    }
    out.push_str(
        "<table class=\"index\"><tr><th>document</th><th>date</th><th>entities</th>\
         <th>roles</th><th>facts</th><th>errors</th></tr>\n",
    );
}

const INDEX_END: &str = "</table>\n</section>\n";

fn index_row(out: &mut String, record: &Record, index: usize) {
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

/// The top of file `file`: its style, and a header linking to the summary and to this file's
/// index.
fn head(out: &mut String, title: &str, file: usize, layout: &Layout) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
         <title>{}</title>\n<style>{STYLE}{DOCUMENT_STYLE}</style></head>\n<body>\n<header><b>factx view</b> \
         {} — <a href=\"{}\">summary</a><a href=\"#documents\">documents</a></header>\n\
         <main>\n",
        escape(title),
        escape(title),
        layout.href(file, 0, "summary"),
    );
}

const TAIL: &str = "</main>\n</body>\n</html>\n";

/// Where each document's page is: the first `per_file` in the main file, with the summary; each
/// next `per_file` in `NAME_files/page-K.html` beside it (K from 2). Each file indexes its own
/// documents, so that no file grows with the corpus.
struct Layout {
    main: PathBuf,
    folder: PathBuf,
    per_file: usize,
}

impl Layout {
    fn new(main: &Path, per_file: usize) -> Layout {
        let stem = main.file_stem().unwrap_or_default().to_string_lossy();
        Layout {
            main: main.to_path_buf(),
            folder: main.with_file_name(format!("{stem}_files")),
            per_file: per_file.max(1),
        }
    }

    fn file_of(&self, document: usize) -> usize {
        document / self.per_file
    }

    /// How many files `documents` take (the main file at least).
    fn files(&self, documents: usize) -> usize {
        documents.div_ceil(self.per_file).max(1)
    }

    fn page_name(file: usize) -> String {
        format!("page-{}.html", file + 1)
    }

    fn path(&self, file: usize) -> PathBuf {
        match file {
            0 => self.main.clone(),
            _ => self.folder.join(Self::page_name(file)),
        }
    }

    /// A link from a page in file `from` to `#fragment` in file `to`.
    fn href(&self, from: usize, to: usize, fragment: &str) -> String {
        let name =
            |path: &Path| url_escaped(&path.file_name().unwrap_or_default().to_string_lossy());
        let file = match (from, to) {
            _ if from == to => String::new(),
            (0, _) => format!("{}/{}", name(&self.folder), Self::page_name(to)),
            (_, 0) => format!("../{}", name(&self.main)),
            _ => Self::page_name(to),
        };
        format!("{file}#{fragment}")
    }

    fn document_href(&self, from: usize, document: usize) -> String {
        self.href(from, self.file_of(document), &format!("d{document}"))
    }
}

/// A file name as a URL path segment: every byte but letters, digits and `-._~` as `%XX`.
fn url_escaped(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An HTML file being written, named in its errors.
struct HtmlFile {
    path: PathBuf,
    writer: std::io::BufWriter<std::fs::File>,
}

impl HtmlFile {
    fn create(path: PathBuf) -> Result<HtmlFile> {
        let file = std::fs::File::create(&path)
            .with_context(|| format!("{}: cannot create", path.display()))?;
        Ok(HtmlFile {
            path,
            writer: std::io::BufWriter::with_capacity(1 << 16, file),
        })
    }

    fn put(&mut self, html: &str) -> Result<()> {
        self.writer
            .write_all(html.as_bytes())
            .with_context(|| format!("{}: cannot write", self.path.display()))
    }

    fn finish(mut self) -> Result<()> {
        self.put(TAIL)?;
        self.writer
            .flush()
            .with_context(|| format!("{}: cannot write", self.path.display()))
    }
}

/// What [`write`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub documents: usize,
    pub files: usize,
}

/// Writes the view of the records in `records` (JSONL) to `out`, and the documents past the
/// first `per_file` to pages in `OUT_files/` beside it, each file with an index of its own; only the documents with one of `ids`
/// when any are given (an id that no document has is an error, before anything is written).
/// Pages left there by an earlier, longer view are removed.
pub fn write(records: &Path, out: &Path, ids: &[String], per_file: usize) -> Result<Written> {
    let kept = |record: &Record| ids.is_empty() || ids.contains(&record.id);
    let mut summary = Summary::default();
    let mut found: HashSet<String> = HashSet::new();
    for record in crate::input::records(records)? {
        let record = record?;
        if kept(&record) {
            if !ids.is_empty() {
                found.insert(record.id.clone());
            }
            summary.add(&record);
        }
    }
    if let Some(missing) = ids.iter().find(|id| !found.contains(*id)) {
        bail!("{}: no document with id {missing:?}", records.display());
    }
    let documents = summary.documents;
    let layout = Layout::new(out, per_file);
    let title = records.display().to_string();
    let mut html = String::new();
    head(&mut html, &title, 0, &layout);
    summary_page(&mut html, &summary, &layout);
    drop(summary);
    index_start(&mut html, 0, documents, &layout);
    let mut file = HtmlFile::create(out.to_path_buf())?;
    file.put(&html)?;
    // A file's documents follow its index, whose rows are written as the documents are read:
    // they are held until the file's index is complete (`per_file` of them at most).
    let mut held = String::new();
    let mut index = 0;
    for record in crate::input::records(records)? {
        let record = record?;
        if !kept(&record) {
            continue;
        }
        if index > 0 && index % layout.per_file == 0 {
            file.put(INDEX_END)?;
            file.put(&held)?;
            file.finish()?;
            held.clear();
            let number = layout.file_of(index);
            std::fs::create_dir_all(&layout.folder)
                .with_context(|| format!("{}: cannot create", layout.folder.display()))?;
            file = HtmlFile::create(layout.path(number))?;
            html.clear();
            head(&mut html, &title, number, &layout);
            index_start(&mut html, number, documents, &layout);
            file.put(&html)?;
        }
        html.clear();
        index_row(&mut html, &record, index);
        file.put(&html)?;
        document_page(&mut held, &record, index, documents, &layout);
        index += 1;
    }
    file.put(INDEX_END)?;
    file.put(&held)?;
    file.finish()?;
    let files = layout.files(index);
    for stale in (files..)
        .map(|file| layout.path(file))
        .take_while(|p| p.exists())
    {
        std::fs::remove_file(&stale)
            .with_context(|| format!("{}: cannot remove", stale.display()))?;
    }
    if files == 1 {
        // Only when empty: it may hold other files than pages.
        std::fs::remove_dir(&layout.folder).ok();
    }
    Ok(Written {
        documents: index,
        files,
    })
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
            &CodePoints::new(text),
            vec![
                markup(0, 5, 0, "e"),
                markup(0, 10, 1, "f"),
                markup(6, 12, 2, "r"),
                markup(14, 99, 0, "x"),
            ],
            vec![(0, "<i/>".into()), (6, "<j/>".into()), (16, "<k/>".into())],
        );
        // Insertions go before the markups that open where they are.
        assert_eq!(html, "<i/><f><e>May’s</e> <j/>café</f> &amp; &lt;b&gt;<k/>");
        assert_eq!(left_out, 2);
    }
}
