"""The DocBin factx wrote, read by spaCy itself: doc.text, doc.ents, the `roles` and `facts`
span groups and user_data must say what the records say. Usage: check_spacy.py RECORDS DOCBIN"""
import json
import sys

import spacy
from spacy.tokens import DocBin

records_path, docbin_path = sys.argv[1:3]
with open(records_path, encoding="utf-8") as f:
    records = [json.loads(line) for line in f if line.strip()]
nlp = spacy.blank("en")
docs = list(DocBin().from_disk(docbin_path).get_docs(nlp.vocab))
assert len(docs) == len(records), (len(docs), len(records))
EXPLAIN = ("rule", "entity_rule", "reading")
for doc, rec in zip(docs, records):
    where = rec["id"]
    assert doc.text == rec["text"], where
    want = sorted((m["start"], m["end"], m["text"], e["label"], e["id"])
                  for e in rec["entities"] for m in e["mentions"])
    got = [(s.start_char, s.end_char, s.text, s.label_, s.id_) for s in doc.ents]
    assert got == want, (where, got, want)
    roles = doc.spans["roles"]
    got = [dict(attrs, person=s.kb_id_, title=s.label_, start=s.start_char, end=s.end_char, text=s.text)
           for s, attrs in zip(roles, roles.attrs["factx"])]
    want = [{k: v for k, v in r.items() if k not in EXPLAIN} for r in rec["roles"]]
    assert got == want, (where, got, want)
    facts = doc.spans["facts"]
    got = [dict(attrs, kind=s.label_, entity=s.kb_id_ or None, start=s.start_char, end=s.end_char, text=s.text)
           for s, attrs in zip(facts, facts.attrs["factx"])]
    want = [{k: v for k, v in f.items() if k not in EXPLAIN} for f in rec["facts"]]
    assert got == want, (where, got, want)
    assert doc.user_data["id"] == rec["id"] and doc.user_data["date"] == rec["date"], where
    assert json.loads(doc.user_data["meta"]) == rec["meta"], where
print(f"spaCy {spacy.__version__} read {len(docs)} docs")
