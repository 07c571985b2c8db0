//! Test helpers: documents with mentions given by hand, as the model would find them.

use crate::doc::{Doc, MentionSpan};
use crate::input::InputDoc;
use crate::output::{self, Found};
use crate::parse::Candidates;
use crate::record::Record;
use crate::rules::Annotations;

/// What the rules found in `doc`, as the record users read it: ids e1, e2, ..., code-point
/// offsets, the rule names of `--explain`.
pub fn record(doc: &Doc, annotations: Annotations) -> Record {
    let input = InputDoc {
        id: "test".into(),
        text: doc.text.to_string(),
        ..InputDoc::default()
    };
    let found = Found::Rules {
        annotations,
        explain: true,
    };
    output::record(input, found, Vec::new())
}

/// The document for `text` with a mention at every whole-word occurrence of each `(surface,
/// label)`, earlier entries first: list "Salman Abedi" before "Abedi" so that the longer name
/// claims its words.
pub fn doc<'a>(text: &'a str, mentions: &[(&str, &'a str)]) -> Doc<'a> {
    let mut spans: Vec<MentionSpan> = Vec::new();
    for &(surface, label) in mentions {
        for (start, _) in text.match_indices(surface) {
            let end = start + surface.len();
            let whole = !text[..start]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
                && !text[end..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric);
            let free = spans.iter().all(|m| m.end <= start || end <= m.start);
            if whole && free {
                spans.push(MentionSpan {
                    start,
                    end,
                    label,
                    score: 0.9,
                });
            }
        }
    }
    spans.sort_by_key(|m| m.start);
    Doc::from_text(text, None, spans)
}

/// [`doc`] with a dependency tree given outright: per word, its head (`None`: the root) and
/// its label.
pub fn doc_with_tree<'a>(
    text: &'a str,
    mentions: &[(&str, &'a str)],
    tree: &[(Option<usize>, &str)],
) -> Doc<'a> {
    let mut d = doc(text, mentions);
    assert_eq!(d.words.len(), tree.len(), "one head per word");
    let labels: Vec<String> = tree.iter().map(|&(_, label)| label.to_string()).collect();
    d.arcs = (0..tree.len())
        .map(|w| Candidates::given(tree[w].0, w as u16))
        .collect();
    // A test's few labels, kept for the test's lifetime.
    d.dep_labels = Box::leak(labels.into_boxed_slice());
    d
}

/// The seed document's text.
pub const SEED: &str = include_str!("../../seeds/000_ad85a12eac8d44ce.txt");

/// The seed's mentions as docs/ANNOTATION.md labels them (CoNLL conventions).
pub const SEED_MENTIONS: &[(&str, &str)] = &[
    ("Salman Ramadan Abedi", "PER"),
    ("Salman Abedi", "PER"),
    ("Abedi’s", "PER"),
    ("Abedi", "PER"),
    ("Theresa May", "PER"),
    ("May", "PER"),
    ("Ian Hopkins", "PER"),
    ("Ariana Grande", "PER"),
    ("Saffie Rose Roussos", "PER"),
    ("Lisa", "PER"),
    ("Ashlee", "PER"),
    ("Greater Manchester", "LOC"),
    ("Tarleton", "ORG"),
    ("Cobra", "ORG"),
    ("Temperer", "MISC"),
    ("British", "MISC"),
    ("Manchester Arena", "LOC"),
    ("Manchester", "LOC"),
    ("Downing Street", "LOC"),
    ("Britain", "LOC"),
    ("US", "LOC"),
    ("London", "LOC"),
    ("Preston", "LOC"),
];

/// A phrase table's mentions column: "surface=LABEL" separated by "; ", "-" for none.
pub fn table_mentions(column: &str) -> Vec<(&str, &str)> {
    column
        .split("; ")
        .filter(|m| *m != "-")
        .map(|m| m.split_once('=').expect("surface=LABEL"))
        .collect()
}
