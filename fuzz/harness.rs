//! The fuzz targets' bodies, shared with the regression test that replays what they found
//! (tests/fuzz_regressions.rs): each takes the fuzzer's bytes and panics on a defect.
#![allow(dead_code)] // each fuzz target calls one of these

use factx::doc::{split_words, Doc, MentionSpan};
use factx::input::{text_document, Input, InputDoc, JsonlReader, ReadOptions};
use factx::output::{self, Found};
use factx::rules::analysis::Analysis;
use factx::rules::{annotate, dates, numbers, Switches};
use std::sync::Arc;

/// The input reader on arbitrary bytes: the first byte picks a JSONL stream or a text file and
/// the document size limit; the rest is the file. Every non-blank JSONL line must yield exactly
/// one document or error record, and nothing may panic.
pub fn input(data: &[u8]) {
    let Some((&mode, file)) = data.split_first() else {
        return;
    };
    // Small limits reach the "too large" path; the largest is no limit at all.
    let max_doc_bytes = match mode >> 1 {
        0..=31 => usize::from(mode >> 1) * 8,
        _ => usize::MAX,
    };
    let options = ReadOptions { max_doc_bytes };
    if mode & 1 == 0 {
        let inputs: Vec<Input> =
            JsonlReader::new(file, "fuzz.jsonl".into(), options, Arc::default()).collect();
        let lines = file
            .split(|&b| b == b'\n')
            .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
            .count();
        assert_eq!(inputs.len(), lines, "one record per non-blank line");
    } else {
        match text_document(file.to_vec(), "fuzz.txt".into(), "fuzz.txt", options) {
            Input::Doc(doc) => assert!(file.len() <= max_doc_bytes && doc.text.len() <= file.len()),
            Input::Failed(record) => assert_eq!(record.errors.len(), 1),
        }
    }
}

const LABELS: [&str; 4] = ["PER", "ORG", "LOC", "MISC"];

/// The rules on arbitrary text with arbitrary mentions, as the model could hand them over: the
/// input is `[count, (word: u16 LE, length, label) × count, date?, text...]`; each mention
/// covers `length % 8 + 1` whole words from word `word` (mod the word count), and those
/// overlapping an earlier one are dropped, since the decoder never emits overlapping mentions.
/// Every span of the record must be the text it says it is.
pub fn rules(data: &[u8]) {
    let Some((&count, rest)) = data.split_first() else {
        return;
    };
    let count = usize::from(count % 32);
    if rest.len() < 4 * count + 1 {
        return;
    }
    let (specs, rest) = rest.split_at(4 * count);
    let (&date_byte, text) = rest.split_first().expect("checked above");
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    // Some documents have a date, which anchors relative dates ("last Tuesday").
    let date = (date_byte & 1 == 1).then(|| {
        chrono::NaiveDate::from_ymd_opt(
            2000 + i32::from(date_byte >> 3),
            1 + u32::from(date_byte >> 5),
            28,
        )
        .expect("a valid date")
    });
    let words: Vec<(usize, usize)> = split_words(text).collect();
    let mut mentions: Vec<MentionSpan> = Vec::new();
    if !words.is_empty() {
        for spec in specs.chunks_exact(4) {
            let first = usize::from(u16::from_le_bytes([spec[0], spec[1]])) % words.len();
            let last = (first + usize::from(spec[2] % 8)).min(words.len() - 1);
            let (start, end) = (words[first].0, words[last].1);
            if mentions.iter().all(|m| m.end <= start || end <= m.start) {
                mentions.push(MentionSpan {
                    start,
                    end,
                    label: LABELS[usize::from(spec[3]) % LABELS.len()],
                    score: f32::from(spec[3]) / 255.0,
                });
            }
        }
    }
    mentions.sort_by_key(|m| m.start);
    let doc = Doc::from_text(text, date, mentions);
    let annotations = annotate(&doc, &Switches::default());
    // The record as written: byte offsets become code points; each span must be its text.
    let input = InputDoc {
        text: text.to_string(),
        ..InputDoc::default()
    };
    let found = Found::Rules {
        annotations,
        explain: true,
    };
    let record = output::record(input, found, Vec::new());
    let chars: Vec<char> = text.chars().collect();
    let spans = record
        .entities
        .iter()
        .flat_map(|e| &e.mentions)
        .map(|m| (m.start, m.end, &m.text))
        .chain(record.roles.iter().map(|r| (r.start, r.end, &r.text)))
        .chain(record.facts.iter().map(|f| (f.start, f.end, &f.text)));
    for (start, end, span) in spans {
        assert!(start <= end && end <= chars.len(), "{start}..{end}");
        assert_eq!(&chars[start..end].iter().collect::<String>(), span);
    }
    serde_json::to_string(&record).expect("a record serialises");
}

/// The date and number readers on arbitrary text, as the facts stage runs them: dates first
/// (anchored on a date from the first byte when it is odd), then amounts around the tokens the
/// dates claimed.
pub fn numbers(data: &[u8]) {
    let Some((&date_byte, text)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let anchor = (date_byte & 1 == 1).then(|| {
        chrono::NaiveDate::from_ymd_opt(
            1990 + i32::from(date_byte >> 2),
            1 + u32::from(date_byte >> 4) % 12,
            29,
        )
        .unwrap_or_default()
    });
    let doc = Doc::from_text(text, anchor, Vec::new());
    let analysis = Analysis::new(&doc);
    let t = &analysis.numbers;
    let found = dates::find(t, anchor);
    let mut claimed = vec![false; t.toks.len()];
    for d in &found {
        assert!(d.first <= d.last && d.last < t.toks.len());
        claimed[d.first..=d.last].iter_mut().for_each(|c| *c = true);
    }
    for q in numbers::read(t, &claimed, &Switches::default()) {
        assert!(q.first <= q.last && q.last < t.toks.len(), "{q:?}");
    }
}
