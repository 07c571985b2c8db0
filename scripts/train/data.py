"""CoNLL-2003 and marked-up BBC reading, text reconstruction, sub-token labelling and window
packing."""
import os
import re

from casing import casing_type_ids

NER_LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
IGNORE = -100


def read_conll(path):
    """Returns list of documents; document = list of sentences; sentence = list of
    (token, pos, chunk, ner)."""
    docs, doc, sent = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("-DOCSTART-"):
                if sent:
                    doc.append(sent); sent = []
                if doc:
                    docs.append(doc); doc = []
                continue
            if not line.strip():
                if sent:
                    doc.append(sent); sent = []
                continue
            parts = line.split(" ")
            sent.append((parts[0], parts[1], parts[2], parts[-1]))
    if sent:
        doc.append(sent)
    if doc:
        docs.append(doc)
    return docs


# The BBC corpus the marked-up training documents come from, beside the checkout.
BBC_NEWS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data", "bbc-news")
MARK = re.compile(r"\[\[(PER|ORG|LOC|MISC)\|([^\[\]|]+?)\]\]")
# Words as BERT's pre-tokenizer splits them: runs of letters/digits, each other character alone.
WORD = re.compile(r"\w+|[^\w\s]")


def read_marked(path):
    """A document labelled with inline [[LABEL|surface]] marks, in read_conll's shape: one
    sentence per non-empty line (a BBC paragraph), POS and chunk None (not labelled: no loss)."""
    with open(path, encoding="utf-8") as f:
        marked = f.read()
    text, mentions, last = [], [], 0
    length = 0
    for m in MARK.finditer(marked):
        text.append(marked[last:m.start()]); length += m.start() - last
        mentions.append((length, length + len(m.group(2)), m.group(1)))
        text.append(m.group(2)); length += len(m.group(2))
        last = m.end()
    text.append(marked[last:])
    text = "".join(text)
    if "[[" in text or "]]" in text:
        raise ValueError(f"{path}: malformed mark")
    doc, line_start = [], 0
    for line in text.split("\n"):
        sent = []
        for w in WORD.finditer(line):
            a, b = line_start + w.start(), line_start + w.end()
            tag = "O"
            for s, e, label in mentions:
                if s <= a and b <= e:
                    tag = ("B-" if a == s else "I-") + label
                elif a < e and s < b:
                    raise ValueError(f"{path}: word {text[a:b]!r} crosses the mention {text[s:e]!r}")
            sent.append((w.group(0), None, None, tag))
        if sent:
            doc.append(sent)
        line_start += len(line) + 1
    return doc


def read_marked_dir(directory):
    """Every *.txt document of `directory`, in name order: (names, documents)."""
    names = sorted(n for n in os.listdir(directory) if n.endswith(".txt"))
    return names, [read_marked(os.path.join(directory, n)) for n in names]


def label_sets(docs):
    pos, chunk = set(), set()
    for d in docs:
        for s in d:
            for t in s:
                pos.add(t[1]); chunk.add(t[2])
    return sorted(pos), sorted(chunk)


def doc_text(doc):
    """Join tokens with single spaces, sentences with '\n'. Returns text, token spans
    [(sent_idx, tok_idx, start, end)], char->token index list."""
    parts, spans, pos = [], [], 0
    for si, sent in enumerate(doc):
        if si:
            parts.append("\n"); pos += 1
        for ti, tok in enumerate(sent):
            if ti:
                parts.append(" "); pos += 1
            parts.append(tok[0])
            spans.append((si, ti, pos, pos + len(tok[0])))
            pos += len(tok[0])
    text = "".join(parts)
    char2tok = [-1] * len(text)
    for k, (_, _, a, b) in enumerate(spans):
        for c in range(a, b):
            char2tok[c] = k
    return text, spans, char2tok


def _cont(tag):
    """Label for a later pre-token word of the same CoNLL token."""
    return "I-" + tag[2:] if tag.startswith("B-") else tag


def pack_windows(sent_ranges, is_word_start, max_len):
    """Sub-token ranges of the windows: whole sentences packed greedily up to max_len - 2
    sub-tokens; a longer sentence is cut at word starts (as the runtime packs them)."""
    cap = max_len - 2
    pieces = []
    for a, b in sent_ranges:
        while b - a > cap:
            cut = a + cap
            while cut > a + 1 and not is_word_start[cut]:
                cut -= 1
            if cut == a + 1:
                cut = a + cap
            pieces.append((a, cut)); a = cut
        pieces.append((a, b))
    windows, cur = [], None
    for a, b in pieces:
        if cur is not None and b - cur[0] <= cap:
            cur = (cur[0], b)
        else:
            if cur is not None:
                windows.append(cur)
            cur = (a, b)
    if cur is not None:
        windows.append(cur)
    return windows


def encode_doc(tokenizer, doc, maps, max_len=256, with_labels=True):
    """Tokenise one document as raw text and pack into windows.

    maps: dict with 'ner','pos','chunk' label->id.
    Returns (windows, n_conll_tokens, spans); each window is a dict with input_ids,
    token_type_ids, ner/pos/chunk label lists and 'words': list of
    (first_subtoken_pos_in_window, conll_token_index, is_first_word_of_conll_token).
    """
    text, spans, char2tok = doc_text(doc)
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids = enc["input_ids"]
    offs = enc["offset_mapping"]
    toks = tokenizer.convert_ids_to_tokens(ids)
    n = len(ids)
    types = casing_type_ids(text, toks, offs, [0] * n)
    flat = [t for s in doc for t in s]
    # per sub-token: conll token index, word start flag, labels
    tok_idx = [char2tok[o[0]] for o in offs]
    is_word_start = [not (t.startswith("##") and i > 0) for i, t in enumerate(toks)]
    ner = [IGNORE] * n; pos = [IGNORE] * n; chunk = [IGNORE] * n
    words = []  # (subtoken index, conll token index, first-of-token)
    last_tok = -1
    for i in range(n):
        if not is_word_start[i]:
            continue
        k = tok_idx[i]
        first = k != last_tok
        last_tok = k
        words.append((i, k, first))
        if with_labels:
            w, p, c, e = flat[k]
            ner[i] = maps["ner"][e if first else _cont(e)]
            if p is not None:
                pos[i] = maps["pos"][p]
            if c is not None:
                chunk[i] = maps["chunk"][c if first else _cont(c)]
    # sentence boundaries in sub-token space
    sent_of_tok = [s[0] for s in spans]
    sent_ranges = []  # (start, end) sub-token ranges per sentence
    start = 0
    for i in range(1, n + 1):
        if i == n or sent_of_tok[tok_idx[i]] != sent_of_tok[tok_idx[i - 1]]:
            sent_ranges.append((start, i)); start = i
    windows_ranges = pack_windows(sent_ranges, is_word_start, max_len)
    cls_id, sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
    windows = []
    wi = 0
    for a, b in windows_ranges:
        win_words = []
        while wi < len(words) and words[wi][0] < b:
            s, k, f = words[wi]
            win_words.append((s - a + 1, k, f))
            wi += 1
        windows.append({
            "input_ids": [cls_id] + ids[a:b] + [sep_id],
            "token_type_ids": [0] + types[a:b] + [0],
            "ner": [IGNORE] + ner[a:b] + [IGNORE],
            "pos": [IGNORE] + pos[a:b] + [IGNORE],
            "chunk": [IGNORE] + chunk[a:b] + [IGNORE],
            "words": win_words,
        })
    return windows, len(flat), spans


def encode_split(tokenizer, docs, maps, max_len=256):
    out = []
    for di, doc in enumerate(docs):
        wins, ntok, spans = encode_doc(tokenizer, doc, maps, max_len)
        for w in wins:
            w["doc"] = di
        out.append((wins, ntok, spans))
    return out
