"""casing-v1: token-type ids that carry the casing of each word.

A "word" is a first sub-token (string not starting with "##") plus all
following "##" continuation sub-tokens.  Its text is the ORIGINAL (cased)
text from the first token's offset start to the last continuation's offset
end.  Every sub-token of the word gets the word's class:

  0  special tokens ([CLS], [SEP], ...) and padding
  1  has letters, no uppercase letter               "the", "x2", CJK
  2  Capitalised: first letter uppercase and some later letter lowercase,
     or exactly one letter which is uppercase        "London", "McDonald", "I"
  3  ALLCAPS: >= 2 letters, first letter uppercase, no lowercase letter
                                                     "BBC", "USA"
  4  mixed: first letter not uppercase, some later letter uppercase
                                                     "iPhone", "eBay"
  5  no letters, contains a digit                    "2017", "45"
  6  no letters, no digit                            ",", "’", emoji

Letters are chars with str.isalpha(); uppercase str.isupper(), lowercase
str.islower(), digit str.isdigit() (all on single chars).
"""

N_TOKEN_TYPES = 7
NAME = "casing-v1"


def word_class(text: str) -> int:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 5 if any(c.isdigit() for c in text) else 6
    if not any(c.isupper() for c in letters):
        return 1
    if not letters[0].isupper():
        return 4
    if len(letters) == 1:
        return 2
    if any(c.islower() for c in letters[1:]):
        return 2
    return 3


def word_spans(tokens, special_mask):
    """Group sub-token indices into words. Returns list of (first, last) inclusive
    index pairs; special tokens are not part of any word."""
    spans = []
    for i, tok in enumerate(tokens):
        if special_mask[i]:
            continue
        if tok.startswith("##") and spans and spans[-1][1] == i - 1:
            spans[-1] = (spans[-1][0], i)
        else:
            spans.append((i, i))
    return spans


def casing_type_ids(text, tokens, offsets, special_mask):
    """token_type_ids for one encoded sequence (no padding needed; pad with 0)."""
    ids = [0] * len(tokens)
    for a, b in word_spans(tokens, special_mask):
        cls = word_class(text[offsets[a][0]:offsets[b][1]])
        for i in range(a, b + 1):
            ids[i] = cls
    return ids


def encode_with_casing(tokenizer, text, add_special_tokens=True):
    """Encode with a HF fast tokenizer (or `tokenizers.Tokenizer`) and return
    (tokens, input_ids, token_type_ids, offsets)."""
    if hasattr(tokenizer, "encode_batch"):  # tokenizers.Tokenizer
        enc = tokenizer.encode(text, add_special_tokens=add_special_tokens)
        tokens, ids, offsets, special = enc.tokens, enc.ids, enc.offsets, enc.special_tokens_mask
    else:
        enc = tokenizer(text, add_special_tokens=add_special_tokens, return_offsets_mapping=True,
                        return_special_tokens_mask=True)
        ids = enc["input_ids"]
        tokens = tokenizer.convert_ids_to_tokens(ids)
        offsets = enc["offset_mapping"]
        special = enc["special_tokens_mask"]
    return tokens, ids, casing_type_ids(text, tokens, offsets, special), offsets
