//! What the fuzzers found (fuzz/README.md), replayed through the fuzz targets' own bodies:
//! each file of tests/fixtures/fuzz/TARGET/ is an input that once panicked or hung there.
//! Overflow findings panic only with overflow checks, which `cargo test` has and
//! `cargo test --release` has not.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for file in files {
        eprintln!("{}", file.display());
        run(&std::fs::read(&file).unwrap());
    }
}

#[test]
fn the_rules_findings() {
    replay("rules", harness::rules);
}
