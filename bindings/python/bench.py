"""Words/s of `Extractor.pipe` against the CLI on the same documents and threads, and of
`python -m factx.ray` on a cluster (docs/SCALE.md).

    python bindings/python/bench.py CORPUS_DIR [--threads 2] [--ray-address ADDR]

CORPUS_DIR is read as the CLI reads it; the documents go to the CLI (and to Ray) as 16 JSONL
shards and to `pipe` as the same dicts. Words are the CLI's count (`--stats`).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import factx

REPO = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--cli", default=str(REPO / "target" / "release" / "factx"))
    parser.add_argument("--ray-address", help="also time `python -m factx.ray` on this cluster")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each, best kept")
    args = parser.parse_args()

    extractor = factx.Extractor(threads=args.threads)
    # A folder of .txt files (the BBC corpus), as the CLI reads it: ids from `factx.sources`,
    # the text with its end trimmed.
    docs = [
        {"id": id, "text": Path(path).read_text(encoding="utf-8").rstrip()}
        for path, id in factx.sources([args.corpus])
    ]
    with tempfile.TemporaryDirectory() as tmp:
        # In 16 JSONL shards of consecutive documents: Ray's unit of work is a file.
        shards = []
        for k in range(16):
            shard = Path(tmp) / f"shard-{k:02d}.jsonl"
            part = docs[k * len(docs) // 16 : (k + 1) * len(docs) // 16]
            shard.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in part), encoding="utf-8")
            shards.append(str(shard))
        cli_s, pipe_s, cli_cpu, pipe_cpu, words = [], [], [], [], 0
        # Alternated, the best of each kept: the machine is shared. CPU seconds too, which
        # other work on the machine disturbs less than wall time.
        for _ in range(args.rounds):
            started, cpu = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
            done = subprocess.run(
                [args.cli, "extract", "--quiet", "--stats", "--threads", str(args.threads), *shards],
                capture_output=True, text=True, check=True,
            )
            cli_s.append(time.monotonic() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cli_cpu.append(after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime)
            words = json.loads(done.stderr.strip().splitlines()[-1])["words"]
            cli_lines = done.stdout.splitlines()
            started, cpu = time.monotonic(), time.process_time()
            records = list(extractor.pipe(docs))
            pipe_s.append(time.monotonic() - started)
            pipe_cpu.append(time.process_time() - cpu)
        assert [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records] == cli_lines
        report = {
            "documents": len(docs),
            "words": words,
            "threads": args.threads,
            "cli_s": [round(s, 2) for s in cli_s],
            "pipe_s": [round(s, 2) for s in pipe_s],
            "cli_words_per_s": round(words / min(cli_s)),
            "pipe_words_per_s": round(words / min(pipe_s)),
            "pipe_vs_cli": round(min(cli_s) / min(pipe_s), 3),
            "cli_cpu_s": [round(s, 2) for s in cli_cpu],
            "pipe_cpu_s": [round(s, 2) for s in pipe_cpu],
        }
        if args.ray_address:
            ray_s = []
            for _ in range(args.rounds):
                out = Path(tmp) / f"ray-{len(ray_s)}"
                started = time.monotonic()
                subprocess.run(
                    [sys.executable, "-m", "factx.ray", *shards, "-o", str(out), "--address", args.ray_address, "--files-per-task", "1"],
                    check=True, capture_output=True,
                )
                ray_s.append(time.monotonic() - started)
                lines = [l for p in sorted(out.glob("part-*.jsonl")) for l in p.read_text(encoding="utf-8").splitlines()]
                assert lines == cli_lines
            report.update(ray_s=[round(s, 2) for s in ray_s], ray_words_per_s=round(words / min(ray_s)), ray_vs_cli=round(min(cli_s) / min(ray_s), 3))
        print(json.dumps(report))


if __name__ == "__main__":
    main()
