"""A strict brat standoff parser (no installable one reads brat's full syntax): every line of
every .ann must be a T, R, * or AnnotatorNotes line, with unique ids, types declared in
annotation.conf, code-point offsets into the .txt read as a Python str whose text is the
line's text (fragments joined by a space), and references to existing T ids. The spans must be
the records' (matched by the id in NAME.json). Usage: check_brat.py RECORDS DIR"""
import json
import os
import re
import sys

records_path, directory = sys.argv[1:3]
with open(records_path, encoding="utf-8") as f:
    records = {r["id"]: r for r in map(json.loads, filter(str.strip, f))}

section, declared = None, {"entities": set(), "relations": set()}
with open(os.path.join(directory, "annotation.conf"), encoding="utf-8") as f:
    for line in f.read().split("\n"):
        if re.fullmatch(r"\[\w+\]", line):
            section = line[1:-1]
        elif line.strip() and section in declared:
            declared[section].add(line.split("\t")[0].split()[0])

T = re.compile(r"(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)")
R = re.compile(r"(R\d+)\t(\S+) Arg1:(T\d+) Arg2:(T\d+)")
EQUIV = re.compile(r"\*\t(\S+)((?: T\d+)+)")
NOTE = re.compile(r"(#\d+)\tAnnotatorNotes (T\d+)\t(.*)")

seen = set()
for name in sorted(n[:-4] for n in os.listdir(directory) if n.endswith(".ann")):
    path = os.path.join(directory, name)
    with open(path + ".txt", encoding="utf-8", newline="") as f:
        text = f.read()
    with open(path + ".json", encoding="utf-8") as f:
        rec = records[json.load(f)["id"]]
    seen.add(rec["id"])
    assert text == rec["text"], name
    spans, ids = {}, set()
    with open(path + ".ann", encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    assert lines[-1] == "", f"{name}.ann does not end with a newline"
    for n, line in enumerate(lines[:-1], 1):
        where = f"{name}.ann:{n}: {line!r}"
        if m := T.fullmatch(line):
            tid, typ, offsets, covered = m.groups()
            assert typ in declared["entities"], where
            fragments = [tuple(map(int, o.split())) for o in offsets.split(";")]
            assert all(0 <= s < e <= len(text) for s, e in fragments), where
            assert all(a[1] <= b[0] for a, b in zip(fragments, fragments[1:])), where
            assert " ".join(text[s:e] for s, e in fragments) == covered, where
            spans[tid] = (typ, fragments[0][0], fragments[-1][1])
            new_id = tid
        elif m := R.fullmatch(line):
            new_id, typ, a, b = m.groups()
            assert typ in declared["relations"] and a in spans and b in spans, where
        elif m := EQUIV.fullmatch(line):
            assert m.group(1) in declared["relations"], where
            assert all(t in spans for t in m.group(2).split()), where
            new_id = None
        elif m := NOTE.fullmatch(line):
            new_id, target, note = m.groups()
            assert target in spans and isinstance(json.loads(note), dict), where
        else:
            raise AssertionError(f"not a brat annotation: {where}")
        if new_id:
            assert new_id not in ids, where
            ids.add(new_id)
    want = sorted([(e["label"], m["start"], m["end"]) for e in rec["entities"] for m in e["mentions"]]
                  + [("ROLE", r["start"], r["end"]) for r in rec["roles"]]
                  + [(f["kind"], f["start"], f["end"]) for f in rec["facts"]])
    assert sorted(spans.values()) == want, (name, sorted(spans.values()), want)
assert seen == set(records), set(records) - seen
print(f"strict standoff parser read {len(seen)} documents")
