"""Multi-task BERT token classifier (NER + POS + chunk) with casing token types."""
import json
import os

import torch
from torch import nn
from transformers import BertConfig, BertModel


class FactxNer(nn.Module):
    """State-dict names follow HF BertForTokenClassification (bert.*, classifier.*)
    plus pos_classifier.* and chunk_classifier.*."""

    def __init__(self, config: BertConfig, n_pos: int, n_chunk: int):
        super().__init__()
        self.config = config
        self.bert = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.pos_classifier = nn.Linear(config.hidden_size, n_pos)
        self.chunk_classifier = nn.Linear(config.hidden_size, n_chunk)
        for lin in (self.classifier, self.pos_classifier, self.chunk_classifier):
            nn.init.normal_(lin.weight, std=config.initializer_range)
            nn.init.zeros_(lin.bias)

    def forward(self, input_ids, attention_mask, token_type_ids):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                      token_type_ids=token_type_ids, return_dict=True).last_hidden_state
        h = self.dropout(h)
        return self.classifier(h), self.pos_classifier(h), self.chunk_classifier(h)


def load_config(path):
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    return d


def config_from_dict(d, attn="eager"):
    cfg = BertConfig.from_dict({k: v for k, v in d.items() if k != "factx"})
    cfg._attn_implementation = attn
    return cfg


def load_trained(model_dir, attn="eager"):
    """Load FactxNer from a shipped dir (config.json + model.safetensors)."""
    from safetensors.torch import load_file
    d = load_config(os.path.join(model_dir, "config.json"))
    heads = d["factx"]["heads"]
    cfg = config_from_dict(d, attn)
    m = FactxNer(cfg, len(heads["pos"]["id2label"]), len(heads["chunk"]["id2label"]))
    sd = load_file(os.path.join(model_dir, "model.safetensors"))
    missing, unexpected = m.load_state_dict(sd, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids")]
    if missing or unexpected:
        raise RuntimeError(f"state dict mismatch: missing={missing} unexpected={unexpected}")
    m.eval()
    return m, d
