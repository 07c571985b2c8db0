//! The shipped default model, end to end: the seed's record, its CoNLL-2003 dev score, and the
//! held-out fixture scores recorded in the repository.

mod common;

use common::{default_model, pipeline, repo_path};
use factx::eval;
use factx::input::{read_records, Input};
use factx::pipeline::Options;
use factx::record::{Approx, FactKind, FactValue, Record};
use serde_json::Value;

fn seed_record() -> Record {
    let sources =
        factx::input::sources(&[repo_path("seeds").to_string_lossy().into_owned()]).unwrap();
    let inputs: Vec<Input> = factx::input::read(
        sources,
        factx::input::ReadOptions {
            max_doc_bytes: 1 << 20,
        },
        Default::default(),
    )
    .collect();
    let docs = inputs
        .into_iter()
        .map(|i| match i {
            Input::Doc(d) => d,
            Input::Failed(r) => panic!("seed unreadable: {:?}", r.errors),
        })
        .collect();
    pipeline(&default_model(), Options::default().batch_size)
        .annotate(docs)
        .unwrap()
        .remove(0)
}

fn entity_named<'r>(record: &'r Record, name: &str) -> &'r factx::record::Entity {
    record
        .entities
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no entity {name:?} in {:?}",
                record.entities.iter().map(|e| &e.name).collect::<Vec<_>>()
            )
        })
}

#[test]
fn the_seed_names_its_people_organisations_and_places() {
    let record = seed_record();
    assert!(record.errors.is_empty(), "{:?}", record.errors);
    for (name, label) in [
        ("Theresa May", "PER"),
        ("Salman Ramadan Abedi", "PER"),
        ("Ian Hopkins", "PER"),
        ("Ariana Grande", "PER"),
        ("Saffie Rose Roussos", "PER"),
        ("Greater Manchester police", "ORG"),
        ("Manchester Arena", "LOC"),
        ("Britain", "LOC"),
        ("London", "LOC"),
    ] {
        assert_eq!(entity_named(&record, name).label, label, "{name}");
    }
    let may: Vec<&str> = entity_named(&record, "Theresa May")
        .mentions
        .iter()
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(may, ["Theresa May", "May", "May"]);
    let abedi = entity_named(&record, "Salman Ramadan Abedi");
    assert_eq!(abedi.mentions.len(), 6, "{:?}", abedi.mentions);
    for e in &record.entities {
        for m in &e.mentions {
            assert_eq!(common::char_slice(&record.text, m.start, m.end), m.text);
        }
    }
}

#[test]
fn the_seed_says_who_holds_which_role() {
    let record = seed_record();
    let role = |person: &str, title: &str| {
        let id = &entity_named(&record, person).id;
        record
            .roles
            .iter()
            .find(|r| &r.person == id && r.title == title)
            .unwrap_or_else(|| panic!("no role {title:?} for {person}: {:?}", record.roles))
    };
    let name_of = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| record.entities.iter().find(|e| &e.id == id))
            .map(|e| e.name.as_str())
    };
    assert_eq!(
        name_of(&role("Theresa May", "prime minister").org),
        Some("Britain")
    );
    assert_eq!(
        name_of(&role("Ian Hopkins", "chief constable").org),
        Some("Greater Manchester police")
    );
    assert_eq!(
        role("Ariana Grande", "pop star").text,
        "US pop star Ariana Grande"
    );
}

#[test]
fn the_seed_states_its_numbers() {
    let record = seed_record();
    let has = |kind: FactKind, value: f64, approx: Approx, from: Option<f64>| {
        record.facts.iter().any(|f| {
            f.kind == kind
                && f.value == Some(FactValue::Number(value))
                && f.approx == approx
                && f.from == from
        })
    };
    assert!(
        has(FactKind::Count, 22.0, Approx::AtLeast, None),
        "22 killed: {:#?}",
        record.facts
    );
    assert!(
        has(FactKind::Count, 22.0, Approx::Exact, Some(19.0)),
        "19 → 22"
    );
    assert!(
        has(FactKind::Count, 59.0, Approx::Exact, None),
        "59 hospitalised"
    );
    for age in [8.0, 18.0, 26.0] {
        assert!(has(FactKind::Age, age, Approx::Exact, None), "age {age}");
    }
    let saffie = &entity_named(&record, "Saffie Rose Roussos").id;
    assert!(record
        .facts
        .iter()
        .any(|f| f.kind == FactKind::Age && f.entity.as_ref() == Some(saffie)));
    assert!(record.facts.iter().any(
        |f| f.value == Some(FactValue::Date("2017-05-22".into())) && f.text.contains("Monday")
    ));
}

/// Figures recorded in the repository, which the model and the rules must keep.
fn recorded() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(repo_path("tests/fixtures/recorded_scores.json")).unwrap(),
    )
    .unwrap()
}

fn number(v: &Value, pointer: &str) -> f64 {
    v.pointer(pointer)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("no number at {pointer}"))
}

#[test]
fn conll_dev_f1_holds() {
    let dev = repo_path("../shared/data/conll2003/dev.txt");
    if !dev.is_file() {
        println!("skipped: {} is absent", dev.display());
        return;
    }
    let docs = eval::conll::read(&dev).unwrap();
    let mut ner_only = factx::pipeline::load(
        &default_model(),
        factx::pipeline::BackendKind::Onnx,
        "cpu",
        2,
        factx::pipeline::Options {
            rules: false,
            ..Default::default()
        },
    )
    .unwrap();
    let report = eval::conll::evaluate(&mut ner_only, &docs).unwrap();
    let f1 = report.scores.micro.prf.f1.unwrap();
    let card = number(&recorded(), "/conll_dev_f1");
    assert!(
        f1 >= card - 0.003,
        "CoNLL dev F1 {f1:.4} fell below the model card's {card:.4} - 0.003"
    );
}

#[test]
fn held_out_fixture_scores_hold() {
    let gold = read_records(&repo_path("tests/fixtures/gold.jsonl")).unwrap();
    let pred = eval::predict(
        &mut pipeline(&default_model(), Options::default().batch_size),
        &gold,
    )
    .unwrap();
    let report = serde_json::to_value(eval::score_half(&gold, &pred, "heldout")).unwrap();
    let recorded = recorded();
    let mut failures = Vec::new();
    for (name, pointer) in [
        ("mentions strict F1", "/mentions/strict/micro/f1"),
        ("entities (label, name) F1", "/entities/names/micro/f1"),
        ("roles (person, title) F1", "/roles/person_title/f1"),
        ("facts (kind, value) F1", "/facts/without_entity/micro/f1"),
        (
            "facts (kind, value, entity) F1",
            "/facts/with_entity/micro/f1",
        ),
    ] {
        let now = number(&report, pointer);
        let then = number(&recorded, &format!("/heldout{pointer}"));
        println!("{name}: {now:.4} (recorded {then:.4})");
        if now < then - 0.02 {
            failures.push(format!(
                "{name} {now:.4} is more than 2 points below the recorded {then:.4}"
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The int8 model quantises its activations per call: with the default options a document's
/// record must be the same whether it runs alone or among other documents.
#[test]
fn a_record_does_not_depend_on_the_other_documents() {
    let gold = read_records(&repo_path("tests/fixtures/gold.jsonl")).unwrap();
    let docs = &gold[..12];
    let mut pipeline = pipeline(&default_model(), Options::default().batch_size);
    let together = eval::predict(&mut pipeline, docs).unwrap();
    for (doc, record) in docs.iter().zip(&together) {
        let alone = eval::predict(&mut pipeline, std::slice::from_ref(doc))
            .unwrap()
            .remove(0);
        assert_eq!(&alone, record, "{}", record.id);
    }
}

fn factx(args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_factx"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "factx {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `--explain` names a listed rule on every role and fact of the seed and the fixture
/// documents (and the number reading on every fact but a date), and adds nothing else: without the rule names the records are the same.
#[test]
fn explain_names_the_rule_behind_every_role_and_fact() {
    let rules: Vec<String> = factx(&["rules"])
        .lines()
        .map(|l| l.split('\t').nth(1).unwrap().to_string())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let fixtures = dir.path().join("fixtures.jsonl");
    let texts: String = read_records(&repo_path("tests/fixtures/gold.jsonl"))
        .unwrap()
        .iter()
        .map(|r| serde_json::json!({"id": r.id, "text": r.text}).to_string() + "\n")
        .collect();
    std::fs::write(&fixtures, texts).unwrap();
    let inputs = [
        repo_path("seeds").to_string_lossy().into_owned(),
        fixtures.to_string_lossy().into_owned(),
    ];
    let extract = |explain: bool| {
        let mut args = vec!["extract", "--quiet", &inputs[0], &inputs[1]];
        if explain {
            args.push("--explain");
        }
        factx(&args)
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .collect::<Vec<_>>()
    };
    let (plain, mut explained) = (extract(false), extract(true));
    let (mut roles, mut facts, mut ties) = (0, 0, 0);
    for record in &mut explained {
        for role in record["roles"].as_array_mut().unwrap() {
            let rule = role.as_object_mut().unwrap().remove("rule").unwrap();
            assert!(rules.iter().any(|r| r == &rule), "{rule} is no rule");
            roles += 1;
        }
        for fact in record["facts"].as_array_mut().unwrap() {
            let fact = fact.as_object_mut().unwrap();
            let rule = fact.remove("rule").unwrap();
            assert!(rules.iter().any(|r| r == &rule), "{rule} is no rule");
            let tie = fact.remove("entity_rule");
            assert_eq!(tie.is_some(), !fact["entity"].is_null(), "{fact:?}");
            if let Some(tie) = tie {
                assert!(rules.iter().any(|r| r == &tie), "{tie} is no rule");
                ties += 1;
            }
            let reading = fact.remove("reading");
            assert_eq!(reading.is_some(), fact["kind"] != "date", "{fact:?}");
            if let Some(reading) = reading {
                assert!(rules.iter().any(|r| r == &reading), "{reading} is no rule");
            }
            facts += 1;
        }
    }
    assert_eq!(
        plain, explained,
        "--explain changed more than the rule names"
    );
    assert!(
        roles > 50 && facts > 200 && ties > 20,
        "{roles} roles, {facts} facts, {ties} ties"
    );
}

/// `factx eval --without RULE` scores with that rule off, and `--errors` groups the role and
/// fact errors by rule.
#[test]
fn eval_ablates_rules_and_groups_errors_by_rule() {
    let gold = repo_path("tests/fixtures/gold.jsonl");
    let gold = gold.to_str().unwrap();
    let tune_roles = |extra: &[&str]| -> f64 {
        let mut args = vec!["eval", "--gold", gold, "--json"];
        args.extend(extra);
        let report: Value = serde_json::from_str(&factx(&args)).unwrap();
        number(&report, "/tune/roles/person_title/counts/correct")
    };
    let all = tune_roles(&[]);
    let without = tune_roles(&["--without", "role-pre-nominal,role-appositive"]);
    assert!(
        without < all - 5.0,
        "{without} roles right without, {all} with"
    );
    let listing = factx(&["eval", "--gold", gold, "--errors", "--half", "tune"]);
    let by_rule = listing
        .split("== errors by rule (roles and facts)\n")
        .nth(1)
        .expect("an errors-by-rule section");
    assert!(by_rule.contains("-- fact-amount"), "{by_rule}");
    assert!(by_rule.contains("-- (no rule):"), "{by_rule}");
}

/// An installed binary runs from anywhere: it finds the default model beside itself or in the
/// data folder scripts/setup fills ($FACTX_DATA here), never in the source tree it was built
/// from, says where it looked when the model is nowhere, and `--version` names the model with a
/// hash of its weights.
#[test]
fn an_installed_binary_finds_its_model_away_from_the_source_tree() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_factx"), bin.join("factx")).unwrap();
    let (data, elsewhere) = (dir.path().join("data"), dir.path().join("elsewhere"));
    std::fs::create_dir(&elsewhere).unwrap();
    let run = |data: &std::path::Path, args: &[&str]| {
        std::process::Command::new(bin.join("factx"))
            .args(args)
            .current_dir(&elsewhere)
            .env("FACTX_DATA", data)
            .env_remove("FACTX_MODEL")
            .output()
            .unwrap()
    };
    let seeds = repo_path("seeds").to_string_lossy().into_owned();
    let missing = run(&data, &["extract", &seeds]);
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(!missing.status.success());
    assert!(
        stderr.contains("the default model is not installed") && stderr.contains("data/models"),
        "{stderr}"
    );

    let installed = data.join("models/factx-ner-minilm-l6");
    std::fs::create_dir_all(&installed).unwrap();
    for f in ["model.onnx", "config.json", "tokenizer.json"] {
        std::fs::copy(default_model().join(f), installed.join(f)).unwrap();
    }
    let found = run(&data, &["extract", &seeds]);
    assert!(
        found.status.success(),
        "{}",
        String::from_utf8_lossy(&found.stderr)
    );
    let in_tree = std::process::Command::new(env!("CARGO_BIN_EXE_factx"))
        .args(["extract", &seeds])
        .output()
        .unwrap();
    assert_eq!(found.stdout, in_tree.stdout);

    let version = String::from_utf8(run(&data, &["--version"]).stdout).unwrap();
    assert!(version.starts_with("factx "), "{version}");
    assert!(
        version.contains("model factx-ner-minilm-l6 (weights ") && version.contains("data/models"),
        "{version}"
    );

    // Beside the executable comes first.
    std::fs::rename(&installed, bin.join("factx-ner-minilm-l6")).unwrap();
    let beside = run(&data, &["extract", &seeds]);
    assert!(
        beside.status.success(),
        "{}",
        String::from_utf8_lossy(&beside.stderr)
    );
}

/// A table's rows (tab-separated, `#` comments skipped).
fn table_rows(table: &str) -> Vec<Vec<&str>> {
    table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
        .collect()
}

/// The default model's records, with `--explain` and the rules `without` off, of the sentences
/// in the first column of `rows`.
fn explained_records(rows: &[Vec<&str>], without: &[String]) -> Vec<Record> {
    let docs = rows
        .iter()
        .enumerate()
        .map(|(i, row)| factx::input::InputDoc {
            id: i.to_string(),
            date: None,
            text: row[0].to_string(),
            meta: Default::default(),
            errors: Vec::new(),
        })
        .collect();
    factx::pipeline::load(
        &default_model(),
        factx::pipeline::BackendKind::Onnx,
        "cpu",
        2,
        Options {
            explain: true,
            switches: factx::rules::Switches::without(without).unwrap(),
            ..Default::default()
        },
    )
    .unwrap()
    .annotate(docs)
    .unwrap()
}

/// tests/fixtures/syntax_role_phrases.tsv: the role patterns that read the dependency tree,
/// through the default model. Each row's role is found by its pattern, switching the pattern
/// off takes it away, and every pattern that reads the tree has a row.
#[test]
fn syntax_role_phrase_table() {
    let table =
        std::fs::read_to_string(repo_path("tests/fixtures/syntax_role_phrases.tsv")).unwrap();
    let rows = table_rows(&table);
    // Per row: its record's roles as (person, title, org, rule), names for ids, "-" for none.
    let roles = |records: &[Record]| -> Vec<Vec<[String; 4]>> {
        records
            .iter()
            .map(|record| {
                let name = |id: &str| {
                    let e = record.entities.iter().find(|e| e.id == id).unwrap();
                    e.name.clone()
                };
                record
                    .roles
                    .iter()
                    .map(|r| {
                        [
                            name(&r.person),
                            r.title.clone(),
                            r.org.as_deref().map_or("-".into(), name),
                            r.rule.clone().unwrap_or_default(),
                        ]
                    })
                    .collect()
            })
            .collect()
    };
    let want = |row: &[&str]| [row[1], row[2], row[3], row[4]].map(String::from);
    let found = roles(&explained_records(&rows, &[]));
    let failures: Vec<String> = rows
        .iter()
        .zip(&found)
        .filter(|(row, got)| !got.contains(&want(row)))
        .map(|(row, got)| format!("{}\n    want {:?}, got {got:?}", row[0], want(row)))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for &pattern in factx::rules::roles::TREE_PATTERNS {
        assert!(rows.iter().any(|r| r[4] == pattern), "{pattern} has no row");
    }
    for (i, row) in rows.iter().enumerate() {
        let without = roles(&explained_records(&rows[i..=i], &[row[4].to_string()]));
        assert!(
            !without[0].contains(&want(row)),
            "{}: unchanged without {}",
            row[0],
            row[4]
        );
    }
}

/// tests/fixtures/syntax_phrases.tsv: the ties that read the dependency tree, through the
/// default model's own mentions and tree. Each row's fact is tied to its entity by its tie (or
/// to nobody), switching the tie off changes that, and every tie that reads the tree has a row.
#[test]
fn syntax_phrase_table() {
    let table = std::fs::read_to_string(repo_path("tests/fixtures/syntax_phrases.tsv")).unwrap();
    let rows = table_rows(&table);
    let run = |without: &[String]| explained_records(&rows, without);
    // Per row: the row's fact as (entity name, tie), "-" for none.
    let tied = |records: &[Record]| -> Vec<Option<(String, String)>> {
        rows.iter()
            .zip(records)
            .map(|(row, record)| {
                let value: f64 = row[2].parse().unwrap();
                let fact = record.facts.iter().find(|f| {
                    f.kind.as_str() == row[1]
                        && matches!(f.value, Some(FactValue::Number(v)) if v == value)
                })?;
                let name = fact.entity.as_ref().map_or("-".to_string(), |id| {
                    let e = record.entities.iter().find(|e| &e.id == id).unwrap();
                    e.name.clone()
                });
                Some((name, fact.entity_rule.clone().unwrap_or("-".into())))
            })
            .collect()
    };
    let found = tied(&run(&[]));
    let mut failures = Vec::new();
    for (row, got) in rows.iter().zip(&found) {
        let want = (row[3].to_string(), row[4].to_string());
        if got.as_ref() != Some(&want) {
            failures.push(format!("{}\n    want {want:?}, got {got:?}", row[0]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The rule a row shows: its sixth column when a fact rule, else its tie.
    let shown = |row: &Vec<&str>| row.get(5).copied().unwrap_or(row[4]).to_string();
    for &rule in factx::rules::facts::TREE_RULES {
        let rows_of_rule: Vec<usize> = (0..rows.len())
            .filter(|&i| shown(&rows[i]) == rule)
            .collect();
        assert!(!rows_of_rule.is_empty(), "{rule} has no row");
        let without = tied(&run(&[rule.to_string()]));
        for i in rows_of_rule {
            assert_ne!(
                without[i], found[i],
                "{}: unchanged without {rule}",
                rows[i][0]
            );
        }
    }
}

/// `factx eval --conll FILE --pipeline` scores the mentions of the whole pipeline's records: on
/// the fixtures (written as CoNLL by `factx convert`) the rules' labels score otherwise than the
/// model's alone, switching the entity passes off changes that, and `--without` needs
/// `--pipeline`.
#[test]
fn conll_eval_of_the_whole_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    let conll = dir.path().join("fixtures.conll");
    let gold = repo_path("tests/fixtures/gold.jsonl");
    factx(&[
        "convert",
        gold.to_str().unwrap(),
        "--to",
        "conll",
        "-o",
        conll.to_str().unwrap(),
    ]);
    let conll = conll.to_str().unwrap();
    let micro = |args: &[&str]| -> f64 {
        let mut all = vec!["eval", "--conll", conll, "--json"];
        all.extend_from_slice(args);
        let report: Value = serde_json::from_str(&factx(&all)).unwrap();
        report["micro"]["f1"].as_f64().unwrap()
    };
    let entity_passes: Vec<String> = factx(&["rules"])
        .lines()
        .filter(|l| l.starts_with("entities\t"))
        .map(|l| l.split('\t').nth(1).unwrap().to_string())
        .collect();
    let all_off = entity_passes.join(",");
    let (ner, pipeline) = (micro(&[]), micro(&["--pipeline"]));
    assert!(
        ner > 0.5 && pipeline > 0.5,
        "model {ner}, pipeline {pipeline}"
    );
    assert_ne!(ner, pipeline, "the rules changed no mention");
    assert_ne!(micro(&["--pipeline", "--without", &all_off]), pipeline);
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_factx"))
        .args(["eval", "--conll", conll, "--without", &entity_passes[0]])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--pipeline"));
}
