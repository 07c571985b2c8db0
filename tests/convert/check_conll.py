"""The CoNLL file factx wrote, read by the training scripts' own reader (scripts/train/data.py
read_conll): its tokens found in order in each text, its BIO tags giving back every mention.
Usage: check_conll.py RECORDS CONLL"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "train"))
from data import read_conll  # noqa: E402

records_path, conll_path = sys.argv[1:3]
with open(records_path, encoding="utf-8") as f:
    records = [json.loads(line) for line in f if line.strip()]
docs = read_conll(conll_path)
# read_conll keeps no document without tokens.
with_tokens = [r for r in records if r["text"].strip()]
assert len(docs) == len(with_tokens), (len(docs), len(with_tokens))
for doc, rec in zip(docs, with_tokens):
    text, at, spans = rec["text"], 0, []
    for sentence in doc:
        for token, pos, chunk, tag in sentence:
            assert (pos, chunk) == ("-X-", "-X-"), (pos, chunk)
            start = text.index(token, at)
            assert text[at:start].strip() == "", (rec["id"], token, text[at:start])
            at = start + len(token)
            spans.append((start, at, tag))
    mentions, open_ = [], None
    for start, end, tag in spans:
        if tag.startswith("I-") and open_ and open_[2] == tag[2:]:
            open_[1] = end
            continue
        if open_:
            mentions.append(tuple(open_))
        open_ = [start, end, tag[2:]] if tag != "O" else None
    if open_:
        mentions.append(tuple(open_))
    want = sorted((m["start"], m["end"], e["label"]) for e in rec["entities"] for m in e["mentions"])
    assert mentions == want, (rec["id"], mentions, want)
print(f"read_conll read {len(docs)} documents")
