"""What the binding's tests share: the CLI they compare with, and documents to run."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
# scripts/test builds it (cargo test --release); FACTX_CLI names another.
CLI = Path(os.environ.get("FACTX_CLI", REPO / "target" / "release" / "factx"))
BBC = REPO.parent / "shared" / "data" / "bbc-news"


def compact(record: dict) -> str:
    """A record dict as the CLI writes it."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


@pytest.fixture(scope="session")
def cli():
    """Runs `factx extract ARGS...` and gives its output's lines."""
    if not CLI.is_file():
        pytest.skip(f"no factx CLI at {CLI} to compare with: scripts/test builds it")

    def run(*args: str) -> list[str]:
        done = subprocess.run(
            [str(CLI), "extract", "--quiet", *map(str, args)],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.splitlines()

    return run


@pytest.fixture(scope="session")
def gold_docs() -> list[dict]:
    """The 40 hand-labelled fixture documents as JSONL input lines (id, date, text), with a
    meta field on every other one."""
    docs = []
    with open(REPO / "tests" / "fixtures" / "gold.jsonl", encoding="utf-8") as f:
        for n, line in enumerate(f):
            record = json.loads(line)
            doc = {"id": record["id"], "text": record["text"]}
            if record.get("date"):
                doc["date"] = record["date"]
            if n % 2:
                doc["source"] = {"name": "fixture", "n": n}
            docs.append(doc)
    return docs


@pytest.fixture(scope="session")
def extractor():
    import factx

    return factx.Extractor(threads=2)
