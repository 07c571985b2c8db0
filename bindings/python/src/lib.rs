//! `factx._native`: the factx pipeline for Python. The `factx` package (python/factx) wraps it:
//! it names the ONNX Runtime library of the `onnxruntime` wheel and the model shipped in the
//! wheel. Records leave Rust as the CLI's JSON lines (serde_json, the same serialiser as
//! `factx extract`), and become dicts through `json.loads`, so a record is the CLI's bytes.

use anyhow::{anyhow, Context};
use crossbeam_channel::{Receiver, Select, Sender, TryRecvError};
use factx::input::{self, Input, InputDoc, ReadOptions, Source};
use factx::pipeline::{self, BackendKind, Options, Pipeline};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyIterator, PyString};
use serde_json::{Map, Value};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};

/// Where documents handed over from Python are said to be, as the CLI says `<stdin>`: an item
/// of `pipe` without an id gets `<python>:N` (N counting items from 1), as a JSONL line without
/// one gets `FILE:LINE`.
const SOURCE: &str = "<python>";

/// One process's pipeline, lent to one call at a time.
struct Engine {
    slot: Mutex<Slot>,
    returned: Condvar,
}

enum Slot {
    Free(Box<Pipeline>),
    /// Lent to `extract`, which gives it back when done.
    Extracting,
    /// Lent to a `pipe` until its records are all read (or it is dropped).
    Piping,
}

impl Engine {
    fn new(pipeline: Pipeline) -> Self {
        Engine {
            slot: Mutex::new(Slot::Free(Box::new(pipeline))),
            returned: Condvar::new(),
        }
    }

    /// Takes the pipeline, waiting for an `extract` in another thread; an unfinished pipe is
    /// an error, since waiting for it from the thread that reads it would never end.
    fn take(&self, as_slot: Slot) -> anyhow::Result<Box<Pipeline>> {
        let mut slot = self
            .slot
            .lock()
            .map_err(|_| anyhow!("extractor poisoned"))?;
        loop {
            match std::mem::replace(&mut *slot, Slot::Piping) {
                Slot::Free(pipeline) => {
                    *slot = as_slot;
                    return Ok(pipeline);
                }
                Slot::Extracting => {
                    *slot = Slot::Extracting;
                    slot = self
                        .returned
                        .wait(slot)
                        .map_err(|_| anyhow!("extractor poisoned"))?;
                }
                Slot::Piping => bail_busy()?,
            }
        }
    }

    fn give_back(&self, pipeline: Box<Pipeline>) {
        if let Ok(mut slot) = self.slot.lock() {
            *slot = Slot::Free(pipeline);
            self.returned.notify_all();
        }
    }
}

fn bail_busy() -> anyhow::Result<()> {
    Err(anyhow!(
        "this Extractor is lent to an unfinished pipe(): read it to the end or close() it, \
         or use a second Extractor"
    ))
}

fn load(model: &std::path::Path, threads: usize) -> anyhow::Result<Pipeline> {
    let options = Options {
        max_doc_words: pipeline::MAX_DOC_WORDS,
        ..Options::default()
    };
    let mut pipeline = pipeline::load(model, BackendKind::Onnx, "cpu", threads, options)
        .with_context(|| format!("cannot load the model {}", model.display()))?;
    // A pool of its own, never rayon's global one: see `Extractor::engine` on fork.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("factx-{i}"))
        .build()
        .context("cannot start factx's threads")?;
    pipeline.set_thread_pool(pool);
    Ok(pipeline)
}

fn error(e: anyhow::Error) -> PyErr {
    PyRuntimeError::new_err(format!("{e:#}"))
}

/// The factx pipeline: NER, entities, roles and facts, one record per document.
#[pyclass(frozen, subclass, module = "factx._native")]
struct Extractor {
    model: PathBuf,
    threads: usize,
    /// The engine and the process that built it. A forked child inherits the parent's engine
    /// without the threads behind it (ONNX Runtime's, the rayon pool's, a pipe's), so using it
    /// there would wait forever: the child builds an engine of its own on first use, and never
    /// drops the inherited one (dropping would join threads that are not there).
    live: Mutex<(u32, Arc<Engine>)>,
}

impl Extractor {
    fn engine(&self, py: Python<'_>) -> PyResult<Arc<Engine>> {
        let pid = std::process::id();
        {
            let live = self.live.lock().map_err(|_| error(anyhow!("poisoned")))?;
            if live.0 == pid {
                return Ok(live.1.clone());
            }
        }
        let (model, threads) = (&self.model, self.threads);
        let engine = Arc::new(Engine::new(
            py.detach(|| load(model, threads)).map_err(error)?,
        ));
        let mut live = self.live.lock().map_err(|_| error(anyhow!("poisoned")))?;
        if live.0 != pid {
            let inherited = std::mem::replace(&mut *live, (pid, engine));
            std::mem::forget(inherited);
        }
        Ok(live.1.clone())
    }
}

#[pymethods]
impl Extractor {
    #[new]
    #[pyo3(signature = (model, threads=None))]
    fn new(py: Python<'_>, model: PathBuf, threads: Option<usize>) -> PyResult<Self> {
        let threads = match threads {
            Some(0) => return Err(PyValueError::new_err("threads must be at least 1")),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(2, |n| n.get()),
        };
        let pipeline = py.detach(|| load(&model, threads)).map_err(error)?;
        if let Some(why) = pipeline.ner_only() {
            let warnings = py.import("warnings")?;
            warnings.call_method1("warn", (format!("factx: {why}"),))?;
        }
        Ok(Extractor {
            model,
            threads,
            live: Mutex::new((std::process::id(), Arc::new(Engine::new(pipeline)))),
        })
    }

    /// The model directory.
    #[getter]
    fn model(&self) -> PathBuf {
        self.model.clone()
    }

    #[getter]
    fn threads(&self) -> usize {
        self.threads
    }

    /// The record of one document, as a dict (`as_json`: the CLI's JSON line, without `\n`).
    #[pyo3(signature = (text, id=None, date=None, meta=None, as_json=false))]
    fn extract(
        &self,
        py: Python<'_>,
        text: String,
        id: Option<String>,
        date: Option<String>,
        meta: Option<Bound<'_, PyDict>>,
        as_json: bool,
    ) -> PyResult<Py<PyAny>> {
        let mut object = Map::new();
        if let Some(meta) = &meta {
            object = match to_json(py, meta.as_any())? {
                Ok(Value::Object(object)) => object,
                Ok(_) => unreachable!("a dict dumps as an object"),
                Err(e) => return Err(PyValueError::new_err(format!("meta: {e}"))),
            };
            for key in ["id", "text", "date"] {
                if object.contains_key(key) {
                    return Err(PyValueError::new_err(format!(
                        "meta cannot hold {key:?}: give it as the argument"
                    )));
                }
            }
        }
        object.insert("text".into(), Value::String(text));
        if let Some(date) = date {
            object.insert("date".into(), Value::String(date));
        }
        let input = input::document(object, id.unwrap_or_default(), SOURCE, None);
        let engine = self.engine(py)?;
        let line = py
            .detach(|| -> anyhow::Result<String> {
                let mut pipeline = engine.take(Slot::Extracting)?;
                let mut line = None;
                let result = pipeline.run(std::iter::once(input), |record, _| {
                    line = Some(serde_json::to_string(&record)?);
                    Ok(())
                });
                engine.give_back(pipeline);
                result?;
                line.context("the pipeline gave no record")
            })
            .map_err(error)?;
        Records::convert(py, line, as_json)
    }

    /// The records of `items` (str, or dict read as a JSONL line is), in order, streamed.
    #[pyo3(signature = (items, batch_size=256, as_json=false))]
    fn pipe(
        &self,
        py: Python<'_>,
        items: Bound<'_, PyAny>,
        batch_size: usize,
        as_json: bool,
    ) -> PyResult<Records> {
        if batch_size == 0 {
            return Err(PyValueError::new_err("batch_size must be at least 1"));
        }
        let items = items.try_iter()?.unbind();
        let (inputs_tx, inputs_rx) = crossbeam_channel::bounded::<Input>(batch_size);
        Records::start(
            py,
            self.engine(py)?,
            inputs_rx.into_iter(),
            Some((items, inputs_tx)),
            as_json,
        )
    }

    /// The records of files read as `factx extract` reads them: `sources` are `(path, id)`
    /// pairs from `factx.sources`, id `None` for a JSONL file (its lines name themselves).
    #[pyo3(signature = (sources, as_json=false))]
    fn extract_files(
        &self,
        py: Python<'_>,
        sources: Vec<(PathBuf, Option<String>)>,
        as_json: bool,
    ) -> PyResult<Records> {
        let sources = sources
            .into_iter()
            .map(|(path, id)| match id {
                Some(id) => Source::Text { path, id },
                None => Source::Jsonl(path),
            })
            .collect();
        let read_options = ReadOptions {
            max_doc_bytes: input::MAX_DOC_BYTES,
        };
        let inputs = input::read(sources, read_options, Arc::default());
        Records::start(py, self.engine(py)?, inputs, None, as_json)
    }
}

/// The files `factx extract INPUT...` would read, in its order: `(path, id)` for a text file,
/// `(path, None)` for a JSONL file.
#[pyfunction]
fn sources(inputs: Vec<String>) -> PyResult<Vec<(PathBuf, Option<String>)>> {
    let sources = input::sources(&inputs).map_err(error)?;
    sources
        .into_iter()
        .map(|source| match source {
            Source::Text { path, id } => Ok((path, Some(id))),
            Source::Jsonl(path) => Ok((path, None)),
            Source::Stdin => Err(PyValueError::new_err(
                "'-' (stdin) is the CLI's; give files or directories",
            )),
        })
        .collect()
}

/// `json.dumps(obj)` parsed by serde_json: a dict item read exactly as the same JSONL line
/// would be. The inner error: the object is no JSON (a set, a NaN, ...).
fn to_json(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Result<Value, String>> {
    let json = py.import("json")?;
    let dumped = match json.call_method1("dumps", (obj,)) {
        Ok(dumped) => dumped,
        Err(e) => return Ok(Err(e.value(py).to_string())),
    };
    let text = dumped.cast::<PyString>()?.to_str()?.to_owned();
    Ok(serde_json::from_str(&text).map_err(|e| e.to_string()))
}

/// The records of a `pipe` or `extract_files`, in input order. The pipeline runs in a thread
/// of its own; `__next__` hands it items from Python (up to `batch_size` ahead) and returns its
/// records, waiting without the GIL.
#[pyclass(module = "factx._native")]
struct Records {
    pid: u32,
    /// The Python iterator and where its documents go; `None` once it is exhausted.
    feed: Option<(Py<PyIterator>, Sender<Input>)>,
    /// An item read from the iterator that the full channel has not taken yet.
    pending: Option<Input>,
    /// Items read so far.
    position: usize,
    /// JSON lines; the last message is the error that stopped the run, if one did.
    records: Receiver<Result<String, String>>,
    as_json: bool,
}

impl Records {
    fn start(
        py: Python<'_>,
        engine: Arc<Engine>,
        inputs: impl Iterator<Item = Input> + Send + 'static,
        feed: Option<(Py<PyIterator>, Sender<Input>)>,
        as_json: bool,
    ) -> PyResult<Records> {
        let mut pipeline = py.detach(|| engine.take(Slot::Piping)).map_err(error)?;
        let (records_tx, records) = crossbeam_channel::unbounded();
        std::thread::Builder::new()
            .name("factx-pipe".into())
            .spawn(move || {
                let sink_tx = records_tx.clone();
                let result = pipeline.run(inputs, |record, _| {
                    let line = serde_json::to_string(&record)?;
                    sink_tx
                        .send(Ok(line))
                        .map_err(|_| anyhow!("the records are no longer read"))
                });
                engine.give_back(pipeline);
                if let Err(e) = result {
                    records_tx.send(Err(format!("{e:#}"))).ok();
                }
            })
            .map_err(|e| error(anyhow!("cannot start factx's pipe thread: {e}")))?;
        Ok(Records {
            pid: std::process::id(),
            feed,
            pending: None,
            position: 0,
            records,
            as_json,
        })
    }

    fn convert(py: Python<'_>, line: String, as_json: bool) -> PyResult<Py<PyAny>> {
        if as_json {
            return Ok(PyString::new(py, &line).into_any().unbind());
        }
        let json = py.import("json")?;
        Ok(json.call_method1("loads", (line,))?.unbind())
    }

    /// The document the next item holds, or the error record it becomes.
    fn item(py: Python<'_>, item: &Bound<'_, PyAny>, position: usize) -> PyResult<Input> {
        let fallback = format!("{SOURCE}:{position}");
        if let Ok(text) = item.cast::<PyString>() {
            return Ok(match text.to_str() {
                Ok(text) => Input::Doc(InputDoc {
                    id: fallback,
                    text: text.to_owned(),
                    ..InputDoc::default()
                }),
                // A lone surrogate: Python strings may hold one, UTF-8 cannot.
                Err(e) => {
                    let message = format!("item is no valid text: {}", e.value(py));
                    input::failed(&fallback, SOURCE, Some(position), message)
                }
            });
        }
        if !item.is_instance_of::<PyDict>() {
            let kind = item.get_type().name()?;
            let message = format!("item is a {kind}, not a str or a dict");
            return Ok(input::failed(&fallback, SOURCE, Some(position), message));
        }
        Ok(match to_json(py, item)? {
            Ok(Value::Object(object)) => input::document(object, fallback, SOURCE, Some(position)),
            Ok(_) => unreachable!("a dict dumps as an object"),
            Err(e) => {
                // Its id still names the record, where it has one.
                let id = item.get_item("id").ok().and_then(|id| {
                    id.extract::<String>()
                        .ok()
                        .or_else(|| id.extract::<i64>().ok().map(|n| n.to_string()))
                });
                let message = format!("item is no JSON object: {e}");
                input::failed(&id.unwrap_or(fallback), SOURCE, Some(position), message)
            }
        })
    }

    /// Hands items to the pipeline until a record is ready (or all items are handed over).
    fn next_line(&mut self, py: Python<'_>) -> PyResult<Option<String>> {
        loop {
            match self.records.try_recv() {
                Ok(Ok(line)) => return Ok(Some(line)),
                Ok(Err(e)) => return Err(PyRuntimeError::new_err(e)),
                Err(TryRecvError::Disconnected) => return Ok(None),
                Err(TryRecvError::Empty) => {}
            }
            let Some((items, inputs)) = self
                .feed
                .as_ref()
                .map(|(items, inputs)| (items.bind(py).clone(), inputs.clone()))
            else {
                return py
                    .detach(|| self.records.recv().ok())
                    .transpose()
                    .map_err(PyRuntimeError::new_err);
            };
            let input = match self.pending.take() {
                Some(input) => input,
                None => match items.clone().next() {
                    Some(item) => {
                        self.position += 1;
                        Self::item(py, &item?, self.position)?
                    }
                    None => {
                        // The end of the items ends the pipeline's input.
                        self.feed = None;
                        continue;
                    }
                },
            };
            let input = match inputs.try_send(input) {
                Ok(()) => continue,
                Err(crossbeam_channel::TrySendError::Full(input)) => input,
                Err(crossbeam_channel::TrySendError::Disconnected(_)) => {
                    self.feed = None;
                    continue;
                }
            };
            // The pipeline is busy: wait for a record or for room, whichever comes first.
            let (records, inputs) = (&self.records, &inputs);
            // `Some(input)` back with the record when the record came first.
            let (record, input) = py.detach(|| {
                let mut select = Select::new();
                let on_record = select.recv(records);
                select.send(inputs);
                let ready = select.select();
                if ready.index() == on_record {
                    (Some(ready.recv(records)), Some(input))
                } else {
                    // A closed channel: the run has stopped, and its error is in `records`.
                    ready.send(inputs, input).ok();
                    (None, None)
                }
            });
            self.pending = input;
            match record {
                None => {}
                Some(Ok(Ok(line))) => return Ok(Some(line)),
                Some(Ok(Err(e))) => return Err(PyRuntimeError::new_err(e)),
                Some(Err(_)) => return Ok(None),
            }
        }
    }
}

#[pymethods]
impl Records {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        if self.pid != std::process::id() {
            return Err(PyRuntimeError::new_err(
                "a pipe started before fork() cannot go on in the child: start it there",
            ));
        }
        match self.next_line(py)? {
            Some(line) => Records::convert(py, line, self.as_json).map(Some),
            None => Ok(None),
        }
    }

    /// Stops the pipe: the documents not yet read are not annotated, and the Extractor is free
    /// again once the documents in flight are done.
    fn close(&mut self) {
        self.feed = None;
        self.pending = None;
        let (_, closed) = crossbeam_channel::bounded(0);
        self.records = closed;
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Extractor>()?;
    m.add_class::<Records>()?;
    m.add_function(wrap_pyfunction!(sources, m)?)?;
    m.add("ORT_VERSION", factx::model::onnx::ORT_VERSION)?;
    Ok(())
}
