//! Shared by the integration tests: the models they run.
#![allow(dead_code)] // each test crate uses its own part of this module

use factx::pipeline::{self, BackendKind, Options, Pipeline};
use std::path::PathBuf;

pub fn repo_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The generated test model (scripts/make_tiny_model.py, run by scripts/test): labels each token
/// from its id and casing alone, with 32-token windows.
pub fn tiny_model() -> PathBuf {
    let dir = repo_path("target/test-models/tiny");
    assert!(
        dir.join("model.onnx").is_file(),
        "{} is missing: run scripts/test, which generates it",
        dir.display()
    );
    dir
}

pub fn default_model() -> PathBuf {
    repo_path("models/factx-ner-minilm-l6")
}

pub fn pipeline(model: &std::path::Path, batch_size: usize) -> Pipeline {
    pipeline::load(
        model,
        BackendKind::Onnx,
        "cpu",
        2,
        Options {
            batch_size,
            ..Options::default()
        },
    )
    .unwrap_or_else(|e| panic!("cannot load {}: {e:#}", model.display()))
}

/// `text[start..end]` in code points, as Python slices it.
pub fn char_slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

/// The Python of the virtual environment scripts/test builds (`.cache/test-venv`), with the
/// readers the converters' outputs are checked by (spaCy, pyarrow, DuckDB). `None` when the
/// venv is absent (a bare `cargo test`): the caller says so and skips. Under scripts/test it
/// is always there, and a package missing from it fails the test.
pub fn test_python() -> Option<PathBuf> {
    let python = repo_path(".cache/test-venv/bin/python");
    if python.is_file() {
        Some(python)
    } else {
        eprintln!(
            "skipped: {} is absent; scripts/test creates it with the readers this test needs",
            python.display()
        );
        None
    }
}
