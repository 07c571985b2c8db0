"""mark_bbc.py SOURCE SPEC.tsv OUT_FILE: writes the source document with mentions marked [[LABEL|surface]].

SOURCE: path relative to ../shared/data/bbc-news beside the checkout (e.g. tech/foo.txt).
SPEC.tsv: one mention string a line: surface<TAB>LABEL[<TAB>skip=N,M]. Every whole-word
occurrence of surface (not letter/digit right before or after) is marked, longer surfaces first;
an occurrence inside an already marked longer mention is not counted. skip= lists occurrence
numbers (1-based, in text order, among that surface's countable occurrences) to leave unmarked,
e.g. the month "May" when "May" is also a person. Prints each surface's occurrences with
context, so you can check them, then writes OUT_FILE."""
import re, sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import BBC_NEWS as SRC
src_rel, spec_path, out = sys.argv[1:4]
text = open(os.path.join(SRC, src_rel), encoding='utf-8').read()
specs = []
for n, line in enumerate(open(spec_path, encoding='utf-8'), 1):
    line = line.rstrip('\n')
    if not line.strip() or line.startswith('#'):
        continue
    cols = line.split('\t')
    if len(cols) < 2 or cols[1] not in ('PER', 'ORG', 'LOC', 'MISC'):
        sys.exit(f'{spec_path}:{n}: want surface<TAB>PER|ORG|LOC|MISC[<TAB>skip=..], got {line!r}')
    skip = set()
    if len(cols) > 2 and cols[2].startswith('skip='):
        skip = {int(x) for x in cols[2][5:].split(',') if x}
    specs.append((cols[0], cols[1], skip))
claimed = []  # (start, end, label)
for surface, label, skip in sorted(specs, key=lambda s: -len(s[0])):
    k = 0
    for m in re.finditer(re.escape(surface), text):
        a, b = m.start(), m.end()
        if (a > 0 and text[a - 1].isalnum()) or (b < len(text) and text[b].isalnum()):
            continue
        if any(a < e and s < b for s, e, _ in claimed):
            continue
        k += 1
        ctx = text[max(0, a - 40):b + 40].replace('\n', ' ')
        mark = 'skip' if k in skip else label
        print(f'{surface!r} #{k} -> {mark}: ...{ctx}...')
        if k not in skip:
            claimed.append((a, b, label))
    if k == 0:
        print(f'WARNING: {surface!r} not found as a whole word')
claimed.sort()
parts, pos = [], 0
for s, e, label in claimed:
    parts.append(text[pos:s]); parts.append(f'[[{label}|{text[s:e]}]]'); pos = e
parts.append(text[pos:])
with open(out, 'w', encoding='utf-8') as f:
    f.write(''.join(parts))
print(f'wrote {out}: {len(claimed)} mentions')
