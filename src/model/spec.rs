//! What a model directory declares about itself: `config.json` (Hugging Face format, plus an
//! optional `"factx"` object for the default model's extras) and where its files are.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The default model's window: 256 tokens including [CLS] and [SEP].
const DEFAULT_MAX_LENGTH: usize = 256;

#[derive(Debug, Clone)]
pub struct ModelSpec {
    pub dir: PathBuf,
    /// NER labels by class index ("O", "B-PER", ...).
    pub ner_labels: Vec<String>,
    pub pos_head: Option<Head>,
    pub chunk_head: Option<Head>,
    /// The dependency head (arcs and labels), when the model has one.
    pub dep_head: Option<DepHead>,
    /// Token type ids carry each word's casing class (see `tokenize::casing_class`), as the
    /// default model was trained; other models get type 0 everywhere.
    pub casing_token_types: bool,
    pub max_length: usize,
}

#[derive(Debug, Clone)]
pub struct Head {
    /// Name of the ONNX output holding this head's logits.
    pub output: String,
    pub labels: Vec<String>,
}

/// A biaffine dependency head (scripts/train/dep/README.md): `arcs` `[B, S, S]` scores position
/// `j` as the head of position `i`, `j = 0` (`[CLS]`) standing for the root; the label `l` of an
/// arc `i → h` is `Σ_k label_dep[b, i, l, k] · label_head[b, h, l, k]`.
#[derive(Debug, Clone)]
pub struct DepHead {
    pub arcs: String,
    pub label_dep: String,
    pub label_head: String,
    pub labels: Vec<String>,
}

#[derive(Deserialize)]
struct RawConfig {
    id2label: BTreeMap<String, String>,
    #[serde(default)]
    max_position_embeddings: Option<usize>,
    #[serde(default)]
    factx: Option<RawFactx>,
}

#[derive(Deserialize)]
struct RawFactx {
    #[serde(default)]
    token_types: Option<String>,
    #[serde(default)]
    max_length: Option<usize>,
    #[serde(default)]
    heads: BTreeMap<String, RawHead>,
}

#[derive(Deserialize)]
struct RawHead {
    output: String,
    id2label: BTreeMap<String, String>,
    /// The dependency head's label factor outputs.
    #[serde(default)]
    label_dep_output: Option<String>,
    #[serde(default)]
    label_head_output: Option<String>,
}

impl ModelSpec {
    pub fn load(dir: &Path) -> Result<Self> {
        let path = dir.join("config.json");
        let raw = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read model config {}", path.display()))?;
        let config: RawConfig = serde_json::from_str(&raw)
            .with_context(|| format!("{}: not a model config with id2label", path.display()))?;
        let ner_labels = labels_by_index(&config.id2label)
            .with_context(|| format!("{}: id2label", path.display()))?;
        let factx = config.factx.unwrap_or(RawFactx {
            token_types: None,
            max_length: None,
            heads: BTreeMap::new(),
        });
        let casing_token_types = match factx.token_types.as_deref() {
            None => false,
            Some("casing-v1") => true,
            Some(other) => bail!("{}: unknown factx.token_types {other:?}", path.display()),
        };
        let head = |name: &str| -> Result<Option<Head>> {
            factx
                .heads
                .get(name)
                .map(|h| {
                    Ok(Head {
                        output: h.output.clone(),
                        labels: labels_by_index(&h.id2label)
                            .with_context(|| format!("{}: factx.heads.{name}", path.display()))?,
                    })
                })
                .transpose()
        };
        let max_length = factx
            .max_length
            .or(config.max_position_embeddings.map(|m| m.min(512)))
            .unwrap_or(DEFAULT_MAX_LENGTH);
        if max_length < 8 {
            bail!(
                "{}: max_length {max_length} is too small for a window",
                path.display()
            );
        }
        Ok(ModelSpec {
            dir: dir.to_path_buf(),
            ner_labels,
            pos_head: head("pos")?,
            chunk_head: head("chunk")?,
            dep_head: dep_head(&factx.heads)
                .with_context(|| format!("{}: factx.heads.dep", path.display()))?,
            casing_token_types,
            max_length,
        })
    }

    pub fn tokenizer_path(&self) -> PathBuf {
        self.dir.join("tokenizer.json")
    }

    pub fn onnx_path(&self) -> PathBuf {
        self.dir.join("model.onnx")
    }
}

fn dep_head(heads: &BTreeMap<String, RawHead>) -> Result<Option<DepHead>> {
    let Some(raw) = heads.get("dep") else {
        return Ok(None);
    };
    let (Some(label_dep), Some(label_head)) = (&raw.label_dep_output, &raw.label_head_output)
    else {
        bail!("names no label_dep_output and label_head_output");
    };
    Ok(Some(DepHead {
        arcs: raw.output.clone(),
        label_dep: label_dep.clone(),
        label_head: label_head.clone(),
        labels: labels_by_index(&raw.id2label)?,
    }))
}

/// `{"0": "O", "1": "B-PER"}` → `["O", "B-PER"]`; indices must be exactly 0..n.
fn labels_by_index(id2label: &BTreeMap<String, String>) -> Result<Vec<String>> {
    let mut labels = vec![None; id2label.len()];
    for (index, label) in id2label {
        let i: usize = index
            .parse()
            .with_context(|| format!("label index {index:?} is not a number"))?;
        match labels.get_mut(i) {
            Some(slot) => *slot = Some(label.clone()),
            None => bail!("label index {i} out of range 0..{}", id2label.len()),
        }
    }
    labels
        .into_iter()
        .map(|l| l.context("label indices are not contiguous"))
        .collect()
}
