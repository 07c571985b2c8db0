"""factx.spark in a real local Spark session: the records are the CLI's."""

from __future__ import annotations

import json
import shutil

import pytest

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (scripts/test installs it in .cache/py-venv)")
if shutil.which("java") is None:
    pytest.skip("no Java on this machine: Spark needs one (17)", allow_module_level=True)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("factx-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_extract_gives_the_clis_records_each_once(spark, gold_docs, cli, tmp_path):
    import pandas as pd

    import factx.spark

    docs = [{"id": d["id"], "text": d["text"], "date": d.get("date"), "section": "news" if n % 3 else None} for n, d in enumerate(gold_docs)]
    path = tmp_path / "docs.jsonl"
    path.write_text(
        "".join(json.dumps({k: v for k, v in d.items() if v is not None}, ensure_ascii=False) + "\n" for d in docs),
        encoding="utf-8",
    )
    expected = cli(path)
    df = spark.createDataFrame(pd.DataFrame(docs)).repartition(3)
    rows = factx.spark.extract(df, batch_size=8).collect()
    assert sorted(r["record"] for r in rows) == sorted(expected)
    assert len({r["id"] for r in rows}) == len(rows) == len(expected)
    assert {r["id"]: json.loads(r["record"])["id"] for r in rows} == {r["id"]: r["id"] for r in rows}
