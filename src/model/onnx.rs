//! The default backend: ONNX Runtime through `ort`, its shared library loaded at run time from
//! the copy `scripts/setup` unpacks from the PyPI `onnxruntime` wheel.

use super::spec::{DepHead, ModelSpec};
use super::{Backend, Batch, DepScores, Logits};
use anyhow::{anyhow, bail, Context, Result};
use ndarray::{Array3, Array4, Ix3, Ix4};
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::TensorRef;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The onnxruntime release `scripts/setup` installs; `ort` rc.15 speaks its API (api-31).
pub const ORT_VERSION: &str = "1.31.1";

pub struct OnnxBackend {
    session: Session,
    pos_output: Option<String>,
    chunk_output: Option<String>,
    dep: Option<DepHead>,
    /// Whether the graph takes `token_type_ids` (DistilBERT-style exports do not).
    takes_token_types: bool,
}

impl OnnxBackend {
    pub fn load(spec: &ModelSpec, model_file: &Path, threads: usize) -> Result<Self> {
        let env = environment()?;
        let session = Session::builder(env)
            .and_then(|b| Ok(b.with_optimization_level(GraphOptimizationLevel::Level3)?))
            .and_then(|b| Ok(b.with_intra_threads(threads)?))
            // Spinning threads would steal the cores rayon needs for tokenising and the rules.
            .and_then(|b| Ok(b.with_intra_op_spinning(false)?))
            .and_then(|mut b| b.commit_from_file(model_file))
            .map_err(|e| anyhow!("cannot load ONNX model {}: {e}", model_file.display()))?;
        let has_input = |name: &str| session.inputs().iter().any(|i| i.name() == name);
        for required in ["input_ids", "attention_mask"] {
            if !has_input(required) {
                bail!(
                    "{}: the graph has no input {required:?}",
                    model_file.display()
                );
            }
        }
        let has_output = |name: &str| session.outputs().iter().any(|o| o.name() == name);
        if !has_output("logits") {
            bail!(
                "{}: the graph has no output \"logits\"",
                model_file.display()
            );
        }
        let head_output = |head: &Option<super::spec::Head>| -> Result<Option<String>> {
            match head {
                Some(h) if has_output(&h.output) => Ok(Some(h.output.clone())),
                Some(h) => bail!(
                    "{}: config names output {:?}, the graph lacks it",
                    model_file.display(),
                    h.output
                ),
                None => Ok(None),
            }
        };
        // The dependency head lives in the int8 graph only (scripts/train/dep); the fp32 export
        // of the same checkpoint (scripts/export-fp32) runs without a tree, as the torch
        // backend does.
        let dep = spec.dep_head.clone().filter(|d| {
            [&d.arcs, &d.label_dep, &d.label_head]
                .iter()
                .all(|o| has_output(o))
        });
        Ok(OnnxBackend {
            dep,
            pos_output: head_output(&spec.pos_head)?,
            chunk_output: head_output(&spec.chunk_head)?,
            takes_token_types: has_input("token_type_ids"),
            session,
        })
    }
}

impl Backend for OnnxBackend {
    fn run(&mut self, batch: &Batch) -> Result<Logits> {
        let ids = TensorRef::from_array_view(batch.input_ids.view())?;
        let mask = TensorRef::from_array_view(batch.attention_mask.view())?;
        let outputs = if self.takes_token_types {
            let types = TensorRef::from_array_view(batch.token_type_ids.view())?;
            self.session.run(ort::inputs![
                "input_ids" => ids, "attention_mask" => mask, "token_type_ids" => types
            ])?
        } else {
            self.session
                .run(ort::inputs!["input_ids" => ids, "attention_mask" => mask])?
        };
        let array = |name: &str| {
            outputs
                .get(name)
                .with_context(|| format!("model gave no output {name:?}"))?
                .try_extract_array::<f32>()
                .map_err(anyhow::Error::from)
        };
        let extract = |name: &str| -> Result<Array3<f32>> {
            Ok(array(name)?.into_dimensionality::<Ix3>()?.to_owned())
        };
        let extract4 = |name: &str| -> Result<Array4<f32>> {
            Ok(array(name)?.into_dimensionality::<Ix4>()?.to_owned())
        };
        let dep = match &self.dep {
            Some(head) => Some(DepScores {
                arcs: extract(&head.arcs)?,
                label_dep: extract4(&head.label_dep)?,
                label_head: extract4(&head.label_head)?,
            }),
            None => None,
        };
        Ok(Logits {
            ner: extract("logits")?,
            pos: self.pos_output.as_deref().map(extract).transpose()?,
            chunk: self.chunk_output.as_deref().map(extract).transpose()?,
            dep,
        })
    }
}

/// ONNX Runtime's environment is process-wide, and the library can be loaded once.
fn environment() -> Result<&'static ort::environment::Environment> {
    static ENV: OnceLock<std::result::Result<ort::environment::Environment, String>> =
        OnceLock::new();
    ENV.get_or_init(|| {
        let library = find_library().map_err(|e| e.to_string())?;
        ort::init_from(&library)
            .map_err(|e| format!("cannot load ONNX Runtime from {}: {e}", library.display()))?
            .with_name("factx")
            .build()
            .map_err(|e| format!("cannot start ONNX Runtime: {e}"))
    })
    .as_ref()
    .map_err(|e| anyhow!("{e}"))
}

/// `ORT_DYLIB_PATH` when set, else the copy `scripts/setup` put in the cache.
pub fn find_library() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("ORT_DYLIB_PATH") {
        return Ok(PathBuf::from(path));
    }
    let path = cache_dir()
        .join(format!("onnxruntime-{ORT_VERSION}"))
        .join(format!("libonnxruntime.so.{ORT_VERSION}"));
    if path.is_file() {
        Ok(path)
    } else {
        bail!(
            "ONNX Runtime not found at {}: run scripts/setup (or set ORT_DYLIB_PATH)",
            path.display()
        )
    }
}

/// `$FACTX_CACHE`, else `$XDG_CACHE_HOME/factx`, else `~/.cache/factx` (scripts/setup uses the same rule).
pub fn cache_dir() -> PathBuf {
    user_dir("FACTX_CACHE", "XDG_CACHE_HOME", ".cache")
}

/// Where scripts/setup installs the default model: `$FACTX_DATA`, else `$XDG_DATA_HOME/factx`,
/// else `~/.local/share/factx`.
pub fn data_dir() -> PathBuf {
    user_dir("FACTX_DATA", "XDG_DATA_HOME", ".local/share")
}

/// `$own`, else `$xdg/factx`, else `~/home_default/factx` (XDG base directories).
fn user_dir(own: &str, xdg: &str, home_default: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os(own) {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os(xdg)
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(home_default)))
        .unwrap_or_else(|| PathBuf::from(home_default));
    base.join("factx")
}
