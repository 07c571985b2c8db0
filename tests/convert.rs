//! `factx convert` and `factx extract --format`: each format read by its consumer's own reader
//! (spaCy's DocBin, pyarrow and DuckDB, the training scripts' `read_conll`, a strict brat
//! parser, label-studio-sdk's validation against the documented labeling config, and Label
//! Studio's task format with UTF-16 offsets), and round trips through the annotation
//! tools back to gold records, on documents with non-ASCII and astral text.

mod common;

use factx::record::Record;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Hand-made records: emoji (with ZWJ sequences and flags), mathematical letters, CJK, `ë`,
/// CRLF, a tab, a mention across a line break, ids that clash once made file names, a record
/// of a document that could not be read.
fn records_fixture() -> PathBuf {
    common::repo_path("tests/fixtures/convert/records.jsonl")
}

/// The 40 hand-labelled gold documents.
fn gold_fixture() -> PathBuf {
    common::repo_path("tests/fixtures/gold.jsonl")
}

fn factx(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_factx"))
        .args(args)
        .output()
        .unwrap()
}

fn factx_ok(args: &[&str]) {
    let out = factx(args);
    assert!(
        out.status.success(),
        "factx {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn read_records(path: &Path) -> Vec<Record> {
    factx::input::read_records(path).unwrap()
}

fn convert(input: &Path, format: &str, out: &Path) {
    factx_ok(&[
        "convert",
        input.to_str().unwrap(),
        "--to",
        format,
        "-o",
        out.to_str().unwrap(),
    ]);
}

fn back(source: &str, input: &Path, out: &Path) -> Vec<Record> {
    factx_ok(&[
        "convert",
        "--from",
        source,
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    read_records(out)
}

/// What an annotation tool cannot hold, taken away: error entries (a gold record has none) and
/// rule names (how factx found a statement, not part of it); mention scores where the tool
/// keeps none.
fn annotations_only(mut record: Record, keeps_scores: bool) -> Record {
    record.errors.clear();
    for role in &mut record.roles {
        role.rule = None;
    }
    for fact in &mut record.facts {
        fact.rule = None;
        fact.entity_rule = None;
        fact.reading = None;
    }
    if !keeps_scores {
        for entity in &mut record.entities {
            for mention in &mut entity.mentions {
                mention.score = 1.0;
            }
        }
    }
    record
}

fn run_python_check(script: &str, records: &Path, output: &Path) {
    let Some(python) = common::test_python() else {
        return;
    };
    let out = Command::new(python)
        .arg(common::repo_path(&format!("tests/convert/{script}")))
        .arg(records)
        .arg(output)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script} on {}:\n{}{}",
        records.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn each_fixture(check: impl Fn(&Path, &Path)) {
    for fixture in [records_fixture(), gold_fixture()] {
        let dir = tempfile::tempdir().unwrap();
        check(&fixture, dir.path());
    }
}

#[test]
fn label_studio_round_trip_keeps_every_mention_role_and_fact() {
    each_fixture(|fixture, dir| {
        let tasks = dir.join("tasks.json");
        convert(fixture, "labelstudio", &tasks);
        let again = back("labelstudio", &tasks, &dir.join("gold.jsonl"));
        let want: Vec<Record> = read_records(fixture)
            .into_iter()
            .map(|r| annotations_only(r, true))
            .collect();
        assert_eq!(again, want);
    });
}

#[test]
fn brat_round_trip_keeps_every_mention_role_and_fact() {
    each_fixture(|fixture, dir| {
        let brat = dir.join("brat");
        convert(fixture, "brat", &brat);
        let mut again = back("brat", &brat, &dir.join("gold.jsonl"));
        // brat has no document order: documents come back in file-name order.
        let mut want: Vec<Record> = read_records(fixture)
            .into_iter()
            .map(|r| annotations_only(r, false))
            .collect();
        again.sort_by(|a, b| a.id.cmp(&b.id));
        want.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(again, want);
    });
}

/// Label Studio's task format (labelstudio.io/guide/task_format): `data` with the text, and
/// `predictions[].result[]` regions `{id, from_name, to_name, type, value}` whose
/// `value.start/end` index the text in UTF-16 code units, as JavaScript does, and whose
/// `value.text` is what they cover; relations `{from_id, to_id, type: "relation", direction,
/// labels}` between region ids.
#[test]
fn label_studio_tasks_follow_the_task_format_with_utf16_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let tasks_path = dir.path().join("tasks.json");
    convert(&records_fixture(), "labelstudio", &tasks_path);
    let tasks: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&tasks_path).unwrap()).unwrap();
    let records = read_records(&records_fixture());
    assert_eq!(tasks.len(), records.len());
    let mut astral_checked = false;
    for (task, record) in tasks.iter().zip(&records) {
        let text: Vec<u16> = task["data"]["text"]
            .as_str()
            .unwrap()
            .encode_utf16()
            .collect();
        assert_eq!(task["data"]["factx_id"], record.id.as_str());
        let result = task["predictions"][0]["result"].as_array().unwrap();
        let ids: Vec<&str> = result.iter().filter_map(|r| r["id"].as_str()).collect();
        for r in result {
            match r["type"].as_str().unwrap() {
                "labels" | "textarea" => {
                    assert_eq!(r["to_name"], "text");
                    let (start, end) = (
                        r["value"]["start"].as_u64().unwrap() as usize,
                        r["value"]["end"].as_u64().unwrap() as usize,
                    );
                    if r["type"] == "labels" {
                        assert_eq!(r["from_name"], "label");
                        let covered = String::from_utf16(&text[start..end]).unwrap();
                        assert_eq!(r["value"]["text"], covered.as_str(), "{r}");
                        assert_eq!(r["value"]["labels"].as_array().unwrap().len(), 1);
                        astral_checked |=
                            text[..start].iter().any(|u| (0xD800..0xDC00).contains(u));
                    } else {
                        assert_eq!(r["from_name"], "attributes");
                        let typed = r["value"]["text"][0].as_str().unwrap();
                        assert!(serde_json::from_str::<Value>(typed).unwrap().is_object());
                    }
                }
                "relation" => {
                    for end in ["from_id", "to_id"] {
                        assert!(ids.contains(&r[end].as_str().unwrap()), "{r}");
                    }
                    let label = r["labels"][0].as_str().unwrap();
                    assert!(["coref", "person", "org", "about"].contains(&label), "{r}");
                }
                other => panic!("result type {other}"),
            }
        }
    }
    assert!(
        astral_checked,
        "the fixture has regions after astral characters"
    );
}

#[test]
fn label_studio_tasks_validate_against_the_documented_config() {
    each_fixture(|fixture, dir| {
        let tasks = dir.join("tasks.json");
        convert(fixture, "labelstudio", &tasks);
        run_python_check("check_labelstudio.py", fixture, &tasks);
    });
}

/// Everything but entity names, scores and errors, which a DocBin does not hold.
#[test]
fn docbin_reads_in_spacy() {
    each_fixture(|fixture, dir| {
        let docbin = dir.join("docs.spacy");
        convert(fixture, "spacy", &docbin);
        run_python_check("check_spacy.py", fixture, &docbin);
    });
}

/// Every field of every record.
#[test]
fn parquet_reads_in_pyarrow_and_duckdb() {
    each_fixture(|fixture, dir| {
        let parquet = dir.join("records.parquet");
        convert(fixture, "parquet", &parquet);
        run_python_check("check_parquet.py", fixture, &parquet);
    });
}

/// Mentions and labels: CoNLL holds no clusters, roles, facts, ids or whitespace.
#[test]
fn conll_reads_in_the_training_reader() {
    each_fixture(|fixture, dir| {
        let conll = dir.join("records.conll");
        convert(fixture, "conll", &conll);
        run_python_check("check_conll.py", fixture, &conll);
        // And in factx's own CoNLL reader, with the same number of mentions.
        let docs = factx::eval::conll::read(&conll).unwrap();
        let records = read_records(fixture);
        let tagged: usize = docs
            .iter()
            .flat_map(|d| d.gold_tags())
            .filter(|t| t.starts_with("B-"))
            .count();
        let mentions: usize = records
            .iter()
            .flat_map(|r| &r.entities)
            .map(|e| e.mentions.len())
            .sum();
        assert_eq!(tagged, mentions);
    });
}

#[test]
fn brat_passes_a_strict_standoff_parser() {
    each_fixture(|fixture, dir| {
        let brat = dir.join("brat");
        convert(fixture, "brat", &brat);
        run_python_check("check_brat.py", fixture, &brat);
    });
}

#[test]
fn brat_file_names_are_safe_and_unique() {
    let dir = tempfile::tempdir().unwrap();
    let brat = dir.path().join("brat");
    convert(&records_fixture(), "brat", &brat);
    let mut names: Vec<String> = std::fs::read_dir(&brat)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".ann"))
        .collect();
    names.sort();
    // "emoji/1: Zoë" and "emoji/1- Zoë" differ only where a file name cannot.
    assert_eq!(
        names,
        [
            "broken.jsonl_3.ann",
            "emoji_1-_Zo_.ann",
            "emoji_1__Zo_.ann",
            "multi-line.ann"
        ]
    );
}

/// `extract --format F` writes what `extract` and then `convert --to F` write.
#[test]
fn extract_format_writes_what_convert_writes() {
    let dir = tempfile::tempdir().unwrap();
    let model = common::tiny_model();
    let model = model.to_str().unwrap();
    let seeds = common::repo_path("seeds");
    let seeds = seeds.to_str().unwrap();
    let jsonl = dir.path().join("records.jsonl");
    factx_ok(&[
        "extract",
        seeds,
        "--model",
        model,
        "-q",
        "-o",
        jsonl.to_str().unwrap(),
    ]);
    for format in ["conll", "labelstudio", "spacy", "parquet"] {
        let direct = dir.path().join(format!("direct.{format}"));
        let converted = dir.path().join(format!("converted.{format}"));
        factx_ok(&[
            "extract",
            seeds,
            "--model",
            model,
            "-q",
            "--format",
            format,
            "-o",
            direct.to_str().unwrap(),
        ]);
        convert(&jsonl, format, &converted);
        assert!(
            std::fs::read(&direct).unwrap() == std::fs::read(&converted).unwrap(),
            "{format}"
        );
    }
    let out = factx(&["extract", seeds, "--model", model, "--format", "spacy"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("give -o OUT"));
}

#[test]
fn malformed_records_are_errors_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let good = std::fs::read_to_string(records_fixture()).unwrap();
    let first = good.lines().next().unwrap();
    let cases = [
        (
            "{\"id\": \"x\", \"text\": ",
            "in.jsonl:2: not a factx record",
        ),
        (
            r#"{"id": "x", "text": "Zoë", "entities": [{"id": "e1", "label": "PER", "name": "Zoë", "mentions": [{"start": 0, "end": 9, "text": "Zoë"}]}]}"#,
            "in.jsonl:2: record \"x\": mention of e1 0..9 is not inside the text (3 code points)",
        ),
        (
            r#"{"id": "x", "text": "😀 Zoë", "entities": [{"id": "e1", "label": "PER", "name": "Zoë", "mentions": [{"start": 3, "end": 5, "text": "Zoë"}]}]}"#,
            "in.jsonl:2: record \"x\": mention of e1 3..5 is \"Zoë\" but the text there is \"oë\"",
        ),
    ];
    for format in ["conll", "labelstudio", "spacy", "parquet", "brat"] {
        for (line, message) in cases {
            std::fs::write(&input, format!("{first}\n{line}\n")).unwrap();
            let out_path = dir.path().join(format!("out.{format}"));
            let out = factx(&[
                "convert",
                input.to_str().unwrap(),
                "--to",
                format,
                "-o",
                out_path.to_str().unwrap(),
            ]);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !out.status.success() && stderr.contains(message),
                "{format}: {stderr}"
            );
        }
    }
}

#[test]
fn overlapping_mentions_are_refused_by_token_formats() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        r#"{"id": "x", "text": "New York City", "entities": [{"id": "e1", "label": "LOC", "name": "New York City", "mentions": [{"start": 0, "end": 13, "text": "New York City"}]}, {"id": "e2", "label": "LOC", "name": "York", "mentions": [{"start": 4, "end": 8, "text": "York"}]}]}"#,
    )
    .unwrap();
    for format in ["conll", "spacy"] {
        let out = factx(&[
            "convert",
            input.to_str().unwrap(),
            "--to",
            format,
            "-o",
            dir.path().join("out").to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && stderr.contains("in.jsonl:1: record \"x\": mentions"),
            "{stderr}"
        );
    }
}

#[test]
fn corrected_annotations_that_do_not_fit_their_text_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    // Label Studio: an offset inside the surrogate pair of 😀.
    let tasks = dir.path().join("tasks.json");
    std::fs::write(
        &tasks,
        r#"[{"id": 7, "data": {"text": "😀 Zoë"}, "annotations": [{"result": [{"id": "a", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 1, "end": 6, "text": "Zoë", "labels": ["PER"]}}]}]}]"#,
    )
    .unwrap();
    let out = factx(&["convert", "--from", "labelstudio", tasks.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("task \"7\": region \"a\": value.start 1 is inside a character"),
        "{stderr}"
    );
    // A role without the person it is about.
    std::fs::write(
        &tasks,
        r#"[{"data": {"text": "coach Abe", "factx_id": "d1"}, "annotations": [{"result": [{"id": "r", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 9, "text": "coach Abe", "labels": ["ROLE"]}}]}]}]"#,
    )
    .unwrap();
    let out = factx(&["convert", "--from", "labelstudio", tasks.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("task \"d1\": ROLE \"r\" (\"coach Abe\") has no `person` link"),
        "{stderr}"
    );
    // brat: a T line whose text is not what its offsets cover.
    let brat = dir.path().join("brat");
    std::fs::create_dir(&brat).unwrap();
    std::fs::write(brat.join("d.txt"), "😀 Zoë Ball").unwrap();
    std::fs::write(brat.join("d.ann"), "T1\tPER 2 6\tZoë Ball\n").unwrap();
    let out = factx(&["convert", "--from", "brat", brat.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .contains("d.ann:1: \"T1\\tPER 2 6\\tZoë Ball\": the text at the offsets is \"Zoë \""),
        "{stderr}"
    );
}
