//! The model stage: a batch of windows in, per-token logits out. One trait, one implementation
//! per backend; nothing above it knows which one runs.

use ndarray::{Array2, Array3, Array4};

#[cfg(feature = "torch")]
pub mod torch;

/// Token-level inputs of one batch, `[batch, seq]`, padded with id 0 / mask 0 / type 0.
#[derive(Debug, Clone)]
pub struct Batch {
    pub input_ids: Array2<i64>,
    pub attention_mask: Array2<i64>,
    pub token_type_ids: Array2<i64>,
}

/// Raw scores per token, `[batch, seq, labels]`. `pos`/`chunk`/`dep` are present when the model
/// has those heads (the default model does).
#[derive(Debug, Clone)]
pub struct Logits {
    pub ner: Array3<f32>,
    pub pos: Option<Array3<f32>>,
    pub chunk: Option<Array3<f32>>,
    pub dep: Option<DepScores>,
}

/// The dependency head's outputs (see [`spec::DepHead`]).
#[derive(Debug, Clone)]
pub struct DepScores {
    /// `[batch, seq, seq]`: `[b, i, j]` scores position `j` as the head of position `i`.
    pub arcs: Array3<f32>,
    /// `[batch, seq, labels, factors]`, each position as a dependent and as a head.
    pub label_dep: Array4<f32>,
    pub label_head: Array4<f32>,
}

pub trait Backend: Send {
    fn run(&mut self, batch: &Batch) -> anyhow::Result<Logits>;
}

pub mod onnx;
pub mod spec;
