//! The input stage: paths → a stream of documents, in a stable order, one at a time.
//!
//! Anything wrong with one document (bad JSON, no `text`, invalid UTF-8, too large) becomes a
//! failed record naming the file and line; the stream goes on with the next document.

use crate::record::{Record, RecordError};
use anyhow::{Context, Result};
use serde_json::{Map, Value};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};

/// A document ready for the pipeline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InputDoc {
    pub id: String,
    pub date: Option<String>,
    pub text: String,
    pub meta: Map<String, Value>,
    /// Problems that did not stop the document (an unreadable `date`).
    pub errors: Vec<RecordError>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Doc(InputDoc),
    /// A document that could not be read: written out as it is, with its error.
    Failed(Record),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Jsonl(PathBuf),
    /// A text file and the id its document gets.
    Text {
        path: PathBuf,
        id: String,
    },
    Stdin,
}

/// Resolves the command line's inputs: files by extension, directories walked (sorted) for
/// `.txt` and `.jsonl`, `-` for JSONL on stdin. A path that does not exist is an error before
/// anything runs.
pub fn sources(inputs: &[String]) -> Result<Vec<Source>> {
    let mut sources = Vec::new();
    for input in inputs {
        if input == "-" {
            sources.push(Source::Stdin);
            continue;
        }
        let path = PathBuf::from(input);
        let meta = std::fs::metadata(&path).with_context(|| format!("{input}: cannot read"))?;
        if meta.is_dir() {
            let mut files = Vec::new();
            walk(&path, &mut files)?;
            files.sort();
            for file in files {
                let id = file
                    .strip_prefix(&path)
                    .unwrap_or(&file)
                    .to_string_lossy()
                    .into_owned();
                sources.push(source_for(file, id));
            }
        } else {
            let id = path
                .file_name()
                .map_or_else(|| input.clone(), |n| n.to_string_lossy().into_owned());
            sources.push(source_for(path, id));
        }
    }
    Ok(sources)
}

fn source_for(path: PathBuf, id: String) -> Source {
    if path.extension().is_some_and(|e| e == "jsonl") {
        Source::Jsonl(path)
    } else {
        Source::Text { path, id }
    }
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    for entry in
        std::fs::read_dir(dir).with_context(|| format!("{}: cannot list", dir.display()))?
    {
        let path = entry
            .with_context(|| format!("{}: cannot list", dir.display()))?
            .path();
        if path.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "txt" || e == "jsonl") {
            files.push(path);
        }
    }
    Ok(())
}

/// Total size of the file inputs, for progress; `None` when stdin is among them.
pub fn total_bytes(sources: &[Source]) -> Option<u64> {
    sources
        .iter()
        .map(|s| match s {
            Source::Jsonl(path) | Source::Text { path, .. } => {
                Some(std::fs::metadata(path).map_or(0, |m| m.len()))
            }
            Source::Stdin => None,
        })
        .sum()
}

/// How many documents [`read`] will yield from `sources`: one a text file, one a non-blank line
/// of a JSONL file (a byte scan for newlines, nothing parsed: 47 MB in a few hundredths of a
/// second). `None` when stdin is among them; a file that cannot be read counts as its one
/// error record.
pub fn count_documents(sources: &[Source]) -> Option<u64> {
    sources
        .iter()
        .map(|source| match source {
            Source::Text { .. } => Some(1),
            Source::Jsonl(path) => Some(
                File::open(path)
                    .and_then(count_lines_with_text)
                    .unwrap_or(1),
            ),
            Source::Stdin => None,
        })
        .sum()
}

/// Lines holding anything but ASCII whitespace, as [`JsonlReader`] skips blank ones.
fn count_lines_with_text(mut reader: impl Read) -> std::io::Result<u64> {
    let has_text = |bytes: &[u8]| bytes.iter().any(|b| !b.is_ascii_whitespace());
    let mut block = vec![0u8; 1 << 20];
    let (mut lines, mut line_has_text) = (0, false);
    loop {
        let n = match reader.read(&mut block) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let mut line_start = 0;
        for newline in memchr::memchr_iter(b'\n', &block[..n]) {
            if line_has_text || has_text(&block[line_start..newline]) {
                lines += 1;
            }
            line_has_text = false;
            line_start = newline + 1;
        }
        // A line that goes on in the next block.
        line_has_text = line_has_text || has_text(&block[line_start..n]);
    }
    Ok(lines + u64::from(line_has_text))
}

/// `factx extract --max-doc-bytes`'s default.
pub const MAX_DOC_BYTES: usize = 8 << 20;

#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Larger documents are refused with an error record instead of being read into memory.
    pub max_doc_bytes: usize,
}

/// Streams the documents of `sources` in order. `bytes_read` counts input consumed, for progress.
pub fn read(
    sources: Vec<Source>,
    options: ReadOptions,
    bytes_read: Arc<AtomicU64>,
) -> impl Iterator<Item = Input> + Send {
    sources
        .into_iter()
        .flat_map(move |source| -> Box<dyn Iterator<Item = Input> + Send> {
            match source {
                Source::Text { path, id } => {
                    let input = read_text_file(&path, id, options);
                    bytes_read.fetch_add(
                        std::fs::metadata(&path).map_or(0, |m| m.len()),
                        Ordering::Relaxed,
                    );
                    Box::new(std::iter::once(input))
                }
                Source::Jsonl(path) => {
                    let name = path.display().to_string();
                    match File::open(&path) {
                        Ok(file) => Box::new(JsonlReader::new(
                            BufReader::new(file),
                            name,
                            options,
                            bytes_read.clone(),
                        )),
                        Err(e) => Box::new(std::iter::once(failed(
                            &name,
                            &name,
                            None,
                            format!("cannot open: {e}"),
                        ))),
                    }
                }
                Source::Stdin => Box::new(JsonlReader::new(
                    BufReader::new(std::io::stdin()),
                    "<stdin>".to_string(),
                    options,
                    bytes_read.clone(),
                )),
            }
        })
}

/// The record of a document that could not be read: its id, where it was, and why.
pub fn failed(id: &str, file: &str, line: Option<usize>, message: String) -> Input {
    Input::Failed(Record {
        id: id.to_string(),
        errors: vec![RecordError {
            stage: "input".into(),
            message,
            file: Some(file.to_string()),
            line,
        }],
        ..Record::default()
    })
}

/// The seed's convention: a text file may open with ` date YYYY-MM-DD ` before the text.
static DATE_HEADER: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"\A\s*date (\d{4}-\d{2}-\d{2})\s+").expect("valid regex"));

fn read_text_file(path: &Path, id: String, options: ReadOptions) -> Input {
    let name = path.display().to_string();
    match File::open(path).and_then(|f| {
        let mut bytes = Vec::new();
        f.take(options.max_doc_bytes as u64 + 1)
            .read_to_end(&mut bytes)
            .map(|_| bytes)
    }) {
        Ok(bytes) => text_document(bytes, id, &name, options),
        Err(e) => failed(&id, &name, None, format!("cannot read: {e}")),
    }
}

/// The document a text file's `bytes` hold (at most `max_doc_bytes + 1` of them are needed to
/// tell a file too large); `name` is the file's, for errors.
pub fn text_document(bytes: Vec<u8>, id: String, name: &str, options: ReadOptions) -> Input {
    if bytes.len() > options.max_doc_bytes {
        return failed(&id, name, None, too_large(options.max_doc_bytes));
    }
    let content = match String::from_utf8(bytes) {
        Ok(content) => content,
        Err(e) => return failed(&id, name, None, invalid_utf8(&e)),
    };
    let (date, text) = match DATE_HEADER.captures(&content) {
        Some(c) => (Some(c[1].to_string()), &content[c[0].len()..]),
        None => (None, content.as_str()),
    };
    let mut doc = InputDoc {
        id,
        text: text.trim_end().to_string(),
        ..InputDoc::default()
    };
    set_date(&mut doc, date, name, None);
    Input::Doc(doc)
}

fn too_large(max: usize) -> String {
    format!("document is larger than the limit of {max} bytes (--max-doc-bytes)")
}

fn invalid_utf8(e: &std::string::FromUtf8Error) -> String {
    format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to())
}

/// Keeps a valid ISO date; an invalid one is reported and dropped, and the document still runs.
fn set_date(doc: &mut InputDoc, date: Option<String>, file: &str, line: Option<usize>) {
    let Some(date) = date else { return };
    if chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").is_ok() {
        doc.date = Some(date);
    } else {
        doc.errors.push(RecordError {
            stage: "input".into(),
            message: format!("date {date:?} is not YYYY-MM-DD; ignored"),
            file: Some(file.to_string()),
            line,
        });
    }
}

/// The documents of a JSONL stream, one per non-blank line; `name` is the file's, for errors.
pub struct JsonlReader<R> {
    reader: R,
    name: String,
    line: usize,
    options: ReadOptions,
    bytes_read: Arc<AtomicU64>,
    buffer: Vec<u8>,
    done: bool,
}

impl<R: BufRead> JsonlReader<R> {
    pub fn new(reader: R, name: String, options: ReadOptions, bytes_read: Arc<AtomicU64>) -> Self {
        JsonlReader {
            reader,
            name,
            line: 0,
            options,
            bytes_read,
            buffer: Vec::new(),
            done: false,
        }
    }

    fn parse_line(&self, id_fallback: String) -> Input {
        let line = Some(self.line);
        let fail = |id: &str, message: String| failed(id, &self.name, line, message);
        if self.buffer.len() > self.options.max_doc_bytes {
            return fail(&id_fallback, too_large(self.options.max_doc_bytes));
        }
        let text = match std::str::from_utf8(&self.buffer) {
            Ok(text) => text,
            Err(e) => {
                return fail(
                    &id_fallback,
                    format!("invalid UTF-8 at byte {}", e.valid_up_to()),
                )
            }
        };
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(object)) => document(object, id_fallback, &self.name, line),
            Ok(_) => fail(&id_fallback, "line is not a JSON object".into()),
            Err(e) => fail(&id_fallback, format!("malformed JSON: {e}")),
        }
    }
}

/// The document one JSON object holds, read as a JSONL line is: `id` (a string or a number,
/// else `id_fallback`), `text`, an optional `date`, every other field under `meta`. `name` and
/// `line` place its errors (the Python binding reads its dict items with this too).
pub fn document(
    mut object: Map<String, Value>,
    id_fallback: String,
    name: &str,
    line: Option<usize>,
) -> Input {
    let id = match object.remove("id") {
        Some(Value::String(id)) => id,
        Some(Value::Number(n)) => n.to_string(),
        _ => id_fallback,
    };
    let text = match object.remove("text") {
        Some(Value::String(text)) => text,
        Some(_) => return failed(&id, name, line, "\"text\" is not a string".into()),
        None => return failed(&id, name, line, "no \"text\" field".into()),
    };
    let date = match object.remove("date") {
        Some(Value::String(date)) => Some(date),
        Some(Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    let mut doc = InputDoc {
        id,
        text,
        meta: object,
        ..InputDoc::default()
    };
    set_date(&mut doc, date, name, line);
    Input::Doc(doc)
}

impl<R: BufRead> Iterator for JsonlReader<R> {
    type Item = Input;

    fn next(&mut self) -> Option<Input> {
        while !self.done {
            self.buffer.clear();
            self.line += 1;
            match self.reader.read_until(b'\n', &mut self.buffer) {
                Ok(0) => self.done = true,
                Ok(n) => {
                    self.bytes_read.fetch_add(n as u64, Ordering::Relaxed);
                    while matches!(self.buffer.last(), Some(b'\n' | b'\r')) {
                        self.buffer.pop();
                    }
                    if self.buffer.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some(self.parse_line(format!("{}:{}", self.name, self.line)));
                }
                Err(e) => {
                    self.done = true;
                    return Some(failed(
                        &self.name,
                        &self.name,
                        Some(self.line),
                        format!("read error: {e}"),
                    ));
                }
            }
        }
        None
    }
}

/// The records of one JSONL file (gold fixtures, earlier predictions), one at a time; a line
/// that is no record is an error naming it.
pub fn records(path: &Path) -> Result<impl Iterator<Item = Result<Record>>> {
    let file = File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
    let path = path.to_path_buf();
    Ok(BufReader::new(file)
        .lines()
        .enumerate()
        .filter_map(move |(i, line)| {
            let place = || format!("{}:{}", path.display(), i + 1);
            let line = match line {
                Ok(line) if line.trim().is_empty() => return None,
                Ok(line) => line,
                Err(e) => return Some(Err(e).with_context(|| format!("{}: cannot read", place()))),
            };
            Some(
                serde_json::from_str(&line)
                    .with_context(|| format!("{}: not a factx record", place())),
            )
        }))
}

/// Reads one JSONL file of records into memory.
pub fn read_records(path: &Path) -> Result<Vec<Record>> {
    records(path)?.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_jsonl_str(name: &str, content: &str) -> Vec<Input> {
        let options = ReadOptions {
            max_doc_bytes: usize::MAX,
        };
        JsonlReader::new(
            content.as_bytes(),
            name.to_string(),
            options,
            Arc::default(),
        )
        .collect()
    }

    fn doc(input: &Input) -> &InputDoc {
        match input {
            Input::Doc(d) => d,
            Input::Failed(r) => panic!("unexpected failure {r:?}"),
        }
    }

    fn error(input: &Input) -> &RecordError {
        match input {
            Input::Failed(r) => &r.errors[0],
            Input::Doc(d) => panic!("unexpected document {d:?}"),
        }
    }

    #[test]
    fn jsonl_lines_carry_meta_and_report_bad_lines() {
        let content = concat!(
            "{\"id\": \"a\", \"text\": \"Ms May said.\", \"date\": \"2017-05-24\", \"source\": \"bbc\"}\n",
            "\n",
            "{\"id\": \"b\", \"text\": \n",
            "{\"id\": \"c\"}\n",
            "{\"id\": 7, \"text\": \"x\", \"date\": \"24/05/2017\"}\r\n",
            "[1, 2]\n",
        );
        let inputs = read_jsonl_str("in.jsonl", content);
        assert_eq!(inputs.len(), 5);
        let a = doc(&inputs[0]);
        assert_eq!(
            (a.id.as_str(), a.date.as_deref(), a.text.as_str()),
            ("a", Some("2017-05-24"), "Ms May said.")
        );
        assert_eq!(a.meta["source"], "bbc");
        let bad = error(&inputs[1]);
        assert_eq!((bad.file.as_deref(), bad.line), (Some("in.jsonl"), Some(3)));
        assert!(bad.message.starts_with("malformed JSON"), "{}", bad.message);
        assert_eq!(error(&inputs[2]).message, "no \"text\" field");
        let seven = doc(&inputs[3]);
        assert_eq!((seven.id.as_str(), seven.date.clone()), ("7", None));
        assert_eq!(seven.errors[0].line, Some(5));
        assert!(error(&inputs[4]).message.contains("not a JSON object"));
    }

    #[test]
    fn invalid_utf8_is_an_error_record_for_its_line_only() {
        let mut content = b"{\"id\": \"x\", \"text\": \"caf\xe9\"}\n".to_vec();
        content.extend_from_slice("{\"id\": \"y\", \"text\": \"café\"}\n".as_bytes());
        let options = ReadOptions {
            max_doc_bytes: 1 << 20,
        };
        let inputs: Vec<_> =
            JsonlReader::new(&content[..], "f.jsonl".into(), options, Arc::default()).collect();
        let e = error(&inputs[0]);
        assert_eq!(
            (e.line, e.message.as_str()),
            (Some(1), "invalid UTF-8 at byte 24")
        );
        assert_eq!(
            inputs[0],
            failed("f.jsonl:1", "f.jsonl", Some(1), e.message.clone())
        );
        assert_eq!(doc(&inputs[1]).text, "café");
    }

    #[test]
    fn text_files_take_the_date_header_and_directories_are_walked_in_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("b")).unwrap();
        std::fs::write(
            dir.path().join("b/z.txt"),
            " date 2017-05-24 Soldiers are here.\n\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("a.txt"), "Plain “text”.").unwrap();
        std::fs::write(dir.path().join("skip.md"), "no").unwrap();
        let sources = sources(&[dir.path().to_string_lossy().into_owned()]).unwrap();
        let inputs: Vec<_> =
            read(sources, ReadOptions { max_doc_bytes: 100 }, Arc::default()).collect();
        let ids: Vec<_> = inputs.iter().map(|i| doc(i).id.clone()).collect();
        assert_eq!(ids, ["a.txt", "b/z.txt"]);
        assert_eq!(doc(&inputs[1]).date.as_deref(), Some("2017-05-24"));
        assert_eq!(doc(&inputs[1]).text, "Soldiers are here.");
    }

    #[test]
    fn documents_are_counted_as_the_reader_yields_them() {
        let dir = tempfile::tempdir().unwrap();
        let content = "{\"text\": \"a\"}\n\n  \r\n{broken\n\t\n{\"text\": \"b\"}";
        std::fs::write(dir.path().join("a.jsonl"), content).unwrap();
        std::fs::write(dir.path().join("b.txt"), "").unwrap();
        let all = sources(&[dir.path().to_string_lossy().into_owned()]).unwrap();
        let read_options = ReadOptions { max_doc_bytes: 100 };
        let yielded = read(all.clone(), read_options, Arc::default()).count() as u64;
        assert_eq!((count_documents(&all), yielded), (Some(4), 4));
        // Lines cut across the scan's blocks: one of 3 MB between two short ones.
        let long = format!("{{}}\n{}\n \n{{}}", "x".repeat(3 << 20));
        assert_eq!(count_lines_with_text(long.as_bytes()).unwrap(), 3);
        assert_eq!(count_documents(&[Source::Stdin]), None);
    }

    #[test]
    fn oversized_documents_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        std::fs::write(&path, "x".repeat(200)).unwrap();
        let sources = sources(&[path.to_string_lossy().into_owned()]).unwrap();
        let inputs: Vec<_> =
            read(sources, ReadOptions { max_doc_bytes: 100 }, Arc::default()).collect();
        assert!(error(&inputs[0]).message.contains("larger than the limit"));
        assert!(super::sources(&["/no/such/file".into()]).is_err());
    }
}
