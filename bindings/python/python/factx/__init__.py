"""factx: people, organisations, places, roles and numeric facts from news text.

``Extractor().extract(text)`` and ``Extractor().pipe(items)`` give the records ``factx extract``
writes (docs/FORMAT.md), as dicts: ``json.dumps(record, ensure_ascii=False,
separators=(",", ":"))`` is the CLI's line. ``factx.ray`` and ``factx.spark`` run it on a
cluster.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

__all__ = ["Extractor", "Records", "DEFAULT_MODEL", "ORT_VERSION", "sources"]


def _onnxruntime_library() -> str:
    """The shared library of the ``onnxruntime`` wheel this package depends on, found without
    importing that package (which would load its own Python bindings)."""
    spec = importlib.util.find_spec("onnxruntime")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("factx needs the onnxruntime package: pip install onnxruntime")
    capi = Path(list(spec.submodule_search_locations)[0]) / "capi"
    found = sorted(capi.glob("libonnxruntime.so.*")) + sorted(capi.glob("libonnxruntime*.dylib"))
    if not found:
        raise ImportError(f"no ONNX Runtime shared library in {capi}")
    return str(found[0])


# factx's Rust side loads ONNX Runtime from ORT_DYLIB_PATH (the CLI's variable; one set by
# the user wins).
os.environ.setdefault("ORT_DYLIB_PATH", _onnxruntime_library())

from . import _native  # noqa: E402  (after ORT_DYLIB_PATH)

ORT_VERSION: str = _native.ORT_VERSION
#: The model shipped in the wheel (the CLI's default model, its ONNX weights).
DEFAULT_MODEL = Path(__file__).parent / "models" / "factx-ner-minilm-l6"
sources = _native.sources
#: A record as `factx extract` writes it (docs/FORMAT.md), as a dict.
Record = dict[str, Any]
#: What `Extractor.pipe` and `Extractor.extract_files` return: records in input order.
Records = _native.Records


class Extractor(_native.Extractor):
    """The factx pipeline with its model loaded; ``threads`` defaults to all cores."""

    def __new__(cls, model: str | os.PathLike[str] | None = None, threads: int | None = None):
        return super().__new__(cls, os.fspath(model if model is not None else DEFAULT_MODEL), threads)
