"""factx on Ray Data: ``extract(ds)`` annotates a Dataset's rows, and ``python -m factx.ray
INPUT... -o OUT_DIR`` runs ``factx extract`` over files on a Ray cluster.

Both go through ``map_batches`` with a callable class: each actor loads the model once, and
factx's threads are the CPUs the actor is given (``threads``). A record comes back as the CLI's
JSON line (the ``record`` column, beside ``id``): records hold free-form ``meta`` and lists of
varying shape, which a JSON string keeps byte for byte where an Arrow struct would need one
schema for all of them. ``json.loads(row["record"])`` is the dict ``Extractor.extract`` gives.

Ray retries the work of an actor that dies (a node lost): ``map_batches`` restarts actors and
retries their tasks by default, and the output holds every record once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from typing import TextIO

import ray

from . import Extractor, _rows, sources


class _Annotator:
    """What every actor holds: one Extractor, its model loaded once."""

    def __init__(self, model: str | None, threads: int):
        self.extractor = Extractor(model, threads=threads)


class _Rows(_Annotator):
    """A Dataset's rows as documents: text, id and date columns, the others under ``meta`` (as
    the fields of a JSONL line are)."""

    def __init__(self, model, threads, text_column, id_column, date_column, meta_columns):
        super().__init__(model, threads)
        self.columns = (text_column, id_column, date_column)
        self.meta_columns = meta_columns

    def __call__(self, batch) -> dict[str, list]:
        # In the dataset's column order, as a JSONL line's fields keep theirs.
        meta = self.meta_columns
        if meta is None:
            meta = [c for c in batch.column_names if c not in self.columns]
        items = [_rows.document(row, *self.columns, meta) for row in batch.to_pylist()]
        return _rows.records(self.extractor.pipe(items, as_json=True))


def extract(
    ds: ray.data.Dataset,
    text_column: str = "text",
    id_column: str = "id",
    date_column: str = "date",
    meta_columns: Sequence[str] | None = None,
    model: str | None = None,
    threads: int = 1,
    concurrency: int | tuple[int, int] | None = None,
    batch_size: int = 64,
) -> ray.data.Dataset:
    """The records of ``ds``'s rows: a Dataset of ``id`` and ``record`` (the CLI's JSON line).

    ``meta_columns``: the columns carried under ``meta`` (default: all but text, id and date).
    ``threads``: the CPUs each actor gets, and factx's threads in it. ``concurrency``: actors
    (default: as many as the cluster's CPUs hold)."""
    if text_column not in ds.columns():
        raise ValueError(f"the dataset has no column {text_column!r} (columns: {ds.columns()})")
    return ds.map_batches(
        _Rows,
        fn_constructor_args=(model, threads, text_column, id_column, date_column, meta_columns),
        batch_format="pyarrow",
        batch_size=batch_size,
        num_cpus=threads,
        concurrency=concurrency or _actors(threads),
    )


class _Files(_Annotator):
    """Input files read by the Rust reader of ``factx extract`` itself, so the documents, their
    ids and the error records of unreadable lines are the CLI's. Every node must see the files
    at the same paths (a shared file system)."""

    def __call__(self, batch) -> Iterator[dict[str, list]]:
        files = batch.to_pylist()
        out: dict[str, list] = {"file": [], "n": [], "id": [], "record": []}
        for file in files:
            for n, line in enumerate(self.extractor.extract_files([(file["path"], file["id"])], as_json=True)):
                out["file"].append(file["file"])
                out["n"].append(n)
                out["id"].append(json.loads(line)["id"])
                out["record"].append(line)
                # Output in pieces: one JSONL file may hold a million documents.
                if len(out["record"]) >= 1000:
                    yield out
                    out = {"file": [], "n": [], "id": [], "record": []}
        if out["record"]:
            yield out


def extract_files(
    inputs: Sequence[str],
    model: str | None = None,
    threads: int = 1,
    concurrency: int | tuple[int, int] | None = None,
    files_per_task: int | None = None,
) -> ray.data.Dataset:
    """The records of ``factx extract INPUT...``, in the CLI's order: a Dataset of ``file``
    (the input file's place in the CLI's order), ``n`` (the record's place in its file), ``id``
    and ``record``. A task reads ``files_per_task`` files whole (default: up to 16, fewer when
    there are not four tasks for each actor): split a large JSONL file for it to spread over
    the cluster."""
    files = [
        {"file": i, "path": os.path.abspath(path), "id": id}
        for i, (path, id) in enumerate(sources(list(inputs)))
    ]
    if not files:
        raise ValueError(f"no inputs found: no .txt or .jsonl files in {', '.join(inputs)}")
    actors = concurrency or _actors(threads)
    if files_per_task is None:
        most = actors if isinstance(actors, int) else actors[-1]
        files_per_task = max(1, min(16, len(files) // (4 * most)))
    return ray.data.from_items(files, override_num_blocks=-(-len(files) // files_per_task)).map_batches(
        _Files,
        fn_constructor_args=(model, threads),
        batch_format="pyarrow",
        batch_size=files_per_task,
        num_cpus=threads,
        concurrency=actors,
    )


def _actors(threads: int) -> int:
    return max(1, int(ray.cluster_resources().get("CPU", 1) // threads))


def write(ds: ray.data.Dataset, out_dir: str, records_per_file: int = 100_000) -> int:
    """Writes ``ds``'s records in its order as OUT_DIR/part-00000.jsonl, part-00001.jsonl, ...
    (``records_per_file`` each): concatenated, the CLI's output byte for byte. The records
    stream to this process, which writes them as they come; returns how many."""
    os.makedirs(out_dir, exist_ok=True)
    written = 0
    out: TextIO | None = None
    try:
        for batch in ds.iter_batches(batch_format="pyarrow", batch_size=None):
            for line in batch.column("record").to_pylist():
                if out is None or written % records_per_file == 0:
                    if out is not None:
                        out.close()
                    part = os.path.join(out_dir, f"part-{written // records_per_file:05d}.jsonl")
                    out = open(part, "w", encoding="utf-8")
                out.write(line + "\n")
                written += 1
    finally:
        if out is not None:
            out.close()
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m factx.ray",
        description="factx extract on a Ray cluster: INPUT... as the CLI reads them (JSONL files, "
        ".txt files, directories), records as JSONL under OUT_DIR, in the CLI's order.",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT")
    parser.add_argument("-o", "--output", required=True, metavar="OUT_DIR")
    parser.add_argument("--address", help="the Ray cluster (default: RAY_ADDRESS, else a local Ray)")
    parser.add_argument("--model", help="model directory (default: the model in the wheel)")
    parser.add_argument("--threads", type=int, default=1, help="CPUs per actor, factx's threads in it")
    parser.add_argument("--actors", type=int, help="actors (default: the cluster's CPUs / --threads)")
    parser.add_argument("--files-per-task", type=int, help="input files a task reads (default: up to 16)")
    parser.add_argument("--records-per-file", type=int, default=100_000)
    args = parser.parse_args(argv)
    started = time.monotonic()
    ray.init(address=args.address, log_to_driver=False)
    # The CLI's order: the parts concatenated are its output.
    ray.data.DataContext.get_current().execution_options.preserve_order = True
    ds = extract_files(args.inputs, args.model, args.threads, args.actors, args.files_per_task)
    written = write(ds, args.output, args.records_per_file)
    print(
        f"factx.ray: {written} records in {args.output} in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    # Through the module's own name, so that Ray's workers import the actor classes from the
    # installed package rather than receive copies of `__main__`'s.
    from factx.ray import main as _main

    sys.exit(_main())
