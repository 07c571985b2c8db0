"""What an HTML page holds, as JSON, for tests that cannot run a browser's script engine:
element counts by `tag.class`, the `id`s, in-page links and those whose target is missing
("dangling"), links to other files ("hrefs"), text of elements with a `data-name` (the summary's
totals), whether every element is closed in order; elements inside a document's `.text` are also
counted as `text>tag.class`. The roles' arcs (`.arc`: their `data-*` attributes) and the units
they join (`.unit`: offsets and the words shown) are listed, each with the `data-id` of the
document it is in.
With `--browser BIN FRAGMENT...` also what headless Chromium makes of it: the DOM it parsed
(counted the same way) and, per fragment (`summary`, `d0`), a screenshot's size and the share
of its pixels' bytes that are neither white nor black ("ink": 0 for a blank page).

usage: html_check.py PAGE.html [--browser BIN OUTDIR FRAGMENT...]
"""
import json
import os
import struct
import subprocess
import sys
import zlib
from collections import Counter
from html.parser import HTMLParser

VOID = {"meta", "br", "img", "hr", "input", "link", "wbr"}


class Outline(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.counts, self.ids, self.stack, self.errors = Counter(), [], [], []
        self.totals, self.capture, self.links, self.hrefs = {}, None, [], set()
        self.arcs, self.units, self.in_words = [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        # Elements inside a document's text are counted apart too, as `text>mark.ent`.
        inside = "text" in self.stack_classes()
        for cls in classes or [""]:
            key = f"{tag}.{cls}" if cls else tag
            self.counts[key] += 1
            if inside:
                self.counts[f"text>{key}"] += 1
        if "id" in attrs:
            self.ids.append(attrs["id"])
        href = attrs.get("href") or ""
        if href.startswith("#"):
            self.links.append(href[1:])
        elif href:
            self.hrefs.add(href)
        document = next((d for _, _, d in reversed(self.stack) if d is not None), None)
        data = {k[5:]: v for k, v in attrs.items() if k.startswith("data-")}
        if "arc" in classes:
            self.arcs.append({**data, "doc": document, "classes": classes})
        if "unit" in classes:
            self.units.append({**data, "doc": document, "far": "far" in classes, "words": ""})
        if tag == "text" and "words" in classes:
            self.in_words = True
        if "data-name" in attrs:
            self.capture = attrs["data-name"]
        if tag not in VOID:
            self.stack.append((tag, classes, attrs.get("data-id")))

    def stack_classes(self):
        return {cls for _, classes, _ in self.stack for cls in classes}

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        if tag == "text":
            self.in_words = False

    def handle_data(self, data):
        if self.in_words:
            self.units[-1]["words"] += data
        if self.capture and data.strip():
            number = data.strip().replace(",", "")
            self.totals[self.capture] = float(number) if "." in number else int(number)
            self.capture = None


def outline(html):
    parser = Outline()
    parser.feed(html)
    parser.close()
    ids = set(parser.ids)
    return {"counts": parser.counts, "ids": parser.ids, "totals": parser.totals,
            "links": len(parser.links), "dangling": sorted({l for l in parser.links if l not in ids}),
            "hrefs": sorted(parser.hrefs), "arcs": parser.arcs, "units": parser.units,
            "unclosed": parser.stack, "errors": parser.errors}


def ink(png):
    """Share of decoded image bytes neither 0 nor 255 (filter bytes included: near enough)."""
    pos, data = 8, b""
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        if kind == b"IDAT":
            data += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(data)
    return sum(1 for b in raw if b not in (0, 255)) / max(len(raw), 1)


page = sys.argv[1]
with open(page, encoding="utf-8") as f:
    result = {"page": outline(f.read())}
if len(sys.argv) > 2 and sys.argv[2] == "--browser":
    browser, outdir, fragments = sys.argv[3], sys.argv[4], sys.argv[5:]
    flags = [browser, "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,900"]
    url = "file://" + os.path.abspath(page)
    dom = subprocess.run(flags + ["--dump-dom", url], capture_output=True, text=True, timeout=120)
    result["dom"] = outline(dom.stdout)
    result["screens"] = {}
    for fragment in fragments:
        shot = os.path.join(outdir, f"{fragment}.png")
        subprocess.run(flags + [f"--screenshot={shot}", f"{url}#{fragment}"],
                       capture_output=True, timeout=120)
        with open(shot, "rb") as f:
            png = f.read()
        result["screens"][fragment] = {"bytes": len(png), "ink": ink(png)}
print(json.dumps(result))
