//! The pipeline: documents → windows → logits → mentions → entities/roles/facts → records.
//!
//! Three stages run at once on chunks of documents, connected by bounded channels so memory
//! stays flat however large the corpus: preparing (tokenise and batch, on rayon), the model
//! (its own thread count), and finishing (decode and rules, on rayon). Chunks flow in input
//! order, so records come out in input order.

use crate::decode::{self, LabelScheme};
use crate::doc::{Doc, MentionSpan, Word};
use crate::input::{Input, InputDoc};
use crate::model::spec::ModelSpec;
use crate::model::{Backend, Batch};
use crate::output::{self, Found};
use crate::parse;
use crate::record::{Record, RecordError};
use crate::rules::{self, Switches};
use crate::tokenize::{EncodedDoc, EncodedWord, Encoder, Window};
use anyhow::{anyhow, Result};
use crossbeam_channel::bounded;
use ndarray::{Array2, ArrayView2, Axis};
use rayon::prelude::*;
use serde::Serialize;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// `factx extract --max-doc-words`'s default: about 300 MB of memory for the largest document.
pub const MAX_DOC_WORDS: usize = 250_000;

#[derive(Debug, Clone)]
pub struct Options {
    /// Windows per model call. The default int8 model quantises its activations with one scale
    /// per call, so a window batched with other documents' windows can come out labelled
    /// differently than alone (133 of 490 BBC business documents did at 4 a call). One window
    /// a call makes a document's record independent of the rest of the corpus, at no cost in
    /// speed on 2 cores; larger batches are for fp32 models on a GPU.
    pub batch_size: usize,
    /// Documents are handed between stages in chunks of about this much text.
    pub chunk_bytes: usize,
    /// Run the rules stages; without them each mention is its own entity (NER alone, as the
    /// CoNLL evaluation scores the model).
    pub rules: bool,
    /// Rules switched off (`factx eval --without`): ablation.
    pub switches: Switches,
    /// Keep the name of the rule behind each role and fact in the record (`--explain`).
    pub explain: bool,
    /// Documents of more words than this become error records: memory grows with the words
    /// (`--max-doc-words`).
    pub max_doc_words: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            batch_size: 1,
            chunk_bytes: 256 * 1024,
            rules: true,
            switches: Switches::default(),
            explain: false,
            max_doc_words: usize::MAX,
        }
    }
}

pub struct Pipeline {
    spec: ModelSpec,
    encoder: Encoder,
    scheme: LabelScheme,
    backend: Box<dyn Backend>,
    options: Options,
    stats: StageTimes,
    ner_only: Option<String>,
    /// Where the parallel stages run: rayon's global pool when `None` (the CLI sizes it).
    pool: Option<rayon::ThreadPool>,
}

/// Where the time goes, summed over all documents: wall-clock time of the model calls, and
/// thread time of the other stages (they run in parallel, so theirs can exceed wall time).
#[derive(Debug, Default)]
pub struct StageTimes {
    tokenize_ns: AtomicU64,
    model_ns: AtomicU64,
    decode_ns: AtomicU64,
    rules_ns: AtomicU64,
    documents: AtomicU64,
    words: AtomicU64,
    windows: AtomicU64,
}

#[derive(Debug, Clone, Serialize)]
pub struct StageSummary {
    pub documents: u64,
    /// Words as the model's tokenizer splits them (punctuation counts).
    pub words: u64,
    pub windows: u64,
    pub tokenize_s: f64,
    pub model_s: f64,
    pub decode_s: f64,
    pub rules_s: f64,
}

impl StageTimes {
    fn add(counter: &AtomicU64, since: Instant) {
        counter.fetch_add(since.elapsed().as_nanos() as u64, Ordering::Relaxed);
    }

    pub fn summary(&self) -> StageSummary {
        let s = |c: &AtomicU64| c.load(Ordering::Relaxed) as f64 / 1e9;
        StageSummary {
            documents: self.documents.load(Ordering::Relaxed),
            words: self.words.load(Ordering::Relaxed),
            windows: self.windows.load(Ordering::Relaxed),
            tokenize_s: s(&self.tokenize_ns),
            model_s: s(&self.model_ns),
            decode_s: s(&self.decode_ns),
            rules_s: s(&self.rules_ns),
        }
    }
}

/// A document between stages, with what has been computed for it so far.
struct Prepared {
    input: InputDoc,
    encoded: EncodedDoc,
    /// Per word: NER log-probabilities `[words × labels]`, then POS and chunk label indices.
    ner: Vec<f32>,
    pos: Vec<u16>,
    chunk: Vec<u16>,
    /// Per word, its scored heads (word indices); empty when the model has no dependency head.
    arcs: Vec<parse::Candidates>,
    errors: Vec<RecordError>,
}

enum Item {
    Failed(Box<Record>),
    Doc(Box<Prepared>),
}

struct Chunk {
    items: Vec<Item>,
    /// Each batch with, per row, the item index and the window it holds.
    batches: Vec<(Batch, Vec<(usize, Window)>)>,
}

impl Pipeline {
    pub fn new(spec: ModelSpec, backend: Box<dyn Backend>, options: Options) -> Result<Self> {
        let mut scheme = LabelScheme::new(&spec.ner_labels)?;
        let mut options = options;
        let mut ner_only = None;
        if options.rules {
            match rules::labels::rules_types(&scheme.types) {
                Ok(types) => scheme.types = types,
                Err(unknown) => {
                    options.rules = false;
                    ner_only = Some(format!(
                        "the model's entity types {} are not the rules' (PER, ORG, LOC, MISC and \
                         the names in src/rules/data/entity_labels.tsv): running NER only, \
                         each mention its own entity, no roles or facts",
                        unknown.join(", ")
                    ));
                }
            }
        }
        Ok(Pipeline {
            encoder: Encoder::new(&spec)?,
            scheme,
            spec,
            backend,
            options,
            stats: StageTimes::default(),
            ner_only,
            pool: None,
        })
    }

    /// Runs the parallel stages in `pool` instead of rayon's global pool. The Python binding
    /// needs this: a process forked after the global pool started has that pool's state but
    /// not its threads, so any later work there waits forever; a pipeline rebuilt in the child
    /// with a pool of its own does not touch it.
    pub fn set_thread_pool(&mut self, pool: rayon::ThreadPool) {
        self.pool = Some(pool);
    }

    /// Why the rules do not run although asked for, if they do not: the model's entity types.
    pub fn ner_only(&self) -> Option<&str> {
        self.ner_only.as_deref()
    }

    pub fn stage_times(&self) -> StageSummary {
        self.stats.summary()
    }

    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    /// Runs every input through the pipeline, handing records to `sink` in input order, each
    /// with the number of words the tokenizer found in its text (what progress counts). Only
    /// a failing sink (or a stage that cannot go on) stops the run; a document that fails
    /// becomes a record with `errors`.
    pub fn run(
        &mut self,
        inputs: impl Iterator<Item = Input> + Send,
        mut sink: impl FnMut(Record, u64) -> Result<()>,
    ) -> Result<()> {
        let (prepared_tx, prepared_rx) = bounded::<Chunk>(1);
        let (scored_tx, scored_rx) = bounded::<Chunk>(1);
        let (records_tx, records_rx) = bounded::<Vec<(Record, u64)>>(1);
        let Pipeline {
            encoder,
            scheme,
            backend,
            options,
            spec,
            stats,
            pool,
            ..
        } = self;
        let (encoder, scheme, spec, options, stats, pool) = (
            &*encoder,
            &*scheme,
            &*spec,
            &*options,
            &*stats,
            pool.as_ref(),
        );
        std::thread::scope(|scope| {
            scope.spawn(move || {
                for items in chunks(inputs, options.chunk_bytes) {
                    let chunk = within(pool, || prepare(encoder, options, items, stats));
                    if prepared_tx.send(chunk).is_err() {
                        break;
                    }
                }
            });
            scope.spawn(move || {
                for mut chunk in prepared_rx {
                    let started = Instant::now();
                    score(backend.as_mut(), scheme.len(), &mut chunk);
                    StageTimes::add(&stats.model_ns, started);
                    if scored_tx.send(chunk).is_err() {
                        break;
                    }
                }
            });
            scope.spawn(move || {
                for chunk in scored_rx {
                    let records = within(pool, || {
                        chunk
                            .items
                            .into_par_iter()
                            .map(|item| finish(spec, scheme, options, item, stats))
                            .collect()
                    });
                    if records_tx.send(records).is_err() {
                        break;
                    }
                }
            });
            // Dropping the receiver on a sink error stops the stages above.
            for records in records_rx {
                for (record, words) in records {
                    sink(record, words)?;
                }
            }
            Ok(())
        })
    }

    /// Runs documents held in memory; for eval and tests.
    pub fn annotate(&mut self, docs: Vec<InputDoc>) -> Result<Vec<Record>> {
        let mut records = Vec::with_capacity(docs.len());
        self.run(docs.into_iter().map(Input::Doc), |r, _| {
            records.push(r);
            Ok(())
        })?;
        Ok(records)
    }
}

/// Runs `work` in `pool` when there is one, else here (its parallel iterators then use
/// rayon's global pool).
fn within<R: Send>(pool: Option<&rayon::ThreadPool>, work: impl FnOnce() -> R + Send) -> R {
    match pool {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// Groups the input stream into chunks of about `chunk_bytes` of text.
fn chunks(
    inputs: impl Iterator<Item = Input>,
    chunk_bytes: usize,
) -> impl Iterator<Item = Vec<Input>> {
    let mut inputs = inputs.peekable();
    std::iter::from_fn(move || {
        let mut chunk = Vec::new();
        let mut bytes = 0;
        while bytes < chunk_bytes {
            let Some(input) = inputs.next() else { break };
            bytes += match &input {
                Input::Doc(d) => d.text.len().max(1),
                Input::Failed(_) => 1,
            };
            chunk.push(input);
        }
        (!chunk.is_empty()).then_some(chunk)
    })
}

/// Tokenises a chunk's documents in parallel and packs all their windows into batches of
/// similar length, so that little of each batch is padding.
fn prepare(encoder: &Encoder, options: &Options, inputs: Vec<Input>, stats: &StageTimes) -> Chunk {
    let items: Vec<Item> = inputs
        .into_par_iter()
        .map(|input| match input {
            Input::Failed(record) => Item::Failed(Box::new(record)),
            Input::Doc(doc) => {
                let mut errors = Vec::new();
                if doc.text.trim().is_empty() {
                    errors.push(error("input", "text is empty".into()));
                }
                let started = Instant::now();
                let encoded = encoder
                    .encode_at_most(&doc.text, options.max_doc_words)
                    .unwrap_or_else(|e| {
                        errors.push(error("tokenizer", e.to_string()));
                        EncodedDoc::default()
                    });
                StageTimes::add(&stats.tokenize_ns, started);
                stats.documents.fetch_add(1, Ordering::Relaxed);
                stats
                    .words
                    .fetch_add(encoded.words.len() as u64, Ordering::Relaxed);
                Item::Doc(Box::new(Prepared {
                    ner: Vec::new(),
                    pos: Vec::new(),
                    chunk: Vec::new(),
                    arcs: Vec::new(),
                    input: doc,
                    encoded,
                    errors,
                }))
            }
        })
        .collect();
    let mut windows: Vec<(usize, Window)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| match item {
            Item::Doc(p) if !p.encoded.ids.is_empty() => Some((i, p)),
            _ => None,
        })
        .flat_map(|(i, p)| {
            encoder
                .windows(p.encoded.ids.len())
                .into_iter()
                .map(move |w| (i, w))
        })
        .collect();
    windows.sort_by_key(|(_, w)| std::cmp::Reverse(w.tokens.len()));
    stats
        .windows
        .fetch_add(windows.len() as u64, Ordering::Relaxed);
    let batches = windows
        .chunks(options.batch_size.max(1))
        .map(|rows| {
            let docs: Vec<&EncodedDoc> = rows
                .iter()
                .map(|(i, _)| match &items[*i] {
                    Item::Doc(p) => &p.encoded,
                    Item::Failed(_) => unreachable!("windows are only planned for documents"),
                })
                .collect();
            (batch(encoder, &docs, rows), rows.to_vec())
        })
        .collect();
    Chunk { items, batches }
}

/// The model's input for `rows`: each window framed by [CLS] … [SEP], padded to the longest.
pub fn batch(encoder: &Encoder, docs: &[&EncodedDoc], rows: &[(usize, Window)]) -> Batch {
    let width = rows.iter().map(|(_, w)| w.tokens.len()).max().unwrap_or(0) + 2;
    let mut input_ids = Array2::from_elem((rows.len(), width), i64::from(encoder.pad_id));
    let mut attention_mask = Array2::zeros((rows.len(), width));
    let mut token_type_ids = Array2::zeros((rows.len(), width));
    for (r, ((_, window), doc)) in rows.iter().zip(docs).enumerate() {
        let len = window.tokens.len();
        input_ids[[r, 0]] = i64::from(encoder.cls_id);
        input_ids[[r, len + 1]] = i64::from(encoder.sep_id);
        for (c, t) in window.tokens.clone().enumerate() {
            input_ids[[r, c + 1]] = i64::from(doc.ids[t]);
            token_type_ids[[r, c + 1]] = i64::from(doc.type_ids[t]);
        }
        attention_mask
            .row_mut(r)
            .slice_mut(ndarray::s![..len + 2])
            .fill(1);
    }
    Batch {
        input_ids,
        attention_mask,
        token_type_ids,
    }
}

/// Runs the model over a chunk's batches and keeps, for each word, the scores at its first
/// sub-token from the window that keeps that token. Only these rows are kept, so a huge
/// document costs a few floats per word, not the model's whole output.
fn score(backend: &mut dyn Backend, labels: usize, chunk: &mut Chunk) {
    for item in &mut chunk.items {
        if let Item::Doc(p) = item {
            let words = p.encoded.words.len();
            p.ner = vec![0.0; words * labels];
            p.pos = vec![0; words];
            p.chunk = vec![0; words];
        }
    }
    for (batch, rows) in &chunk.batches {
        let logits = match backend.run(batch) {
            Ok(logits) => logits,
            Err(e) => {
                for (i, _) in rows {
                    if let Item::Doc(p) = &mut chunk.items[*i] {
                        if p.errors.iter().all(|e| e.stage != "model") {
                            p.errors.push(error("model", format!("{e:#}")));
                        }
                    }
                }
                continue;
            }
        };
        for (r, (i, window)) in rows.iter().enumerate() {
            let Item::Doc(p) = &mut chunk.items[*i] else {
                continue;
            };
            let words = &p.encoded.words;
            let starting_before = |token: usize| words.partition_point(|w| w.first_token < token);
            let in_window =
                starting_before(window.tokens.start)..starting_before(window.tokens.end);
            let kept = starting_before(window.keep.start)..starting_before(window.keep.end);
            let row_of = |word: &EncodedWord| word.first_token - window.tokens.start + 1;
            let window_arcs = logits.dep.as_ref().map(|dep| {
                let positions: Vec<usize> = words[in_window.clone()].iter().map(row_of).collect();
                parse::window_candidates(
                    dep.arcs.index_axis(Axis(0), r),
                    dep.label_dep.index_axis(Axis(0), r),
                    dep.label_head.index_axis(Axis(0), r),
                    &positions,
                    kept.start - in_window.start..kept.end - in_window.start,
                )
            });
            if window_arcs.is_some() && p.arcs.is_empty() {
                p.arcs = vec![parse::Candidates::default(); words.len()];
            }
            for w in kept.clone() {
                let word = &words[w];
                let row = row_of(word);
                p.ner[w * labels..(w + 1) * labels]
                    .iter_mut()
                    .zip(logits.ner.index_axis(Axis(0), r).row(row))
                    .for_each(|(dst, src)| *dst = *src);
                if let Some(pos) = &logits.pos {
                    p.pos[w] = decode::argmax(pos.index_axis(Axis(0), r).row(row)) as u16;
                }
                if let Some(chunk_logits) = &logits.chunk {
                    p.chunk[w] =
                        decode::argmax(chunk_logits.index_axis(Axis(0), r).row(row)) as u16;
                }
                if let Some(window_arcs) = &window_arcs {
                    let mut arcs = window_arcs[w - kept.start];
                    arcs.shift(in_window.start);
                    p.arcs[w] = arcs;
                }
            }
        }
    }
}

/// The parts of the mention over words `first..=last` between dashes with a space on either
/// side: no name holds one, but the model sometimes runs a name on over it ("Rob Partridge -
/// Marley's former head of press" as one PER).
fn split_at_spaced_dashes<'w>(
    text: &'w str,
    words: &'w [EncodedWord],
    first: usize,
    last: usize,
) -> impl Iterator<Item = (usize, usize)> + 'w {
    let spaced_dash = move |w: usize| {
        w > first
            && w < last
            && matches!(&text[words[w].start..words[w].end], "-" | "–" | "—")
            && words[w - 1].end < words[w].start
            && words[w].end < words[w + 1].start
    };
    let mut from = first;
    (first..=last + 1).filter_map(move |w| {
        if w <= last && !spaced_dash(w) {
            return None;
        }
        let part = (from, w - 1);
        from = w + 1;
        Some(part)
    })
}

/// Decodes a document's mentions, runs the rules and builds its record; with its word count.
fn finish(
    spec: &ModelSpec,
    scheme: &LabelScheme,
    options: &Options,
    item: Item,
    stats: &StageTimes,
) -> (Record, u64) {
    let mut p = match item {
        Item::Failed(record) => return (*record, 0),
        Item::Doc(p) => *p,
    };
    let word_count = p.encoded.words.len() as u64;
    if p.errors
        .iter()
        .any(|e| e.stage == "model" || e.stage == "tokenizer")
    {
        return (
            output::record(p.input, Found::Nothing, p.errors),
            word_count,
        );
    }
    let started = Instant::now();
    let labels = scheme.len();
    decode::log_softmax_rows(&mut p.ner, labels);
    let words = &p.encoded.words;
    let log_probs =
        ArrayView2::from_shape((words.len(), labels), &p.ner).expect("one row per word");
    let text = p.input.text.as_str();
    let mentions = decode::decode(scheme, log_probs)
        .into_iter()
        .flat_map(|m| {
            split_at_spaced_dashes(text, words, m.first, m.last).map(move |(first, last)| {
                MentionSpan {
                    start: words[first].start,
                    end: words[last].end,
                    label: &scheme.types[m.entity_type],
                    score: m.score,
                }
            })
        })
        .collect();
    fn tag<'a>(
        head: &'a Option<crate::model::spec::Head>,
        tags: &[u16],
        w: usize,
    ) -> Option<&'a str> {
        head.as_ref()
            .and_then(|h| h.labels.get(usize::from(*tags.get(w)?)))
            .map(String::as_str)
    }
    let doc_words = words
        .iter()
        .enumerate()
        .map(|(w, word)| Word {
            start: word.start,
            end: word.end,
            pos: tag(&spec.pos_head, &p.pos, w),
            chunk: tag(&spec.chunk_head, &p.chunk, w),
        })
        .collect();
    let date = p
        .input
        .date
        .as_deref()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let doc = Doc {
        text: &p.input.text,
        date,
        words: doc_words,
        mentions,
        arcs: std::mem::take(&mut p.arcs),
        dep_labels: spec.dep_head.as_ref().map_or(&[], |h| &h.labels),
    };
    StageTimes::add(&stats.decode_ns, started);
    let started = Instant::now();
    // A bug in a rule must cost one document its resolution, not a corpus run its output.
    let annotate = || {
        options
            .rules
            .then(|| rules::annotate(&doc, &options.switches))
    };
    let found = match std::panic::catch_unwind(AssertUnwindSafe(annotate)) {
        Ok(Some(annotations)) => Found::Rules {
            annotations,
            explain: options.explain,
        },
        Ok(None) => Found::mentions(&doc),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            p.errors.push(error(
                "rules",
                format!("internal error, mentions left unresolved: {message}"),
            ));
            Found::mentions(&doc)
        }
    };
    StageTimes::add(&stats.rules_ns, started);
    drop(doc);
    (output::record(p.input, found, p.errors), word_count)
}

fn error(stage: &str, message: String) -> RecordError {
    RecordError {
        stage: stage.into(),
        message,
        file: None,
        line: None,
    }
}

/// Which backend runs the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BackendKind {
    /// ONNX Runtime (the CPU default).
    Onnx,
    /// rust-bert/libtorch, from model.safetensors (needs the `torch` feature).
    Torch,
}

/// Opens a model: `path` is a model directory (its `model.onnx`, or `model.safetensors` for the
/// torch backend), or an `.onnx` file inside one. `device` is `cpu` or, for torch, `cuda[:N]`.
pub fn load(
    path: &std::path::Path,
    backend: BackendKind,
    device: &str,
    threads: usize,
    options: Options,
) -> Result<Pipeline> {
    if options.rules {
        rules::lexicon::validate()?;
    }
    let (dir, onnx_file) = if path.extension().is_some_and(|e| e == "onnx") {
        let dir = path
            .parent()
            .ok_or_else(|| anyhow!("{}: no model directory", path.display()))?;
        (dir.to_path_buf(), path.to_path_buf())
    } else {
        (path.to_path_buf(), path.join("model.onnx"))
    };
    let spec = ModelSpec::load(&dir)?;
    let backend: Box<dyn Backend> = match backend {
        BackendKind::Onnx if device != "cpu" => {
            return Err(anyhow!("the onnx backend runs on the cpu; use --backend torch for {device}"))
        }
        BackendKind::Onnx => Box::new(crate::model::onnx::OnnxBackend::load(
            &spec, &onnx_file, threads,
        )?),
        #[cfg(feature = "torch")]
        BackendKind::Torch => {
            // libtorch's thread count is process-wide, so it is set here, not per model.
            tch::set_num_threads(threads as i32);
            Box::new(crate::model::torch::TorchBackend::load(&dir, device)?)
        }
        #[cfg(not(feature = "torch"))]
        BackendKind::Torch => {
            return Err(anyhow!(
                "this build has no torch backend: build with --features torch (see scripts/setup-torch)"
            ))
        }
    };
    Pipeline::new(spec, backend, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<EncodedWord> {
        crate::doc::split_words(text)
            .map(|(start, end)| EncodedWord {
                first_token: 0,
                start,
                end,
            })
            .collect()
    }

    #[test]
    fn mentions_are_split_at_spaced_dashes_only() {
        let text = "Rob Partridge - Marley - Island";
        let w = words(text);
        let parts: Vec<_> = split_at_spaced_dashes(text, &w, 0, w.len() - 1).collect();
        assert_eq!(parts, [(0, 1), (3, 3), (5, 5)]);
        let text = "Hewlett-Packard Co";
        let w = words(text);
        let parts: Vec<_> = split_at_spaced_dashes(text, &w, 0, w.len() - 1).collect();
        assert_eq!(parts, [(0, w.len() - 1)]);
    }
}
