//! `factx extract` as a user runs it: every input document yields a record, in input order, and
//! each problem names its file and line.

mod common;

use factx::record::Record;
use std::io::Write;
use std::path::Path;
use std::process::Command;

fn extract(args: &[&str], stdin: Option<&[u8]>) -> (Vec<Record>, String, bool) {
    extract_with(&common::tiny_model(), args, stdin)
}

fn extract_with(
    model: &std::path::Path,
    args: &[&str],
    stdin: Option<&[u8]>,
) -> (Vec<Record>, String, bool) {
    let (lines, stderr, ok) = extract_lines(model, args, stdin);
    let records = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad output line {l}: {e}")))
        .collect();
    (records, stderr, ok)
}

/// `factx extract --model MODEL ARGS` with `stdin`: its output lines as written, its stderr,
/// and whether it succeeded.
fn extract_lines(
    model: &std::path::Path,
    args: &[&str],
    stdin: Option<&[u8]>,
) -> (Vec<String>, String, bool) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_factx"));
    cmd.arg("extract").arg("--model").arg(model).args(args);
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    (
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

#[test]
fn bad_documents_become_error_records_and_the_rest_come_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.jsonl");
    let big = format!(
        "{{\"id\": \"big\", \"text\": \"{}Ariana Grande.\"}}\n",
        // Just under the default word limit (250,000), in one line of about 1 MB.
        "the crowd sang. ".repeat(60_000)
    );
    let mut content = Vec::new();
    content.extend_from_slice(
        b"{\"id\": \"good1\", \"text\": \"Ms May spoke.\", \"source\": \"seed\"}\n",
    );
    content.extend_from_slice(b"{\"id\": \"broken\", \"text\": \"unterminated\n");
    content.extend_from_slice(b"{\"id\": \"notext\", \"body\": \"Ms May\"}\n");
    content.extend_from_slice(b"{\"id\": \"latin1\", \"text\": \"caf\xe9 Ms May\"}\n");
    content.extend_from_slice(b"{\"id\": \"empty\", \"text\": \"\"}\n");
    content.extend_from_slice(big.as_bytes());
    content.extend_from_slice(b"{\"id\": \"good2\", \"text\": \"Ian Hopkins said.\"}\n");
    std::fs::write(&path, content).unwrap();
    let (records, stderr, ok) = extract(&[path.to_str().unwrap()], None);
    assert!(ok, "{stderr}");
    let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    let file = path.display().to_string();
    assert_eq!(
        ids,
        [
            "good1",
            &format!("{file}:2"),
            "notext",
            &format!("{file}:4"),
            "empty",
            "big",
            "good2"
        ]
    );
    let error = |i: usize| &records[i].errors[0];
    assert!(records[0].errors.is_empty() && records[0].meta["source"] == "seed");
    assert!(records[0].entities[0].mentions[0].text.ends_with("May"));
    assert_eq!(
        (error(1).file.as_deref(), error(1).line),
        (Some(file.as_str()), Some(2))
    );
    assert!(error(1).message.starts_with("malformed JSON"));
    assert_eq!(
        (error(2).message.as_str(), error(2).line),
        ("no \"text\" field", Some(3))
    );
    assert!(error(3).message.contains("invalid UTF-8"), "{:?}", error(3));
    assert_eq!(error(4).message, "text is empty");
    assert!(records[5].errors.is_empty());
    assert_eq!(records[5].entities.last().unwrap().name, "Ariana Grande");
    assert!(records[6].errors.is_empty() && records[6].entities[0].name == "Ian Hopkins");
    // Each problem is also reported on stderr with its place.
    assert!(stderr.contains(&format!("{file}:2: ")), "{stderr}");
    assert!(stderr.contains(&format!("{file}:4: ")), "{stderr}");
}

#[test]
fn text_files_directories_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("news")).unwrap();
    std::fs::write(
        dir.path().join("news/b.txt"),
        " date 2017-05-24 Salman Abedi was named.\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("news/a.txt"), b"bad \xff bytes").unwrap();
    let stdin = b"{\"id\": \"s\", \"text\": \"Theresa May\", \"date\": \"2017-05-24\"}\n";
    let (records, _, ok) = extract(
        &[dir.path().join("news").to_str().unwrap(), "-", "--quiet"],
        Some(stdin),
    );
    assert!(ok);
    let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["a.txt", "b.txt", "s"]);
    assert!(records[0].errors[0].message.contains("invalid UTF-8"));
    assert_eq!(records[1].date.as_deref(), Some("2017-05-24"));
    assert_eq!(records[1].text, "Salman Abedi was named.");
    assert_eq!(records[2].entities[0].mentions[0].text, "Theresa May");
}

#[test]
fn a_missing_input_or_model_is_a_clear_error() {
    let (records, stderr, ok) = extract(&["/no/such/input.jsonl"], None);
    assert!(!ok && records.is_empty());
    assert!(stderr.contains("/no/such/input.jsonl"), "{stderr}");
    let out = Command::new(env!("CARGO_BIN_EXE_factx"))
        .args(["extract", "--model", "/no/such/model", "-"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/model/config.json"));
}

/// `factx eval --errors --half tune` lists the tune half's errors only: the guideline forbids
/// reading the held-out half's.
#[test]
fn eval_lists_one_half_s_errors() {
    let dir = tempfile::tempdir().unwrap();
    let record = |id: &str, half: &str, entities: &str| {
        format!(
            "{{\"id\": \"{id}\", \"text\": \"Ms May spoke.\", \"meta\": {{\"half\": \"{half}\"}}, \"entities\": [{entities}]}}\n"
        )
    };
    let may = r#"{"id": "e1", "label": "PER", "name": "May", "mentions": [{"start": 3, "end": 6, "text": "May"}]}"#;
    let gold = dir.path().join("gold.jsonl");
    let pred = dir.path().join("pred.jsonl");
    std::fs::write(
        &gold,
        record("tuned", "tune", may) + &record("kept", "heldout", may),
    )
    .unwrap();
    std::fs::write(
        &pred,
        record("tuned", "tune", "") + &record("kept", "heldout", ""),
    )
    .unwrap();
    let listing = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_factx"))
            .args(["eval", "--gold", gold.to_str().unwrap()])
            .args(["--pred", pred.to_str().unwrap(), "--errors"])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let all = listing(&[]);
    assert!(all.contains("== tuned") && all.contains("== kept"), "{all}");
    let tune = listing(&["--half", "tune"]);
    assert!(
        tune.contains("== tuned") && !tune.contains("== kept"),
        "{tune}"
    );
}

/// The tiny model with its entity types renamed: (old, new) pairs applied to `id2label`.
fn renamed_model(dir: &std::path::Path, renames: &[(&str, &str)]) -> std::path::PathBuf {
    let tiny = common::tiny_model();
    for entry in std::fs::read_dir(&tiny).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let config = dir.join("config.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    for label in json["id2label"].as_object_mut().unwrap().values_mut() {
        let mut name = label.as_str().unwrap().to_string();
        for (old, new) in renames {
            if let Some(kind) = name.strip_suffix(old) {
                name = format!("{kind}{new}");
            }
        }
        *label = name.into();
    }
    std::fs::write(&config, json.to_string()).unwrap();
    dir.to_path_buf()
}

/// A model naming its types as other corpora do (PERSON, LOCATION) runs the rules as the
/// default's names would; one with a type no rule knows (DATE) runs NER only and says so.
#[test]
fn other_label_sets_map_onto_the_rules_or_run_ner_only() {
    let text = b"{\"id\": \"a\", \"text\": \"Theresa May met Jean-Claude Juncker in Brussels on Monday, said the European Commission, adding that 22 people were killed.\"}\n";
    let run = |model: &std::path::Path| {
        let (mut records, stderr, ok) = extract_with(model, &["-"], Some(text));
        assert!(ok, "{stderr}");
        (records.remove(0), stderr)
    };
    // Nothing to say but the summary line.
    let only_summary =
        |stderr: &str| stderr.lines().count() == 1 && stderr.starts_with("factx: 1 documents");
    let (original, stderr) = run(&common::tiny_model());
    assert!(only_summary(&stderr), "{stderr}");
    assert!(!original.facts.is_empty() && !original.entities.is_empty());

    let dir = tempfile::tempdir().unwrap();
    let wikiner = renamed_model(
        dir.path(),
        &[
            ("PER", "PERSON"),
            ("ORG", "ORGANIZATION"),
            ("LOC", "LOCATION"),
        ],
    );
    let (renamed, stderr) = run(&wikiner);
    assert!(only_summary(&stderr), "{stderr}");
    assert_eq!(renamed, original);

    let dir = tempfile::tempdir().unwrap();
    let ontonotes = renamed_model(dir.path(), &[("PER", "PERSON"), ("MISC", "DATE")]);
    let (ner_only, stderr) = run(&ontonotes);
    assert!(
        stderr.contains("entity types DATE are not the rules'"),
        "{stderr}"
    );
    assert!(stderr.contains("running NER only"), "{stderr}");
    assert!(ner_only.facts.is_empty() && ner_only.roles.is_empty());
    let labels: std::collections::BTreeSet<_> =
        ner_only.entities.iter().map(|e| e.label.as_str()).collect();
    assert!(
        labels
            .iter()
            .all(|l| ["PERSON", "ORG", "LOC", "DATE"].contains(l)),
        "{labels:?}"
    );
}

/// `factx extract ... | head` is a normal stop: status 0, nothing on stderr. A full disk is a
/// clear error.
#[test]
fn a_closed_pipe_is_a_normal_stop_and_a_full_disk_an_error() {
    let docs: String = (0..3000)
        .map(|i| {
            format!(
                "{{\"id\": \"{i}\", \"text\": \"Theresa May met Jean Juncker in Brussels.\"}}\n"
            )
        })
        .collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_factx"))
        .args([
            "extract",
            "--model",
            common::tiny_model().to_str().unwrap(),
            "-",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(docs.as_bytes());
    });
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    assert!(first.contains("\"id\":\"0\""), "{first}");
    // The reader is gone: the next write meets a closed pipe.
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");

    if std::path::Path::new("/dev/full").exists() {
        let (_, stderr, ok) = extract(
            &["-o", "/dev/full", "-"],
            Some(b"{\"id\": \"a\", \"text\": \"Hello.\"}\n"),
        );
        assert!(!ok);
        assert!(stderr.contains("No space left on device"), "{stderr}");
    }
}

/// `--shard K/N`: N runs together write every record of the whole run exactly once, byte for
/// byte, error records of unreadable lines included; a malformed shard is a usage error.
#[test]
fn shards_together_write_every_record_once() {
    let mut docs: String = (0..25)
        .map(|i| {
            format!("{{\"id\": \"d{i}\", \"text\": \"Mr Hale, {i}, met Anna Berg in Oslo.\"}}\n")
        })
        .collect();
    docs.push_str("not json\n");
    let lines = |args: &[&str]| {
        let (lines, stderr, ok) = extract_lines(&common::tiny_model(), args, Some(docs.as_bytes()));
        assert!(ok, "{stderr}");
        lines
    };
    let whole = lines(&["-"]);
    assert_eq!(whole.len(), 26);
    let mut shards: Vec<String> = (1..=3)
        .flat_map(|k| lines(&["--shard", &format!("{k}/3"), "-"]))
        .collect();
    assert!(lines(&["--shard", "2/3", "-"])
        .iter()
        .all(|l| whole.contains(l)));
    let mut all = whole.clone();
    all.sort();
    shards.sort();
    assert_eq!(shards, all);

    let (_, stderr, ok) = extract(&["--shard", "4/3", "-"], None);
    assert!(!ok && stderr.contains("K/N with 1 <= K <= N"), "{stderr}");
}

/// `count` documents as JSONL, numbered, each `sentences` sentences long.
fn numbered_docs(count: usize, sentences: usize) -> String {
    (0..count)
        .map(|i| {
            let text = format!("Ms Lena Holt, {i}, joined Acme Corp in Oslo. ").repeat(sentences);
            format!("{{\"id\": \"d{i}\", \"text\": \"{}\"}}\n", text.trim_end())
        })
        .collect()
}

/// `--resume` continues OUT from its complete records, cutting a torn last line, and refuses
/// an OUT that another run wrote.
#[test]
fn a_resumed_run_ends_as_an_uninterrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, numbered_docs(40, 1)).unwrap();
    let input = input.to_str().unwrap();
    let out = dir.path().join("out.jsonl");
    let out_s = out.to_str().unwrap();
    let (_, stderr, ok) = extract(&["-o", out_s, input], None);
    assert!(ok, "{stderr}");
    let whole = std::fs::read_to_string(&out).unwrap();
    assert_eq!(whole.lines().count(), 40);
    // As a kill leaves it: 17 complete records and half of the 18th.
    let cut: usize = whole.lines().take(17).map(|l| l.len() + 1).sum::<usize>() + 25;
    std::fs::write(&out, &whole[..cut]).unwrap();
    let (_, stderr, ok) = extract(&["-o", out_s, "--resume", input], None);
    assert!(ok, "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), whole);
    // Twice is no different: nothing is left to do.
    let (_, stderr, ok) = extract(&["-o", out_s, "--resume", input], None);
    assert!(ok, "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), whole);

    let (_, stderr, ok) = extract(&["-o", out_s, "--resume", "--explain", input], None);
    assert!(!ok);
    let why = [
        "written by another run",
        "\"explain false",
        "\"explain true",
    ];
    assert!(why.iter().all(|w| stderr.contains(w)), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), whole);
}

/// SIGTERM stops reading, writes what is complete, exits 143 saying how to resume; a resumed
/// run killed with -9 loses only the work in flight; resumed again, OUT ends byte-identical to
/// an uninterrupted run's.
#[test]
fn a_terminated_run_writes_what_is_complete_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    // About 32 chunks of 256 KB, so that records come out while it runs (3 s on 2 cores).
    std::fs::write(&input, numbered_docs(5_000, 30)).unwrap();
    let input = input.to_str().unwrap();
    let (whole_path, out) = (dir.path().join("whole.jsonl"), dir.path().join("out.jsonl"));
    let (_, stderr, ok) = extract(&["-o", whole_path.to_str().unwrap(), input], None);
    assert!(ok, "{stderr}");
    let whole = std::fs::read_to_string(&whole_path).unwrap();

    // SIGTERM, then kill -9 in the middle of the resumed run, then a last resume.
    for (signal, resume) in [("-TERM", false), ("-KILL", true)] {
        let child = Command::new(env!("CARGO_BIN_EXE_factx"))
            .args([
                "extract",
                "--quiet",
                "--model",
                common::tiny_model().to_str().unwrap(),
            ])
            .args(["-o", out.to_str().unwrap(), input])
            .args(resume.then_some("--resume"))
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Some more records are out, but not all.
        let before = std::fs::read_to_string(&out).map_or(0, |s| s.lines().count());
        let started = std::time::Instant::now();
        while std::fs::read_to_string(&out).map_or(0, |s| s.lines().count()) < before + 50 {
            assert!(
                started.elapsed().as_secs() < 60,
                "no records after a minute"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let kill = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status();
        assert!(kill.unwrap().success());
        let stopped = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&stopped.stderr);
        let partial = std::fs::read_to_string(&out).unwrap();
        assert!(
            partial.lines().count() < 5_000,
            "the run ended before the signal"
        );
        if signal == "-TERM" {
            assert_eq!(stopped.status.code(), Some(143), "{stderr}");
            assert!(stderr.contains("terminated:") && stderr.contains("--resume continues"));
            assert!(partial.ends_with('\n') && whole.starts_with(&partial));
        }
    }
    let (_, stderr, ok) = extract(&["-o", out.to_str().unwrap(), "--resume", input], None);
    assert!(ok, "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), whole);
}

/// `factx extract --model tiny ARGS -o OUT` on a pseudo-terminal (tests/support/pty_screen.py):
/// each line drawn on stderr with the records in OUT when it was drawn.
fn screen(args: &[&str], out: &Path) -> Vec<(String, u64)> {
    let screen = Command::new("python3")
        .arg(common::repo_path("tests/support/pty_screen.py"))
        .arg(out)
        .arg(env!("CARGO_BIN_EXE_factx"))
        .args(["extract", "--model", common::tiny_model().to_str().unwrap()])
        .args(args)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        screen.status.success(),
        "{}",
        String::from_utf8_lossy(&screen.stderr)
    );
    let screen: serde_json::Value = serde_json::from_slice(&screen.stdout).unwrap();
    assert_eq!(screen["status"], 0);
    screen["frames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let text = f["text"].as_str().unwrap().to_string();
            (text, f["records"].as_u64().unwrap())
        })
        .collect()
}

/// The bar's frames that show a document total, as (percent, documents shown, total, records
/// written at that moment): `[===>   ]  42% 2,123/5,000 docs · 764,280 words · 343,009 words/s
/// · ETA 3s`.
fn bars(frames: &[(String, u64)]) -> Vec<(u64, u64, u64, u64)> {
    let bar =
        regex::Regex::new(r"\] +(\d+)% ([\d,]+)/([\d,]+) docs · [\d,]+ words · [\d,]+ words/s")
            .unwrap();
    let number = |s: &str| s.replace(',', "").parse::<u64>().unwrap();
    frames
        .iter()
        .filter_map(|(text, written)| {
            let caps = bar.captures(text)?;
            Some((
                number(&caps[1]),
                number(&caps[2]),
                number(&caps[3]),
                *written,
            ))
        })
        .collect()
}

/// What a person sees in a terminal: a spinner while the model loads, then a bar that never
/// runs ahead of the records written (the bar once followed bytes read, and showed 100% at 130
/// of 300 records), with the documents of the JSONL input counted ahead (blank lines are no
/// documents), and a summary line.
#[test]
fn the_progress_bar_follows_the_records_written() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let docs = numbered_docs(5_000, 30).replace("\n{\"id\": \"d4", "\n \n\n{\"id\": \"d4");
    std::fs::write(&input, docs).unwrap();
    let out = dir.path().join("out.jsonl");
    let frames = screen(&[input.to_str().unwrap()], &out);
    let all: Vec<&str> = frames.iter().map(|(text, _)| text.as_str()).collect();
    assert!(frames[0].0.contains("loading model"), "{all:#?}");
    let mut mid_run = 0;
    for (percent, shown, total, written) in bars(&frames) {
        assert_eq!(total, 5_000, "{all:#?}");
        assert!(
            shown <= written,
            "{shown} shown with {written} records written"
        );
        // The documents are all alike: bytes finished go with documents finished.
        assert!(
            percent.abs_diff(shown * 100 / 5_000) <= 1,
            "{percent}% at {shown}"
        );
        if (1..5_000).contains(&shown) {
            mid_run += 1;
        }
    }
    assert!(mid_run >= 2, "no bar with a total drawn mid-run: {all:#?}");
    let last = frames.last().unwrap().0.as_str();
    assert!(
        last.starts_with("factx: 5,000 documents, 1,800,000 words in ")
            && last.ends_with(" 15,000 entities, 0 roles, 3,570 facts, 0 error records"),
        "{last}"
    );
}

/// With `--shard K/N` the total is the shard's share (4,999 documents, shard 1/2: 2,500); with
/// `--resume` the records already in OUT count as done, as the bar's percentage counts them.
#[test]
fn the_progress_bar_counts_a_shard_and_what_a_resume_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, numbered_docs(4_999, 30)).unwrap();
    let input = input.to_str().unwrap();
    let out = dir.path().join("out.jsonl");
    let (_, stderr, ok) = extract(
        &["--shard", "1/2", "-o", out.to_str().unwrap(), input],
        None,
    );
    assert!(ok, "{stderr}");
    let whole = std::fs::read_to_string(&out).unwrap();
    assert_eq!(whole.lines().count(), 2_500);
    let kept: String = whole
        .lines()
        .take(1_000)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&out, kept).unwrap();

    let frames = screen(&["--shard", "1/2", "--resume", input], &out);
    let all: Vec<&str> = frames.iter().map(|(text, _)| text.as_str()).collect();
    let bars = bars(&frames);
    assert!(!bars.is_empty(), "no bar with a total: {all:#?}");
    for (percent, shown, total, written) in bars {
        assert_eq!(total, 2_500, "{all:#?}");
        assert!(
            (1_000..=written).contains(&shown),
            "{shown} shown, {written} written"
        );
        assert!(
            percent.abs_diff(shown * 100 / 2_500) <= 1,
            "{percent}% at {shown}"
        );
    }
    let last = frames.last().unwrap().0.as_str();
    assert!(last.starts_with("factx: 1,500 documents, "), "{last}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), whole);
}

/// Without a terminal the summary is the only line on stderr; with --quiet there is none.
#[test]
fn a_run_ends_with_one_summary_line() {
    let stdin = numbered_docs(3, 1);
    let (records, stderr, ok) = extract(&["-"], Some(stdin.as_bytes()));
    assert!(ok && records.len() == 3);
    let words = "Ms Lena Holt, 0, joined Acme Corp in Oslo."
        .split(' ')
        .count()
        + 3;
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!("factx: 3 documents, {} words in ", words * 3))
            && stderr.contains(" entities, 0 roles, ")
            && stderr.ends_with(" facts, 0 error records\n"),
        "{stderr}"
    );
    let (_, stderr, ok) = extract(&["-", "--quiet"], Some(stdin.as_bytes()));
    assert!(ok && stderr.is_empty(), "{stderr}");
}

/// No input is an error naming what was searched; each error line names its place once.
#[test]
fn no_inputs_and_bad_lines_are_said_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().to_str().unwrap();
    let (_, stderr, ok) = extract(&[empty], None);
    assert!(!ok, "{stderr}");
    assert_eq!(
        stderr,
        format!("factx: no inputs found: no .txt or .jsonl files in {empty}\n")
    );
    let empty_file = dir.path().join("empty.jsonl");
    std::fs::write(&empty_file, "").unwrap();
    let (_, stderr, ok) = extract(&[empty_file.to_str().unwrap()], None);
    assert!(!ok && stderr.contains("no documents in "), "{stderr}");

    let (records, stderr, ok) = extract(&["-"], Some(b"{\"text\": broken\n"));
    assert!(ok && records.len() == 1);
    let first = stderr.lines().next().unwrap();
    assert!(
        first.starts_with("factx: <stdin>:1: input error: malformed JSON"),
        "{stderr}"
    );
}
