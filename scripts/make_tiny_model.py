#!/usr/bin/env python3
"""Writes a tiny token-classification model for factx's tests: ONNX graph + config.json +
tokenizer.json, in the same format as the shipped model.

The "model" scores each token from its id and its casing class alone (two embedding lookups
added together), with fixed weights. No context means its labels do not depend on how a document
is cut into windows or batched, so tests can demand exact equality across windowings, and
predict its output by hand: Capitalised words are PER, ALLCAPS words ORG, a few place names LOC.
Its window is 32 tokens, so ordinary test documents span several windows.

usage: make_tiny_model.py OUT_DIR TOKENIZER_JSON
"""
import json
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
# The casing classes of scripts/train/casing.py, used as "part-of-speech" labels so tests can
# check the POS head is read from the right token.
CASING_CLASSES = ["SPECIAL", "LOWER", "CAP", "ALLCAPS", "MIXED", "DIGIT", "OTHER"]
LOCATION_WORDS = ["london", "britain", "manchester", "preston"]


def main(out_dir, tokenizer_json):
    vocab = json.load(open(tokenizer_json))["model"]["vocab"]
    label = {name: i for i, name in enumerate(LABELS)}

    by_type = np.zeros((len(CASING_CLASSES), len(LABELS)), np.float32)
    by_type[:, label["O"]] = 2.0
    # I- slightly above B- so a run of such words becomes one mention (BIO decoding starts it with B-).
    by_type[2, [label["O"], label["B-PER"], label["I-PER"]]] = [0.0, 3.0, 3.1]
    by_type[3, [label["O"], label["B-ORG"], label["I-ORG"]]] = [0.0, 3.0, 3.1]

    by_token = np.zeros((len(vocab), len(LABELS)), np.float32)
    for word in LOCATION_WORDS:
        by_token[vocab[word], [label["B-LOC"], label["I-LOC"]]] = [5.0, 4.0]

    pos_by_type = np.eye(len(CASING_CLASSES), dtype=np.float32) * 4.0

    inputs = [
        helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "sequence"])
        for name in ["input_ids", "attention_mask", "token_type_ids"]
    ]
    outputs = [
        helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "sequence", len(LABELS)]),
        helper.make_tensor_value_info("pos_logits", TensorProto.FLOAT, ["batch", "sequence", len(CASING_CLASSES)]),
    ]
    nodes = [
        helper.make_node("Gather", ["by_token", "input_ids"], ["token_scores"]),
        helper.make_node("Gather", ["by_type", "token_type_ids"], ["type_scores"]),
        helper.make_node("Add", ["token_scores", "type_scores"], ["logits"]),
        helper.make_node("Gather", ["pos_by_type", "token_type_ids"], ["pos_logits"]),
    ]
    initializers = [
        numpy_helper.from_array(by_token, "by_token"),
        numpy_helper.from_array(by_type, "by_type"),
        numpy_helper.from_array(pos_by_type, "pos_by_type"),
    ]
    graph = helper.make_graph(nodes, "factx_tiny", inputs, outputs, initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)

    import os
    os.makedirs(out_dir, exist_ok=True)
    onnx.save(model, os.path.join(out_dir, "model.onnx"))
    shutil.copy(tokenizer_json, os.path.join(out_dir, "tokenizer.json"))
    config = {
        "model_type": "bert",
        "id2label": {str(i): name for i, name in enumerate(LABELS)},
        "label2id": {name: i for i, name in enumerate(LABELS)},
        "factx": {
            "token_types": "casing-v1",
            "max_length": 32,
            "heads": {"pos": {"output": "pos_logits", "id2label": {str(i): c for i, c in enumerate(CASING_CLASSES)}}},
        },
    }
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(config, f, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:])
