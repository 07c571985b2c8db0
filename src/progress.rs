//! What `factx extract` tells the person at the terminal: a spinner while the model loads, then
//! a bar over the input *finished* (records written, not bytes read: the reader runs ahead of
//! the model by a few chunks), with words/s and an ETA from finished work; and one summary line
//! at the end.

use crate::record::Record;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Counts over the records written so far.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub documents: u64,
    /// Words as the tokenizer splits them (punctuation counts), as `--stats` counts them.
    pub words: u64,
    pub entities: u64,
    pub roles: u64,
    pub facts: u64,
    /// Records with an `errors` entry.
    pub error_records: u64,
}

impl Tally {
    pub fn add(&mut self, record: &Record, words: u64) {
        self.documents += 1;
        self.words += words;
        self.entities += record.entities.len() as u64;
        self.roles += record.roles.len() as u64;
        self.facts += record.facts.len() as u64;
        self.error_records += u64::from(!record.errors.is_empty());
    }

    /// The run in one line: `300 documents, 118,312 words in 9.4 s (12,587 words/s): ...`.
    pub fn summary(&self, elapsed: Duration) -> String {
        let seconds = elapsed.as_secs_f64();
        format!(
            "{} documents, {} words in {seconds:.1} s ({} words/s): {} entities, {} roles, {} \
             facts, {} error records",
            thousands(self.documents),
            thousands(self.words),
            thousands(rate(self.words, seconds)),
            thousands(self.entities),
            thousands(self.roles),
            thousands(self.facts),
            thousands(self.error_records),
        )
    }
}

fn rate(count: u64, seconds: f64) -> u64 {
    (count as f64 / seconds.max(1e-3)).round() as u64
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `75` s → `1m 15s`.
fn duration(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    match whole {
        0..60 => format!("{whole}s"),
        60..3600 => format!("{}m {:02}s", whole / 60, whole % 60),
        _ => format!("{}h {:02}m", whole / 3600, whole % 3600 / 60),
    }
}

/// The terminal display of one run.
pub struct Progress {
    bar: ProgressBar,
    /// Input bytes in all; `None` for stdin, where a spinner counts documents instead of a bar.
    total_bytes: Option<u64>,
    /// Documents this run's output will hold in all (--shard's share), once counted: the count
    /// runs beside the model's loading and is never waited for; never set for stdin.
    total_documents: Arc<OnceLock<u64>>,
    /// Records already in OUT that `--resume` keeps: they count as done, as the bar's
    /// percentage (input bytes from the start) counts them.
    resumed: u64,
    /// When annotation began (the model loaded).
    started: Instant,
    /// The input position where this run's first document began: documents skipped by
    /// `--resume` are not work done, and the ETA's rate is measured from here.
    first_start: Option<u64>,
}

impl Progress {
    /// A spinner from the first moment, while the model loads.
    pub fn loading(model: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(8))
            .with_style(ProgressStyle::with_template("{spinner} {msg}").expect("valid template"))
            .with_message(format!("loading model {model}"));
        bar.enable_steady_tick(Duration::from_millis(125));
        Progress {
            bar,
            total_bytes: None,
            total_documents: Arc::default(),
            resumed: 0,
            started: Instant::now(),
            first_start: None,
        }
    }

    /// The model is loaded: a bar over `total_bytes` of input, or a spinner when it is unknown.
    /// `total_documents` is filled in when counted; `resumed` records are in OUT already.
    pub fn start(
        &mut self,
        total_bytes: Option<u64>,
        total_documents: Arc<OnceLock<u64>>,
        resumed: u64,
    ) {
        self.total_bytes = total_bytes;
        self.total_documents = total_documents;
        self.resumed = resumed;
        self.started = Instant::now();
        if let Some(total) = total_bytes {
            self.bar.set_length(total);
            self.bar.set_style(
                ProgressStyle::with_template("{spinner} [{bar:24}] {percent:>3}% {msg}")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
        }
        self.bar.set_message("annotating");
    }

    /// The records of the input up to `span.end` are written (`span` is the last one's
    /// document in the input, in bytes), counted by `tally`.
    pub fn finished(&mut self, tally: &Tally, span: std::ops::Range<u64>) {
        let first_start = *self.first_start.get_or_insert(span.start);
        let seconds = self.started.elapsed().as_secs_f64();
        let done = self.resumed + tally.documents;
        let documents = match self.total_documents.get() {
            Some(&total) => format!("{}/{}", thousands(done), thousands(total)),
            None => thousands(done),
        };
        let mut message = format!(
            "{documents} docs · {} words · {} words/s",
            thousands(tally.words),
            thousands(rate(tally.words, seconds))
        );
        if let Some(total) = self.total_bytes {
            self.bar.set_position(span.end.min(total));
            // Time per byte of input passed so far, model warm-up included; with --shard the
            // other shards' documents are passed too, at the same pace.
            // Not before 1% has passed: the first records carry the model's warm-up alone.
            let passed = span.end.saturating_sub(first_start);
            if passed > 0 && passed >= total / 100 {
                let left = total.saturating_sub(span.end) as f64 * seconds / passed as f64;
                message.push_str(&format!(" · ETA {}", duration(left)));
            }
        }
        self.bar.set_message(message);
    }

    /// A line above the bar (an error), which stays.
    pub fn println(&self, line: String) {
        self.bar.println(line);
    }
}

/// Gone from the screen however the run ends (an error while loading the model, a refused
/// --resume), so that what is printed next starts on a clean line.
impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_a_person_reads_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(duration(4.4), "4s");
        assert_eq!(duration(75.0), "1m 15s");
        assert_eq!(duration(7_260.0), "2h 01m");
        let tally = Tally {
            documents: 300,
            words: 118_312,
            entities: 4_213,
            roles: 312,
            facts: 1_988,
            error_records: 1,
        };
        assert_eq!(
            tally.summary(Duration::from_millis(9_400)),
            "300 documents, 118,312 words in 9.4 s (12,586 words/s): 4,213 entities, 312 \
             roles, 1,988 facts, 1 error records"
        );
    }
}
