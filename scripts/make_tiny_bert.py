#!/usr/bin/env python3
"""Write a tiny random model dir in the shipped model's format, for backend parity tests.

usage: make_tiny_bert.py [OUT_DIR]   (default tests/fixtures/tiny-bert; needs torch,
transformers, safetensors, tokenizers, onnx, onnxruntime: .cache/train-venv has them)

OUT_DIR gets config.json (HF BertConfig + the "factx" heads), model.safetensors (HF names:
bert.*, classifier.*, pos_classifier.*, chunk_classifier.*), tokenizer.json, model.onnx (fp32,
inputs/outputs named as scripts/train/export_onnx.py names them) and reference.json: a padded
batch and the PyTorch logits for it, which the backends must reproduce.
"""
import json
import os
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts", "train"))
from model import load_trained  # noqa: E402

NER = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
POS = ["NN", "NNP", "VB", "DT", "IN", "CD", "."]
CHUNK = ["O", "B-NP", "I-NP", "B-VP", "I-VP"]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = ["the", "of", "and", "to", "in", "said", "bbc", "london", "million", "year", "mr", "bank"]


def vocab():
    chars = [chr(c) for c in range(ord("a"), ord("z") + 1)] + [str(d) for d in range(10)]
    punct = list(".,;:'\"()-$%")
    return SPECIAL + WORDS + chars + ["##" + c for c in chars] + punct


def write_tokenizer(path, vocab_list):
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    tk = Tokenizer(models.WordPiece({t: i for i, t in enumerate(vocab_list)}, unk_token="[UNK]"))
    tk.normalizer = normalizers.BertNormalizer(lowercase=True)
    tk.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tk.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab_list.index("[CLS]")), ("[SEP]", vocab_list.index("[SEP]"))])
    tk.decoder = decoders.WordPiece()
    tk.save(path)


def config(n_vocab):
    return {
        "architectures": ["BertForTokenClassification"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": 32,
        "initializer_range": 0.02,
        "intermediate_size": 64,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": 64,
        "num_attention_heads": 4,
        "num_hidden_layers": 2,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "type_vocab_size": 7,
        "vocab_size": n_vocab,
        "id2label": {str(i): l for i, l in enumerate(NER)},
        "label2id": {l: i for i, l in enumerate(NER)},
        "factx": {
            "token_types": "casing-v1",
            "max_length": 64,
            "heads": {
                "pos": {"output": "pos_logits", "id2label": {str(i): l for i, l in enumerate(POS)}},
                "chunk": {"output": "chunk_logits", "id2label": {str(i): l for i, l in enumerate(CHUNK)}},
            },
        },
    }


def random_weights(cfg):
    """Every tensor random and O(1), LayerNorm included, so that any tensor the backend fails
    to load (or loads under the wrong name) moves the logits well past the tolerance."""
    from transformers import BertConfig, BertModel
    g = torch.Generator().manual_seed(7)
    h = cfg["hidden_size"]
    bert = BertModel(BertConfig.from_dict({k: v for k, v in cfg.items() if k != "factx"}),
                     add_pooling_layer=False)
    sd = {"bert." + k: v for k, v in bert.state_dict().items() if not k.endswith("position_ids")}
    for name, n in (("classifier", len(NER)), ("pos_classifier", len(POS)), ("chunk_classifier", len(CHUNK))):
        sd[f"{name}.weight"] = torch.empty(n, h)
        sd[f"{name}.bias"] = torch.empty(n)
    out = {}
    for k, v in sd.items():
        r = torch.randn(v.shape, generator=g)
        out[k] = (1.0 + 0.2 * r) if k.endswith("LayerNorm.weight") else 0.2 * r
    return out


def reference_batch(n_vocab, n_types):
    """Three windows of different lengths, padded as the pipeline pads (id 0, mask 0, type 0)."""
    rng = np.random.default_rng(11)
    lens, seq = [16, 9, 5], 16
    ids = np.zeros((len(lens), seq), dtype=np.int64)
    am = np.zeros_like(ids)
    tt = np.zeros_like(ids)
    for i, n in enumerate(lens):
        ids[i, :n] = rng.integers(len(SPECIAL), n_vocab, n)
        ids[i, 0], ids[i, n - 1] = SPECIAL.index("[CLS]"), SPECIAL.index("[SEP]")
        am[i, :n] = 1
        tt[i, 1:n - 1] = rng.integers(1, n_types, n - 2)
    return ids, am, tt


def main():
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests", "fixtures", "tiny-bert"))
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    from safetensors.torch import save_file
    vocab_list = vocab()
    cfg = config(len(vocab_list))
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    save_file(random_weights(cfg), os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
    write_tokenizer(os.path.join(out, "tokenizer.json"), vocab_list)

    # Reload through the training code's loader: it fails on any name mismatch.
    model, _ = load_trained(out, attn="eager")
    ids, am, tt = reference_batch(len(vocab_list), cfg["type_vocab_size"])
    t = tuple(torch.from_numpy(x) for x in (ids, am, tt))
    with torch.no_grad():
        ref = [x.numpy() for x in model(*t)]
        onnx_path = os.path.join(out, "model.onnx")
        dyn = {0: "batch", 1: "sequence"}
        names = ["logits", "pos_logits", "chunk_logits"]
        inputs = ["input_ids", "attention_mask", "token_type_ids"]
        torch.onnx.export(model, t, onnx_path, dynamo=False, opset_version=17,
                          input_names=inputs, output_names=names,
                          dynamic_axes={n: dyn for n in inputs + names}, do_constant_folding=True)

    import onnxruntime as ort
    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    got = sess.run(names, dict(zip(inputs, (ids, am, tt))))
    diff = max(float(np.abs(g - r).max()) for g, r in zip(got, ref))
    if diff > 1e-4:
        raise SystemExit(f"ONNX export differs from torch by {diff:.2e}")

    reference = {"input_ids": ids.tolist(), "attention_mask": am.tolist(), "token_type_ids": tt.tolist()}
    reference.update({n: r.tolist() for n, r in zip(names, ref)})
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(reference, f)
    scale = max(float(np.abs(r).max()) for r in ref)
    print(f"wrote {out}: max |logit| {scale:.2f}, max |onnx-torch| {diff:.2e}")


if __name__ == "__main__":
    main()
