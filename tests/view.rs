//! `factx view`: the page holds every document, mention, role and fact of the records, numbers
//! that add up, no unescaped text; and headless Chromium renders it (tests/support/html_check.py
//! outlines the HTML with Python's parser, and asks Chromium for its DOM and screenshots).

mod common;

use factx::record::Record;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn view(records: &Path, out: &Path, args: &[&str]) -> (bool, String) {
    let run = Command::new(env!("CARGO_BIN_EXE_factx"))
        .arg("view")
        .arg(records)
        .arg("-o")
        .arg(out)
        .args(args)
        .output()
        .unwrap();
    (
        run.status.success(),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    )
}

/// html_check.py's outline of `page`, with Chromium's DOM and screenshots of `fragments` when
/// `browser` is given.
fn check(page: &Path, browser: Option<(&Path, &Path)>, fragments: &[&str]) -> Value {
    let mut cmd = Command::new("python3");
    cmd.arg(common::repo_path("tests/support/html_check.py"))
        .arg(page);
    if let Some((browser, shots)) = browser {
        cmd.arg("--browser").arg(browser).arg(shots).args(fragments);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn count(outline: &Value, key: &str) -> u64 {
    outline["counts"][key].as_u64().unwrap_or(0)
}

/// The headless browser: `$FACTX_TEST_BROWSER` (scripts/test installs Debian's
/// chromium-headless-shell and names it, so that there a missing browser fails), else one on
/// PATH, else `None` and the browser checks are skipped with a line saying so.
fn browser() -> Option<std::path::PathBuf> {
    if let Some(named) = std::env::var_os("FACTX_TEST_BROWSER") {
        return Some(named.into());
    }
    let found = ["chromium-headless-shell", "chromium"]
        .iter()
        .find_map(|name| {
            std::env::split_paths(&std::env::var_os("PATH")?)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        });
    if found.is_none() {
        eprintln!("skipped the browser checks: no chromium-headless-shell or chromium on PATH");
    }
    found
}

#[test]
fn the_view_holds_every_annotation_and_renders() {
    let gold = common::repo_path("tests/fixtures/gold.jsonl");
    let records = factx::input::read_records(&gold).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("view.html");
    let (ok, stderr) = view(&gold, &page, &[]);
    assert!(ok, "{stderr}");

    let sum = |f: fn(&Record) -> usize| records.iter().map(f).sum::<usize>() as u64;
    let mentions = sum(|r| r.entities.iter().map(|e| e.mentions.len()).sum());
    let (roles, facts) = (sum(|r| r.roles.len()), sum(|r| r.facts.len()));
    let expect = |outline: &Value| {
        assert_eq!(outline["errors"], Value::Array(vec![]), "{outline}");
        assert_eq!(outline["unclosed"], Value::Array(vec![]), "{outline}");
        let docs = records.len() as u64;
        assert_eq!(count(outline, "section.doc"), docs);
        assert_eq!(count(outline, "text>mark.ent"), mentions);
        assert_eq!(count(outline, "text>span.fact"), facts);
        assert_eq!(count(outline, "tr.fact-row"), facts);
        assert_eq!(count(outline, "li.role"), roles);
        let totals = &outline["totals"];
        assert_eq!(totals["documents"], docs);
        assert_eq!(totals["entities"], sum(|r| r.entities.len()));
        assert_eq!(totals["mentions"], mentions);
        assert_eq!(totals["roles"], roles);
        assert_eq!(totals["facts"], facts);
        assert_eq!(count(outline, "table.top"), 2);
        assert!(count(outline, "div.when") > 0, "no timeline");
    };
    let outline = check(&page, None, &[]);
    expect(&outline["page"]);

    // --id keeps the named documents, in corpus order; an unknown id is an error.
    let one = dir.path().join("one.html");
    let (ok, stderr) = view(&gold, &one, &["--id", &records[3].id]);
    assert!(ok, "{stderr}");
    assert_eq!(count(&check(&one, None, &[])["page"], "section.doc"), 1);
    let (ok, stderr) = view(&gold, &one, &["--id", "no-such-document"]);
    assert!(
        !ok && stderr.contains("no document with id \"no-such-document\""),
        "{stderr}"
    );

    let Some(browser) = browser() else { return };
    let checked = check(
        &page,
        Some((&browser, dir.path())),
        &["summary", "documents", "d0"],
    );
    expect(&checked["dom"]);
    for (fragment, screen) in checked["screens"].as_object().unwrap() {
        let ink = screen["ink"].as_f64().unwrap();
        assert!(ink > 0.01, "{fragment}: the screenshot is blank ({screen})");
    }
}

/// Text, ids and labels are escaped: a record cannot inject markup.
#[test]
fn the_view_escapes_what_records_say() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("records.jsonl");
    let text = "<script>alert(1)</script> Ann & “Bob” met.";
    let record = serde_json::json!({
        "id": "\"><em>id</em>", "text": text,
        "entities": [{"id": "e1", "label": "<i>PER</i>", "name": "Ann &",
                      "mentions": [{"start": 26, "end": 31, "text": "Ann &", "score": 1}]}],
        "roles": [{"person": "e1", "title": "<u>boss</u>", "org": null,
                   "start": 26, "end": 99, "text": "?"}],
        "facts": [], "errors": []
    });
    std::fs::write(&records, format!("{record}\n")).unwrap();
    let page = dir.path().join("view.html");
    let (ok, stderr) = view(&records, &page, &[]);
    assert!(ok, "{stderr}");
    let outline = &check(&page, None, &[])["page"];
    for tag in ["script", "em", "i", "u"] {
        assert_eq!(count(outline, tag), 0, "<{tag}> came through: {outline}");
    }
    assert_eq!(count(outline, "text>mark.ent"), 1);
    // The role's span runs past the text: listed, not drawn.
    assert_eq!(count(outline, "text>span.role-span"), 0);
    assert_eq!(count(outline, "li.role"), 1);
}

/// `factx eval --html`: headline scores as `--json` has them, bars per label, a confusion
/// matrix that holds a relabelled entity, roles and facts drawn in both sides with errors
/// outlined, and every listed error linking to a place that exists; rendered by Chromium.
#[test]
fn the_eval_report_leads_with_scores_and_links_each_error() {
    let gold_path = common::repo_path("tests/fixtures/gold.jsonl");
    let gold = factx::input::read_records(&gold_path).unwrap();
    // A prediction with known errors: the first PER entity relabelled ORG, a fact and a role
    // dropped.
    let mut pred = gold.clone();
    let entity = pred[0]
        .entities
        .iter_mut()
        .find(|e| e.label == "PER")
        .unwrap();
    entity.label = "ORG".into();
    let relabelled = entity.mentions.len() as u64;
    pred[0].facts.remove(0);
    pred[0].roles.remove(0);
    let dir = tempfile::tempdir().unwrap();
    let pred_path = dir.path().join("pred.jsonl");
    let lines: Vec<String> = pred
        .iter()
        .map(|r| serde_json::to_string(r).unwrap())
        .collect();
    std::fs::write(&pred_path, lines.join("\n")).unwrap();
    let page = dir.path().join("report.html");
    let eval = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_factx"))
            .args(["eval", "--gold"])
            .arg(&gold_path)
            .arg("--pred")
            .arg(&pred_path)
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let json: Value = serde_json::from_slice(&eval(&["--json"])).unwrap();
    eval(&["--html", page.to_str().unwrap()]);

    let expect = |outline: &Value| {
        assert_eq!(outline["errors"], Value::Array(vec![]), "{outline}");
        assert_eq!(outline["unclosed"], Value::Array(vec![]), "{outline}");
        let all = &json["all"];
        let f1 = |v: &Value| (v.as_f64().unwrap() * 1000.0).round() / 1000.0;
        let totals = &outline["totals"];
        assert_eq!(
            totals["mentions"],
            f1(&all["mentions"]["strict"]["micro"]["f1"])
        );
        assert_eq!(totals["roles"], f1(&all["roles"]["person_title"]["f1"]));
        assert_eq!(
            totals["facts"],
            f1(&all["facts"]["without_entity"]["micro"]["f1"])
        );
        assert_eq!(count(outline, "table.label-bars"), 1);
        assert_eq!(count(outline, "span.bar"), 3 * 4);
        assert!(
            count(outline, "td.miss") >= 1,
            "the relabelled entity is not in the matrix"
        );
        // Both sides draw facts and roles; the dropped ones are outlined on the gold side.
        assert_eq!(count(outline, "section.doc"), gold.len() as u64);
        assert!(count(outline, "text>span.fact") > 2 * 500);
        assert!(count(outline, "text>span.role-span") > 2 * 100);
        assert!(count(outline, "text>mark.err") >= 2 * relabelled);
        assert!(count(outline, "text>span.err") >= 2);
        // Every error row links somewhere that exists.
        assert!(count(outline, "tr.error") >= 2 + relabelled);
        assert!(outline["links"].as_u64().unwrap() >= count(outline, "tr.error"));
        assert_eq!(
            outline["dangling"],
            Value::Array(vec![]),
            "{}",
            outline["dangling"]
        );
    };
    let outline = check(&page, None, &[]);
    expect(&outline["page"]);

    let Some(browser) = browser() else { return };
    let checked = check(&page, Some((&browser, dir.path())), &["top"]);
    expect(&checked["dom"]);
    let screen = &checked["screens"]["top"];
    assert!(screen["ink"].as_f64().unwrap() > 0.01, "blank: {screen}");
}
