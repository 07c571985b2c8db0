//! The `factx` command line: `extract` runs the pipeline over corpora, `eval` scores it.

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use factx::convert::{self, Format, RecordWriter, Source};
use factx::eval::{self, conll};
use factx::input::{self, ReadOptions};
use factx::job::{self, RunIdentity};
use factx::output::JsonlWriter;
use factx::pipeline::{self, BackendKind, Options, Pipeline};
use factx::progress::{Progress, Tally};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "factx",
    about = "People, organisations, places, roles and numeric facts from news text",
    after_help = "factx --version: the version, and the default model with a hash of its weights"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Annotate documents and write one JSON record per document.
    Extract(ExtractArgs),
    /// Score the pipeline against hand-labelled records or CoNLL data.
    Eval(EvalArgs),
    /// List the named rules, stage by stage in the order they run, with an example of each.
    Rules,
    /// Convert records to another format (--to), or corrected annotations back to gold
    /// records (--from); docs/CONVERT.md.
    Convert(ConvertArgs),
    /// Write records (any extraction, no gold needed) as HTML pages: a corpus summary, an
    /// index, and each document with its entities, roles and facts drawn in the text.
    View(ViewArgs),
}

#[derive(Args)]
struct ViewArgs {
    /// Records (JSONL), as `factx extract` writes them.
    records: PathBuf,
    /// The HTML file to write: the summary, the index and the first documents; the others go
    /// to pages in OUT_files/ beside it (OUT without its extension).
    #[arg(short, long)]
    output: PathBuf,
    /// Only the documents with this id (repeatable).
    #[arg(long = "id", value_name = "ID")]
    ids: Vec<String>,
    /// Documents per HTML file: the main file holds the first ones, each page in OUT_files/
    /// the next ones.
    #[arg(long, default_value_t = factx::view::DOCS_PER_FILE,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    docs_per_file: usize,
}

#[derive(Args)]
struct ModelArgs {
    /// Model directory (or an .onnx file inside one); the shipped default model when absent.
    #[arg(long, env = "FACTX_MODEL")]
    model: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "onnx")]
    backend: BackendKind,
    /// `cpu`, or `cuda` / `cuda:N` with the torch backend.
    #[arg(long, default_value = "cpu")]
    device: String,
    /// Threads for the model and for the other stages (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Windows (of up to 256 tokens) per model call. Keep 1 with the int8 default model: it
    /// quantises activations per call, so batching makes a document's labels depend on its
    /// neighbours. Larger batches (about 14 MB more memory per window) pay off with fp32
    /// models on a GPU.
    #[arg(long, default_value_t = Options::default().batch_size)]
    batch_size: usize,
}

#[derive(Args)]
struct ExtractArgs {
    /// JSONL files (`id`, `text`, optional `date`), .txt files, directories, or `-` for JSONL on stdin.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Output file (default: stdout); a directory for --format brat.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Output format (docs/CONVERT.md); brat, spacy and parquet need -o.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
    /// Nothing on stderr but fatal errors: no progress, no per-document error lines, no
    /// summary line.
    #[arg(short, long)]
    quiet: bool,
    /// Print documents, words and time per stage (JSON) on stderr at the end.
    #[arg(long)]
    stats: bool,
    /// Documents larger than this many bytes become error records instead of being read.
    #[arg(long, default_value_t = input::MAX_DOC_BYTES)]
    max_doc_bytes: usize,
    /// Documents of more words than this (as the tokenizer counts them, punctuation too) become
    /// error records: memory grows with the words, about 300 MB at the default.
    #[arg(long, default_value_t = pipeline::MAX_DOC_WORDS)]
    max_doc_words: usize,
    /// Name the rule behind each role and fact (`rule`, and `entity_rule` for a fact's entity).
    #[arg(long)]
    explain: bool,
    /// Annotate only shard K of N: the documents whose position in the input (from 0) leaves
    /// K-1 when divided by N. N runs with 1/N ... N/N write every record exactly once.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<(usize, usize)>,
    /// Continue a killed run into OUT: its complete records are kept, a torn last line is cut,
    /// the documents they hold are skipped and the rest appended. Refused when OUT was written
    /// by another run (inputs, model, settings: `OUT.factx-run.json`).
    #[arg(long, requires = "output")]
    resume: bool,
    #[command(flatten)]
    model: ModelArgs,
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("direction").required(true).args(["to", "from"])))]
struct ConvertArgs {
    /// Records (JSONL) with --to; a Label Studio JSON export or a brat directory with --from.
    input: PathBuf,
    /// Write the records in this format.
    #[arg(long, value_enum)]
    to: Option<Format>,
    /// Read annotations in this format and write gold records (JSONL).
    #[arg(long, value_enum)]
    from: Option<Source>,
    /// Output file, or directory for brat (default: stdout, for the formats that stream).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Args)]
struct EvalArgs {
    /// Gold records (JSONL in factx's record format).
    #[arg(long, required_unless_present = "conll")]
    gold: Option<PathBuf>,
    /// Predicted records; the pipeline runs on the gold texts when absent.
    #[arg(long, conflicts_with = "conll")]
    pred: Option<PathBuf>,
    /// Score NER on CoNLL-2003-format data instead (entity-level, as conlleval/seqeval).
    #[arg(long, conflicts_with = "gold")]
    conll: Option<PathBuf>,
    /// With --conll: score the mentions of the whole pipeline's records (the rules' entity
    /// labels and spans), as users get them, instead of the model's alone.
    #[arg(long, requires = "conll")]
    pipeline: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Also list every missed and spurious item, document by document.
    #[arg(long)]
    errors: bool,
    /// Also write an HTML report with the documents' gold and predicted spans side by side.
    #[arg(long)]
    html: Option<PathBuf>,
    /// List errors (--errors, --html) of this half's documents only: docs/ANNOTATION.md lets
    /// rules be tuned on the tune half's errors, never on the held-out half's.
    #[arg(long, value_parser = ["tune", "heldout"], conflicts_with = "conll")]
    half: Option<String>,
    /// Score with these rules switched off (names as `--explain` prints them; docs/RULES.md);
    /// with --conll, only with --pipeline.
    #[arg(long, value_delimiter = ',', conflicts_with = "pred")]
    without: Vec<String>,
    #[command(flatten)]
    model: ModelArgs,
}

fn main() {
    // Only when asked: the version names the default model and hashes its weights.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if matches!(args.as_slice(), [flag] if flag == "--version" || flag == "-V") {
        println!("{}", version());
        return;
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(args) => extract(args),
        Command::Eval(args) => eval(args),
        Command::Rules => list_rules(),
        Command::Convert(args) => convert(args),
        Command::View(args) => view(args),
    };
    if let Err(e) = result {
        // `factx extract ... | head`: the reader has all it wants, a normal stop (ripgrep's
        // convention).
        if closed_pipe(&e) {
            std::process::exit(0);
        }
        eprintln!("factx: {e:#}");
        std::process::exit(1);
    }
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let parsed = s
        .split_once('/')
        .and_then(|(k, n)| Some((k.parse::<usize>().ok()?, n.parse::<usize>().ok()?)));
    match parsed {
        Some((k, n)) if (1..=n).contains(&k) => Ok((k, n)),
        _ => Err(format!(
            "{s:?} is no shard: K/N with 1 <= K <= N, such as 2/8"
        )),
    }
}

fn closed_pipe(e: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    e.chain().any(|cause| {
        let io = cause.downcast_ref::<std::io::Error>().map(|io| io.kind());
        // serde_json wraps the writer's error in its own.
        let json = cause
            .downcast_ref::<serde_json::Error>()
            .and_then(|j| j.io_error_kind());
        io.or(json) == Some(BrokenPipe)
    })
}

const DEFAULT_MODEL: &str = "factx-ner-minilm-l6";

/// Where the default model may be, in order: beside the executable (`factx-ner-minilm-l6/` or
/// `models/factx-ner-minilm-l6/` in its folder); for a binary built and run inside its source
/// tree, that tree's `models/` (a model retrained there is used at once); and the user data
/// folder where scripts/setup installs it. An installed binary never reads the source tree it
/// was built from.
fn default_model_places() -> Vec<PathBuf> {
    let mut places = Vec::new();
    let exe = std::env::current_exe().ok();
    if let Some(dir) = exe.as_deref().and_then(std::path::Path::parent) {
        places.push(dir.join(DEFAULT_MODEL));
        places.push(dir.join("models").join(DEFAULT_MODEL));
    }
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if exe.is_some_and(|e| e.starts_with(source.join("target"))) {
        places.push(source.join("models").join(DEFAULT_MODEL));
    }
    let data = factx::model::onnx::data_dir();
    places.push(data.join("models").join(DEFAULT_MODEL));
    places
}

fn default_model() -> Result<PathBuf> {
    let places = default_model_places();
    places
        .iter()
        .find(|p| p.join("config.json").is_file())
        .cloned()
        .ok_or_else(|| {
            let looked: Vec<String> = places.iter().map(|p| p.display().to_string()).collect();
            anyhow::anyhow!(
                "the default model is not installed (looked in {}): run scripts/setup, or give \
                 one with --model or FACTX_MODEL",
                looked.join(", ")
            )
        })
}

/// `factx --version`: the version, and the default model with a short hash of its weights.
fn version() -> String {
    let model = match default_model() {
        Ok(dir) => match job::file_hash(&dir.join("model.onnx")) {
            Ok(hash) => format!(
                "model {DEFAULT_MODEL} (weights {}) at {}",
                &hash[..8],
                dir.display()
            ),
            Err(e) => format!("model {DEFAULT_MODEL} at {}: {e:#}", dir.display()),
        },
        Err(e) => format!("{e:#}"),
    };
    format!("factx {}\n{model}", env!("CARGO_PKG_VERSION"))
}

fn model_path(args: &ModelArgs) -> Result<PathBuf> {
    args.model.clone().map_or_else(default_model, Ok)
}

/// The file holding the weights the backend reads.
fn weights_file(args: &ModelArgs) -> Result<PathBuf> {
    let path = model_path(args)?;
    Ok(match args.backend {
        _ if path.extension().is_some_and(|e| e == "onnx") => path,
        BackendKind::Onnx => path.join("model.onnx"),
        BackendKind::Torch => path.join("model.safetensors"),
    })
}

fn load_pipeline(args: &ModelArgs, options: Options) -> Result<Pipeline> {
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .ok();
    let options = Options {
        batch_size: args.batch_size,
        ..options
    };
    let pipeline = pipeline::load(
        &model_path(args)?,
        args.backend,
        &args.device,
        threads,
        options,
    )?;
    if let Some(why) = pipeline.ner_only() {
        eprintln!("factx: {why}");
    }
    Ok(pipeline)
}

fn convert(args: ConvertArgs) -> Result<()> {
    let out = args.output.as_deref();
    match (args.to, args.from) {
        (Some(format), _) => convert::convert_records(&args.input, format, out),
        (None, Some(source)) => convert::convert_to_gold(&args.input, source, out),
        (None, None) => unreachable!("clap requires --to or --from"),
    }
}

fn view(args: ViewArgs) -> Result<()> {
    factx::view::write(&args.records, &args.output, &args.ids, args.docs_per_file)?;
    Ok(())
}

fn extract(args: ExtractArgs) -> Result<()> {
    if args.format != Format::Jsonl && args.resume {
        anyhow::bail!("--resume continues JSONL output only (--format jsonl)");
    }
    // Before the model loads: a run that cannot write its output should not start.
    if !args.format.streams() && args.output.is_none() {
        anyhow::bail!("{} cannot go to stdout: give -o OUT", args.format.name());
    }
    let started = Instant::now();
    let sources = input::sources(&args.inputs)?;
    if sources.is_empty() {
        anyhow::bail!(
            "no inputs found: no .txt or .jsonl files in {}",
            args.inputs.join(", ")
        );
    }
    let options = Options {
        explain: args.explain,
        max_doc_words: args.max_doc_words,
        ..Options::default()
    };
    // From the first moment: loading the model takes seconds.
    let mut progress = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let model = args.model.model.as_ref().map_or_else(
            || DEFAULT_MODEL.to_string(),
            |path| path.display().to_string(),
        );
        Progress::loading(&model)
    });
    // Counted beside the model's loading, never waited for: the bar shows the total once known.
    let total_documents = Arc::new(OnceLock::new());
    if progress.is_some() {
        let (sources, total, shard) = (sources.clone(), total_documents.clone(), args.shard);
        std::thread::spawn(move || {
            if let Some(documents) = input::count_documents(&sources) {
                total.set(shard_share(documents, shard)).ok();
            }
        });
    }
    let mut pipeline = load_pipeline(&args.model, options)?;
    // Records already in OUT, from the run this one resumes.
    let mut done = 0;
    let mut writer: Box<dyn RecordWriter> = match (&args.output, args.format) {
        (Some(path), Format::Jsonl) => {
            let identity = RunIdentity {
                factx: env!("CARGO_PKG_VERSION").into(),
                inputs: args.inputs.clone(),
                input_bytes: input::total_bytes(&sources),
                model: model_path(&args.model)?.display().to_string(),
                weights: job::file_hash(&weights_file(&args.model)?)?,
                backend: format!("{:?}", args.model.backend),
                settings: format!(
                    "explain {}, shard {:?}, max doc bytes {}, max doc words {}",
                    args.explain, args.shard, args.max_doc_bytes, args.max_doc_words
                ),
            };
            if args.resume {
                done = job::resume(path, &identity)?;
            }
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(args.resume)
                .write(true)
                .truncate(!args.resume)
                .open(path)
                .with_context(|| format!("{}: cannot create", path.display()))?;
            job::write_identity(path, &identity)?;
            Box::new(JsonlWriter::new(std::io::BufWriter::with_capacity(
                1 << 16,
                file,
            )))
        }
        (output, format) => convert::writer(format, output.as_deref())?,
    };
    // Each JSONL record reaches a file whole and at once, so a kill loses only the work in
    // flight (and --resume continues from there).
    let flush_each = args.output.is_some() && args.format == Format::Jsonl;
    // SIGINT, SIGTERM: stop reading, write what is complete, say how to resume.
    let (interrupted, terminated) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicBool::new(false)),
    );
    for (signal, flag, status) in [
        (signal_hook::consts::SIGINT, &interrupted, 130),
        (signal_hook::consts::SIGTERM, &terminated, 143),
    ] {
        // A second signal does not wait.
        signal_hook::flag::register_conditional_shutdown(signal, status, flag.clone())?;
        signal_hook::flag::register(signal, flag.clone())?;
    }
    let stop = {
        let (interrupted, terminated) = (interrupted.clone(), terminated.clone());
        move || interrupted.load(Ordering::Relaxed) || terminated.load(Ordering::Relaxed)
    };
    let bytes_read = Arc::new(AtomicU64::new(0));
    let total_bytes = input::total_bytes(&sources);
    if let Some(progress) = &mut progress {
        progress.start(total_bytes, total_documents, done as u64);
    }
    // Documents read at all (before --shard and --resume choose): none means no input.
    let documents_read = Arc::new(AtomicU64::new(0));
    // Where each document handed to the pipeline lies in the input (bytes), in input order as
    // the records come out: the bar shows how far the *written* records reach.
    let (spans_tx, spans_rx) = crossbeam_channel::unbounded::<std::ops::Range<u64>>();
    let previous_end = std::cell::Cell::new(0);
    let (shard, shards) = args.shard.map_or((0, 1), |(k, n)| (k - 1, n));
    let inputs = {
        let (bytes_read, documents_read) = (bytes_read.clone(), documents_read.clone());
        input::read(
            sources,
            ReadOptions {
                max_doc_bytes: args.max_doc_bytes,
            },
            bytes_read.clone(),
        )
        .map(move |input| {
            documents_read.fetch_add(1, Ordering::Relaxed);
            let end = bytes_read.load(Ordering::Relaxed);
            (previous_end.replace(end)..end, input)
        })
        .enumerate()
        .filter(move |(position, _)| position % shards == shard)
        .map(|(_, input)| input)
        .skip(done)
        .take_while(move |_| !stop())
        .map(move |(span, input)| {
            // The receiver outlives the run, so this cannot fail.
            spans_tx.send(span).ok();
            input
        })
    };
    let mut tally = Tally::default();
    pipeline.run(inputs, |record, words| {
        if !args.quiet {
            for e in &record.errors {
                let line = format!("factx: {}", error_line(&record.id, e));
                match &progress {
                    Some(progress) => progress.println(line),
                    None => eprintln!("{line}"),
                }
            }
        }
        writer.write(&record)?;
        if flush_each {
            writer.flush()?;
        }
        tally.add(&record, words);
        let span = spans_rx.try_recv().unwrap_or_default();
        if let Some(progress) = &mut progress {
            progress.finished(&tally, span);
        }
        Ok(())
    })?;
    writer.finish()?;
    // Cleared for the summary line.
    drop(progress);
    if documents_read.load(Ordering::Relaxed) == 0 {
        anyhow::bail!("no documents in {}", args.inputs.join(", "));
    }
    if !args.quiet {
        eprintln!("factx: {}", tally.summary(started.elapsed()));
    }
    if args.stats {
        eprintln!("{}", serde_json::to_string(&pipeline.stage_times())?);
    }
    let signal = match (
        interrupted.load(Ordering::Relaxed),
        terminated.load(Ordering::Relaxed),
    ) {
        (true, _) => Some(("interrupted", 130)),
        (_, true) => Some(("terminated", 143)),
        _ => None,
    };
    if let Some((how, status)) = signal {
        let resume = match &args.output {
            Some(path) if args.format == Format::Jsonl => format!(
                "{} complete records in {}; the same command with --resume continues",
                done + tally.documents as usize,
                path.display()
            ),
            Some(path) => format!("{} records written to {}", tally.documents, path.display()),
            None => format!("{} records written", tally.documents),
        };
        eprintln!("factx: {how}: {resume}");
        std::process::exit(status);
    }
    Ok(())
}

/// How many of `documents` shard K/N annotates: those at positions K-1, K-1+N, ... from 0.
fn shard_share(documents: u64, shard: Option<(usize, usize)>) -> u64 {
    match shard {
        Some((k, n)) => documents.saturating_sub(k as u64 - 1).div_ceil(n as u64),
        None => documents,
    }
}

fn list_rules() -> Result<()> {
    let mut out = std::io::stdout().lock();
    for rule in factx::rules::catalogue() {
        writeln!(out, "{}\t{}\t{}", rule.stage, rule.name, rule.example)?;
    }
    Ok(())
}

/// `PLACE: [ID: ]STAGE error: MESSAGE`, the place said once: a document without an id of its own
/// is named by its place (`<stdin>:1`), and a text file's id is the end of its path.
fn error_line(id: &str, e: &factx::record::RecordError) -> String {
    let place = match (&e.file, e.line) {
        (Some(file), Some(line)) => format!("{file}:{line}"),
        (Some(file), None) => file.clone(),
        (None, _) => String::new(),
    };
    let named = if place.is_empty() {
        format!("{id}: ")
    } else if place.ends_with(id) {
        format!("{place}: ")
    } else {
        format!("{place}: {id}: ")
    };
    format!("{named}{} error: {}", e.stage, e.message)
}

fn eval(args: EvalArgs) -> Result<()> {
    match (&args.conll, &args.gold) {
        (Some(conll), _) => eval_conll(&args, conll),
        (None, Some(gold)) => eval_gold(&args, gold),
        (None, None) => unreachable!("clap requires --gold or --conll"),
    }
}

/// NER as CoNLL scores it: the model's mentions without the rules stages, or with
/// `--pipeline` the mentions of the records the whole pipeline writes.
fn eval_conll(args: &EvalArgs, path: &std::path::Path) -> Result<()> {
    if !args.without.is_empty() && !args.pipeline {
        bail!("--without with --conll needs --pipeline: without it no rule runs");
    }
    let docs = conll::read(path)?;
    let options = Options {
        rules: args.pipeline,
        switches: factx::rules::Switches::without(&args.without)?,
        ..Options::default()
    };
    let mut pipeline = load_pipeline(&args.model, options)?;
    let report =
        conll::evaluate(&mut pipeline, &docs).with_context(|| format!("{}", path.display()))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{}: {} documents", path.display(), docs.len());
        print!("{}", report.table());
    }
    Ok(())
}

fn eval_gold(args: &EvalArgs, gold_path: &std::path::Path) -> Result<()> {
    let gold = input::read_records(gold_path)?;
    let pred = match &args.pred {
        Some(path) => input::read_records(path)?,
        None => {
            // The rule names let the error listing group errors by rule.
            let options = Options {
                switches: factx::rules::Switches::without(&args.without)?,
                explain: true,
                ..Options::default()
            };
            eval::predict(&mut load_pipeline(&args.model, options)?, &gold)?
        }
    };
    let halves: Vec<&str> = ["tune", "heldout"]
        .into_iter()
        .filter(|h| {
            gold.iter()
                .any(|r| r.meta.get("half").and_then(|v| v.as_str()) == Some(*h))
        })
        .collect();
    let mut reports = vec![("all".to_string(), eval::score(&gold, &pred))];
    reports.extend(
        halves
            .iter()
            .map(|h| (h.to_string(), eval::score_half(&gold, &pred, h))),
    );
    if args.json {
        let by_name: serde_json::Map<String, serde_json::Value> = reports
            .iter()
            .map(|(name, r)| Ok((name.clone(), serde_json::to_value(r)?)))
            .collect::<Result<_>>()?;
        println!("{}", serde_json::to_string_pretty(&by_name)?);
    } else {
        for (name, report) in reports.iter().rev() {
            println!("==================== {name} ====================");
            print!("{}", report.table());
            println!();
        }
    }
    // The errors listed: every document's, or one half's.
    let half_gold;
    let (listed_gold, listed): (&[factx::record::Record], _) = match &args.half {
        Some(half) => {
            let report = reports
                .iter()
                .find(|(name, _)| name == half)
                .map(|(_, report)| report)
                .with_context(|| format!("{}: no document of half {half}", gold_path.display()))?;
            half_gold = eval::filter_half(&gold, half);
            (&half_gold, report)
        }
        None => (&gold, &reports[0].1),
    };
    if args.errors && !args.json {
        print!("{}", listed.error_listing());
    }
    if let Some(path) = &args.html {
        std::fs::write(path, eval::html_report(listed_gold, &pred, listed))
            .with_context(|| format!("{}: cannot write", path.display()))?;
    }
    Ok(())
}
