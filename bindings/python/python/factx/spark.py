"""factx on Spark: ``extract(df)`` annotates a DataFrame's rows through ``mapInPandas``.

Each Python worker loads the model once (kept for the worker's life, as Spark reuses its
Python workers) and runs factx with ``threads`` threads. The result has the columns ``id``
and ``record``: the record as the CLI's JSON line (see ``factx.ray`` for why a JSON string).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd
from pyspark.sql import DataFrame

from . import Extractor, _rows

SCHEMA = "id string, record string"

# One Extractor per Python worker process and settings: loading the model takes a second.
_extractors: dict[tuple[str | None, int], Extractor] = {}


def _extractor(model: str | None, threads: int) -> Extractor:
    key = (model, threads)
    if key not in _extractors:
        _extractors[key] = Extractor(model, threads=threads)
    return _extractors[key]


def extract(
    df: DataFrame,
    text_column: str = "text",
    id_column: str = "id",
    date_column: str = "date",
    meta_columns: Sequence[str] | None = None,
    model: str | None = None,
    threads: int = 1,
    batch_size: int = 64,
) -> DataFrame:
    """The records of ``df``'s rows, one a row: a DataFrame of ``id`` and ``record`` (the CLI's
    JSON line). Text, id and date come from their columns, ``meta_columns`` (default: all the
    others) go under ``meta``, as the fields of a JSONL line do."""
    if text_column not in df.columns:
        raise ValueError(f"the DataFrame has no column {text_column!r} (columns: {df.columns})")
    known = {text_column, id_column, date_column}
    meta = list(meta_columns) if meta_columns is not None else [c for c in df.columns if c not in known]

    def annotate(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        extractor = _extractor(model, threads)
        for frame in frames:
            items = [
                _rows.document(row, text_column, id_column, date_column, meta, _present, _plain)
                for row in frame.to_dict("records")
            ]
            yield pd.DataFrame(_rows.records(extractor.pipe(items, batch_size=batch_size, as_json=True)))

    return df.mapInPandas(annotate, SCHEMA)


def _present(value: Any) -> bool:
    """Not null: pandas gives a missing value as None or NaN."""
    return value is not None and not (isinstance(value, float) and value != value)


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value json can write."""
    return value.item() if hasattr(value, "item") and not isinstance(value, (list, dict, str)) else value
