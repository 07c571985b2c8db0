"""check_bbc.py FILE...: validates BBC documents marked up for training (scripts/train/bbc-ner).

An out file is named like the source with '/' replaced by '__' (entertainment__foo.txt) and holds
the source text with every mention written as [[LABEL|surface]], LABEL one of PER ORG LOC MISC.
Checks: markup well formed, labels valid, and the text with markup removed equals the source
text exactly (every character, quotes and line breaks included)."""
import re, sys, difflib, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import BBC_NEWS as SRC, MARK
ok = True
for path in sys.argv[1:]:
    name = os.path.basename(path).replace('__', '/')
    src = open(os.path.join(SRC, name), encoding='utf-8').read()
    marked = open(path, encoding='utf-8').read()
    plain = MARK.sub(lambda m: m.group(2), marked)
    problems = []
    leftovers = [m.group(0) for m in re.finditer(r'\[\[|\]\]', plain)]
    if leftovers:
        problems.append(f'malformed markup left after stripping: {len(leftovers)} "[[" or "]]" (use [[LABEL|surface]])')
    for m in MARK.finditer(marked):
        s = m.group(2)
        if s != s.strip():
            problems.append(f'surface has leading/trailing space: {m.group(0)!r}')
    if plain.rstrip() != src.rstrip():
        a, b = src.rstrip().splitlines(), plain.rstrip().splitlines()
        diff = list(difflib.unified_diff(a, b, 'source', 'yours', lineterm='', n=0))[:20]
        problems.append('text differs from the source:\n' + '\n'.join(diff))
    n = len(MARK.findall(marked))
    if problems:
        ok = False
        print(f'FAIL {path} ({n} mentions)'); [print('  ' + p) for p in problems]
    else:
        print(f'OK   {path} ({n} mentions)')
sys.exit(0 if ok else 1)
