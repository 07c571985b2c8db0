#!/usr/bin/env python3
"""Writes tests/fixtures/eval/seqeval_cases.json: tag sequences and the figures Python's
seqeval computes for them, so the Rust scorer (src/eval/conll.rs) can be checked against it
without Python at test time.

    python3 -m venv .cache/eval-venv && .cache/eval-venv/bin/pip install seqeval
    .cache/eval-venv/bin/python scripts/seqeval_reference.py
"""

import json
import pathlib
import warnings
from importlib.metadata import version

from seqeval.metrics import classification_report, f1_score, precision_score, recall_score
from seqeval.metrics.sequence_labeling import get_entities

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests/fixtures/eval/seqeval_cases.json"

# (name, gold sentences, predicted sentences). Each case probes one of conlleval's quirks.
CASES = [
    ("perfect", [["B-PER", "I-PER", "O", "B-LOC"]], [["B-PER", "I-PER", "O", "B-LOC"]]),
    ("i_after_o_starts_chunk", [["O", "B-ORG", "I-ORG", "O"]], [["O", "I-ORG", "I-ORG", "O"]]),
    ("i_at_sentence_start", [["B-PER", "O"]], [["I-PER", "O"]]),
    ("type_change_inside", [["B-PER", "I-PER", "I-PER"]], [["B-PER", "I-LOC", "I-PER"]]),
    ("b_b_adjacent", [["B-LOC", "B-LOC", "O"]], [["B-LOC", "I-LOC", "O"]]),
    ("b_b_predicted", [["B-LOC", "I-LOC", "O"]], [["B-LOC", "B-LOC", "O"]]),
    (
        "chunk_at_sequence_end",
        [["O", "B-MISC", "I-MISC"], ["B-PER"]],
        [["O", "B-MISC", "I-MISC"], ["I-PER"]],
    ),
    ("no_chunk_across_sentences", [["O", "B-PER"], ["I-PER", "O"]], [["O", "B-PER"], ["B-PER", "O"]]),
    ("i_after_other_type", [["B-ORG", "B-PER", "I-PER"]], [["B-ORG", "I-PER", "I-PER"]]),
    ("nothing_predicted", [["B-PER", "O", "B-ORG"]], [["O", "O", "O"]]),
    ("only_spurious_type", [["B-PER", "O", "O"]], [["B-PER", "O", "B-MISC"]]),
    ("boundary_error", [["B-ORG", "I-ORG", "I-ORG", "O"]], [["B-ORG", "I-ORG", "O", "O"]]),
    (
        "mixed_several_sentences",
        [
            ["B-PER", "I-PER", "O", "O", "B-LOC", "O"],
            ["O", "B-ORG", "I-ORG", "I-ORG", "O", "B-MISC"],
            ["B-LOC", "I-LOC", "O", "B-PER"],
        ],
        [
            ["B-PER", "I-PER", "O", "O", "B-ORG", "O"],
            ["O", "B-ORG", "I-ORG", "O", "O", "B-MISC"],
            ["I-LOC", "I-LOC", "B-PER", "I-PER"],
        ],
    ),
    ("iobes_tags", [["S-PER", "O", "B-LOC", "E-LOC"]], [["S-PER", "O", "B-LOC", "I-LOC"]]),
]


def figures(gold, pred):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zero-division warnings: seqeval then reports 0
        report = classification_report(gold, pred, output_dict=True)
        per_type = {
            k: {"precision": v["precision"], "recall": v["recall"], "f1": v["f1-score"], "support": int(v["support"])}
            for k, v in report.items()
            if not k.endswith(" avg")
        }
        macro = report["macro avg"]
        return {
            "gold_entities": [list(e) for e in get_entities(gold)],
            "pred_entities": [list(e) for e in get_entities(pred)],
            "micro": {
                "precision": precision_score(gold, pred),
                "recall": recall_score(gold, pred),
                "f1": f1_score(gold, pred),
            },
            "macro": {"precision": macro["precision"], "recall": macro["recall"], "f1": macro["f1-score"]},
            "per_type": per_type,
        }


def main():
    cases = [{"name": n, "gold": g, "pred": p, "seqeval": figures(g, p)} for n, g, p in CASES]
    doc = {"generator": "scripts/seqeval_reference.py", "seqeval_version": version("seqeval"), "cases": cases}
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
