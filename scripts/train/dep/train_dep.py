"""Train the biaffine dependency head on cached encoder features and score it against the
silver (spaCy) parses.

usage: train_dep.py FEATURES_DIR OUT_DIR [--epochs N] [--seed S]

Reads FEATURES_DIR/{train,dev,fixtures}.npz (features.py). 5% of the train windows (every
20th) are held out to pick the epoch; CoNLL dev and the fixture documents are only scored.
Writes OUT_DIR/head.pt (state dict + labels + sizes) and OUT_DIR/scores.json.

The head (Dozat & Manning 2017, deep biaffine) over frozen encoder features:
- input: x_i = sum_k softmax(m)_k h_k,i, a learned mix of encoder layers 1-5 (features.py says
  why not the last layer alone), one mix for the arc scorer and one for the label scorer;
- arcs: dep_i = LeakyReLU(W_d x_i), head_j = LeakyReLU(W_h x_j), 128-d: with 256-d arcs and
  64-d labels the head alone took 7.4 ms a 256-token window on one thread against 1.7 ms,
  past the 10% of the encoder's time it may cost;
  score(i <- j) = dep_i U head_j + u . head_j + dist[clip(p_j - p_i, -32, 32)], the last a
  learned bias by sub-token offset: frozen features carry word order weakly, and most arcs are
  short (+12 UAS on a 300-window trial). Candidates are the window's [CLS] (the root) and its
  words, never i itself; the loss is cross-entropy over them.
- labels: ld_i, lh_j (32-d) and score(i <- j, l) = sum_k D[i, l, k] * H[j, l, k] with
  D = [A ld_i (rank 8 per label), w_l . ld_i + b_l, 1] and H = [B lh_j, 1, v_l . lh_j]:
  a low-rank bilinear term plus a dependent and a head term, factored so that the runtime,
  after it has chosen each word's head, gets every label's score with one K-long dot product.
"""
import argparse
import json
import os
import time

import numpy as np
import torch
from torch import nn

torch.set_num_threads(1)
NEG = -1e9
# Labels whose F1 the report lists.
REPORT_LABELS = ["nsubj", "nsubjpass", "appos", "poss", "dobj", "pobj", "prep", "compound",
                 "conj", "acl", "relcl", "amod", "attr", "npadvmod"]


class DepHead(nn.Module):
    def __init__(self, n_labels, n_layers=5, d_in=384, d_arc=128, d_lab=32, rank=8, max_dist=32, dropout=0.2):
        super().__init__()
        self.n_labels, self.rank, self.max_dist = n_labels, rank, max_dist
        self.mix_arc = nn.Parameter(torch.zeros(n_layers))
        self.mix_lab = nn.Parameter(torch.zeros(n_layers))
        self.dist = nn.Parameter(torch.zeros(2 * max_dist + 1))
        self.drop = nn.Dropout(dropout)
        self.arc = nn.Linear(d_in, 2 * d_arc)           # [dep | head] projections in one matmul
        self.lab = nn.Linear(d_in, 2 * d_lab)
        self.U = nn.Parameter(torch.zeros(d_arc, d_arc))
        self.u = nn.Parameter(torch.zeros(d_arc))
        self.lab_dep = nn.Linear(d_lab, n_labels * (rank + 1))    # A and w, b
        self.lab_head = nn.Linear(d_lab, n_labels * (rank + 1), bias=False)  # B and v
        self.act = nn.LeakyReLU(0.1)
        self.d_arc, self.d_lab = d_arc, d_lab

    def forward(self, layers, cand, pos):
        """layers: n_layers tensors [B, S, d_in]; cand [B, S] float, 1 where a position may be a head
        ([CLS] and word starts); pos [B, S] int64, sub-token position in the window. Returns arc
        scores [B, S(dep), S(head)] (non-candidates and the diagonal at NEG) and the label
        factors D, H [B, S, n_labels, rank + 2]."""
        # A sum of scaled tensors, not a matmul over a stacked axis: ONNX Runtime runs the
        # latter as many tiny GEMMs, which cost more than the whole rest of the head.
        wa, wl = torch.softmax(self.mix_arc, 0), torch.softmax(self.mix_lab, 0)
        xa = self.drop(sum(wa[k] * h for k, h in enumerate(layers)))
        xl = self.drop(sum(wl[k] * h for k, h in enumerate(layers)))
        a = self.drop(self.act(self.arc(xa)))
        dep, head = a[..., :self.d_arc], a[..., self.d_arc:]
        arc = torch.matmul(torch.matmul(dep, self.U), head.transpose(1, 2))
        arc = arc + torch.matmul(head, self.u).unsqueeze(1)
        rel = (pos.unsqueeze(1) - pos.unsqueeze(2)).clamp(-self.max_dist, self.max_dist) + self.max_dist
        arc = arc + self.dist[rel]
        s = xa.shape[1]
        eye = torch.arange(s).unsqueeze(0) == torch.arange(s).unsqueeze(1)
        bad = (1.0 - cand).unsqueeze(1) + eye.to(xa.dtype).unsqueeze(0)
        arc = arc + NEG * (bad > 0).to(xa.dtype)
        lab = self.drop(self.act(self.lab(xl)))
        shape = xl.shape[:2] + (self.n_labels, self.rank + 1)
        ld = self.lab_dep(lab[..., :self.d_lab]).reshape(shape)
        lh = self.lab_head(lab[..., self.d_lab:]).reshape(shape)
        one = torch.ones_like(ld[..., :1])
        D = torch.cat([ld, one], -1)                       # [A ld, w.ld + b, 1]
        H = torch.cat([lh[..., :self.rank], one, lh[..., self.rank:]], -1)  # [B lh, 1, v.lh]
        return arc, D, H


def load(path):
    z = np.load(path)
    return {k: z[k] for k in z.files}


def windows(f):
    return [(f["ptr"][w], f["ptr"][w + 1]) for w in range(len(f["ptr"]) - 1)]


def batch(f, wins, lab_ids):
    R = max(b - a for a, b in wins)
    x = np.zeros((len(wins), R) + f["x"].shape[1:], dtype=np.float32)
    cand = np.zeros((len(wins), R), dtype=np.float32)
    pos = np.zeros((len(wins), R), dtype=np.int64)
    head = np.full((len(wins), R), -100, dtype=np.int64)
    lab = np.full((len(wins), R), -100, dtype=np.int64)
    for k, (a, b) in enumerate(wins):
        x[k, :b - a] = f["x"][a:b]
        cand[k, :b - a] = 1
        pos[k, :b - a] = f["pos"][a:b]
        h = f["head"][a:b].astype(np.int64)
        head[k, :b - a] = np.where(h >= 0, h, -100)
        lab[k, :b - a] = [lab_ids.get(l, -100) if hh >= 0 else -100 for l, hh in zip(f["label"][a:b], h)]
    return torch.from_numpy(x), torch.from_numpy(cand), torch.from_numpy(pos), torch.from_numpy(head), torch.from_numpy(lab)


def label_scores(D, H, heads):
    """[B, S, L]: every label's score for each position with the given heads [B, S]."""
    idx = heads.clamp(min=0)[..., None, None].expand(-1, -1, H.shape[2], H.shape[3])
    return (D * torch.gather(H, 1, idx)).sum(-1)


def eisner(scores):
    """Best projective tree. scores[d, h]: score of head h for dependent d; node 0 is the root
    ([CLS]), which may take several dependents (a window holds several sentences). Returns
    heads (heads[0] = -1). First-order Eisner, O(n^3): C/I = complete/incomplete spans, last
    index 0 = headed at the right end, 1 = headed at the left end; a Rust port is four n x n
    tables, three loops and the same back-tracking."""
    n = scores.shape[0]
    C = np.full((n, n, 2), -np.inf); I = np.full((n, n, 2), -np.inf)
    Cb = np.zeros((n, n, 2), dtype=np.int64); Ib = np.zeros((n, n), dtype=np.int64)
    C[np.arange(n), np.arange(n)] = 0
    for k in range(1, n):
        s = np.arange(n - k); t = s + k; rows = np.arange(n - k)
        r = s[:, None] + np.arange(k)[None, :]              # split points s .. t-1
        v = C[s[:, None], r, 1] + C[r + 1, t[:, None], 0]
        b = v.argmax(1); m = v[rows, b]
        I[s, t, 0] = m + scores[s, t]                       # t heads s
        I[s, t, 1] = m + scores[t, s]                       # s heads t
        Ib[s, t] = s + b
        I[0, k, 0] = -np.inf                                # nothing heads the root
        v = C[s[:, None], r, 0] + I[r, t[:, None], 0]
        b = v.argmax(1); C[s, t, 0] = v[rows, b]; Cb[s, t, 0] = s + b
        v = I[s[:, None], r + 1, 1] + C[r + 1, t[:, None], 1]
        b = v.argmax(1); C[s, t, 1] = v[rows, b]; Cb[s, t, 1] = s + 1 + b
    heads = np.full(n, -1, dtype=np.int64)
    stack = [(0, n - 1, 1, True)]
    while stack:
        s, t, d, complete = stack.pop()
        if s == t:
            continue
        if complete:
            r = Cb[s, t, d]
            stack += [(s, r, 0, True), (r, t, 0, False)] if d == 0 else [(s, r, 1, False), (r, t, 1, True)]
        else:
            r = Ib[s, t]
            if d == 0:
                heads[s] = t
            else:
                heads[t] = s
            stack += [(s, r, 1, True), (r + 1, t, 0, True)]
    return heads


def predict(model, f, lab_ids, tree, bs=16):
    """Per row: (greedy head, greedy label, tree head, tree label); [CLS] rows -2."""
    model.eval()
    wins = windows(f)
    out = {k: np.full(len(f["head"]), -2, dtype=np.int64) for k in ("gh", "gl", "th", "tl")}
    with torch.no_grad():
        for i in range(0, len(wins), bs):
            ws = wins[i:i + bs]
            x, cand, pos, _, _ = batch(f, ws, lab_ids)
            arc, D, H = model(x.unbind(2), cand, pos)
            gh = arc.argmax(-1)
            gl = label_scores(D, H, gh).argmax(-1)
            if tree:
                logp = torch.log_softmax(arc, -1).numpy()
                th = np.stack([np.pad(eisner(logp[k, :b - a, :b - a]), (0, arc.shape[1] - (b - a)))
                               for k, (a, b) in enumerate(ws)])
                tl = label_scores(D, H, torch.from_numpy(th)).argmax(-1).numpy()
            for k, (a, b) in enumerate(ws):
                out["gh"][a + 1:b] = gh[k, 1:b - a]; out["gl"][a + 1:b] = gl[k, 1:b - a]
                if tree:
                    out["th"][a + 1:b] = th[k, 1:b - a]; out["tl"][a + 1:b] = tl[k, 1:b - a]
    return out


def score(f, pred, labels, which):
    """UAS/LAS over words (heads outside the window count as errors), punctuation in and out;
    per-label P/R/F1 where a word counts only with the right head and label."""
    words = f["head"] != -2
    gold_h, gold_l = f["head"], f["label"]
    ph, pl = pred[which + "h"], np.array(labels, dtype=object)[np.clip(pred[which + "l"], 0, None)]
    uas_ok = words & (ph == gold_h)
    las_ok = uas_ok & (pl == gold_l)
    res = {}
    for name, m in (("all", words), ("no_punct", words & (f["punct"] == 0))):
        res[name] = {"words": int(m.sum()), "UAS": 100 * float(uas_ok[m].mean()), "LAS": 100 * float(las_ok[m].mean())}
    per = {}
    for l in labels:
        tp = int((las_ok & (gold_l == l)).sum())
        npred = int((words & (pl == l)).sum()); ngold = int((words & (gold_l == l)).sum())
        p = tp / npred if npred else 0.0; r = tp / ngold if ngold else 0.0
        per[l] = {"P": 100 * p, "R": 100 * r, "F1": 100 * (2 * p * r / (p + r) if p + r else 0.0), "support": ngold}
    res["labels"] = per
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("features")
    ap.add_argument("out")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--batch", type=int, default=8)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    train = load(os.path.join(args.features, "train.npz"))
    labels = sorted(str(l) for l in set(train["label"]) - {""})
    lab_ids = {l: i for i, l in enumerate(labels)}
    all_wins = windows(train)
    held = all_wins[::20]
    fit = [w for i, w in enumerate(all_wins) if i % 20]
    model = DepHead(len(labels), n_layers=train["x"].shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=2e-3, betas=(0.9, 0.9))
    steps = args.epochs * ((len(fit) + args.batch - 1) // args.batch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, s / 200) * max(0.05, 1 - s / steps))
    # Held-out rows as their own feature set, so predict/score read them like dev.
    held_rows = np.concatenate([np.arange(a, b) for a, b in held])
    held_f = {k: train[k][held_rows] for k in ("x", "head", "label", "punct", "pos")}
    held_f["ptr"] = np.concatenate([[0], np.cumsum([b - a for a, b in held])])
    best, best_state, log = -1.0, None, []
    os.makedirs(args.out, exist_ok=True)
    for ep in range(1, args.epochs + 1):
        model.train()
        t0, total, nb = time.time(), 0.0, 0
        # Length-sorted buckets, shuffled, so padding stays small.
        order = sorted(fit, key=lambda w: w[1] - w[0] + rng.random())
        batches = [order[i:i + args.batch] for i in range(0, len(order), args.batch)]
        rng.shuffle(batches)
        for ws in batches:
            x, cand, pos, head, lab = batch(train, ws, lab_ids)
            arc, D, H = model(x.unbind(2), cand, pos)
            loss_arc = nn.functional.cross_entropy(arc.reshape(-1, arc.shape[-1]), head.reshape(-1), ignore_index=-100)
            ls = label_scores(D, H, head)
            loss_lab = nn.functional.cross_entropy(ls.reshape(-1, ls.shape[-1]), lab.reshape(-1), ignore_index=-100)
            loss = loss_arc + loss_lab
            opt.zero_grad(); loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step(); sched.step()
            total += loss.item(); nb += 1
        h = score(held_f, predict(model, held_f, lab_ids, tree=False), labels, "g")
        log.append({"epoch": ep, "loss": total / nb, "seconds": time.time() - t0,
                    "held_UAS": h["all"]["UAS"], "held_LAS": h["all"]["LAS"]})
        print(json.dumps(log[-1]), flush=True)
        if h["all"]["LAS"] > best:
            best = h["all"]["LAS"]
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    cfg = {"n_labels": len(labels), "n_layers": int(train["x"].shape[1]), "d_in": int(train["x"].shape[2]),
           "d_arc": model.d_arc, "d_lab": model.d_lab, "rank": model.rank, "max_dist": model.max_dist}
    torch.save({"state": best_state, "labels": labels, "config": cfg}, os.path.join(args.out, "head.pt"))
    scores = {"log": log, "labels": labels}
    for split in ("dev", "fixtures"):
        f = load(os.path.join(args.features, f"{split}.npz"))
        t0 = time.time()
        pred = predict(model, f, lab_ids, tree=True)
        scores[split] = {"greedy": score(f, pred, labels, "g"), "tree": score(f, pred, labels, "t"),
                         "heads_outside_window": int((f["head"] == -1).sum()),
                         "tree_changed_heads": int(((pred["gh"] != pred["th"]) & (f["head"] != -2)).sum()),
                         "seconds": time.time() - t0}
        for dec in ("greedy", "tree"):
            r = scores[split][dec]
            print(f"{split} {dec}: UAS {r['all']['UAS']:.2f} LAS {r['all']['LAS']:.2f} | no punct UAS "
                  f"{r['no_punct']['UAS']:.2f} LAS {r['no_punct']['LAS']:.2f} ({r['all']['words']} words)")
            print("  F1 " + " ".join(f"{l} {r['labels'][l]['F1']:.1f}" for l in REPORT_LABELS))
    with open(os.path.join(args.out, "scores.json"), "w") as f:
        json.dump(scores, f, indent=1)


if __name__ == "__main__":
    main()
