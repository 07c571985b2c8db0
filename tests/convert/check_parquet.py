"""The Parquet file factx wrote, read by pyarrow (every row against its record) and queried by
DuckDB. Usage: check_parquet.py RECORDS PARQUET"""
import json
import math
import sys

import duckdb
import pyarrow.parquet as pq

records_path, parquet_path = sys.argv[1:3]
with open(records_path, encoding="utf-8") as f:
    records = [json.loads(line) for line in f if line.strip()]
rows = pq.read_table(parquet_path).to_pylist()
assert len(rows) == len(records), (len(rows), len(records))
for row, rec in zip(rows, records):
    where = rec["id"]
    for field in ("id", "date", "text"):
        assert row[field] == rec[field], (where, field)
    assert json.loads(row["meta"]) == rec["meta"], where
    for entity in row["entities"]:
        for m in entity["mentions"]:
            m["score"] = round(m["score"], 4)  # float32 in the file
    assert row["entities"] == rec["entities"], (where, row["entities"])
    want = [dict({"former": False, "rule": None}, **r) for r in rec["roles"]]
    assert row["roles"] == want, (where, row["roles"], want)
    for got, fact in zip(row["facts"], rec["facts"]):
        value = fact["value"]
        fact = dict({"vague": False, "rule": None, "entity_rule": None, "reading": None}, **fact)
        fact["value"], fact["value_date"] = (None, value) if isinstance(value, str) else (value, None)
        if fact["from"] is not None:
            fact["from"] = float(fact["from"])
        if fact["value"] is not None:
            assert math.isclose(got["value"], fact["value"]), where
            fact["value"] = got["value"]
        assert got == fact, (where, got, fact)
    assert len(row["facts"]) == len(rec["facts"]), where
    want = [dict({"file": None, "line": None}, **e) for e in rec["errors"]]
    assert row["errors"] == want, where

con = duckdb.connect()
ids = [r[0] for r in con.execute("SELECT id FROM read_parquet(?)", [parquet_path]).fetchall()]
assert ids == [r["id"] for r in records], ids
mentions = con.execute(
    "SELECT count(*) FROM (SELECT unnest(e.mentions) FROM "
    "(SELECT unnest(entities) AS e FROM read_parquet(?)))", [parquet_path]).fetchone()[0]
assert mentions == sum(len(e["mentions"]) for r in records for e in r["entities"]), mentions
dates = con.execute(
    "SELECT f.value_date FROM (SELECT unnest(facts) AS f FROM read_parquet(?)) "
    "WHERE f.kind = 'date' AND f.value_date IS NOT NULL", [parquet_path]).fetchall()
assert [d[0] for d in dates] == [f["value"] for r in records for f in r["facts"]
                                 if f["kind"] == "date" and f["value"] is not None], dates
print(f"pyarrow and DuckDB {duckdb.__version__} read {len(rows)} rows")
