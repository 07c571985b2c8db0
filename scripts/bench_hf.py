#!/usr/bin/env python3
"""The peer for scripts/bench.py: Hugging Face's token-classification pipeline
(aggregation_strategy="simple") on the same model's safetensors weights, over a JSONL corpus.
Prints {"seconds": inference seconds} on stderr (model loading excluded, as for factx's rate).

usage: bench_hf.py MODEL_DIR CORPUS.jsonl THREADS
"""
import json
import sys
import time

import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline


def main(model_dir, corpus, threads):
    torch.set_num_threads(int(threads))
    texts = [json.loads(line)["text"] for line in open(corpus)]
    # The same 256-token windows factx uses, overlapping by 64 (the pipeline's `stride`); without
    # a window the pipeline fails on documents longer than the model's 512 positions.
    tokenizer = AutoTokenizer.from_pretrained(model_dir, model_max_length=256)
    model = AutoModelForTokenClassification.from_pretrained(model_dir)
    ner = pipeline("token-classification", model=model, tokenizer=tokenizer,
                   aggregation_strategy="simple", stride=64, device="cpu")
    start = time.perf_counter()
    mentions = sum(len(ner(text)) for text in texts)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "mentions": mentions}), file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:])
