//! The HTML report: one static page (inline CSS, no script). Headline scores first, strict
//! mention P/R/F1 per label as bars, a confusion matrix of gold against predicted labels on
//! mentions with the same span, every score table folded; then per document the text twice
//! side by side, gold on the left and predicted on the right, drawn as `factx view` draws it
//! (mentions, facts, roles), the errors of each side outlined, and the document's error
//! listing, each row linking to its error in the text.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write;

use super::table::{error_row, Section, ERROR_HEADERS};
use super::{in_half, mention_spans, ErrorItem, ErrorKind, LabeledSpan, Layer, Report};
use crate::record::Record;
use crate::view::{escape as esc, Drawn};

/// The report's own look; the documents are drawn with `view::DOCUMENT_STYLE`.
const STYLE: &str = r#"
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: .4em 0 1em; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 2px 6px; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.hit { background: #d3f9d8; } td.miss { background: #ffe3e3; font-weight: bold; }
th { background: #f0f0f0; }
.notice { color: #a00; }
.totals { display: flex; gap: 1.5em; flex-wrap: wrap; margin: 1em 0; }
.totals div { border: 1px solid #ccc; border-radius: 6px; padding: .4em .9em; }
.totals b { display: block; font-size: 1.6em; }
.bar { background: #4c6ef5; height: .9em; display: inline-block; vertical-align: middle; }
.doc { border-top: 2px solid #888; margin-top: 1.5em; }
.pair { display: flex; gap: 1em; }
.side { flex: 1; min-width: 0; }
.err:target { outline: 3px solid #f08c00; }
"#;

const LABELS: [&str; 4] = ["PER", "ORG", "LOC", "MISC"];

fn table_html(headers: &[&str], rows: &[Vec<String>], left: usize) -> String {
    let mut out = String::from("<table><tr>");
    for h in headers {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out += "</tr>\n";
    for row in rows {
        out += "<tr>";
        for (i, cell) in row.iter().enumerate() {
            let class = if i < left { "" } else { " class=\"n\"" };
            let _ = write!(out, "<td{class}>{}</td>", esc(cell));
        }
        out += "</tr>\n";
    }
    out + "</table>\n"
}

fn section_html(s: &Section) -> String {
    let note = s
        .note
        .as_deref()
        .map(|n| format!("<p>{}</p>", esc(n)))
        .unwrap_or_default();
    format!(
        "<h3>{}</h3>\n{}{note}\n",
        esc(s.title),
        table_html(&s.headers, &s.rows, s.left)
    )
}

/// A score as a bar of `width` pixels at 1, with its value; `–` where it is undefined.
fn bar(value: Option<f64>, width: usize) -> String {
    match value {
        Some(v) => format!(
            "<span class=\"bar\" style=\"width:{}px\"></span> {v:.3}",
            (v * width as f64).round() as usize
        ),
        None => "–".into(),
    }
}

/// The headline: one card a layer, its main F1 first.
fn headline(report: &Report) -> String {
    let cards = [
        (
            "mentions",
            "mentions strict F1",
            report.mentions.strict.micro.prf.f1,
        ),
        (
            "entities",
            "entities (label, name) F1",
            report.entities.names.micro.prf.f1,
        ),
        (
            "roles",
            "roles (person, title) F1",
            report.roles.person_title.prf.f1,
        ),
        (
            "facts",
            "facts (kind, value) F1",
            report.facts.without_entity.micro.prf.f1,
        ),
        (
            "facts-entity",
            "facts + entity F1",
            report.facts.with_entity.micro.prf.f1,
        ),
    ];
    let mut out = String::from("<div class=\"totals\">");
    for (name, what, f1) in cards {
        let value = f1.map_or("–".to_string(), |f| format!("{f:.3}"));
        let _ = write!(
            out,
            "<div class=\"total\" data-name=\"{name}\"><b>{value}</b>{what}</div>"
        );
    }
    out + "</div>\n"
}

/// Strict mention P / R / F1 per label, as bars.
fn label_bars(report: &Report) -> String {
    let mut out = String::from(
        "<table class=\"label-bars\"><tr><th>label</th><th>gold</th><th>predicted</th>\
         <th>precision</th><th>recall</th><th>F1</th></tr>\n",
    );
    for (label, scored) in &report.mentions.strict.per_class {
        let _ = writeln!(
            out,
            "<tr data-label=\"{}\"><td><mark class=\"ent {}\">{}</mark></td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(label),
            crate::view::label_class(label),
            esc(label),
            scored.support,
            scored.predicted,
            bar(scored.prf.precision, 120),
            bar(scored.prf.recall, 120),
            bar(scored.prf.f1, 120)
        );
    }
    out + "</table>\n"
}

/// Gold label (rows) against predicted label (columns) over the mentions with the same span on
/// both sides: where the model has the words right but the type wrong.
fn confusion(documents: &[(&Record, Option<&Record>)]) -> String {
    let mut cells: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (gold, pred) in documents {
        let Some(pred) = pred else { continue };
        let predicted: HashMap<(usize, usize), String> = mention_spans(pred)
            .into_iter()
            .map(|s| ((s.start, s.end), s.label))
            .collect();
        for span in mention_spans(gold) {
            if let Some(label) = predicted.get(&(span.start, span.end)) {
                *cells.entry((span.label, label.clone())).or_default() += 1;
            }
        }
    }
    let labels: BTreeSet<&String> = cells.keys().flat_map(|(g, p)| [g, p]).collect();
    let mut out = String::from("<table class=\"confusion\"><tr><th>gold \\ predicted</th>");
    for label in &labels {
        let _ = write!(out, "<th>{}</th>", esc(label));
    }
    out += "</tr>\n";
    for gold in &labels {
        let _ = write!(out, "<tr><th>{}</th>", esc(gold));
        for pred in &labels {
            let n = cells
                .get(&((*gold).clone(), (*pred).clone()))
                .copied()
                .unwrap_or(0);
            let class = match (n, gold == pred) {
                (0, _) => "n",
                (_, true) => "n hit",
                (_, false) => "n miss",
            };
            let _ = write!(
                out,
                "<td class=\"{class}\" data-gold=\"{}\" data-pred=\"{}\">{n}</td>",
                esc(gold),
                esc(pred)
            );
        }
        out += "</tr>\n";
    }
    out + "</table>\n"
}

/// One side of a document: its text with mentions, facts and roles drawn, the errors of this
/// side outlined (missed and wrong on the gold side, spurious on the predicted one), each
/// outlined error that the listing names given the anchor the listing links to.
fn side_html(
    doc: usize,
    record: &Record,
    other: &[LabeledSpan],
    errors: &[ErrorItem],
    gold_side: bool,
    anchored: &RefCell<HashSet<usize>>,
) -> String {
    let flag = |drawn: Drawn, start: usize, end: usize, label: &str| -> Option<String> {
        let layers: &[Layer] = match drawn {
            Drawn::Mention => &[Layer::Mention, Layer::Entity],
            Drawn::Fact => &[Layer::Fact],
            Drawn::Role => &[Layer::Role],
        };
        let this_side = |kind: ErrorKind| (kind == ErrorKind::Spurious) != gold_side;
        let listed = errors.iter().enumerate().find(|(n, e)| {
            layers.contains(&e.layer)
                && this_side(e.kind)
                && (e.start, e.end) == (start, end)
                && !anchored.borrow().contains(n)
        });
        let wrong_mention = drawn == Drawn::Mention
            && !other.contains(&LabeledSpan {
                start,
                end,
                label: label.to_string(),
            });
        match listed {
            Some((n, _)) => {
                anchored.borrow_mut().insert(n);
                Some(format!("err-{doc}-{n}"))
            }
            None if wrong_mention => Some(String::new()),
            None => None,
        }
    };
    crate::view::record_html(record, &flag).0
}

/// A document's error listing, each row linking to the error in the text (or, for one not
/// drawn there, to the document).
fn error_table(doc: usize, errors: &[ErrorItem], anchored: &HashSet<usize>) -> String {
    let mut out = String::from("<table class=\"errors\"><tr><th></th>");
    for h in ERROR_HEADERS {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out += "</tr>\n";
    for (n, row) in errors.iter().map(error_row).enumerate() {
        let target = if anchored.contains(&n) {
            format!("err-{doc}-{n}")
        } else {
            format!("doc-{doc}")
        };
        let _ = write!(
            out,
            "<tr class=\"error\"><td><a href=\"#{target}\">show</a></td>"
        );
        for cell in row {
            let _ = write!(out, "<td>{}</td>", esc(&cell));
        }
        out += "</tr>\n";
    }
    out + "</table>\n"
}

/// The report page. `gold` and `pred` are the records `report` was computed from.
pub fn html_report(gold: &[Record], pred: &[Record], report: &Report) -> String {
    let by_id: HashMap<&str, &Record> = pred.iter().map(|r| (r.id.as_str(), r)).collect();
    let errors: HashMap<&str, &super::DocErrors> =
        report.errors.iter().map(|d| (d.id.as_str(), d)).collect();
    let half = report
        .half
        .as_deref()
        .map(|h| format!(" — {} half", esc(h)))
        .unwrap_or_default();
    // Only the documents the report scored (a half, when it was filtered).
    let documents: Vec<(&Record, Option<&Record>)> = gold
        .iter()
        .filter(|r| report.half.as_deref().is_none_or(|h| in_half(r, h)))
        .map(|g| (g, by_id.get(g.id.as_str()).copied()))
        .collect();
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>factx evaluation</title><style>{STYLE}{}</style></head><body>\n\
         <h1>factx evaluation{half}</h1>\n<p>{} documents.</p>\n",
        crate::view::DOCUMENT_STYLE,
        report.documents,
    );
    for notice in report.notices() {
        let _ = writeln!(out, "<p class=\"notice\">{}</p>", esc(&notice));
    }
    out += &headline(report);
    out += "<h2>Mentions per label (strict)</h2>\n";
    out += &label_bars(report);
    out += "<h2>Labels of the mentions found with the right span</h2>\n";
    out += &confusion(&documents);
    out += "<details><summary>All scores</summary>\n";
    for s in report.sections() {
        out += &section_html(&s);
    }
    out += "</details>\n<h2>Documents</h2>\n<p>Legend: ";
    out += &LABELS
        .map(|l| format!("<mark class=\"ent l-{l}\">{l}</mark>"))
        .join(" ");
    out += " <span class=\"fact\">fact<sup class=\"val\">value</sup></span> \
            <span class=\"role-span\">role statement</span> \
            <mark class=\"ent l-other err\">outlined</mark> = missed or wrong (gold side), \
            spurious (predicted side).</p>\n";
    for (doc, (g, p)) in documents.iter().enumerate() {
        let (gs, ps) = (mention_spans(g), p.map(mention_spans).unwrap_or_default());
        let items: &[ErrorItem] = errors.get(g.id.as_str()).map_or(&[], |d| &d.items);
        let anchored = RefCell::new(HashSet::new());
        let gold_side = side_html(doc, g, &ps, items, true, &anchored);
        let pred_side = match p {
            Some(p) => side_html(doc, p, &gs, items, false, &anchored),
            None => "<em>no prediction for this document: everything is missed</em>".to_string(),
        };
        let _ = writeln!(
            out,
            "<section class=\"doc\" id=\"doc-{doc}\"><h3>{}</h3><div class=\"pair\">\
             <div class=\"side\"><h4>Gold</h4><div class=\"text\">{gold_side}</div></div>\
             <div class=\"side\"><h4>Predicted</h4><div class=\"text\">{pred_side}</div></div></div>",
            esc(&g.id),
        );
        if items.is_empty() {
            out += "<p>No errors.</p>\n";
        } else {
            out += &error_table(doc, items, &anchored.borrow());
        }
        out += "</section>\n";
    }
    out + "</body></html>\n"
}
