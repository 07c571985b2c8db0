#![cfg(feature = "torch")]
//! The torch backend against PyTorch's logits for a tiny random checkpoint in the shipped
//! model's format (tests/fixtures/tiny-bert, written by scripts/make_tiny_bert.py, which also
//! exports it to ONNX).

use std::path::{Path, PathBuf};

use factx::model::torch::TorchBackend;
use factx::model::{Backend, Batch, Logits};
use ndarray::{s, Array2, Array3};
use serde_json::Value;

/// Agreement required between backends (and against PyTorch), per logit.
const TOL: f32 = 1e-3;

/// Where two sets of logits differ most, over real tokens only (attention mask 1: padding is
/// never read). Panics when shapes differ or a head is present on one side only.
#[derive(Debug, Default)]
pub struct Diff {
    pub max: f32,
    pub at: Option<(&'static str, [usize; 3])>,
}

pub fn logit_diff(a: &Logits, b: &Logits, mask: &Array2<i64>) -> Diff {
    let mut diff = Diff::default();
    let heads = [
        ("ner", Some(&a.ner), Some(&b.ner)),
        ("pos", a.pos.as_ref(), b.pos.as_ref()),
        ("chunk", a.chunk.as_ref(), b.chunk.as_ref()),
    ];
    for (name, x, y) in heads {
        let (x, y) = match (x, y) {
            (Some(x), Some(y)) => (x, y),
            (None, None) => continue,
            _ => panic!("head {name} on one side only"),
        };
        assert_eq!(x.dim(), y.dim(), "head {name}: shapes differ");
        assert_eq!(
            (x.dim().0, x.dim().1),
            mask.dim(),
            "head {name}: shape differs from the mask's"
        );
        for (((row, tok, label), x), y) in x.indexed_iter().zip(y.iter()) {
            if mask[[row, tok]] == 0 {
                continue;
            }
            // NaN counts as the worst difference.
            let d = match (x - y).abs() {
                d if d.is_nan() => f32::INFINITY,
                d => d,
            };
            if d > diff.max {
                diff.max = d;
                diff.at = Some((name, [row, tok, label]));
            }
        }
    }
    diff
}

fn repo(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn fixture() -> PathBuf {
    repo("tests/fixtures/tiny-bert")
}

fn reference() -> (Batch, Logits) {
    let text = std::fs::read_to_string(fixture().join("reference.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let ints = |k: &str| {
        let rows: Vec<Vec<i64>> = serde_json::from_value(v[k].clone()).unwrap();
        Array2::from_shape_vec((rows.len(), rows[0].len()), rows.concat()).unwrap()
    };
    let floats = |k: &str| {
        let rows: Vec<Vec<Vec<f32>>> = serde_json::from_value(v[k].clone()).unwrap();
        let dim = (rows.len(), rows[0].len(), rows[0][0].len());
        Array3::from_shape_vec(dim, rows.concat().concat()).unwrap()
    };
    let batch = Batch {
        input_ids: ints("input_ids"),
        attention_mask: ints("attention_mask"),
        token_type_ids: ints("token_type_ids"),
    };
    let logits = Logits {
        ner: floats("logits"),
        pos: Some(floats("pos_logits")),
        chunk: Some(floats("chunk_logits")),
        dep: None,
    };
    (batch, logits)
}

#[test]
fn matches_pytorch_reference() {
    let (batch, want) = reference();
    let got = TorchBackend::load(&fixture(), "cpu")
        .unwrap()
        .run(&batch)
        .unwrap();
    let diff = logit_diff(&got, &want, &batch.attention_mask);
    assert!(diff.max <= TOL, "torch backend vs PyTorch: {diff:?}");
}

/// Each window alone, unpadded, gives the logits it gets inside a padded batch: padding and
/// batch composition must not leak into real tokens.
#[test]
fn padding_does_not_change_logits() {
    let (batch, _) = reference();
    let mut backend = TorchBackend::load(&fixture(), "cpu").unwrap();
    let full = backend.run(&batch).unwrap();
    for row in 0..batch.input_ids.nrows() {
        let n = batch.attention_mask.row(row).sum() as usize;
        let one = |a: &Array2<i64>| a.slice(s![row..row + 1, ..n]).to_owned();
        let single = Batch {
            input_ids: one(&batch.input_ids),
            attention_mask: one(&batch.attention_mask),
            token_type_ids: one(&batch.token_type_ids),
        };
        let got = backend.run(&single).unwrap();
        let cut = |a: &Array3<f32>| a.slice(s![row..row + 1, ..n, ..]).to_owned();
        let want = Logits {
            ner: cut(&full.ner),
            pos: full.pos.as_ref().map(cut),
            chunk: full.chunk.as_ref().map(cut),
            dep: None,
        };
        let diff = logit_diff(&got, &want, &single.attention_mask);
        assert!(diff.max <= TOL, "row {row} alone vs in the batch: {diff:?}");
    }
}

#[test]
fn cuda_is_used_or_refused_clearly() {
    match TorchBackend::load(&fixture(), "cuda") {
        Ok(_) => assert!(tch::Cuda::is_available()),
        Err(e) => assert!(format!("{e:#}").contains("no CUDA device"), "{e:#}"),
    }
    let e = TorchBackend::load(&fixture(), "tpu")
        .err()
        .expect("unknown device accepted");
    assert!(
        format!("{e:#}").contains("expected cpu, cuda or cuda:N"),
        "{e:#}"
    );
}

/// A head in the weights but not in config.json is an error, not a silently missing output.
#[test]
fn unused_tensors_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["model.safetensors", "tokenizer.json"] {
        std::fs::copy(fixture().join(f), dir.path().join(f)).unwrap();
    }
    let mut config: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture().join("config.json")).unwrap())
            .unwrap();
    config["factx"]["heads"]
        .as_object_mut()
        .unwrap()
        .remove("pos");
    std::fs::write(dir.path().join("config.json"), config.to_string()).unwrap();
    let e = TorchBackend::load(dir.path(), "cpu")
        .err()
        .expect("loaded with an unused head");
    let msg = format!("{e:#}");
    assert!(
        msg.contains("pos_classifier.bias, pos_classifier.weight"),
        "{msg}"
    );
}

/// The shipped model on both backends, fp32 both: the torch backend from model.safetensors,
/// ONNX Runtime from the fp32 export of the same weights (scripts/export-fp32, run by
/// scripts/test). Same logits within `TOL` on every window of the seed, the fixture documents
/// and, where ../shared is present, 200 BBC documents; and the same mentions.
#[test]
fn the_default_model_agrees_across_backends() {
    use factx::pipeline::{self, BackendKind, Options};
    use factx::tokenize::Encoder;

    let model = repo("models/factx-ner-minilm-l6");
    let fp32 = model.join("model-fp32.onnx");
    assert!(
        fp32.is_file(),
        "{} is missing: scripts/test exports it (scripts/export-fp32)",
        fp32.display()
    );
    // The seed and the 40 fixture documents ship with the repository, so a clone without
    // ../shared still compares backends on about a thousand mentions.
    let mut texts = vec![std::fs::read_to_string(repo("seeds/000_ad85a12eac8d44ce.txt")).unwrap()];
    texts.extend(
        factx::input::read_records(&repo("tests/fixtures/gold.jsonl"))
            .unwrap()
            .into_iter()
            .map(|r| r.text),
    );
    let bbc = repo("../shared/data/bbc-news");
    if bbc.is_dir() {
        let mut files: Vec<PathBuf> = ["business", "entertainment", "politics", "sport", "tech"]
            .iter()
            .flat_map(|s| {
                std::fs::read_dir(bbc.join(s))
                    .unwrap()
                    .map(|e| e.unwrap().path())
            })
            .collect();
        files.sort();
        texts.extend(
            files
                .iter()
                .step_by(files.len() / 200)
                .take(200)
                .map(|f| std::fs::read_to_string(f).unwrap()),
        );
    } else {
        println!("BBC part skipped: {} is absent", bbc.display());
    }

    let spec = factx::model::spec::ModelSpec::load(&model).unwrap();
    let encoder = Encoder::new(&spec).unwrap();
    let mut torch = TorchBackend::load(&model, "cpu").unwrap();
    let mut onnx = factx::model::onnx::OnnxBackend::load(&spec, &fp32, 2).unwrap();
    let mut worst = Diff::default();
    for text in &texts {
        let doc = encoder.encode(text).unwrap();
        let rows: Vec<_> = encoder
            .windows(doc.ids.len())
            .into_iter()
            .map(|w| (0, w))
            .collect();
        for rows in rows.chunks(4) {
            let batch = pipeline::batch(&encoder, &vec![&doc; rows.len()], rows);
            let diff = logit_diff(
                &torch.run(&batch).unwrap(),
                &onnx.run(&batch).unwrap(),
                &batch.attention_mask,
            );
            if diff.max > worst.max {
                worst = diff;
            }
        }
    }
    println!(
        "{} documents, largest logit difference {worst:?}",
        texts.len()
    );
    assert!(worst.max <= TOL, "torch vs ONNX fp32: {worst:?}");

    let docs: Vec<_> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| factx::input::InputDoc {
            id: i.to_string(),
            text: t.clone(),
            ..Default::default()
        })
        .collect();
    let mentions = |backend: BackendKind, path: &Path| {
        let options = Options {
            rules: false,
            ..Options::default()
        };
        let records = pipeline::load(path, backend, "cpu", 2, options)
            .unwrap()
            .annotate(docs.clone())
            .unwrap();
        records
            .into_iter()
            .flat_map(|r| {
                r.entities.into_iter().flat_map(|e| {
                    e.mentions
                        .into_iter()
                        .map(move |m| (m.start, m.end, e.label.clone()))
                })
            })
            .collect::<Vec<_>>()
    };
    let by_torch = mentions(BackendKind::Torch, &model);
    // News articles name a few dozen things each (the fixtures about 26); far fewer means the
    // texts or the model did not load as meant.
    assert!(
        by_torch.len() > 10 * texts.len(),
        "{} documents should hold many mentions, got {}",
        texts.len(),
        by_torch.len()
    );
    assert_eq!(by_torch, mentions(BackendKind::Onnx, &fp32));
}
