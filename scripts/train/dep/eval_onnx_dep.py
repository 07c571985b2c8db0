"""Score the exported graph's dependency outputs against the silver parses, reading them the
way the Rust runtime would, on two kinds of windows.

usage: eval_onnx_dep.py MODEL_DIR SILVER_DIR [SPLIT...]     (default: fixtures dev)

- packed: the training windows (data.py's packing, whole lines);
- runtime: src/tokenize.rs's windows (254 content tokens, overlap >= 63, each word kept from
  the window where it is farthest from an edge), which cut sentences anywhere. A word's head
  is read in the window that keeps the word, and may be any word of that window.
Greedy = row argmax of dep_arc_logits; tree = Eisner over each window's [CLS] + words.
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from features import session, window_inputs  # noqa: E402
from train_dep import eisner  # noqa: E402


def plan_windows(n, size=254, overlap=63):
    """src/tokenize.rs plan_windows: [(tokens, keep)] as (start, end) pairs."""
    if n <= size:
        return [((0, n), (0, n))]
    step = size - overlap
    count = -(-(n - overlap) // step)
    starts = [i * (n - size) // (count - 1) for i in range(count)]
    out = []
    for i, s in enumerate(starts):
        ks = 0 if i == 0 else -(-(s + starts[i - 1] + size) // 2)
        ke = n if i + 1 == count else -(-(starts[i + 1] + s + size) // 2)
        out.append(((s, s + size), (ks, ke)))
    return out


def parse_doc(sess, doc, windows):
    """Predicted (greedy head, greedy label, tree head, tree label) per word; heads are word
    indices, -1 = root."""
    first = [w[0] for w in doc["words"]]
    word_at = {t: k for k, t in enumerate(first)}
    n = len(first)
    pred = np.full((4, n), -2, dtype=np.int64)
    for (a, b), (ka, kb) in windows:
        arc, D, H = sess.run(["dep_arc_logits", "dep_label_dep", "dep_label_head"], window_inputs(doc, a, b))
        arc, D, H = arc[0], D[0], H[0]
        ws = [k for k in range(n) if a <= first[k] < b]
        pos = np.array([0] + [first[k] - a + 1 for k in ws])
        to_word = lambda j: -1 if j == 0 else word_at[a + j - 1]  # noqa: E731
        sub = arc[np.ix_(pos, pos)]
        sub = sub - np.logaddexp.reduce(arc[pos], axis=1, keepdims=True)
        tree = eisner(sub)
        for r, k in enumerate(ws, start=1):
            if not ka <= first[k] < kb:
                continue
            p = pos[r]
            for col, h in ((0, int(arc[p].argmax())), (2, int(pos[tree[r]]))):
                pred[col, k] = to_word(h)
                pred[col + 1, k] = int((D[p] * H[h]).sum(-1).argmax())
    return pred


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    model_dir, silver = sys.argv[1:3]
    splits = sys.argv[3:] or ["fixtures", "dev"]
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        id2label = json.load(f)["factx"]["heads"]["dep"]["id2label"]
    labels = np.array([id2label[str(i)] for i in range(len(id2label))], dtype=object)
    sess = session(os.path.join(model_dir, "model.onnx"))
    result = {}
    for split in splits:
        with open(os.path.join(silver, f"{split}.json"), encoding="utf-8") as f:
            docs = json.load(f)
        for kind in ("packed", "runtime"):
            gold_h, gold_l, punct, preds = [], [], [], []
            for doc in docs:
                wins = ([((a, b), (a, b)) for a, b in doc["windows"]] if kind == "packed"
                        else plan_windows(len(doc["ids"])))
                preds.append(parse_doc(sess, doc, wins))
                gold_h += doc["head"]; gold_l += doc["label"]; punct += doc["punct"]
            p = np.concatenate(preds, 1)
            gold_h, gold_l, punct = np.array(gold_h), np.array(gold_l, dtype=object), np.array(punct)
            for dec, col in (("greedy", 0), ("tree", 2)):
                u = p[col] == gold_h
                las = u & (labels[p[col + 1]] == gold_l)
                res = {name: {"UAS": 100 * u[m].mean(), "LAS": 100 * las[m].mean(), "words": int(m.sum())}
                       for name, m in (("all", np.ones_like(u)), ("no_punct", punct == 0))}
                result[f"{split}/{kind}/{dec}"] = res
                print(f"{split} {kind:7s} {dec:6s} UAS {res['all']['UAS']:.2f} LAS {res['all']['LAS']:.2f} | "
                      f"no punct UAS {res['no_punct']['UAS']:.2f} LAS {res['no_punct']['LAS']:.2f}", flush=True)
    with open(os.path.normpath(model_dir) + "-eval.json", "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
