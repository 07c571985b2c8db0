//! `factx view`: the page holds every document, mention, role and fact of the records, numbers
//! that add up, no unescaped text, each role's arcs between the right spans; a view split over
//! several files holds what one file does; and headless Chromium renders it
//! (tests/support/html_check.py outlines the HTML with Python's parser, and asks Chromium for its
//! DOM and screenshots).

mod common;

use factx::record::Record;
use serde_json::Value;
use std::collections::HashMap;
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

/// `(start, end)` in code points of `needle`'s `nth` occurrence in `text`.
fn code_points(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let byte = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} is not in the text {nth} times"))
        .0;
    let start = text[..byte].chars().count();
    (start, start + needle.chars().count())
}

fn span_attribute(value: &Value) -> (usize, usize) {
    let (start, end) = value.as_str().unwrap().split_once('-').unwrap();
    (start.parse().unwrap(), end.parse().unwrap())
}

fn distance(a: (usize, usize), b: (usize, usize)) -> usize {
    if a.1 <= b.0 {
        b.0 - a.1
    } else {
        a.0.saturating_sub(b.1)
    }
}

/// Every arc joins what its role says: a person's arc runs from the person's mention nearest
/// the title to a span inside the role's statement that reads as the title; an organisation's
/// from that same title to the organisation's mention nearest it. Former roles are dashed
/// (class `former`). Each unit shows the words of its span.
fn check_arcs(outline: &Value, records: &[Record]) {
    let by_id: HashMap<&str, &Record> = records.iter().map(|r| (r.id.as_str(), r)).collect();
    let arcs = outline["arcs"].as_array().unwrap();
    assert!(!arcs.is_empty());
    for arc in arcs {
        let record = by_id[arc["doc"].as_str().unwrap()];
        let role = &record.roles[arc["role"].as_str().unwrap().parse::<usize>().unwrap()];
        let classes: Vec<&str> = arc["classes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(classes.contains(&"former"), role.former, "{arc}");
        let (from, to) = (span_attribute(&arc["from"]), span_attribute(&arc["to"]));
        let title = if classes.contains(&"to-title") {
            to
        } else {
            from
        };
        let title_words = common::char_slice(&record.text, title.0, title.1).to_lowercase();
        let title_words: Vec<&str> = title_words.split_whitespace().collect();
        assert!(
            title_words.join(" ").starts_with(&role.title),
            "{arc}: {title_words:?} is not the title {:?}",
            role.title
        );
        assert!(role.start <= title.0 && title.1 <= role.end, "{arc}");
        let (entity, mention) = if classes.contains(&"to-title") {
            (&role.person, from)
        } else {
            (role.org.as_ref().expect("an org arc has an org"), to)
        };
        let entity = record.entities.iter().find(|e| &e.id == entity).unwrap();
        let spans: Vec<(usize, usize)> = entity.mentions.iter().map(|m| (m.start, m.end)).collect();
        assert!(
            spans.contains(&mention),
            "{arc}: not a mention of {}",
            entity.name
        );
        let nearest = spans.iter().map(|&s| distance(s, title)).min().unwrap();
        assert_eq!(
            distance(mention, title),
            nearest,
            "{arc}: not the nearest mention"
        );
    }
    for unit in outline["units"].as_array().unwrap() {
        let record = by_id[unit["doc"].as_str().unwrap()];
        let (start, end) = (
            unit["start"].as_str().unwrap().parse().unwrap(),
            unit["end"].as_str().unwrap().parse().unwrap(),
        );
        let words = common::char_slice(&record.text, start, end);
        let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
        let shown = unit["words"].as_str().unwrap();
        let shown = match unit["far"].as_bool().unwrap() {
            true => shown.trim_start_matches(['↑', '↓', ' ']),
            false => shown,
        };
        assert_eq!(shown, words, "{unit}");
    }
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
        assert_eq!(count(outline, "text>g.to-title"), roles);
        assert_eq!(
            count(outline, "g.to-org"),
            sum(|r| r.roles.iter().filter(|role| role.org.is_some()).count())
        );
        check_arcs(outline, &records);
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

/// Roles in non-ASCII text with emoji, flags and a family sequence (several code points one
/// glyph): each arc's ends are the spans the record's code-point offsets name, a person in an
/// earlier paragraph is drawn at the strip's edge with its paragraph, a former role dashed.
#[test]
fn roles_are_drawn_as_arcs_between_the_right_spans() {
    let text = "Zoë 😀 Ødegaard, the Norwegian prime minister of Ørsted 🇳🇴, spoke.\n\n\
                She 👩‍👩‍👧 is also the Ørsted spokeswoman. The former Chief Executive of \
                Ørsted, 李小龙, laughed.";
    let at = |needle: &str, nth: usize| code_points(text, needle, nth);
    let mention = |needle: &str, nth: usize| {
        let (start, end) = at(needle, nth);
        serde_json::json!({"start": start, "end": end, "text": needle, "score": 1})
    };
    let role = |person: &str, title: &str, org: &str, former: bool, statement: &str| {
        let (start, end) = at(statement, 0);
        serde_json::json!({"person": person, "title": title, "org": org, "former": former,
                           "start": start, "end": end, "text": statement})
    };
    let record = serde_json::json!({
        "id": "ünï 😀", "text": text,
        "entities": [
            {"id": "e1", "label": "PER", "name": "Zoë 😀 Ødegaard",
             "mentions": [mention("Zoë 😀 Ødegaard", 0)]},
            {"id": "e2", "label": "ORG", "name": "Ørsted",
             "mentions": [mention("Ørsted", 0), mention("Ørsted", 1), mention("Ørsted", 2)]},
            {"id": "e3", "label": "PER", "name": "李小龙", "mentions": [mention("李小龙", 0)]}],
        "roles": [
            role("e1", "prime minister", "e2", false,
                 "Zoë 😀 Ødegaard, the Norwegian prime minister of Ørsted"),
            role("e1", "spokeswoman", "e2", false, "the Ørsted spokeswoman"),
            role("e3", "chief executive", "e2", true,
                 "The former Chief Executive of Ørsted, 李小龙")],
        "facts": [], "errors": []
    });
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("records.jsonl");
    std::fs::write(&records, format!("{record}\n")).unwrap();
    let page = dir.path().join("view.html");
    let (ok, stderr) = view(&records, &page, &[]);
    assert!(ok, "{stderr}");
    let parsed: Record = serde_json::from_value(record).unwrap();
    let span = |(start, end): (usize, usize)| format!("{start}-{end}");
    // Role, class, from, to: as the text reads, in code points.
    let expected = [
        (
            0,
            "to-title",
            at("Zoë 😀 Ødegaard", 0),
            at("prime minister", 0),
        ),
        (0, "to-org", at("prime minister", 0), at("Ørsted", 0)),
        (
            1,
            "to-title",
            at("Zoë 😀 Ødegaard", 0),
            at("spokeswoman", 0),
        ),
        (1, "to-org", at("spokeswoman", 0), at("Ørsted", 1)),
        (2, "to-title", at("李小龙", 0), at("Chief Executive", 0)),
        (2, "to-org", at("Chief Executive", 0), at("Ørsted", 2)),
    ];
    let expect = |outline: &Value| {
        assert_eq!(outline["errors"], Value::Array(vec![]), "{outline}");
        check_arcs(outline, std::slice::from_ref(&parsed));
        let arcs = outline["arcs"].as_array().unwrap();
        let mut found: Vec<(usize, String, String, String)> = arcs
            .iter()
            .map(|a| {
                let kind = a["classes"][1].as_str().unwrap().to_string();
                let role = a["role"].as_str().unwrap().parse().unwrap();
                let (from, to) = (a["from"].as_str().unwrap(), a["to"].as_str().unwrap());
                (role, kind, from.to_string(), to.to_string())
            })
            .collect();
        found.sort();
        let mut wanted: Vec<(usize, String, String, String)> = expected
            .iter()
            .map(|(role, kind, from, to)| (*role, kind.to_string(), span(*from), span(*to)))
            .collect();
        wanted.sort();
        assert_eq!(found, wanted);
        let former: Vec<&Value> = arcs
            .iter()
            .filter(|a| a["classes"].as_array().unwrap().contains(&"former".into()))
            .collect();
        assert_eq!(former.len(), 2, "{former:?}");
        assert!(former.iter().all(|a| a["role"] == "2"));
        // The second paragraph's strip draws Zoë, met only in the first, at its edge.
        let far: Vec<&Value> = outline["units"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["far"] == true)
            .collect();
        assert_eq!(far.len(), 1, "{far:?}");
        assert_eq!(far[0]["words"], "↑ Zoë 😀 Ødegaard");
        assert_eq!(far[0]["start"], at("Zoë 😀 Ødegaard", 0).0.to_string());
        // Three sentences state roles: three strips, each in the text above its sentence.
        assert_eq!(count(outline, "text>span.arcs"), 3);
    };
    let outline = check(&page, None, &[]);
    expect(&outline["page"]);
    let Some(browser) = browser() else { return };
    let checked = check(&page, Some((&browser, dir.path())), &["d0"]);
    expect(&checked["dom"]);
    assert!(checked["screens"]["d0"]["ink"].as_f64().unwrap() > 0.01);
}

/// A view split over several files (`--docs-per-file`) holds what one file does: the same
/// documents drawn the same way, in order, each file indexing its own; every link between the
/// files lands on a page that exists; a shorter view later removes the pages it no longer needs.
#[test]
fn a_view_split_over_files_holds_what_one_file_does() {
    let gold = common::repo_path("tests/fixtures/gold.jsonl");
    let records = factx::input::read_records(&gold).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.html");
    let (ok, stderr) = view(&gold, &whole, &[]);
    assert!(ok, "{stderr}");
    assert!(!dir.path().join("whole_files").exists());
    let split = dir.path().join("split.html");
    let (ok, stderr) = view(&gold, &split, &["--docs-per-file", "7"]);
    assert!(ok, "{stderr}");
    let folder = dir.path().join("split_files");
    let mut pages: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert_eq!(
        pages,
        [
            "page-2.html",
            "page-3.html",
            "page-4.html",
            "page-5.html",
            "page-6.html"
        ]
    );
    let files: Vec<std::path::PathBuf> = std::iter::once(split.clone())
        .chain(pages.iter().map(|p| folder.join(p)))
        .collect();

    // Document sections, their links made file-local: the same in both views.
    let sections = |html: &str| -> Vec<String> {
        let local = regex::Regex::new(r##"href="[^"#]*#"##).unwrap();
        html.split("<section class=\"page doc\"")
            .skip(1)
            .map(|s| {
                local
                    .replace_all(&s[..s.find("</section>").unwrap()], "href=\"#")
                    .into_owned()
            })
            .collect()
    };
    let one_file = sections(&std::fs::read_to_string(&whole).unwrap());
    assert_eq!(one_file.len(), records.len());
    let mut in_files = Vec::new();
    let mut ids = Vec::new();
    let document_id =
        regex::Regex::new(r#"<section class="page doc" id="d\d+" data-id="([^"]*)""#).unwrap();
    for (number, file) in files.iter().enumerate() {
        let outline = &check(file, None, &[])["page"];
        assert_eq!(
            outline["errors"],
            Value::Array(vec![]),
            "{}: {outline}",
            file.display()
        );
        assert_eq!(
            outline["unclosed"],
            Value::Array(vec![]),
            "{}",
            file.display()
        );
        assert_eq!(
            outline["dangling"],
            Value::Array(vec![]),
            "{}",
            file.display()
        );
        let documents = if number < 5 { 7 } else { 5 };
        assert_eq!(
            count(outline, "section.doc"),
            documents,
            "{}",
            file.display()
        );
        // Each file indexes its own documents, and names the others.
        assert_eq!(count(outline, "p.files"), 1);
        assert_eq!(
            outline["ids"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| *i == "documents")
                .count(),
            1
        );
        assert_eq!(count(outline, "table.top"), if number == 0 { 2 } else { 0 });
        for href in outline["hrefs"].as_array().unwrap() {
            let (path, fragment) = href.as_str().unwrap().split_once('#').unwrap();
            let target = file.parent().unwrap().join(path);
            let target_ids = &check(&target, None, &[])["page"]["ids"];
            assert!(
                target_ids.as_array().unwrap().contains(&fragment.into()),
                "{}: {href} lands nowhere",
                file.display()
            );
        }
        let html = std::fs::read_to_string(file).unwrap();
        ids.extend(document_id.captures_iter(&html).map(|c| c[1].to_string()));
        in_files.extend(sections(&html));
    }
    assert_eq!(in_files, one_file);
    let record_ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, record_ids);

    // Fewer pages: the others go; one file: the folder too.
    let (ok, stderr) = view(&gold, &split, &["--docs-per-file", "20"]);
    assert!(ok, "{stderr}");
    assert!(folder.join("page-2.html").exists() && !folder.join("page-3.html").exists());
    let (ok, stderr) = view(&gold, &split, &[]);
    assert!(ok, "{stderr}");
    assert!(!folder.exists());
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
        // Both sides draw their roles as arcs: the dropped one on the gold side only.
        let roles: usize = gold.iter().map(|r| r.roles.len()).sum();
        assert_eq!(count(outline, "text>g.to-title"), 2 * roles as u64 - 1);
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
