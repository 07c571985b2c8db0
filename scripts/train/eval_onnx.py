"""Evaluate an ONNX model on a CoNLL-2003 split with the runtime decode
(casing token types, 256-token document windows, BIO-constrained Viterbi,
seqeval strict-IOB2 default mode at CoNLL-token level).

usage: eval_onnx.py MODEL.onnx SPLIT [--model-dir DIR] [--json OUT.json] [--threads N] [--no-casing]
SPLIT: train|dev|test or a path to a CoNLL file. MODEL_DIR (config.json +
tokenizer.json) defaults to the directory of MODEL.onnx, falling back to
models/factx-ner-minilm-l6."""
import argparse
import json
import os
import sys
import time

import numpy as np
import onnxruntime as ort

sys.path.insert(0, os.path.dirname(__file__))
from common import DATA_DIR, ROOT, collate, load_tokenizer  # noqa: E402
from data import NER_LABELS, encode_split, read_conll  # noqa: E402
from decode import evaluate, format_metrics  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("split")
    ap.add_argument("--model-dir")
    ap.add_argument("--json")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--no-casing", action="store_true")
    args = ap.parse_args()
    mdir = args.model_dir or os.path.dirname(os.path.abspath(args.model))
    if not os.path.exists(os.path.join(mdir, "config.json")):
        mdir = os.path.join(ROOT, "models", "factx-ner-minilm-l6")
    with open(os.path.join(mdir, "config.json")) as f:
        cfg = json.load(f)
    assert [cfg["id2label"][str(i)] for i in range(len(NER_LABELS))] == NER_LABELS
    heads = cfg["factx"]["heads"]
    pos_labels = [heads["pos"]["id2label"][str(i)] for i in range(len(heads["pos"]["id2label"]))]
    chunk_labels = [heads["chunk"]["id2label"][str(i)] for i in range(len(heads["chunk"]["id2label"]))]
    maps = {"ner": {l: i for i, l in enumerate(NER_LABELS)},
            "pos": {l: i for i, l in enumerate(pos_labels)},
            "chunk": {l: i for i, l in enumerate(chunk_labels)}}
    for k in ("pos", "chunk"):  # tags unseen in the label set would break labelling only
        maps[k] = _Default(maps[k])
    tok = load_tokenizer(os.path.join(mdir, "tokenizer.json"))
    path = args.split if os.path.exists(args.split) else os.path.join(DATA_DIR, f"{args.split}.txt")
    docs = read_conll(path)
    enc = encode_split(tok, docs, maps, cfg["factx"].get("max_length", 256))

    so = ort.SessionOptions()
    so.intra_op_num_threads = args.threads
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(args.model, so, providers=["CPUExecutionProvider"])
    stats = {"windows": 0, "tokens": 0, "infer_s": 0.0}

    def run(windows):
        ids, am, tt, _ = collate(windows, args.no_casing, with_labels=False)
        t = time.perf_counter()
        a, b, c = sess.run(["logits", "pos_logits", "chunk_logits"],
                           {"input_ids": ids, "attention_mask": am, "token_type_ids": tt})
        stats["infer_s"] += time.perf_counter() - t
        stats["windows"] += len(windows); stats["tokens"] += int(am.sum())
        return [(a[i], b[i], c[i]) for i in range(len(windows))]

    t0 = time.time()
    m = evaluate(enc, docs, run, pos_labels, chunk_labels, batch_size=args.batch)
    m["timing"] = dict(stats, total_s=time.time() - t0, threads=args.threads, batch=args.batch,
                       tokens_per_s=stats["tokens"] / max(stats["infer_s"], 1e-9))
    m["model"] = os.path.basename(args.model)
    m["model_bytes"] = os.path.getsize(args.model)
    m["split"] = args.split
    print(f"{args.model} on {args.split}:")
    print(format_metrics(m))
    print(f"inference {stats['infer_s']:.1f}s for {stats['windows']} windows / {stats['tokens']} sub-tokens "
          f"({m['timing']['tokens_per_s']:.0f} sub-tokens/s, {args.threads} threads, batch {args.batch})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(m, f, indent=2)


class _Default(dict):
    def __missing__(self, key):
        return 0


if __name__ == "__main__":
    main()
