//! `factx::eval`: gold against itself, known corruptions with exact counts, missing
//! predictions, halves, the reports, and the CoNLL/seqeval scorer against Python seqeval.

use factx::eval::conll::{self, ConllDoc};
use factx::eval::{self, mention_spans, Counts, ErrorKind, LabeledSpan, Layer, Report};
use factx::record::{Approx, Entity, Fact, FactKind, FactValue, Mention, Record, Role};
use serde_json::Value;

/// Code-point span of `needle` inside the first occurrence of `context` in `text`.
fn span(text: &str, context: &str, needle: &str) -> (usize, usize) {
    let byte = text.find(context).expect("context") + context.find(needle).expect("needle");
    let start = text[..byte].chars().count();
    (start, start + needle.chars().count())
}

fn mention(text: &str, context: &str, needle: &str) -> Mention {
    let (start, end) = span(text, context, needle);
    Mention {
        start,
        end,
        text: needle.to_string(),
        score: 1.0,
    }
}

fn entity(text: &str, id: &str, label: &str, name: &str, surfaces: &[(&str, &str)]) -> Entity {
    Entity {
        id: id.into(),
        label: label.into(),
        name: name.into(),
        mentions: surfaces.iter().map(|(c, n)| mention(text, c, n)).collect(),
    }
}

fn fact(text: &str, kind: FactKind, value: FactValue, surface: &str, entity: Option<&str>) -> Fact {
    let (start, end) = span(text, surface, surface);
    Fact {
        kind,
        value: Some(value),
        approx: Approx::Exact,
        from: None,
        unit: None,
        predicate: None,
        entity: entity.map(str::to_string),
        vague: false,
        start,
        end,
        text: surface.into(),
        rule: None,
        entity_rule: None,
        reading: None,
    }
}

fn role(text: &str, person: &str, title: &str, org: Option<&str>, surface: &str) -> Role {
    let (start, end) = span(text, surface, surface);
    Role {
        person: person.into(),
        title: title.into(),
        org: org.map(str::to_string),
        former: false,
        start,
        end,
        text: surface.into(),
        rule: None,
    }
}

fn meta(half: &str) -> serde_json::Map<String, Value> {
    serde_json::json!({ "half": half })
        .as_object()
        .unwrap()
        .clone()
}

/// Two documents with every layer filled: 11 mentions in 9 entities, 3 roles, 7 facts.
fn gold() -> Vec<Record> {
    let t1 = "“Theresa May”, the British prime minister, met Zoë Ørsted, chief executive of \
              Nestlé, in Zürich 🇨🇭 and Manchester on 3 May 2017. May said 22 people died and \
              costs rose 5% to €1.2 million.";
    let mut money = fact(
        t1,
        FactKind::Money,
        FactValue::Number(1.2e6),
        "€1.2 million",
        None,
    );
    money.unit = Some("EUR".into());
    let d1 = Record {
        id: "doc1".into(),
        date: Some("2017-05-04".into()),
        text: t1.into(),
        meta: meta("tune"),
        entities: vec![
            entity(
                t1,
                "e1",
                "PER",
                "Theresa  May",
                &[("Theresa May", "Theresa May"), ("May said", "May")],
            ),
            entity(
                t1,
                "e2",
                "PER",
                "Zoë Ørsted",
                &[("Zoë Ørsted", "Zoë Ørsted")],
            ),
            entity(t1, "e3", "ORG", "Nestlé", &[("Nestlé", "Nestlé")]),
            entity(t1, "e4", "LOC", "Zürich", &[("Zürich", "Zürich")]),
            entity(
                t1,
                "e5",
                "LOC",
                "Manchester",
                &[("Manchester", "Manchester")],
            ),
            entity(t1, "e6", "MISC", "British", &[("British", "British")]),
        ],
        roles: vec![
            role(t1, "e1", "prime minister", None, "British prime minister"),
            role(
                t1,
                "e2",
                "chief executive",
                Some("e3"),
                "chief executive of Nestlé",
            ),
        ],
        facts: vec![
            fact(
                t1,
                FactKind::Date,
                FactValue::Date("2017-05-03".into()),
                "3 May 2017",
                None,
            ),
            fact(
                t1,
                FactKind::Count,
                FactValue::Number(22.0),
                "22 people",
                None,
            ),
            fact(t1, FactKind::Percent, FactValue::Number(5.0), "5%", None),
            money,
        ],
        errors: vec![],
    };
    let t2 = "東京 (Tokyo) 🎌 — Sony’s chief Kenichiro Yoshida, 61, said profits rose 12% in 2023.";
    let d2 = Record {
        id: "doc2".into(),
        date: None,
        text: t2.into(),
        meta: meta("heldout"),
        entities: vec![
            entity(
                t2,
                "a",
                "LOC",
                "東京",
                &[("東京", "東京"), ("Tokyo", "Tokyo")],
            ),
            entity(t2, "b", "ORG", "Sony", &[("Sony", "Sony")]),
            entity(
                t2,
                "c",
                "PER",
                "Kenichiro Yoshida",
                &[("Kenichiro Yoshida", "Kenichiro Yoshida")],
            ),
        ],
        roles: vec![role(t2, "c", "chief", Some("b"), "Sony’s chief")],
        facts: vec![
            fact(
                t2,
                FactKind::Percent,
                FactValue::Number(12.0),
                "12%",
                Some("b"),
            ),
            fact(
                t2,
                FactKind::Date,
                FactValue::Date("2023".into()),
                "2023",
                None,
            ),
            fact(t2, FactKind::Age, FactValue::Number(61.0), "61", Some("c")),
        ],
        errors: vec![],
    };
    vec![d1, d2]
}

fn ent<'a>(r: &'a mut Record, id: &str) -> &'a mut Entity {
    r.entities.iter_mut().find(|e| e.id == id).unwrap()
}

/// Every P/R/F1/accuracy in the JSON report.
fn metrics(v: &Value, path: &str, out: &mut Vec<(String, Option<f64>)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if ["precision", "recall", "f1", "accuracy"].contains(&k.as_str()) {
                    out.push((format!("{path}.{k}"), x.as_f64()));
                } else {
                    metrics(x, &format!("{path}.{k}"), out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| metrics(x, path, out)),
        _ => {}
    }
}

fn micro(r: &Report, schema: &str) -> Counts {
    r.mentions
        .schemas()
        .iter()
        .find(|(n, _)| *n == schema)
        .unwrap()
        .1
        .micro
        .counts
}

fn c(correct: usize, incorrect: usize, partial: usize, missed: usize, spurious: usize) -> Counts {
    Counts {
        correct,
        incorrect,
        partial,
        missed,
        spurious,
    }
}

fn approx(x: Option<f64>, want: f64) {
    let x = x.expect("defined");
    assert!((x - want).abs() < 1e-12, "{x} != {want}");
}

#[test]
fn gold_against_itself_is_perfect_everywhere() {
    let g = gold();
    let r = eval::score(&g, &g);
    let mut all = Vec::new();
    metrics(&serde_json::to_value(&r).unwrap(), "", &mut all);
    assert!(all.len() > 50, "walked only {} metrics", all.len());
    for (path, x) in &all {
        assert_eq!(*x, Some(1.0), "{path}");
    }
    assert_eq!(micro(&r, "strict"), c(11, 0, 0, 0, 0));
    assert_eq!(r.entities.names.micro.counts, c(9, 0, 0, 0, 0));
    assert_eq!(r.roles.person_title_org.counts, c(3, 0, 0, 0, 0));
    assert_eq!(r.facts.with_entity.micro.counts, c(7, 0, 0, 0, 0));
    assert_eq!(r.facts.value_accuracy.matched, 7);
    assert_eq!(r.facts.age_attribution.matched, 1);
    assert!(r.errors.is_empty() && r.missing_predictions.is_empty());
}

#[test]
fn entity_ids_do_not_matter_and_numbers_have_tolerance() {
    let g = gold();
    let mut p = gold();
    // Renumber doc2's entities: roles and facts compare by name.
    let d2 = &mut p[1];
    for e in &mut d2.entities {
        e.id = format!("x{}", e.id);
    }
    d2.roles[0].person = "xc".into();
    d2.roles[0].org = Some("xb".into());
    d2.facts[0].entity = Some("xb".into());
    d2.facts[0].value = Some(FactValue::Number(12.0 * (1.0 + 1e-12)));
    d2.facts[2].entity = Some("xc".into());
    let r = eval::score(&g, &p);
    assert_eq!(r.roles.person_title_org.counts, c(3, 0, 0, 0, 0));
    assert_eq!(r.facts.with_entity.micro.counts, c(7, 0, 0, 0, 0));
    assert_eq!(r.facts.value_accuracy.correct, 7);
    assert_eq!(r.facts.age_attribution.correct, 1);
    assert!(r.errors.is_empty());
}

#[test]
fn shifted_span_is_a_boundary_error() {
    let g = gold();
    let mut p = gold();
    let m = &mut ent(&mut p[0], "e3").mentions[0];
    m.start += 1;
    m.end += 1;
    let r = eval::score(&g, &p);
    assert_eq!(micro(&r, "strict"), c(10, 1, 0, 0, 0));
    assert_eq!(micro(&r, "exact"), c(10, 1, 0, 0, 0));
    assert_eq!(micro(&r, "partial"), c(10, 0, 1, 0, 0));
    assert_eq!(micro(&r, "ent_type"), c(11, 0, 0, 0, 0));
    assert_eq!(r.mentions.strict.per_class["ORG"].counts, c(1, 1, 0, 0, 0));
    approx(r.mentions.partial.micro.prf.precision, 10.5 / 11.0);
    assert_eq!(r.mentions.errors.boundary_errors, 1);
    assert_eq!(
        r.mentions.errors.type_errors + r.mentions.errors.missed + r.mentions.errors.spurious,
        0
    );
    // Clustering: the shifted mention is a singleton on both sides, so nothing changes.
    approx(r.entities.b_cubed.f1, 1.0);
    // Listed as a missed gold mention and a spurious predicted one, with code-point text.
    let items = &r.errors[0].items;
    assert_eq!(items.len(), 2);
    assert_eq!(
        (items[0].kind, items[0].text.as_str()),
        (ErrorKind::Missed, "Nestlé")
    );
    assert_eq!(
        (items[1].kind, items[1].text.as_str()),
        (ErrorKind::Spurious, "estlé,")
    );
    assert!(items[1].note.contains("gold has ORG"), "{}", items[1].note);
}

#[test]
fn wrong_label_is_a_type_error() {
    let g = gold();
    let mut p = gold();
    ent(&mut p[0], "e6").label = "ORG".into();
    let r = eval::score(&g, &p);
    assert_eq!(micro(&r, "strict"), c(10, 1, 0, 0, 0));
    assert_eq!(micro(&r, "exact"), c(11, 0, 0, 0, 0));
    assert_eq!(micro(&r, "partial"), c(11, 0, 0, 0, 0));
    assert_eq!(micro(&r, "ent_type"), c(10, 1, 0, 0, 0));
    assert_eq!(r.mentions.strict.per_class["MISC"].counts, c(0, 1, 0, 0, 0));
    assert_eq!(r.mentions.errors.type_errors, 1);
    assert_eq!(r.entities.names.micro.counts, c(8, 0, 0, 1, 1));
    assert_eq!(r.entities.names.per_class["MISC"].counts, c(0, 0, 0, 1, 0));
    assert_eq!(r.entities.names.per_class["ORG"].counts, c(2, 0, 0, 0, 1));
    approx(r.entities.muc.f1, 1.0);
}

#[test]
fn dropped_fact_is_missed() {
    let g = gold();
    let mut p = gold();
    p[0].facts.retain(|f| f.kind != FactKind::Percent);
    let r = eval::score(&g, &p);
    for s in [&r.facts.with_entity, &r.facts.without_entity, &r.facts.span] {
        assert_eq!(s.micro.counts, c(6, 0, 0, 1, 0));
        assert_eq!(s.per_class["percent"].counts, c(1, 0, 0, 1, 0));
    }
    assert_eq!(
        (
            r.facts.value_accuracy.matched,
            r.facts.value_accuracy.correct
        ),
        (6, 6)
    );
    let items = &r.errors[0].items;
    assert_eq!(items.len(), 1);
    assert_eq!(
        (items[0].layer, items[0].kind, items[0].text.as_str()),
        (Layer::Fact, ErrorKind::Missed, "5%")
    );
}

#[test]
fn wrong_value_is_a_value_error() {
    let g = gold();
    let mut p = gold();
    p[0].facts[3].value = Some(FactValue::Number(1.3e6));
    let r = eval::score(&g, &p);
    assert_eq!(
        r.facts.with_entity.per_class["money"].counts,
        c(0, 0, 0, 1, 1)
    );
    assert_eq!(r.facts.without_entity.micro.counts, c(6, 0, 0, 1, 1));
    assert_eq!(r.facts.span.micro.counts, c(7, 0, 0, 0, 0));
    assert_eq!(
        (
            r.facts.value_accuracy.matched,
            r.facts.value_accuracy.correct
        ),
        (7, 6)
    );
    let money = &r.facts.value_accuracy_per_kind["money"];
    assert_eq!(
        (money.matched, money.correct, money.accuracy),
        (1, 0, Some(0.0))
    );
    let items = &r.errors[0].items;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].kind, ErrorKind::Wrong);
    assert!(
        items[0].what.contains("1300000") && items[0].note.contains("1200000"),
        "{items:?}"
    );
}

#[test]
fn changed_unit_counts_against_value_accuracy_only() {
    let g = gold();
    let mut p = gold();
    p[0].facts[3].unit = Some("GBP".into());
    let r = eval::score(&g, &p);
    assert_eq!(r.facts.with_entity.micro.counts, c(7, 0, 0, 0, 0));
    assert_eq!(r.facts.value_accuracy.correct, 6);
}

#[test]
fn dropped_mention_is_missed_and_splits_the_cluster() {
    let g = gold();
    let mut p = gold();
    ent(&mut p[1], "a").mentions.retain(|m| m.text != "Tokyo");
    let r = eval::score(&g, &p);
    for schema in eval::mentions::SCHEMAS {
        assert_eq!(micro(&r, schema), c(10, 0, 0, 1, 0), "{schema}");
    }
    assert_eq!(r.mentions.strict.per_class["LOC"].counts, c(3, 0, 0, 1, 0));
    // B³ recall: 東京 and Tokyo each share 1 of their 2-mention gold cluster.
    approx(r.entities.b_cubed.recall, 10.0 / 11.0);
    approx(r.entities.b_cubed.precision, 1.0);
    // MUC recall: the {Theresa May, May} link is kept, the {東京, Tokyo} link lost.
    approx(r.entities.muc.recall, 0.5);
    approx(r.entities.muc.precision, 1.0);
    assert_eq!(r.entities.names.micro.counts, c(9, 0, 0, 0, 0));
    let items = &r.errors[0].items;
    assert_eq!(r.errors[0].id, "doc2");
    assert_eq!(
        (items.len(), items[0].kind, items[0].text.as_str()),
        (1, ErrorKind::Missed, "Tokyo")
    );
    assert_eq!((items[0].start, items[0].end), (4, 9));
}

#[test]
fn merged_entity_costs_clustering_precision() {
    let g = gold();
    let mut p = gold();
    let manchester = ent(&mut p[0], "e5").mentions.clone();
    ent(&mut p[0], "e4").mentions.extend(manchester);
    p[0].entities.retain(|e| e.id != "e5");
    let r = eval::score(&g, &p);
    assert_eq!(micro(&r, "strict"), c(11, 0, 0, 0, 0));
    // B³ precision: Zürich and Manchester each share 1 of their 2-mention predicted cluster.
    approx(r.entities.b_cubed.precision, 10.0 / 11.0);
    approx(r.entities.b_cubed.recall, 1.0);
    // MUC precision: 2 of the 3 predicted links are right.
    approx(r.entities.muc.precision, 2.0 / 3.0);
    approx(r.entities.muc.recall, 1.0);
    assert_eq!(r.entities.names.micro.counts, c(8, 0, 0, 1, 0));
    let items = &r.errors[0].items;
    assert_eq!(items.len(), 1);
    assert_eq!(
        (items[0].layer, items[0].what.as_str()),
        (Layer::Entity, "LOC Manchester")
    );
}

#[test]
fn changed_role_org_counts_only_in_the_triple() {
    let g = gold();
    let mut p = gold();
    p[1].roles[0].org = None;
    let r = eval::score(&g, &p);
    assert_eq!(r.roles.person_title.counts, c(3, 0, 0, 0, 0));
    assert_eq!(r.roles.person_title_org.counts, c(2, 0, 0, 1, 1));
    assert_eq!(r.errors[0].items.len(), 2);
    assert!(r.errors[0]
        .items
        .iter()
        .any(|e| e.what == "Kenichiro Yoshida: chief (Sony)"));
}

#[test]
fn missing_prediction_counts_as_all_missed() {
    let g = gold();
    let p = vec![
        gold().remove(0),
        Record {
            id: "stray".into(),
            ..Record::default()
        },
    ];
    let r = eval::score(&g, &p);
    assert_eq!(r.missing_predictions, ["doc2"]);
    assert_eq!(r.unknown_predictions, ["stray"]);
    assert_eq!(micro(&r, "strict"), c(7, 0, 0, 4, 0));
    assert_eq!(r.roles.person_title.counts, c(2, 0, 0, 1, 0));
    assert_eq!(r.facts.span.micro.counts, c(4, 0, 0, 3, 0));
    approx(r.entities.muc.recall, 0.5);
    let doc2 = r.errors.iter().find(|d| d.id == "doc2").unwrap();
    assert!(doc2.missing_prediction);
    assert_eq!(doc2.items.len(), 4 + 3 + 1 + 3);
    assert!(r
        .table()
        .contains("Missing predictions (scored as all-missed): 1 (doc2)"));
}

#[test]
fn halves_score_separately() {
    let g = gold();
    let mut p = gold();
    p[1].facts.clear();
    let tune = eval::score_half(&g, &p, "tune");
    let heldout = eval::score_half(&g, &p, "heldout");
    assert_eq!((tune.documents, heldout.documents), (1, 1));
    assert!(tune.unknown_predictions.is_empty());
    assert_eq!(tune.facts.span.micro.counts, c(4, 0, 0, 0, 0));
    assert_eq!(heldout.facts.span.micro.counts, c(0, 0, 0, 3, 0));
    assert_eq!(micro(&heldout, "strict"), c(4, 0, 0, 0, 0));
    assert_eq!(eval::filter_half(&g, "heldout")[0].id, "doc2");
    assert!(heldout.table().contains("(half: heldout)"));
}

#[test]
fn text_report_is_aligned() {
    let g = gold();
    let mut p = gold();
    ent(&mut p[0], "e6").label = "ORG".into();
    let r = eval::score(&g, &p);
    let table = r.table();
    let block: Vec<&str> = table
        .lines()
        .skip_while(|l| !l.starts_with("Mentions"))
        .skip(1)
        .take_while(|l| !l.starts_with("Mention errors"))
        .collect();
    assert_eq!(block.len(), 1 + 4 * (4 + 2), "{table}");
    // Right-aligned numbers: every row ends at the same column.
    let width = block[0].chars().count();
    assert!(block.iter().all(|l| l.chars().count() == width), "{table}");
    assert!(block
        .iter()
        .any(|l| l.starts_with("strict") && l.contains("MISC")));
    assert!(table.contains("Mention errors: 1 type, 0 boundary"));
    let listing = r.error_listing();
    assert!(
        listing.contains("== doc1") && listing.contains("\"British\""),
        "{listing}"
    );
}

#[test]
fn html_report_escapes_and_marks_errors() {
    let mut g = gold();
    g[0].text = g[0].text.replace("costs rose", "costs <b>&</b>rose");
    let mut p = g.clone();
    p[0].entities.retain(|e| e.id != "e6");
    p[1].entities[1].mentions[0].end = 99; // out of range offsets must not panic
    let r = eval::score(&g, &p);
    let html = eval::html_report(&g, &p, &r);
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    // (The inserted markup shifts the fact after it, which now covers "/b": drawn, escaped.)
    assert!(html.contains("costs &lt;b&gt;&amp;&lt;"), "{html}");
    assert!(!html.contains("<b>&") && !html.contains("<script"));
    assert!(html.contains("Zoë Ørsted") && html.contains("東京") && html.contains("🇨🇭"));
    // The dropped MISC mention: outlined on the gold side.
    assert!(
        html.contains("<mark class=\"ent l-MISC err\" id=\"err-0-")
            && html.contains(">British<span class=\"lab\">MISC</span></mark>"),
        "{html}"
    );
    assert_eq!(html.matches("<section class=\"doc\" id=\"doc-").count(), 2);
    assert!(html.contains("<h3>Mentions (nervaluate)</h3>"));
    // For scripts/check_html_report.sh: a sample page to render.
    if let Ok(path) = std::env::var("FACTX_EVAL_HTML_OUT") {
        std::fs::write(path, &html).unwrap();
    }
}

// ---- CoNLL ----

const CONLL: &str = "-DOCSTART- -X- -X- O

EU NNP B-NP I-ORG
rejects VBZ B-VP O
German JJ B-NP I-MISC
call NN I-NP O
. . O O

Peter NNP B-NP I-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

São NNP B-NP I-LOC
Paulo NNP I-NP I-LOC
Lakers NNP I-NP I-ORG
";

#[test]
fn conll_reader_builds_text_spans_and_iob2() {
    let docs = conll::parse(CONLL).unwrap();
    assert_eq!(docs.len(), 2);
    let d = &docs[0];
    assert_eq!(d.text, "EU rejects German call .\nPeter Blackburn");
    assert_eq!(d.sentences, [0..5, 5..7]);
    let tags: Vec<&str> = d.tokens.iter().map(|t| t.tag.as_str()).collect();
    assert_eq!(tags, ["B-ORG", "O", "B-MISC", "O", "O", "B-PER", "I-PER"]);
    let words: Vec<String> = d
        .tokens
        .iter()
        .map(|t| d.text.chars().skip(t.start).take(t.end - t.start).collect())
        .collect();
    assert_eq!(
        words,
        ["EU", "rejects", "German", "call", ".", "Peter", "Blackburn"]
    );
    // Code points, not bytes: "São" is 3 long; an I- of another type starts a chunk.
    let d = &docs[1];
    assert_eq!((d.tokens[1].start, d.tokens[1].end), (4, 9));
    let tags: Vec<&str> = d.tokens.iter().map(|t| t.tag.as_str()).collect();
    assert_eq!(tags, ["B-LOC", "I-LOC", "B-ORG"]);
}

fn spans(v: &[(usize, usize, &str)]) -> Vec<LabeledSpan> {
    v.iter()
        .map(|&(start, end, l)| LabeledSpan {
            start,
            end,
            label: l.into(),
        })
        .collect()
}

#[test]
fn tags_from_mentions_tag_every_touched_token() {
    let docs = conll::parse(CONLL).unwrap();
    let d: &ConllDoc = &docs[0];
    // "EU" exactly; "erman ca" starts and ends inside tokens; "Peter" + "Blackburn" adjacent.
    let m = spans(&[
        (0, 2, "ORG"),
        (12, 20, "MISC"),
        (25, 30, "PER"),
        (31, 40, "PER"),
    ]);
    let tags = conll::tags_from_mentions(d, &m);
    assert_eq!(
        tags,
        ["B-ORG", "O", "B-MISC", "I-MISC", "O", "B-PER", "B-PER"]
    );
    // Gold mentions round-trip to the gold tags.
    let gold_spans = spans(&[(0, 2, "ORG"), (11, 17, "MISC"), (25, 40, "PER")]);
    assert_eq!(conll::tags_from_mentions(d, &gold_spans), d.gold_tags());
    let r = conll::seqeval(&d.sentences(&d.gold_tags()), &d.sentences(&tags));
    assert_eq!(r.scores.micro.counts, c(1, 0, 0, 2, 3));
    assert!(
        r.table()
            .lines()
            .any(|l| l.starts_with("PER ") && l.ends_with("0.0000")),
        "{}",
        r.table()
    );
    // A record's mentions feed it directly.
    let rec = Record {
        entities: vec![Entity {
            id: "x".into(),
            label: "ORG".into(),
            name: "EU".into(),
            mentions: vec![Mention {
                start: 0,
                end: 2,
                text: "EU".into(),
                score: 1.0,
            }],
        }],
        ..Record::default()
    };
    assert_eq!(
        conll::tags_from_mentions(d, &mention_spans(&rec))[..2],
        ["B-ORG", "O"]
    );
}

#[test]
fn seqeval_matches_python_seqeval() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/eval/seqeval_cases.json"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    let seqs = |v: &Value| -> Vec<Vec<String>> { serde_json::from_value(v.clone()).unwrap() };
    let close = |name: &str, what: &str, ours: Option<f64>, theirs: &Value| {
        // seqeval reports 0 where a denominator is zero; we report None.
        let (a, b) = (ours.unwrap_or(0.0), theirs.as_f64().unwrap());
        assert!(
            (a - b).abs() < 1e-12,
            "{name} {what}: ours {a}, seqeval {b}"
        );
    };
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let want = &case["seqeval"];
        let (gold, pred) = (seqs(&case["gold"]), seqs(&case["pred"]));
        for (side, tags) in [("gold_entities", &gold), ("pred_entities", &pred)] {
            let ours: Vec<Value> = conll::chunks(tags)
                .into_iter()
                .map(|(t, s, e)| serde_json::json!([t, s, e]))
                .collect();
            assert_eq!(&Value::Array(ours), &want[side], "{name} {side}");
        }
        let r = conll::seqeval(&gold, &pred);
        for (what, ours) in [
            ("precision", r.scores.micro.prf.precision),
            ("recall", r.scores.micro.prf.recall),
            ("f1", r.scores.micro.prf.f1),
        ] {
            close(name, &format!("micro {what}"), ours, &want["micro"][what]);
        }
        for (what, ours) in [
            ("precision", r.scores.macro_avg.precision),
            ("recall", r.scores.macro_avg.recall),
            ("f1", r.scores.macro_avg.f1),
        ] {
            close(name, &format!("macro {what}"), ours, &want["macro"][what]);
        }
        let types: Vec<&String> = r.scores.per_class.keys().collect();
        let want_types: Vec<&String> = want["per_type"].as_object().unwrap().keys().collect();
        assert_eq!(types, want_types, "{name}");
        for (ty, s) in &r.scores.per_class {
            let w = &want["per_type"][ty];
            assert_eq!(
                s.support as u64,
                w["support"].as_u64().unwrap(),
                "{name} {ty}"
            );
            for (what, ours) in [
                ("precision", s.prf.precision),
                ("recall", s.prf.recall),
                ("f1", s.prf.f1),
            ] {
                close(name, &format!("{ty} {what}"), ours, &w[what]);
            }
        }
    }
}
