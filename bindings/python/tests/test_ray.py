"""factx.ray on a real Ray cluster of two one-CPU nodes, started here as separate processes:
the records are the CLI's, each once, and stay so when the worker node is killed mid-job."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import BBC, compact

ray = pytest.importorskip("ray", reason="ray is not installed (scripts/test installs it in .cache/py-venv)")
RAY = str(Path(sys.executable).parent / "ray")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def processes_with(marker: str) -> list[int]:
    """The pids whose command line holds `marker` (this cluster's own session folder)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


class Cluster:
    def __init__(self):
        # Short: Ray's socket paths must fit in 107 bytes.
        self.temp = tempfile.mkdtemp(prefix="fxray-", dir="/tmp")
        # A lost node is noticed in about 2 s instead of the default 15.
        self.env = {
            **os.environ,
            "RAY_health_check_period_ms": "500",
            "RAY_health_check_failure_threshold": "4",
            "RAY_USAGE_STATS_ENABLED": "0",
        }
        port = free_port()
        self.address = f"127.0.0.1:{port}"
        common = ["--num-cpus", "1", "--disable-usage-stats"]
        self.ray("start", "--head", "--port", str(port), "--temp-dir", self.temp, "--include-dashboard", "false", *common)
        self.worker_port = free_port()
        self.ray("start", "--address", self.address, "--node-manager-port", str(self.worker_port), *common)

    def ray(self, *args: str) -> None:
        subprocess.run([RAY, *args], env=self.env, check=True, capture_output=True, timeout=120)

    def nodes_alive(self) -> int:
        script = f"import ray; ray.init(address={self.address!r}, log_to_driver=False); print(sum(n['Alive'] for n in ray.nodes()))"
        out = subprocess.run([sys.executable, "-c", script], env=self.env, capture_output=True, text=True, timeout=120)
        return int(out.stdout.strip().splitlines()[-1])

    def kill_worker_node(self) -> None:
        """As if its machine died: the worker node's raylet and every process under it."""
        raylets = processes_with(f"--node_manager_port={self.worker_port}")
        assert raylets, "the worker node's raylet is not running"
        doomed = set(raylets)
        for pid in raylets:
            doomed |= descendants(pid)
        for pid in doomed:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def stop(self) -> None:
        for pid in processes_with(self.temp):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.temp, ignore_errors=True)


def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


@pytest.fixture
def cluster():
    cluster = Cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def shards(tmp_path_factory, gold_docs) -> list[Path]:
    """A corpus in 4 JSONL shards: BBC business (490 documents, ids the file names), or where
    ../shared is absent (a fresh clone) the fixture documents 5 times over."""
    if (BBC / "business").is_dir():
        docs = [
            {"id": f"business/{p.name}", "text": p.read_text(encoding="utf-8").strip()}
            for p in sorted((BBC / "business").glob("*.txt"))
        ]
    else:
        docs = [{**d, "id": f"{d['id']}#{k}"} for k in range(5) for d in gold_docs]
    folder = tmp_path_factory.mktemp("shards")
    paths = []
    for k in range(4):
        path = folder / f"shard-{k}.jsonl"
        path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs[k::4]), encoding="utf-8")
        paths.append(path)
    return paths


def job(cluster: Cluster, shards: list[Path], out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "factx.ray", *map(str, shards), "-o", str(out), "--address", cluster.address],
        env=cluster.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def output(out: Path) -> list[str]:
    return [line for part in sorted(out.glob("part-*.jsonl")) for line in part.read_text(encoding="utf-8").splitlines()]


def check_once_each(lines: list[str], expected: list[str]) -> None:
    ids = [json.loads(line)["id"] for line in lines]
    assert len(ids) == len(set(ids)), "a record came out twice"
    assert sorted(lines) == sorted(expected)
    # Beyond the same set: the CLI's order, so the parts concatenated are its output.
    assert lines == expected


def test_a_job_on_two_nodes_writes_the_clis_records_once_each(cluster, shards, cli, tmp_path):
    expected = cli(*shards)
    assert cluster.nodes_alive() == 2
    run = job(cluster, shards, tmp_path / "out")
    log, _ = run.communicate(timeout=900)
    assert run.returncode == 0, log
    check_once_each(output(tmp_path / "out"), expected)


def test_the_job_completes_when_the_worker_node_dies_mid_job(cluster, shards, cli, tmp_path):
    expected = cli(*shards)
    out = tmp_path / "out"
    run = job(cluster, shards, out)
    deadline = time.monotonic() + 300
    # Mid-job: some records written, most not.
    while len(output(out)) < 20:
        assert run.poll() is None, run.communicate()[0]
        assert time.monotonic() < deadline, "no record came out"
        time.sleep(0.2)
    assert len(output(out)) < len(expected) // 2, "the job was nearly done before the kill"
    cluster.kill_worker_node()
    log, _ = run.communicate(timeout=900)
    assert run.returncode == 0, log
    assert cluster.nodes_alive() == 1
    check_once_each(output(out), expected)


def test_extract_maps_a_datasets_rows_to_the_clis_records(cluster, gold_docs, cli, tmp_path):
    import factx.ray

    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in gold_docs), encoding="utf-8")
    expected = cli(path)
    ray.init(address=cluster.address, log_to_driver=False)
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True
        rows = factx.ray.extract(ray.data.from_items(gold_docs), batch_size=8).take_all()
    finally:
        ray.shutdown()
    assert [r["record"] for r in rows] == expected
    assert [r["id"] for r in rows] == [d["id"] for d in gold_docs]
    assert compact(json.loads(rows[1]["record"])) == expected[1]
