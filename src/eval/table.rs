//! The plain-text report: aligned tables of every layer's scores, and the error listing.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{ClassScores, DocErrors, ErrorItem, ErrorKind, Layer, Prf, Report, Scored};

/// Aligned columns: the first `left` columns left-aligned (names), the rest right-aligned
/// (numbers). Widths count chars, so accented text stays aligned (wide CJK glyphs do not).
pub(crate) fn render(headers: &[&str], rows: &[Vec<String>], left: usize) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::new();
        for (i, (cell, w)) in cells.zip(&widths).enumerate() {
            let pad = " ".repeat(w - cell.chars().count());
            let sep = if i == 0 { "" } else { "  " };
            if i < left {
                s += &format!("{sep}{cell}{pad}");
            } else {
                s += &format!("{sep}{pad}{cell}");
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(&mut headers.iter().copied());
    for row in rows {
        out += &line(&mut row.iter().map(String::as_str));
    }
    out
}

pub(crate) fn metric(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), |x| format!("{x:.4}"))
}

pub(crate) const SCORED_HEADERS: [&str; 10] = [
    "support",
    "pred",
    "correct",
    "incorrect",
    "partial",
    "missed",
    "spurious",
    "P",
    "R",
    "F1",
];

pub(crate) fn prf_cells(p: &Prf) -> [String; 3] {
    [metric(p.precision), metric(p.recall), metric(p.f1)]
}

/// Count and metric cells of one scored row, in [`SCORED_HEADERS`] order.
pub(crate) fn scored_cells(s: &Scored) -> Vec<String> {
    let c = &s.counts;
    let counts = [
        s.support,
        s.predicted,
        c.correct,
        c.incorrect,
        c.partial,
        c.missed,
        c.spurious,
    ];
    counts
        .iter()
        .map(usize::to_string)
        .chain(prf_cells(&s.prf))
        .collect()
}

/// Rows per class, then micro and macro, each led by `lead` cells.
pub(crate) fn class_rows(lead: &[&str], scores: &ClassScores) -> Vec<Vec<String>> {
    let row = |name: &str, cells: Vec<String>| {
        lead.iter()
            .map(|s| s.to_string())
            .chain([name.to_string()])
            .chain(cells)
            .collect()
    };
    let mut rows: Vec<Vec<String>> = scores
        .per_class
        .iter()
        .map(|(k, s)| row(k, scored_cells(s)))
        .collect();
    rows.push(row("micro", scored_cells(&scores.micro)));
    let blank = vec![String::new(); 7];
    rows.push(row(
        "macro",
        blank
            .into_iter()
            .chain(prf_cells(&scores.macro_avg))
            .collect(),
    ));
    rows
}

/// One table of the report, rendered as text by [`Report::table`] and as HTML by the page.
pub(crate) struct Section {
    pub title: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    /// Leading left-aligned (name) columns.
    pub left: usize,
    /// A line printed under the table.
    pub note: Option<String>,
}

impl Report {
    /// Lines about ids that could not be scored normally.
    pub(crate) fn notices(&self) -> Vec<String> {
        [
            (
                "Missing predictions (scored as all-missed)",
                &self.missing_predictions,
            ),
            (
                "Predictions with no gold record (not scored)",
                &self.unknown_predictions,
            ),
            (
                "Predicted text differs from gold text",
                &self.text_mismatches,
            ),
        ]
        .iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(what, ids)| format!("{what}: {} ({})", ids.len(), ids.join(", ")))
        .collect()
    }

    pub(crate) fn sections(&self) -> Vec<Section> {
        let headers = |lead: &[&'static str]| -> Vec<&'static str> {
            lead.iter().copied().chain(SCORED_HEADERS).collect()
        };
        let e = &self.mentions.errors;
        let en = &self.entities;
        let f = &self.facts;
        let acc = |name: &str, a: &super::facts::Accuracy| {
            vec![
                name.to_string(),
                a.matched.to_string(),
                a.correct.to_string(),
                metric(a.accuracy),
            ]
        };
        let mut accuracy: Vec<Vec<String>> = f
            .value_accuracy_per_kind
            .iter()
            .map(|(k, a)| acc(k, a))
            .collect();
        accuracy.push(acc("all", &f.value_accuracy));
        vec![
            Section {
                title: "Mentions (nervaluate)",
                headers: headers(&["schema", "label"]),
                rows: self
                    .mentions
                    .schemas()
                    .iter()
                    .flat_map(|(name, s)| class_rows(&[name], s))
                    .collect(),
                left: 2,
                note: Some(format!(
                    "Mention errors: {} type, {} boundary, {} boundary+type, {} missed, {} spurious",
                    e.type_errors, e.boundary_errors, e.boundary_and_type_errors, e.missed, e.spurious
                )),
            },
            Section {
                title: "Entity clustering (mentions by exact span)",
                headers: vec!["metric", "P", "R", "F1"],
                rows: [("B³", &en.b_cubed), ("MUC", &en.muc)]
                    .iter()
                    .map(|(name, p)| [name.to_string()].into_iter().chain(prf_cells(p)).collect())
                    .collect(),
                left: 1,
                note: None,
            },
            Section {
                title: "Entities: (label, name) per document",
                headers: headers(&["label"]),
                rows: class_rows(&[], &en.names),
                left: 1,
                note: None,
            },
            Section {
                title: "Roles",
                headers: headers(&["tuple"]),
                rows: [
                    ("(person, title)", &self.roles.person_title),
                    ("(person, title, org)", &self.roles.person_title_org),
                ]
                .iter()
                .map(|(name, s)| [name.to_string()].into_iter().chain(scored_cells(s)).collect())
                .collect(),
                left: 1,
                note: None,
            },
            Section {
                title: "Facts",
                headers: headers(&["match", "kind"]),
                rows: [
                    ("(kind, value, entity)", &f.with_entity),
                    ("(kind, value)", &f.without_entity),
                    ("span overlap", &f.span),
                ]
                .iter()
                .flat_map(|(name, s)| class_rows(&[name], s))
                .collect(),
                left: 2,
                note: None,
            },
            Section {
                title: "Fact values among span-matched facts",
                headers: vec!["kind", "matched", "right", "accuracy"],
                rows: accuracy,
                left: 1,
                note: Some(format!(
                    "Ages tied to the right person: {} of {} gold ages of a named person ({})",
                    f.age_attribution.correct,
                    f.age_attribution.matched,
                    metric(f.age_attribution.accuracy)
                )),
            },
        ]
    }

    /// Every layer's scores as aligned plain-text tables.
    pub fn table(&self) -> String {
        let half = self
            .half
            .as_deref()
            .map(|h| format!(" (half: {h})"))
            .unwrap_or_default();
        let mut out = format!("Documents: {}{half}\n", self.documents);
        for line in self.notices() {
            out += &line;
            out += "\n";
        }
        for s in self.sections() {
            let _ = write!(
                out,
                "\n{}\n{}",
                s.title,
                render(&s.headers, &s.rows, s.left)
            );
            if let Some(note) = &s.note {
                out += note;
                out += "\n";
            }
        }
        out
    }

    /// Every document's errors, one line each.
    pub fn error_listing(&self) -> String {
        let mut out = String::new();
        for doc in &self.errors {
            let missing = if doc.missing_prediction {
                " (no prediction)"
            } else {
                ""
            };
            let _ = writeln!(out, "== {}{missing}", doc.id);
            out += &render(&ERROR_HEADERS, &doc.rows(), ERROR_HEADERS.len());
        }
        out + &self.errors_by_rule()
    }

    /// The role and fact errors grouped by the rules behind them, most errors first: which
    /// rule to mend. Misses that no prediction overlaps stand under "(no rule)".
    fn errors_by_rule(&self) -> String {
        let mut groups: BTreeMap<&str, Vec<(&str, &ErrorItem)>> = BTreeMap::new();
        for doc in &self.errors {
            for e in &doc.items {
                if matches!(e.layer, Layer::Role | Layer::Fact) {
                    let rule = e.rule.as_deref().unwrap_or("(no rule)");
                    groups.entry(rule).or_default().push((&doc.id, e));
                }
            }
        }
        let mut groups: Vec<_> = groups.into_iter().collect();
        groups.sort_by_key(|(_, items)| std::cmp::Reverse(items.len()));
        let mut out = String::from("== errors by rule (roles and facts)\n");
        for (rule, items) in groups {
            let count = |kind: ErrorKind| items.iter().filter(|(_, e)| e.kind == kind).count();
            let _ = writeln!(
                out,
                "-- {rule}: {} missed, {} spurious, {} wrong",
                count(ErrorKind::Missed),
                count(ErrorKind::Spurious),
                count(ErrorKind::Wrong)
            );
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|(id, e)| {
                    std::iter::once(id.to_string())
                        .chain(error_row(e))
                        .collect()
                })
                .collect();
            let headers: Vec<&str> = std::iter::once("document").chain(ERROR_HEADERS).collect();
            out += &render(&headers, &rows, headers.len());
        }
        out
    }
}

pub(crate) const ERROR_HEADERS: [&str; 7] =
    ["layer", "error", "span", "text", "what", "note", "rule"];

impl DocErrors {
    /// One row per error, in [`ERROR_HEADERS`] order.
    pub(crate) fn rows(&self) -> Vec<Vec<String>> {
        self.items.iter().map(error_row).collect()
    }
}

/// An error's cells, in [`ERROR_HEADERS`] order.
pub(crate) fn error_row(e: &ErrorItem) -> Vec<String> {
    vec![
        format!("{:?}", e.layer).to_lowercase(),
        format!("{:?}", e.kind).to_lowercase(),
        format!("{}..{}", e.start, e.end),
        format!("{:?}", e.text),
        e.what.clone(),
        e.note.clone(),
        e.rule.clone().unwrap_or_default(),
    ]
}
