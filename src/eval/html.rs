//! The HTML report: one static page (inline CSS, no script) with the score tables and, per
//! document, the text twice side by side — gold mentions highlighted on the left, predicted
//! on the right, coloured by label, mentions without an exact (span, label) twin on the other
//! side outlined — followed by that document's error listing.

use std::collections::HashMap;
use std::fmt::Write;

use super::table::{Section, ERROR_HEADERS};
use super::{in_half, mention_spans, LabeledSpan, Report};
use crate::record::Record;
use crate::view::escape as esc;

const STYLE: &str = r#"
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: .4em 0 1em; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 2px 6px; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f0f0f0; }
.notice { color: #a00; }
.doc { border-top: 2px solid #888; margin-top: 1.5em; }
.pair { display: flex; gap: 1em; }
.side { flex: 1; min-width: 0; }
.text { white-space: pre-wrap; line-height: 1.9; border: 1px solid #ddd; padding: .5em; }
mark { border-radius: 3px; padding: 0 1px; color: inherit; }
mark.err { outline: 2px dashed #d00; }
sub.lab { font-size: 9px; color: #555; }
sub.err { color: #d00; font-weight: bold; }
.l-PER { background: #ffd8a8; } .l-ORG { background: #a5d8ff; }
.l-LOC { background: #b2f2bb; } .l-MISC { background: #e5dbff; }
.l-other { background: #dee2e6; }
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

/// `text` with `spans` highlighted. Overlapping spans split the text into segments; each
/// segment takes the style of the shortest span covering it, and each span's label follows
/// its last character (marked ✗ when `is_error`).
fn highlight(text: &str, spans: &[LabeledSpan], is_error: impl Fn(&LabeledSpan) -> bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let clamp = |x: usize| x.min(chars.len());
    let mut cuts: Vec<usize> = vec![0, chars.len()];
    cuts.extend(spans.iter().flat_map(|s| [clamp(s.start), clamp(s.end)]));
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = String::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let segment = esc(&chars[a..b].iter().collect::<String>());
        // The innermost covering span, so a nested mention stays visible.
        match spans
            .iter()
            .filter(|s| s.start <= a && b <= s.end)
            .min_by_key(|s| s.end - s.start)
        {
            Some(s) => {
                let class = if LABELS.contains(&s.label.as_str()) {
                    s.label.as_str()
                } else {
                    "other"
                };
                let err = if is_error(s) { " err" } else { "" };
                let _ = write!(
                    out,
                    "<mark class=\"l-{class}{err}\" title=\"{} {}..{}\">{segment}</mark>",
                    esc(&s.label),
                    s.start,
                    s.end
                );
            }
            None => out += &segment,
        }
        for s in spans
            .iter()
            .filter(|s| clamp(s.end) == b && s.start < s.end)
        {
            let (class, mark) = if is_error(s) {
                ("lab err", "✗")
            } else {
                ("lab", "")
            };
            let _ = write!(out, "<sub class=\"{class}\">{}{mark}</sub>", esc(&s.label));
        }
    }
    out
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
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>factx evaluation</title><style>{STYLE}</style></head><body>\n\
         <h1>factx evaluation{half}</h1>\n<p>{} documents. Legend: {}; \
         <mark class=\"l-other err\">outlined</mark> = missed (gold side) or spurious \
         (predicted side) under strict matching.</p>\n",
        report.documents,
        LABELS
            .map(|l| format!("<mark class=\"l-{l}\">{l}</mark>"))
            .join(" ")
    );
    for notice in report.notices() {
        let _ = writeln!(out, "<p class=\"notice\">{}</p>", esc(&notice));
    }
    out += "<h2>Scores</h2>\n";
    for s in report.sections() {
        out += &section_html(&s);
    }
    out += "<h2>Documents</h2>\n";
    // Only the documents the report scored (a half, when it was filtered).
    let scored = gold
        .iter()
        .filter(|r| report.half.as_deref().is_none_or(|h| in_half(r, h)));
    for g in scored {
        let p = by_id.get(g.id.as_str()).copied();
        let (gs, ps) = (mention_spans(g), p.map(mention_spans).unwrap_or_default());
        let pred_side = match p {
            Some(p) => highlight(&p.text, &ps, |s| !gs.contains(s)),
            None => "<em>no prediction for this document: everything is missed</em>".to_string(),
        };
        let _ = writeln!(
            out,
            "<section class=\"doc\"><h3>{}</h3><div class=\"pair\">\
             <div class=\"side\"><h4>Gold</h4><div class=\"text\">{}</div></div>\
             <div class=\"side\"><h4>Predicted</h4><div class=\"text\">{}</div></div></div>",
            esc(&g.id),
            highlight(&g.text, &gs, |s| !ps.contains(s)),
            pred_side
        );
        match errors.get(g.id.as_str()) {
            Some(d) if !d.items.is_empty() => {
                out += &table_html(&ERROR_HEADERS, &d.rows(), ERROR_HEADERS.len())
            }
            _ => out += "<p>No errors.</p>\n",
        }
        out += "</section>\n";
    }
    out + "</body></html>\n"
}
