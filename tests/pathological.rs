//! Pathological documents (issue 14): each yields one record, or one error record, never a
//! crash, and every span in a record is the text it says it is. They run on the tiny test model
//! (Capitalised words PER, ALLCAPS ORG), so a run of capitalised words is one huge mention.

mod common;

use factx::record::Record;
use std::process::Command;

/// `factx extract --quiet --model tiny ARGS FILE` on `content` written to a file named `name`:
/// its records. Fails the test unless it exits 0 with nothing on stderr.
fn extract_file(name: &str, content: &[u8], args: &[&str]) -> Vec<Record> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_factx"))
        .args(["extract", "--quiet", "--model"])
        .arg(common::tiny_model())
        .args(args)
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.is_empty(), "{stderr}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The one record of a text document, checked: no errors, and each mention, role and fact
/// span (code points) is its text.
fn one_record(name: &str, text: &str, args: &[&str]) -> Record {
    let mut records = extract_file(name, text.as_bytes(), args);
    assert_eq!(records.len(), 1);
    let record = records.remove(0);
    assert!(record.errors.is_empty(), "{:?}", record.errors);
    assert_eq!(record.text, text.trim_end());
    let spans = record
        .entities
        .iter()
        .flat_map(|e| &e.mentions)
        .map(|m| (m.start, m.end, &m.text))
        .chain(record.roles.iter().map(|r| (r.start, r.end, &r.text)))
        .chain(record.facts.iter().map(|f| (f.start, f.end, &f.text)));
    // Records hold code-point offsets; index them once rather than per span.
    let chars: Vec<char> = record.text.chars().collect();
    for (start, end, span) in spans {
        let at: String = chars[start..end].iter().collect();
        assert_eq!(&at, span, "{start}..{end}");
    }
    record
}

/// `n` words of news text, sentences and paragraphs included, numbers and names in it.
fn news(n: usize) -> String {
    let sentence = "Theresa May said 22 people, including children, died in Manchester on 22 May 2017, and 59 were hurt. ";
    let words = sentence.split_whitespace().count();
    let mut text = String::new();
    for i in 0..n.div_ceil(words) {
        text.push_str(sentence);
        if i % 8 == 7 {
            text.push_str("\n\n");
        }
    }
    text
}

#[test]
fn documents_over_the_limits_are_error_records_and_read_under_raised_ones() {
    // 30 MB on one line: over the default byte limit (8 MiB) ...
    let text = news(6_000_000).replace("\n\n", "");
    assert!(text.len() > 30_000_000 && !text.contains('\n'));
    let error = |args: &[&str]| {
        let records = extract_file("huge.txt", text.as_bytes(), args);
        assert_eq!(records.len(), 1);
        records[0].errors[0].message.clone()
    };
    assert!(error(&[]).contains("larger than the limit"));
    // ... and, under a raised one, over the word limit (250,000), found before the
    // tokenizer has gone far.
    let raised = error(&["--max-doc-bytes", "40000000"]);
    assert!(raised.contains("more than 250000 words"), "{raised}");
    // Just under both: 8 MB of long words reads whole.
    let word = "abcdefghij".repeat(20);
    let long: String = (0..8_000_000 / 220)
        .map(|i| format!("{word} Theresa May {i}. "))
        .collect();
    assert!(long.len() < 8 << 20);
    let record = one_record("long.txt", &long, &[]);
    assert_eq!(record.entities[0].name, "Theresa May");
}

#[test]
fn a_million_numbers() {
    // Every thousandth one counts something: a fact.
    let text: String = (0..1_000_000)
        .map(|i| match i % 1000 {
            0 => format!("It cost £{}m. ", i * 7),
            _ => format!("{} ", i * 7),
        })
        .collect();
    let records = extract_file("numbers.txt", text.as_bytes(), &[]);
    assert!(records[0].errors[0].message.contains("--max-doc-words"));
    let record = one_record("numbers.txt", &text, &["--max-doc-words", "1100000"]);
    assert!(record.facts.len() >= 900, "{}", record.facts.len());
}

#[test]
fn a_hundred_thousand_capitalised_words() {
    let names = [
        "Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf",
    ];
    let text: String = (0..100_000)
        .map(|i| format!("{} ", names[i * 7919 % names.len()]))
        .collect();
    let record = one_record("capitals.txt", &text, &[]);
    assert!(!record.entities.is_empty());
    // With full stops, a hundred thousand short names.
    let text: String = (0..100_000)
        .map(|i| format!("{}. ", names[i * 7919 % names.len()]))
        .collect();
    let record = one_record("names.txt", &text, &[]);
    assert!(!record.entities.is_empty());
}

#[test]
fn a_word_of_two_hundred_thousand_characters() {
    let word = "abcdefghij".repeat(20_000);
    let text = format!("Theresa May said {word} in 2017, and {word}.");
    let record = one_record("word.txt", &text, &[]);
    assert_eq!(record.entities[0].name, "Theresa May");
}

#[test]
fn unusual_characters_keep_their_offsets() {
    let text = concat!(
        "\u{FEFF}Theresa May met Ian Hopkins in London.\r\n",
        "NUL\u{0}here and\u{0}there, 22\u{0}people.\r\n",
        "مرحبا بالعالم Theresa May עברית שלום 45 people.\r\n",
        "Zero\u{200B}width, jo\u{200D}ined, right\u{200F}to\u{202E}left override, Ian\u{2060}Hopkins.\r\n",
        "Cafe\u{301} combining e\u{301}\u{302}\u{323} marks, Zoe\u{308} Ball, 5\u{20E3} keycap.\r\n",
        "Emoji 😀👍🏽👨‍👩‍👧 and 🇬🇧 flags cost £5 and 30% 🎉, Theresa May 🙂 said.\r\n",
    );
    let record = one_record("chars.txt", text, &[]);
    assert!(record.entities.iter().any(|e| e.name == "Theresa May"));
    // The BOM is text like any other: offsets count it.
    assert!(record.entities[0].mentions[0].start >= 1);
}

#[test]
fn all_capitals_and_no_whitespace() {
    let caps = news(20_000).to_uppercase();
    one_record("caps.txt", &caps, &[]);
    let glued: String = news(20_000).split_whitespace().collect();
    one_record("glued.txt", &glued, &[]);
    let glued: String = "2017".repeat(100_000);
    one_record("digits.txt", &glued, &[]);
}
