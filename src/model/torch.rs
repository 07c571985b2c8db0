//! The libtorch backend (feature `torch`): rust-bert's BERT encoder plus one linear layer per
//! head, loaded from the model dir's `model.safetensors` with Hugging Face's tensor names
//! (`bert.*`, `classifier.*`, `pos_classifier.*`, `chunk_classifier.*`). Same checkpoint as the
//! ONNX export, so the two backends are interchangeable.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{bail, ensure, Context, Result};
use ndarray::{Array2, Array3};
use rust_bert::bert::{BertConfig, BertEmbeddings, BertModel};
use serde::Deserialize;
use serde_json::Value;
use tch::{nn, Device, Kind, Tensor};

use super::{Backend, Batch, Logits};

pub struct TorchBackend {
    bert: BertModel<BertEmbeddings>,
    ner: nn::Linear,
    pos: Option<nn::Linear>,
    chunk: Option<nn::Linear>,
    device: Device,
}

/// The `"factx"` block of config.json; only the label counts matter here (`output` names the
/// ONNX output).
#[derive(Deserialize, Default)]
struct Extra {
    #[serde(default)]
    heads: HashMap<String, Head>,
}

#[derive(Deserialize)]
struct Head {
    id2label: HashMap<String, String>,
}

impl TorchBackend {
    /// `device`: `cpu`, `cuda` or `cuda:N`.
    pub fn load(model_dir: &Path, device: &str) -> Result<Self> {
        let device = parse_device(device)?;
        let config_path = model_dir.join("config.json");
        let raw: Value = serde_json::from_str(
            &std::fs::read_to_string(&config_path)
                .with_context(|| format!("reading {}", config_path.display()))?,
        )
        .with_context(|| format!("parsing {}", config_path.display()))?;
        check_supported(&raw).with_context(|| format!("{}", config_path.display()))?;
        let config = BertConfig::deserialize(&raw)
            .with_context(|| format!("{}: not a BERT config", config_path.display()))?;
        let extra: Extra = match raw.get("factx") {
            Some(v) => Extra::deserialize(v)
                .with_context(|| format!("{}: \"factx\"", config_path.display()))?,
            None => Extra::default(),
        };
        let n_ner = config.id2label.as_ref().map_or(0, |m| m.len() as i64);
        ensure!(n_ner > 0, "{}: no id2label", config_path.display());
        let n_head = |name: &str| extra.heads.get(name).map(|h| h.id2label.len() as i64);

        let vs = nn::VarStore::new(device);
        let root = vs.root();
        // HF's BertForTokenClassification has no pooler, so neither does this.
        let bert = BertModel::new_with_optional_pooler(&root / "bert", &config, false);
        let hidden = config.hidden_size;
        let linear = |name: &str, n: i64| nn::linear(&root / name, hidden, n, Default::default());
        let ner = linear("classifier", n_ner);
        let pos = n_head("pos").map(|n| linear("pos_classifier", n));
        let chunk = n_head("chunk").map(|n| linear("chunk_classifier", n));
        load_strict(&vs, &model_dir.join("model.safetensors"))?;
        Ok(Self {
            bert,
            ner,
            pos,
            chunk,
            device,
        })
    }
}

impl Backend for TorchBackend {
    fn run(&mut self, batch: &Batch) -> Result<Logits> {
        let input = |a: &Array2<i64>| {
            let (b, s) = a.dim();
            let data: Vec<i64> = a.iter().copied().collect();
            Tensor::from_slice(&data)
                .view([b as i64, s as i64])
                .to_device(self.device)
        };
        let (ids, mask, types) = (
            input(&batch.input_ids),
            input(&batch.attention_mask),
            input(&batch.token_type_ids),
        );
        tch::no_grad(|| {
            let hidden = self
                .bert
                .forward_t(
                    Some(&ids),
                    Some(&mask),
                    Some(&types),
                    None,
                    None,
                    None,
                    None,
                    false,
                )?
                .hidden_state;
            let head = |l: &nn::Linear| to_array(&hidden.apply(l));
            Ok(Logits {
                ner: head(&self.ner)?,
                pos: self.pos.as_ref().map(head).transpose()?,
                chunk: self.chunk.as_ref().map(head).transpose()?,
                // The dependency head exists in the ONNX export only; the rules read no tree here.
                dep: None,
            })
        })
    }
}

fn parse_device(s: &str) -> Result<Device> {
    let index = match s {
        "cpu" => return Ok(Device::Cpu),
        "cuda" => 0,
        _ => match s.strip_prefix("cuda:").map(str::parse::<usize>) {
            Some(Ok(i)) => i,
            _ => bail!("unknown device {s:?}: expected cpu, cuda or cuda:N"),
        },
    };
    // Also false when libtorch was linked without its CUDA library (the default setup).
    if !tch::Cuda::is_available() {
        bail!(
            "device {s}: libtorch sees no CUDA device (no GPU or driver on this machine, or a \
             CPU-only libtorch: build after `scripts/setup-torch --cuda`)"
        );
    }
    let count = tch::Cuda::device_count() as usize;
    ensure!(
        index < count,
        "device {s}: libtorch sees {count} CUDA device(s)"
    );
    Ok(Device::Cuda(index))
}

/// rust-bert's BERT hard-codes what these keys can change in Hugging Face's; refuse rather
/// than compute something else.
fn check_supported(raw: &Value) -> Result<()> {
    if let Some(eps) = raw.get("layer_norm_eps").and_then(Value::as_f64) {
        ensure!(
            eps == 1e-12,
            "layer_norm_eps {eps}: the torch backend supports only 1e-12"
        );
    }
    if let Some(p) = raw.get("position_embedding_type").and_then(Value::as_str) {
        ensure!(
            p == "absolute",
            "position_embedding_type {p:?}: the torch backend supports only \"absolute\""
        );
    }
    Ok(())
}

/// Like `VarStore::load`, but also fails on a shape mismatch (`copy_` would broadcast) and on
/// tensors the model does not use (e.g. a head missing from config.json), as Hugging Face's
/// strict loading does.
fn load_strict(vs: &nn::VarStore, path: &Path) -> Result<()> {
    let mut file: HashMap<String, Tensor> = Tensor::read_safetensors(path)
        .with_context(|| format!("reading {}", path.display()))?
        .into_iter()
        // Buffers and the pooler that HF checkpoints may carry and token classification ignores.
        .filter(|(k, _)| !k.ends_with("position_ids") && !k.starts_with("bert.pooler."))
        .collect();
    for (name, mut var) in vs.variables() {
        let src = file
            .remove(&name)
            .with_context(|| format!("{}: no tensor {name}", path.display()))?;
        ensure!(
            src.size() == var.size(),
            "{}: {name} has shape {:?}, config.json implies {:?}",
            path.display(),
            src.size(),
            var.size()
        );
        // `copy_` converts to the variable's kind, so an fp16 file still runs in fp32.
        tch::no_grad(|| var.f_copy_(&src)).with_context(|| format!("loading {name}"))?;
    }
    if !file.is_empty() {
        let mut extra: Vec<_> = file.into_keys().collect();
        extra.sort();
        bail!(
            "{}: tensors the model does not use: {}",
            path.display(),
            extra.join(", ")
        );
    }
    Ok(())
}

fn to_array(t: &Tensor) -> Result<Array3<f32>> {
    let t = t.to_device(Device::Cpu).to_kind(Kind::Float);
    let &[b, s, n] = t.size().as_slice() else {
        bail!(
            "logits of shape {:?}, expected [batch, seq, labels]",
            t.size()
        );
    };
    let data = Vec::<f32>::try_from(t.flatten(0, -1))?;
    Ok(Array3::from_shape_vec(
        (b as usize, s as usize, n as usize),
        data,
    )?)
}
