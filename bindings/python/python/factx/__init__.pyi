import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, final, overload

__all__ = ["Extractor", "Records", "DEFAULT_MODEL", "ORT_VERSION", "sources"]

ORT_VERSION: str
DEFAULT_MODEL: Path

Record = dict[str, Any]
"""A record as `factx extract` writes it (docs/FORMAT.md): id, date, text, meta, entities,
roles, facts, errors; every start/end a code-point offset into text."""

def sources(inputs: list[str]) -> list[tuple[Path, str | None]]:
    """The files `factx extract INPUT...` reads, in its order: (path, id) for a text file,
    (path, None) for a JSONL file."""

@final
class Records(Iterator[Any]):
    """Records in input order; the pipeline works ahead without the GIL."""
    def __iter__(self) -> Records: ...
    def __next__(self) -> Any: ...
    def close(self) -> None:
        """Stop: the documents not yet read are not annotated."""

class Extractor:
    def __new__(cls, model: str | os.PathLike[str] | None = None, threads: int | None = None) -> Extractor: ...
    @property
    def model(self) -> Path: ...
    @property
    def threads(self) -> int: ...
    @overload
    def extract(
        self,
        text: str,
        id: str | None = None,
        date: str | None = None,
        meta: Mapping[str, Any] | None = None,
        as_json: Literal[False] = False,
    ) -> Record: ...
    @overload
    def extract(
        self,
        text: str,
        id: str | None = None,
        date: str | None = None,
        meta: Mapping[str, Any] | None = None,
        *,
        as_json: Literal[True],
    ) -> str: ...
    def pipe(
        self, items: Iterable[str | Mapping[str, Any]], batch_size: int = 256, as_json: bool = False
    ) -> Records:
        """Records of `items` in order: a str is a text, a dict is read as a JSONL line (id,
        text, date, the rest under meta); any other item, or a dict without text, becomes an
        error record. Items without an id get "<python>:N", N counting from 1. batch_size:
        items read ahead of the records. as_json: each record as the CLI's JSON line."""
    def extract_files(self, sources: list[tuple[Path | str, str | None]], as_json: bool = False) -> Records:
        """Records of files read as `factx extract` reads them (see `sources`)."""
