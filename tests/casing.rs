//! The run-time tokenizer stage gives the same token ids and casing classes as the training
//! code (scripts/train/casing.py), on the golden cases it wrote.

mod common;

use factx::model::spec::ModelSpec;
use factx::tokenize::Encoder;
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    text: String,
    ids: Vec<u32>,
    token_type_ids: Vec<u8>,
}

#[test]
fn casing_classes_match_the_training_code() {
    let golden =
        std::fs::read_to_string(common::repo_path("tests/fixtures/casing_golden.json")).unwrap();
    let cases: Vec<Case> = serde_json::from_str(&golden).unwrap();
    assert!(cases.len() >= 30);
    let spec = ModelSpec::load(&common::default_model()).unwrap();
    let encoder = Encoder::new(&spec).unwrap();
    let mut failures = Vec::new();
    for case in &cases {
        let doc = encoder.encode(&case.text).unwrap();
        // The golden cases include [CLS] and [SEP]; windows add them at run time.
        let n = case.ids.len() - 2;
        if doc.ids != case.ids[1..=n] || doc.type_ids != case.token_type_ids[1..=n] {
            failures.push(format!(
                "{:?}: ids {:?} types {:?}, training code: ids {:?} types {:?}",
                case.text,
                doc.ids,
                doc.type_ids,
                &case.ids[1..=n],
                &case.token_type_ids[1..=n]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
