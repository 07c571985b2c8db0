"""The `factx` package: records equal to the CLI's, offsets, order and ids, error records, the
GIL, fork."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

import factx
from conftest import compact

ASTRAL = "🙂🎉 Theresa May met Angela Merkel in Berlin on Monday. 𝒜 😀 Ms May said 3,000 jobs would go at Tesco."


def test_records_are_the_clis_on_the_fixture_documents(cli, gold_docs, extractor, tmp_path):
    path = tmp_path / "docs.jsonl"
    lines = [json.dumps(d, ensure_ascii=False) for d in gold_docs]
    # The reader's error records too: malformed JSON, no text, a date that is no date.
    lines[3:3] = ['{"id": "broken", "text": ', '{"id": "no-text"}', '{"id": "d", "text": "Ms May left.", "date": "24/05/2017"}']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = cli(path)
    assert len(expected) == len(gold_docs) + 3
    # Files read by the CLI's reader, in the process.
    assert list(extractor.extract_files(factx.sources([str(path)]), as_json=True)) == expected
    # Dict items, as a JSONL reader gives them: the same records but for where an error says
    # the document was (the CLI names the file and line, the binding <python> and the item).
    items = [json.loads(line) for line in lines if line.endswith("}")]
    got = list(extractor.pipe(items, as_json=True))
    wanted = [json.loads(line) for n, line in enumerate(expected) if n != 3]
    for record in wanted:
        for e in record["errors"]:
            e["file"] = "<python>"
    for n, record in enumerate(wanted, 1):
        for e in record["errors"]:
            e["line"] = n
    assert [json.loads(line) for line in got] == wanted
    # Dicts dump to the CLI's bytes.
    dicts = list(extractor.pipe(gold_docs))
    assert [compact(r) for r in dicts] == [line for line in expected if json.loads(line)["id"] in {d["id"] for d in gold_docs}]
    assert any(r["roles"] for r in dicts) and any(r["facts"] for r in dicts)
    one = gold_docs[1]
    meta = {k: v for k, v in one.items() if k not in ("id", "text", "date")}
    assert compact(extractor.extract(one["text"], id=one["id"], date=one.get("date"), meta=meta)) == expected[1]


def test_offsets_are_python_string_offsets_past_the_astral_plane(extractor):
    record = extractor.extract(ASTRAL, id="astral")
    mentions = [m for e in record["entities"] for m in e["mentions"]]
    assert {m["text"] for m in mentions} >= {"Theresa May", "Angela Merkel", "Berlin"}
    for span in mentions + record["roles"] + record["facts"]:
        assert ASTRAL[span["start"] : span["end"]] == span["text"]
    assert any(f["text"].startswith("3,000") for f in record["facts"])


def test_pipe_keeps_order_and_ids_and_turns_bad_items_into_error_records(extractor):
    items = [
        "Angela Merkel spoke in Berlin.",
        {"id": "b", "text": "Theresa May spoke in London.", "date": "2017-05-24"},
        {"id": "no-text", "title": "x"},
        42,
        {"id": 7, "text": "Barack Obama visited Paris."},
        {"id": "set", "text": "x", "tags": {1, 2}},
        {"id": "empty", "text": " "},
        {"text": "Tesco cut 3,000 jobs."},
        "a lone surrogate \ud800",
        {"id": "surrogate", "text": "\udc00"},
    ]
    records = list(extractor.pipe(iter(items), batch_size=2))
    assert [r["id"] for r in records] == ["<python>:1", "b", "no-text", "<python>:4", "7", "set", "empty", "<python>:8", "<python>:9", "surrogate"]
    errors = {r["id"]: r["errors"] for r in records}
    assert errors["no-text"] == [{"stage": "input", "message": 'no "text" field', "file": "<python>", "line": 3}]
    assert errors["<python>:4"][0]["message"] == "item is a int, not a str or a dict"
    assert "not JSON serializable" in errors["set"][0]["message"]
    assert errors["empty"][0]["message"] == "text is empty"
    assert errors["<python>:9"][0]["message"].startswith("item is no valid text: ")
    assert "surrogate" in errors["surrogate"][0]["message"]
    assert not errors["b"] and records[1]["date"] == "2017-05-24"
    assert records[0]["entities"] and records[4]["entities"]
    assert list(extractor.pipe([])) == []


def test_a_pipe_holds_the_extractor_until_read_or_closed(extractor, gold_docs):
    # Over 256 KiB (the pipeline's chunk): the first record comes while the rest still runs.
    records = extractor.pipe([d["text"] for d in gold_docs] * 6)
    next(records)
    with pytest.raises(RuntimeError, match="unfinished pipe"):
        extractor.extract("Ms May left.")
    records.close()
    with pytest.raises(StopIteration):
        next(records)
    # Free again once the documents in flight are done.
    deadline = time.monotonic() + 30
    while True:
        try:
            assert extractor.extract("Ms May left.")["text"] == "Ms May left."
            break
        except RuntimeError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    for _ in extractor.pipe([d["text"] for d in gold_docs] * 6):
        break  # a pipe dropped half read frees it too
    deadline = time.monotonic() + 30
    while True:
        try:
            extractor.extract("x")
            break
        except RuntimeError:
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_the_gil_is_released_while_factx_works(extractor, gold_docs):
    text = "\n\n".join(d["text"] for d in gold_docs[:12])
    started = time.monotonic()
    extractor.extract(text)
    alone = time.monotonic() - started
    ticks, done = [], threading.Event()

    def work():
        extractor.extract(text)
        done.set()

    thread = threading.Thread(target=work)
    thread.start()
    while not done.is_set():
        ticks.append(time.monotonic())
        time.sleep(0.001)
    thread.join()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    # Held, the GIL would stop this thread for the whole extraction (seconds).
    assert alone > 0.5 and max(gaps) < alone / 4, (alone, max(gaps))


def test_a_forked_child_extracts_with_an_engine_of_its_own(extractor):
    before = extractor.extract(ASTRAL, id="fork")
    # A pipe of the parent's still holds it at the fork: the child must not wait for it.
    running = extractor.pipe(["Theresa May spoke."] * 20)
    next(running)
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            status = 0 if extractor.extract(ASTRAL, id="fork") == before else 2
            try:
                next(running)
                status = 3
            except RuntimeError:
                pass
        finally:
            os._exit(status)
    deadline = time.monotonic() + 120
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the forked child hung")
        time.sleep(0.1)
    assert os.waitstatus_to_exitcode(status) == 0
    assert sum(1 for _ in running) == 19


def test_the_wheel_carries_the_model_and_uses_onnxruntimes_library():
    import onnxruntime

    assert factx.ORT_VERSION == onnxruntime.__version__
    assert Path(os.environ["ORT_DYLIB_PATH"]).parent == Path(onnxruntime.__file__).parent / "capi"
    assert (factx.DEFAULT_MODEL / "model.onnx").is_file()
    assert Path(factx.__file__).parent in factx.DEFAULT_MODEL.parents
    assert factx.Extractor(threads=1).model == factx.DEFAULT_MODEL
