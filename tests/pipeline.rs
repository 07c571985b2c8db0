//! The pipeline end to end on the generated tiny model, whose labels are known in advance:
//! Capitalised words are PER, ALLCAPS words ORG, "London"/"Britain"/"Manchester"/"Preston" LOC.

mod common;

use common::{char_slice, pipeline, tiny_model};
use factx::input::InputDoc;
use factx::record::Record;

fn doc(id: &str, text: &str) -> InputDoc {
    InputDoc {
        id: id.into(),
        text: text.into(),
        ..InputDoc::default()
    }
}

fn mentions(record: &Record) -> Vec<(String, String)> {
    let mut all: Vec<_> = record
        .entities
        .iter()
        .flat_map(|e| {
            e.mentions
                .iter()
                .map(move |m| (m.start, m.text.clone(), e.label.clone()))
        })
        .collect();
    all.sort();
    all.into_iter()
        .map(|(_, text, label)| (text, label))
        .collect()
}

fn assert_offsets_exact(record: &Record) {
    for entity in &record.entities {
        for m in &entity.mentions {
            assert_eq!(
                char_slice(&record.text, m.start, m.end),
                m.text,
                "{}: {m:?}",
                record.id
            );
        }
    }
}

#[test]
fn offsets_are_code_points_on_unicode_text() {
    let text = "“Café Olé” opened in London’s 東京 quarter 😀 with BBC staff; Zoë Ball’s show said “Bravo”.";
    let records = pipeline(&tiny_model(), 4)
        .annotate(vec![doc("u", text)])
        .unwrap();
    let record = &records[0];
    assert_offsets_exact(record);
    let expected = [
        ("Café Olé", "PER"),
        ("London", "LOC"),
        ("BBC", "ORG"),
        ("Zoë Ball", "PER"),
        ("Bravo", "PER"),
    ];
    let got = mentions(record);
    let want: Vec<_> = expected
        .iter()
        .map(|(t, l)| (t.to_string(), l.to_string()))
        .collect();
    assert_eq!(got, want);
    let london = record
        .entities
        .iter()
        .flat_map(|e| &e.mentions)
        .find(|m| m.text == "London")
        .unwrap();
    assert_eq!((london.start, london.end), (21, 27));
}

/// Runs of Capitalised words, found independently of the pipeline.
fn capitalised_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for word in text.split(' ') {
        let bare = word.trim_end_matches('.');
        let capitalised = bare.chars().next().is_some_and(char::is_uppercase)
            && bare.chars().skip(1).all(char::is_lowercase);
        if capitalised {
            current.push(bare);
        }
        if !capitalised || bare.len() != word.len() {
            if !current.is_empty() {
                runs.push(current.join(" "));
            }
            current.clear();
        }
    }
    runs.extend((!current.is_empty()).then(|| current.join(" ")));
    runs
}

#[test]
fn a_long_document_is_windowed_never_truncated() {
    // 20,000 words; names fall on every kind of window boundary of the 32-token windows.
    let names = ["Theresa May", "Ian Hopkins", "Salman Ramadan Abedi", "Lisa"];
    let mut words = Vec::new();
    for i in 0..20_000 - 2 {
        if i % 97 == 0 {
            words.push(names[(i / 97) % names.len()].to_string());
        } else {
            words.push(
                [
                    "the", "police", "said", "it", "was", "a", "crude", "device.",
                ][i % 8]
                    .to_string(),
            );
        }
    }
    words.push("Ariana Grande.".to_string());
    let text = words.join(" ");
    let records = pipeline(&tiny_model(), 8)
        .annotate(vec![doc("long", &text)])
        .unwrap();
    let record = &records[0];
    assert_offsets_exact(record);
    let found: Vec<String> = mentions(record).into_iter().map(|(t, _)| t).collect();
    assert_eq!(found, capitalised_runs(&text));
    assert_eq!(found.last().map(String::as_str), Some("Ariana Grande"));
}

/// Documents of many lengths, cut from the seed, so batches mix windows of every size.
fn corpus(count: usize) -> Vec<InputDoc> {
    let seed =
        std::fs::read_to_string(common::repo_path("seeds/000_ad85a12eac8d44ce.txt")).unwrap();
    let sentences: Vec<&str> = seed.split_inclusive(". ").collect();
    (0..count)
        .map(|i| {
            let start = (i * 7) % sentences.len();
            let len = 1 + (i * 13) % 9;
            let text: String = sentences
                .iter()
                .cycle()
                .skip(start)
                .take(len)
                .copied()
                .collect();
            doc(&format!("d{i}"), &format!("{} “Zoë” 😀 {}", text.trim(), i))
        })
        .collect()
}

#[test]
fn batches_give_the_same_records_as_one_document_at_a_time() {
    let docs = corpus(120);
    let batched = pipeline(&tiny_model(), 16).annotate(docs.clone()).unwrap();
    let mut single = pipeline(&tiny_model(), 1);
    assert_eq!(batched.len(), docs.len());
    let mut total_mentions = 0;
    for (doc, batched) in docs.into_iter().zip(&batched) {
        let alone = single.annotate(vec![doc]).unwrap().remove(0);
        assert_eq!(&alone, batched);
        assert_offsets_exact(batched);
        total_mentions += batched.entities.len();
    }
    assert!(
        total_mentions > 500,
        "the corpus should exercise many mentions, got {total_mentions}"
    );
}

/// Every gold fixture text, plain and with its quotes, dashes and letters swapped for
/// multi-byte ones, runs through the rules without an internal error.
#[test]
fn the_rules_never_fail_on_real_or_mangled_text() {
    let gold = factx::input::read_records(&common::repo_path("tests/fixtures/gold.jsonl")).unwrap();
    let mut docs = Vec::new();
    for (i, record) in gold.iter().enumerate() {
        let mangled: String = record
            .text
            .chars()
            .map(|c| match c {
                '\'' => '’',
                '"' => '“',
                '-' => '—',
                'e' => 'é',
                '.' if i % 2 == 0 => '。',
                c => c,
            })
            .collect();
        for (suffix, text) in [
            ("", record.text.clone()),
            ("-mangled", mangled),
            ("-emoji", format!("😀{}東京", record.text)),
        ] {
            docs.push(InputDoc {
                id: format!("{}{suffix}", record.id),
                date: record.date.clone(),
                text,
                ..InputDoc::default()
            });
        }
    }
    for record in pipeline(&tiny_model(), 16).annotate(docs).unwrap() {
        assert!(
            record.errors.is_empty(),
            "{}: {:?}",
            record.id,
            record.errors
        );
        assert_offsets_exact(&record);
    }
}

/// Documents no corpus should hold but some do: each yields a record with no error and exact
/// offsets (facts' and roles' too). A million numbers and 100k capitalised words stand in for
/// the long tail; sizes are kept to what a test run can afford (issue 14 lists larger ones).
#[test]
fn pathological_documents_yield_records() {
    let numbers: Vec<String> = (0..1_000_000u64)
        .map(|i| (i * 7919 % 1_000_003).to_string())
        .collect();
    let docs = [
        ("a-200k-character-word", "x".repeat(200_000)),
        (
            "nul",
            "Theresa May\u{0} met \u{0} Juncker in Brussels.".into(),
        ),
        ("bom", "\u{feff}Theresa May met Juncker in Brussels.".into()),
        ("crlf", "Theresa May met Juncker.\r\nHe was 59.\r\n".into()),
        (
            "right-to-left",
            "رئيس الوزراء Theresa May التقى יונקר בבריסל on Monday.".into(),
        ),
        (
            "zero-width-and-combining",
            "Theresa\u{200b} May\u{200d} met Jun\u{200c}cker, 45, in Brus\u{301}sels.".into(),
        ),
        (
            "emoji",
            "😀 Theresa May 👍🏽 met Juncker 🇪🇺 in Brussels, aged 60. 👨‍👩‍👧".into(),
        ),
        (
            "all-caps",
            "THERESA MAY MET JEAN-CLAUDE JUNCKER IN BRUSSELS ON MONDAY, AGED 60.".into(),
        ),
        (
            "no-whitespace",
            "TheresaMaymetJunckerinBrussels".repeat(3000),
        ),
        (
            "100k-capitalised-words",
            ["Smith", "Jones"].repeat(50_000).join(" "),
        ),
        ("a-million-numbers", numbers.join(" ")),
        ("whitespace-only", " \n\t ".repeat(1000)),
    ];
    let inputs: Vec<InputDoc> = docs.iter().map(|(id, text)| doc(id, text)).collect();
    let records = pipeline(&tiny_model(), 1).annotate(inputs).unwrap();
    assert_eq!(records.len(), docs.len());
    for record in &records {
        // Whitespace alone is an empty text: an error record, as docs/FORMAT.md says.
        let stages: Vec<&str> = record.errors.iter().map(|e| e.stage.as_str()).collect();
        let expected: &[&str] = if record.id == "whitespace-only" {
            &["input"]
        } else {
            &[]
        };
        assert_eq!(stages, expected, "{}: {:?}", record.id, record.errors);
        assert_offsets_exact(record);
        let spans = record
            .facts
            .iter()
            .map(|f| (f.start, f.end, &f.text))
            .chain(record.roles.iter().map(|r| (r.start, r.end, &r.text)));
        for (start, end, text) in spans {
            assert_eq!(&char_slice(&record.text, start, end), text, "{}", record.id);
        }
    }
}
