"""Table rows as factx documents, for ``factx.ray`` and ``factx.spark``: the text, id and date
columns, the others under ``meta``, as the fields of a JSONL line are; and the records back as
the ``id`` and ``record`` (the CLI's JSON line) columns both engines return."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any


def document(
    row: dict[str, Any],
    text_column: str,
    id_column: str,
    date_column: str,
    meta: Sequence[str],
    present: Callable[[Any], bool] = lambda value: value is not None,
    plain: Callable[[Any], Any] = lambda value: value,
) -> dict[str, Any]:
    """The item ``Extractor.pipe`` reads for one row. A column whose value is not ``present``
    is left out, as a JSONL line without the field has no key (engines fill a field some rows
    lack with null); ``plain`` turns a meta value into one json can write."""
    item: dict[str, Any] = {}
    if present(row.get(id_column)):
        item["id"] = row[id_column]
    item["text"] = row.get(text_column)
    if present(row.get(date_column)):
        item["date"] = row[date_column]
    item.update((k, plain(row[k])) for k in meta if present(row.get(k)))
    return item


def records(lines: Iterable[str]) -> dict[str, list[str]]:
    """The ``id`` and ``record`` columns of the records ``Extractor.pipe(..., as_json=True)``
    gave."""
    lines = list(lines)
    return {"id": [json.loads(line)["id"] for line in lines], "record": lines}
