"""BIO-constrained Viterbi decoding over words and CoNLL-level evaluation."""
import numpy as np
from seqeval.metrics import classification_report

from data import NER_LABELS


# Log-weight of B-X right after a word of type X, as src/decode.rs (SAME_TYPE_RESTART): in
# CoNLL-2003 train a word of type X after one of type X starts a new name 70 times in 10,614.
SAME_TYPE_RESTART = -5.02


def transitions(labels):
    """[from, to] log-weights and start weights: BIO forbids I-X except after B-X/I-X; a
    same-type B-X after X is weighed down."""
    n = len(labels)
    trans = np.zeros((n, n))
    start = np.zeros(n)
    for j, lj in enumerate(labels):
        for i, li in enumerate(labels):
            same_type = li != "O" and li[2:] == lj[2:]
            if lj.startswith("I-") and not same_type:
                trans[i, j] = -1e9
            elif lj.startswith("B-") and same_type:
                trans[i, j] = SAME_TYPE_RESTART
        if lj.startswith("I-"):
            start[j] = -1e9
    return trans, start


TRANS, START = transitions(NER_LABELS)


def log_softmax(x):
    x = x - x.max(-1, keepdims=True)
    return x - np.log(np.exp(x).sum(-1, keepdims=True))


def viterbi(scores):
    """scores: [n_words, n_labels] log-probs -> best label ids."""
    n = scores.shape[0]
    if n == 0:
        return []
    dp = scores[0] + START
    back = np.zeros((n, scores.shape[1]), dtype=np.int64)
    for t in range(1, n):
        cand = dp[:, None] + TRANS  # from x to
        back[t] = cand.argmax(0)
        dp = cand.max(0) + scores[t]
    best = [int(dp.argmax())]
    for t in range(n - 1, 0, -1):
        best.append(int(back[t, best[-1]]))
    return best[::-1]


def evaluate(encoded, docs, run_batch, pos_labels, chunk_labels, batch_size=32):
    """encoded: output of data.encode_split; run_batch(list_of_windows) -> list of
    (ner_logits[L,9], pos_logits[L,P], chunk_logits[L,C]) numpy arrays per window.
    Returns dict of metrics."""
    y_true, y_pred = [], []
    pos_ok = chunk_ok = total = 0
    for (wins, ntok, spans), doc in zip(encoded, docs):
        ner_pred = ["O"] * ntok
        pos_pred = [None] * ntok
        chunk_pred = [None] * ntok
        for b in range(0, len(wins), batch_size):
            chunk_w = wins[b:b + batch_size]
            outs = run_batch(chunk_w)
            for w, (nl, pl, cl) in zip(chunk_w, outs):
                idx = [p for p, _, _ in w["words"]]
                if not idx:
                    continue
                path = viterbi(log_softmax(nl[idx].astype(np.float64)))
                pa = pl[idx].argmax(-1); ca = cl[idx].argmax(-1)
                for j, (_, k, first) in enumerate(w["words"]):
                    if first:
                        ner_pred[k] = NER_LABELS[path[j]]
                        pos_pred[k] = pos_labels[pa[j]]
                        chunk_pred[k] = chunk_labels[ca[j]]
        flat = [t for s in doc for t in s]
        k = 0
        for s in doc:
            y_true.append([t[3] for t in s])
            y_pred.append(ner_pred[k:k + len(s)])
            for t in s:
                pos_ok += pos_pred[k] == t[1]
                chunk_ok += chunk_pred[k] == t[2]
                total += 1
                k += 1
    rep = classification_report(y_true, y_pred, output_dict=True, digits=4)
    out = {"ner": {}, "pos_acc": pos_ok / total, "chunk_acc": chunk_ok / total, "n_tokens": total}
    for key, v in rep.items():
        out["ner"][key] = {"p": float(v["precision"]), "r": float(v["recall"]),
                           "f1": float(v["f1-score"]), "support": int(v["support"])}
    out["f1"] = out["ner"]["micro avg"]["f1"]
    return out


def format_metrics(m):
    lines = [f"{'type':<10}{'P':>8}{'R':>8}{'F1':>8}{'support':>9}"]
    for key in ["PER", "ORG", "LOC", "MISC", "micro avg"]:
        v = m["ner"].get(key)
        if v:
            lines.append(f"{key:<10}{100*v['p']:8.2f}{100*v['r']:8.2f}{100*v['f1']:8.2f}{v['support']:9d}")
    lines.append(f"POS acc {100*m['pos_acc']:.2f}  chunk acc {100*m['chunk_acc']:.2f}  ({m['n_tokens']} tokens)")
    return "\n".join(lines)
